import { useState, type FormEvent } from 'react';
import { Alert, Anchor, Button, Center, Paper, PasswordInput, Select, Stack, Text, TextInput, Title } from '@mantine/core';
import { useTranslation } from 'react-i18next';
import { knownUsers, signInOnline, unlockOffline, type Problem, type UnlockedSession } from '../security/account';
import { dismissWipedNotice, wipedNotice } from '../security/wipe';
import { isValidHqUrl, normaliseHqUrl, useSession } from '../state/session';

export interface Unlocked {
  session: UnlockedSession;
  /** The password just typed, for one background sign-in with HQ after an offline unlock (then dropped). */
  password: string;
  /** True when HQ was asked (online sign-in) — tokens are in `session.tokens`. */
  online: boolean;
}

/**
 * Before anything opens. First use on this laptop: sign in online with the account HQ created
 * (the data key is made and wrapped under the same password). Later: unlock offline with the
 * password of a user who signed in here before.
 */
export function UnlockScreen({ onUnlocked, toolbar, notice }: { onUnlocked: (u: Unlocked) => void; toolbar: React.ReactNode; notice?: string | null }) {
  const { t, i18n } = useTranslation();
  const [users] = useState(() => knownUsers());
  const [mode, setMode] = useState<'unlock' | 'signIn'>(users.length > 0 ? 'unlock' : 'signIn');
  const [userId, setUserId] = useState<string | null>(users[0]?.userId ?? null);
  const [hqUrl, setHqUrl] = useState(() => useSession.getState().hqUrl);
  const [username, setUsername] = useState('');
  const [password, setPassword] = useState('');
  // Asked for when HQ accepts a password this laptop's key is not wrapped under (changed on another laptop).
  const [previousPassword, setPreviousPassword] = useState<string | null>(null);
  const [problem, setProblem] = useState<Problem | null>(null);
  const [working, setWorking] = useState(false);
  const [wiped] = useState(() => wipedNotice());

  async function submit(e: FormEvent<HTMLFormElement>) {
    e.preventDefault();
    setWorking(true);
    setProblem(null);
    try {
      if (mode === 'signIn') {
        if (!isValidHqUrl(hqUrl)) {
          setProblem({ code: 'HQ_URL', messageAr: t('settings.hqUrlInvalid', { lng: 'ar' }), messageEn: t('settings.hqUrlInvalid', { lng: 'en' }) });
          return;
        }
        const url = normaliseHqUrl(hqUrl);
        const result = await signInOnline({ hqUrl: url, username, password, ...(previousPassword ? { previousPassword } : {}) });
        if (!result.ok) {
          if (result.code === 'LOCAL_PASSWORD_DIFFERS' && previousPassword === null) setPreviousPassword('');
          setProblem(result);
          return;
        }
        const session = useSession.getState();
        session.setSettings({ hqUrl: url, branchId: result.session.user.branchIds[0] ?? session.branchId });
        dismissWipedNotice();
        onUnlocked({ session: result.session, password, online: true });
        return;
      }
      if (!userId) return;
      const result = await unlockOffline(userId, password);
      if (!result.ok) {
        setProblem(result);
        return;
      }
      onUnlocked({ session: result.session, password, online: false });
    } catch (err) {
      console.error('sign-in failed', err);
      setProblem({ code: 'BRIDGE', messageAr: t('platform.bridgeFailed', { lng: 'ar' }), messageEn: t('platform.bridgeFailed', { lng: 'en' }) });
    } finally {
      setWorking(false);
    }
  }

  const signIn = mode === 'signIn';
  return (
    <Center mih="100vh" p="lg">
      <Paper withBorder radius="lg" p="xl" w="100%" maw={480} shadow="sm">
        <form onSubmit={(e) => void submit(e)} noValidate data-testid={signIn ? 'sign-in-form' : 'unlock-form'}>
          <Stack gap="md">
            <Stack gap={4}>
              <Text c="teal.8" fw={700} size="xl">
                {t('app.name')}
              </Text>
              <Title order={2}>{t(signIn ? 'unlock.signInTitle' : 'unlock.unlockTitle')}</Title>
              <Text c="dimmed">{t(signIn ? 'unlock.signInBody' : 'unlock.offlineBody')}</Text>
            </Stack>
            {wiped && (
              <Alert color="orange" variant="light" title={t('unlock.wipedTitle')} role="alert" data-testid="wiped-notice">
                {t('unlock.wipedBody')}
              </Alert>
            )}
            {notice && !problem && (
              <Alert color="blue" variant="light" role="status" data-testid="lock-notice">
                {notice}
              </Alert>
            )}
            {problem && (
              <Alert color="red" variant="light" title={t('unlock.failedTitle')} role="alert" data-testid="unlock-problem" data-code={problem.code}>
                {i18n.language === 'ar' ? problem.messageAr : problem.messageEn}
              </Alert>
            )}
            {signIn ? (
              <>
                <TextInput name="hqUrl" dir="ltr" label={t('unlock.hqUrl')} value={hqUrl} onChange={(e) => setHqUrl(e.currentTarget.value)} required />
                <TextInput
                  name="username"
                  dir="ltr"
                  label={t('unlock.username')}
                  value={username}
                  onChange={(e) => setUsername(e.currentTarget.value)}
                  autoComplete="username"
                  autoFocus
                  required
                />
              </>
            ) : (
              <Select
                name="user"
                label={t('unlock.user')}
                data={users.map((u) => ({ value: u.userId, label: `${u.displayName} (${u.username})` }))}
                value={userId}
                onChange={setUserId}
                allowDeselect={false}
                data-testid="unlock-user"
              />
            )}
            <PasswordInput
              name="password"
              label={t('unlock.password')}
              value={password}
              onChange={(e) => setPassword(e.currentTarget.value)}
              autoComplete="current-password"
              autoFocus={!signIn}
              required
            />
            {signIn && previousPassword !== null && (
              <PasswordInput
                name="previousPassword"
                label={t('account.previousPassword')}
                description={t('account.previousPasswordHint')}
                value={previousPassword}
                onChange={(e) => setPreviousPassword(e.currentTarget.value)}
                autoComplete="off"
                required
              />
            )}
            <Button type="submit" loading={working} data-testid="unlock-submit" fullWidth>
              {t(signIn ? 'unlock.signInSubmit' : 'unlock.unlockSubmit')}
            </Button>
            {users.length > 0 && (
              <Anchor
                component="button"
                type="button"
                onClick={() => {
                  setProblem(null);
                  setMode(signIn ? 'unlock' : 'signIn');
                }}
                data-testid="unlock-switch-mode"
              >
                {t(signIn ? 'unlock.backToUnlock' : 'unlock.otherUser')}
              </Anchor>
            )}
            {toolbar}
          </Stack>
        </form>
      </Paper>
    </Center>
  );
}
