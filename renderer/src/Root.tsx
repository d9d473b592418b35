import { useEffect, useState } from 'react';
import { Alert, Button, Center, Code, Group, Loader, Stack, Text } from '@mantine/core';
import { useTranslation } from 'react-i18next';
import { App } from './App';
import { ServicesContext, type Services } from './services';
import { openDatabase } from './data/database';
import type { Platform } from './platform';
import type { SyncController } from './data/sync';
import type { UnlockedKey } from './security/deviceKey';
import { UnlockScreen } from './screens/UnlockScreen';
import { LocaleSync, LocaleToggle } from './components/Locale';

type Boot =
  | { state: 'locked' }
  | { state: 'opening'; key: UnlockedKey }
  | { state: 'ready'; services: Services }
  | { state: 'failed'; error: string };

/** Unlock, open the local database, then show the app (or a way out if it cannot open). */
export function Root({ platform, sync }: { platform: Platform; sync: SyncController }) {
  const { t } = useTranslation();
  const [boot, setBoot] = useState<Boot>({ state: 'locked' });
  const key = boot.state === 'opening' ? boot.key : null;

  // OS lock screen or suspend: drop every key and decrypted record from memory by reloading.
  useEffect(() => platform.onLock(() => window.location.reload()), [platform]);

  useEffect(() => {
    if (!key) return;
    let cancelled = false;
    openDatabase(key.encryptionPassword).then(
      (db) => {
        if (cancelled) return;
        sync.attach(db);
        setBoot({ state: 'ready', services: { platform, db, dataKey: key.dek, retrySync: () => sync.restart() } });
      },
      (err: unknown) => {
        console.error('opening the local database failed', err);
        if (!cancelled) setBoot({ state: 'failed', error: err instanceof Error ? `${err.name}: ${err.message}` : String(err) });
      },
    );
    return () => {
      cancelled = true;
    };
  }, [key, platform, sync]);

  let content: React.ReactNode;
  switch (boot.state) {
    case 'locked':
      content = (
        <UnlockScreen
          onUnlocked={(k) => setBoot({ state: 'opening', key: k })}
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
