/**
 * Start-up of the main process. Order matters: the `app` scheme must be registered and the
 * single-instance lock taken before `ready`; the protocol handler, IPC handlers, menu and
 * window come after it.
 */
import { app, dialog, Menu, session } from 'electron';
import type { BrowserWindow, Session } from 'electron';
import { join } from 'node:path';
import { resolveHqOrigins } from './config';
import { registerIpcHandlers } from './handlers';
import { buildMenuTemplate } from './menu';
import { APP_ENTRY_URL } from './origin';
import { forwardLockEvents } from './power';
import { removeStalePrintFolders } from './print';
import { buildContentSecurityPolicy, registerAppScheme, serveApp } from './protocol';
import { applyPermissionPolicy, hardenWebContents, isLocalNetworkOrigin } from './security';
import type { PermissionPolicy } from './security';
import { createWindow, focusWindow } from './window';

export const APP_USER_MODEL_ID = 'sa.org.sila';

export interface StartedApp {
  /** False when another instance already runs (this one quits). */
  primary: boolean;
  /** Resolves once the main window has been created (primary instance only). */
  ready: Promise<void>;
  mainWindow: () => BrowserWindow | null;
}

export function startSila(): StartedApp {
  registerAppScheme();
  // Every renderer sandboxed, whatever a window asks for.
  app.enableSandbox();

  if (!app.requestSingleInstanceLock()) {
    app.quit();
    return { primary: false, ready: Promise.resolve(), mainWindow: () => null };
  }

  app.setAppUserModelId(APP_USER_MODEL_ID);

  const hqOrigins = resolveHqOrigins({ env: process.env, userDataDir: app.getPath('userData') });
  const policy: PermissionPolicy = { allowLocalNetwork: hqOrigins.some(isLocalNetworkOrigin) };
  let mainWindow: BrowserWindow | null = null;

  app.on('second-instance', () => focusWindow(mainWindow));
  app.on('web-contents-created', (_event, contents) => hardenWebContents(contents));
  app.on('session-created', (created: Session) => applyPermissionPolicy(created, policy));

  const openMainWindow = async () => {
    const window = createWindow({
      kind: 'main',
      preloadPath: join(app.getAppPath(), 'dist-electron', 'preload.cjs'),
    });
    mainWindow = window;
    window.on('closed', () => {
      if (mainWindow === window) mainWindow = null;
    });
    await window.loadURL(APP_ENTRY_URL);
  };

  app.on('window-all-closed', () => {
    if (process.platform !== 'darwin') app.quit();
  });
  app.on('activate', () => {
    if (mainWindow === null && app.isReady()) {
      openMainWindow().catch((error: unknown) =>
        console.error('Sila: could not open the window', error),
      );
    }
  });

  const ready = app.whenReady().then(async () => {
    applyPermissionPolicy(session.defaultSession, policy);
    serveApp({
      root: join(app.getAppPath(), 'dist', 'renderer'),
      contentSecurityPolicy: buildContentSecurityPolicy(hqOrigins),
    });
    registerIpcHandlers({ hqOrigins });
    Menu.setApplicationMenu(
      Menu.buildFromTemplate(
        buildMenuTemplate({ isMac: process.platform === 'darwin', isPackaged: app.isPackaged }),
      ),
    );
    forwardLockEvents(() => (mainWindow === null ? [] : [mainWindow.webContents]));
    removeStalePrintFolders().catch((error: unknown) =>
      console.warn('Sila: could not clean print folders', error),
    );
    await openMainWindow();
  });

  ready.catch((error: unknown) => {
    console.error('Sila: start-up failed', error);
    dialog.showErrorBox(
      'تعذّر تشغيل صلة',
      'حدث خطأ أثناء تشغيل التطبيق. أغلقه ثم افتحه من جديد، وإن تكرر ذلك فأعد تثبيته أو تواصل مع مسؤول النظام.',
    );
    app.quit();
  });

  return { primary: true, ready, mainWindow: () => mainWindow };
}
