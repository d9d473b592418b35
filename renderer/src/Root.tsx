import { useEffect, useRef, useState } from 'react';
import { Alert, Button, Center, Code, Group, Loader, Stack, Text } from '@mantine/core';
import { useTranslation } from 'react-i18next';
import { App } from './App';
import { ServicesContext, type Services } from './services';
import { openDatabase, type SilaDatabase } from './data/database';
import type { Platform } from './platform';
import type { SyncController } from './data/sync';
import { UnlockScreen, type Unlocked } from './screens/UnlockScreen';
import { LocaleSync, LocaleToggle } from './components/Locale';
import { changePasswordOnline, databaseNameOf, hqTokensOf, openRefreshToken, rememberProfile, saveRefreshToken, type UnlockedSession } from './security/account';
import { createTokenHolder, type TokenHolder } from './security/tokens';
import { createLookupKeeper, type LookupKeeper } from './security/lookupKey';
import type { AccountServices } from './services';
import { wipeLocalData } from './security/wipe';
import { lockNow, takeLockNotice, watchIdle } from './security/idleLock';
import { useActorStore, type Actor } from './state/actor';
import { useSession } from './state/session';
import { recordAudit } from './data/audit';
import { createSealedSearchCache, startBeneficiarySearch, stopBeneficiarySearch } from './data/search';

type Boot =
  | { state: 'locked' }
  | { state: 'opening'; unlocked: Unlocked }
  | { state: 'ready'; services: Services }
  | { state: 'failed'; error: string };

function actorOf(unlocked: Unlocked): Actor {
  const { user } = unlocked.session;
  const preferred = useSession.getState().branchId;
  const branchId = user.branchIds.includes(preferred) ? preferred : (user.branchIds[0] ?? preferred);
  return { userId: user.userId, displayName: user.displayName, role: user.role, branchIds: [...user.branchIds], branchId, signedIn: true };
}

/** The signed-in user's own account actions (the header's user menu). */
function accountServices(session: UnlockedSession, tokens: TokenHolder, lookup: LookupKeeper, db: SilaDatabase, actor: () => Actor): AccountServices {
  const { user } = session;
  return {
    user: { userId: user.userId, username: user.username, displayName: user.displayName },
    async changePassword(input) {
      const result = await changePasswordOnline(
        { userId: user.userId, hqUrl: useSession.getState().hqUrl, accessToken: await tokens.getAccessToken(), ...input },
        { deviceId: session.deviceId },
      );
      if (result.ok) {
        tokens.set(hqTokensOf(result.answer));
        await saveRefreshToken(user.userId, session.dek, result.answer.refreshToken);
        await lookup.adopt(result.answer.lookupKey);
        await recordAudit(db, actor(), { action: 'password_change', collectionName: '', docId: '', summary: 'password changed at HQ and re-wrapped on this laptop' }, { deviceId: session.deviceId }).catch(
          (err: unknown) => console.error('audit of the password change failed', err),
        );
      }
      return result;
    },
    lock: () => lockNow('user'),
  };
}

/**
 * Sign in (first use, online) or unlock (offline), open this user's local database, start the
 * search index and the sync with the user's token, then show the app. Idle time and the OS
 * lock screen lock the app again (reload: nothing personal stays in memory).
 */
