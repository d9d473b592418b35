import { useEffect, useMemo, useState } from 'react';
import { Alert, Button, Center, Code, Loader, Stack, Text } from '@mantine/core';
import { useTranslation } from 'react-i18next';
import { App } from './App';
import { ServicesContext, type Services } from './services';
import { openDatabase } from './data/database';
import type { Platform } from './platform';
import type { SyncController } from './data/sync';

type Boot = { state: 'opening' } | { state: 'ready'; services: Services } | { state: 'failed'; error: string };

/** Opens the local database, then shows the app (or a way out if the database cannot open). */
export function Root({ platform, sync }: { platform: Platform; sync: SyncController }) {
  const { t } = useTranslation();
  const [boot, setBoot] = useState<Boot>({ state: 'opening' });

  useEffect(() => {
    let cancelled = false;
    openDatabase().then(
      (db) => {
        if (cancelled) return;
        sync.attach(db);
        setBoot({ state: 'ready', services: { platform, db, retrySync: () => sync.restart() } });
      },
      (err: unknown) => {
        console.error('opening the local database failed', err);
        if (!cancelled) setBoot({ state: 'failed', error: err instanceof Error ? `${err.name}: ${err.message}` : String(err) });
      },
    );
    return () => {
      cancelled = true;
    };
  }, [platform, sync]);

  const services = boot.state === 'ready' ? boot.services : null;
  const content = useMemo(
    () =>
      services ? (
        <ServicesContext.Provider value={services}>
          <App />
        </ServicesContext.Provider>
      ) : null,
    [services],
  );

  if (boot.state === 'opening') {
    return (
      <Center h="100vh">
        <Stack align="center" gap="sm" role="status">
          <Loader color="teal" />
          <Text>{t('app.loading')}</Text>
        </Stack>
      </Center>
    );
  }
  if (boot.state === 'failed') {
    return (
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
  }
  return content;
}
