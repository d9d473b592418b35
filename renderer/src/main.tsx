import '@mantine/core/styles.css';
import '@mantine/notifications/styles.css';
import './styles/fonts.css';
import './styles/app.css';

import { StrictMode } from 'react';
import { createRoot } from 'react-dom/client';
import { I18nextProvider } from 'react-i18next';
import { DirectionProvider, MantineProvider } from '@mantine/core';
import { ModalsProvider } from '@mantine/modals';
import { Notifications } from '@mantine/notifications';
import { z } from 'zod';
import { applyDocumentLocale, createI18n, directionOf } from './i18n';
import { detectPlatform } from './platform';
import { useSession } from './state/session';
import { createSyncController } from './data/sync';
import { cssVariablesResolver, theme } from './theme';
import { Root } from './Root';

// zod would probe `new Function` for speed; the CSP forbids eval, so don't even try.
z.config({ jitless: true });

const platform = detectPlatform();
const sync = createSyncController();

// Settings changed in another window of this profile (HQ URL, language, last sync time).
window.addEventListener('storage', (e) => {
  if (e.key === 'sila.session') void useSession.persist.rehydrate();
});

// First run on the desktop: start from the HQ the installation was configured for.
if (platform.kind === 'electron' && localStorage.getItem('sila.session') === null) {
  platform.appInfo().then(
    (info) => {
      const first = info.hqOrigins[0];
      if (first) useSession.getState().setSettings({ hqUrl: first, branchId: useSession.getState().branchId });
    },
    (err: unknown) => console.error('appInfo failed', err),
  );
}

const locale = useSession.getState().locale;
applyDocumentLocale(locale);
const i18n = await createI18n(locale);

const container = document.getElementById('root');
if (!container) throw new Error('index.html has no #root');

createRoot(container).render(
  <StrictMode>
    <I18nextProvider i18n={i18n}>
      <DirectionProvider initialDirection={directionOf(locale)} detectDirection={false}>
        <MantineProvider theme={theme} cssVariablesResolver={cssVariablesResolver}>
          <ModalsProvider>
            <Notifications position="top-center" />
            <Root platform={platform} sync={sync} />
          </ModalsProvider>
        </MantineProvider>
      </DirectionProvider>
    </I18nextProvider>
  </StrictMode>,
);