export function Root({ platform, sync }: { platform: Platform; sync: SyncController }) {
  const { t } = useTranslation();
  const [boot, setBoot] = useState<Boot>({ state: 'locked' });
  const [lockNotice] = useState(() => takeLockNotice());
  const unlocked = boot.state === 'opening' ? boot.unlocked : null;
  const tokensRef = useRef<TokenHolder | null>(null);
  const dbRef = useRef<SilaDatabase | null>(null);
  const ready = boot.state === 'ready';

  // OS lock screen or suspend: drop every key and decrypted record from memory by reloading.
  useEffect(() => platform.onLock(() => lockNow('os')), [platform]);

  // Idle lock, only while something is unlocked.
  useEffect(() => (ready ? watchIdle(() => lockNow('idle')) : undefined), [ready]);

  useEffect(() => {
    if (!unlocked) return;
    let cancelled = false;
    const { session, password, online } = unlocked;
    const actor = actorOf(unlocked);
    useActorStore.getState().setActor(actor);
    const currentActor = () => useActorStore.getState().actor ?? actor;
    // The association's lookup key (or this user's own until HQ hands one out); re-keys the
    // local ID/phone hashes when it changes.
    const lookup = createLookupKeeper(session, currentActor);

    const wipe = (reason: string) => {
      console.warn('HQ revoked this device; wiping local data', reason);
      stopBeneficiarySearch();
      void wipeLocalData({ closeDatabases: async () => void (await dbRef.current?.close()) }).finally(() => window.location.reload());
    };
    const tokens = createTokenHolder(() => useSession.getState().hqUrl, {
      onAnswer: (a) => {
        void saveRefreshToken(a.user.id, session.dek, a.refreshToken);
        void lookup.adopt(a.lookupKey);
        rememberProfile(a.user.id, { role: a.user.role, branchIds: a.user.branchIds, displayName: a.user.displayName });
        const current = useActorStore.getState().actor;
        if (current && current.userId === a.user.id) {
          const branchId = a.user.branchIds.includes(current.branchId) ? current.branchId : (a.user.branchIds[0] ?? current.branchId);
          useActorStore.getState().setActor({ ...current, role: a.user.role, branchIds: a.user.branchIds, displayName: a.user.displayName, branchId });
        }
      },
      onProblem: (p) => {
        if (p.code === 'DEVICE_REVOKED') wipe(p.messageAr);
      },
    });
    tokens.set(session.tokens);
    tokensRef.current = tokens;
    if (session.tokens) void saveRefreshToken(session.user.userId, session.dek, session.tokens.refreshToken);

    // After an offline unlock: sign in again with the password just typed when HQ answers;
    // otherwise keep the sealed refresh token for when HQ comes back (the sync asks for a token
    // before every request and refreshes then).
    const signedInAgain = online
      ? Promise.resolve()
      : tokens.signInInBackground(session.user.hqUrl, session.user.username, password, { deviceId: session.deviceId }).then(async (answer) => {
          if (answer) return;
          const refreshToken = await openRefreshToken(session.user, session.dek);
          if (refreshToken) tokens.set({ accessToken: '', accessTokenExpiresAt: new Date(0).toISOString(), refreshToken, refreshTokenExpiresAt: '' });
        });

    const dbName = databaseNameOf(session.user.userId);
    openDatabase(session.dek, dbName).then(
      (db) => {
        if (cancelled) return;
        dbRef.current = db;
        void lookup.attach(db);
        void startBeneficiarySearch(db, { cache: createSealedSearchCache(session.dek, dbName) }).catch((err: unknown) => console.error('search index failed', err));
        void recordAudit(db, actor, { action: 'unlock', collectionName: '', docId: '', summary: online ? 'signed in online' : 'unlocked offline' }, { deviceId: session.deviceId }).catch((err: unknown) =>
          console.error('audit of unlock failed', err),
        );
        // Start syncing once the background sign-in settled (with a token when HQ answered).
        void signedInAgain.finally(() => {
          if (cancelled) return;
          sync.attach(db, { getAccessToken: () => tokens.getAccessToken(), role: actor.role, onWipe: wipe });
        });
        setBoot({ state: 'ready', services: { platform, db, dataKey: session.dek, retrySync: () => sync.restart(), account: accountServices(session, tokens, lookup, db, currentActor) } });
      },
      (err: unknown) => {
        console.error('opening the local database failed', err);
        if (!cancelled) setBoot({ state: 'failed', error: err instanceof Error ? `${err.name}: ${err.message}` : String(err) });
      },
    );
    return () => {
      cancelled = true;
    };
  }, [unlocked, platform, sync]);

  let content: React.ReactNode;
  switch (boot.state) {
    case 'locked':
      content = (
        <UnlockScreen
          onUnlocked={(u) => setBoot({ state: 'opening', unlocked: u })}
          notice={lockNotice ? t('unlock.idleLocked') : null}
          toolbar={
            <Group justify="center">
              <LocaleToggle />
            </Group>
          }
        />
      );
      break;
    case 'opening':
      content = (
        <Center h="100vh">
          <Stack align="center" gap="sm" role="status">
            <Loader color="teal" />
            <Text>{t('app.loading')}</Text>
          </Stack>
        </Center>
      );
      break;
    case 'failed':
      content = (
        <Center h="100vh" p="lg">
          <Alert color="red" title={t('app.openFailedTitle')} maw={640} role="alert">
            <Stack gap="sm">
              <Text>{t('app.openFailedBody')}</Text>
              <Code block dir="ltr">
                {boot.error}
              </Code>
              <Button color="red" variant="light" onClick={() => window.location.reload()}>
                {t('app.reload')}
              </Button>
            </Stack>
          </Alert>
        </Center>
      );
      break;
    case 'ready':
      content = (
        <ServicesContext.Provider value={boot.services}>
          <App />
        </ServicesContext.Provider>
      );
      break;
  }
  return (
    <>
      <LocaleSync />
      {content}
    </>
  );
}
