import { useState, type FormEvent } from 'react';
import { Alert, Button, Center, Paper, PasswordInput, Stack, Text, Title } from '@mantine/core';
import { useTranslation } from 'react-i18next';
import { createDeviceKey, hasDeviceKey, unlockDeviceKey, type Problem, type UnlockedKey } from '../security/deviceKey';

/** Before anything opens: create the device password (first run) or unlock with it. */
export function UnlockScreen({ onUnlocked, toolbar }: { onUnlocked: (key: UnlockedKey) => void; toolbar: React.ReactNode }) {
  const { t, i18n } = useTranslation();
  const [firstRun] = useState(() => !hasDeviceKey());
  const [password, setPassword] = useState('');
  const [confirmation, setConfirmation] = useState('');
  const [problem, setProblem] = useState<Problem | null>(null);
  const [working, setWorking] = useState(false);

  async function submit(e: FormEvent<HTMLFormElement>) {
    e.preventDefault();
    setWorking(true);
    setProblem(null);
    try {
      const result = firstRun ? await createDeviceKey(password, confirmation) : await unlockDeviceKey(password);
      if (result.ok) {
        onUnlocked(result.key);
        return;
      }
      setProblem(result);
    } catch (err) {
      console.error('unlock failed', err);
      setProblem({ messageAr: t('platform.bridgeFailed', { lng: 'ar' }), messageEn: t('platform.bridgeFailed', { lng: 'en' }) });
    } finally {
      setWorking(false);
    }
  }

  return (
    <Center mih="100vh" p="lg">
      <Paper withBorder radius="lg" p="xl" w="100%" maw={480} shadow="sm">
        <form onSubmit={(e) => void submit(e)} noValidate data-testid={firstRun ? 'create-password-form' : 'unlock-form'}>
          <Stack gap="md">
            <Stack gap={4}>
              <Text c="teal.8" fw={700} size="xl">
                {t('app.name')}
              </Text>
              <Title order={2}>{t(firstRun ? 'unlock.createTitle' : 'unlock.unlockTitle')}</Title>
              <Text c="dimmed">{t(firstRun ? 'unlock.createBody' : 'unlock.unlockBody')}</Text>
            </Stack>
            {problem && (
              <Alert color="red" variant="light" title={t('unlock.failedTitle')} role="alert" data-testid="unlock-problem">
                {i18n.language === 'ar' ? problem.messageAr : problem.messageEn}
              </Alert>
            )}
            <PasswordInput
              name="password"
              label={t('unlock.password')}
              value={password}
              onChange={(e) => setPassword(e.currentTarget.value)}
              autoComplete={firstRun ? 'new-password' : 'current-password'}
              autoFocus
              required
            />
            {firstRun && (
              <PasswordInput
                name="confirmation"
                label={t('unlock.confirm')}
                value={confirmation}
                onChange={(e) => setConfirmation(e.currentTarget.value)}
                autoComplete="new-password"
                required
              />
            )}
            <Button type="submit" loading={working} data-testid="unlock-submit" fullWidth>
              {t(firstRun ? 'unlock.createSubmit' : 'unlock.unlockSubmit')}
            </Button>
            {toolbar}
          </Stack>
        </form>
      </Paper>
    </Center>
  );
}
