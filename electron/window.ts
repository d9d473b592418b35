/**
 * The one window factory. Every BrowserWindow the app opens comes from here, so the security
 * settings live in one place:
 * - 'main': the app page at app://sila with the preload bridge;
 * - 'print': a hidden window that shows one local PDF in Chromium's PDF viewer for printing
 *   (see print.ts) — no preload, its own in-memory session, no navigation at all.
 */
import { app, BrowserWindow } from 'electron';
import type { BrowserWindowConstructorOptions, WebPreferences } from 'electron';
import { hardenWebContents } from './security';

export const PRINT_PARTITION = 'sila-print'; // no "persist:" prefix: in-memory, nothing kept on disk

export type WindowSpec = { kind: 'main'; preloadPath: string } | { kind: 'print' };

/** Settings shared by every window: isolation, sandbox, no Node, no webview, web security. */
export function baseWebPreferences(): WebPreferences {
  return {
    contextIsolation: true,
    sandbox: true,
    nodeIntegration: false,
    nodeIntegrationInWorker: false,
    nodeIntegrationInSubFrames: false,
    webviewTag: false,
    webSecurity: true,
    allowRunningInsecureContent: false,
    experimentalFeatures: false,
    navigateOnDragDrop: false,
    safeDialogs: true,
    spellcheck: false,
    plugins: false,
    // Developer tools only when run from the source tree.
    devTools: !app.isPackaged,
  };
}

export function webPreferencesFor(spec: WindowSpec): WebPreferences {
  if (spec.kind === 'main') {
    return { ...baseWebPreferences(), preload: spec.preloadPath };
  }
  return {
    ...baseWebPreferences(),
    // Chromium's PDF viewer is a plugin; it is enabled in this window only.
    plugins: true,
    partition: PRINT_PARTITION,
    devTools: false,
  };
}

export function windowOptionsFor(spec: WindowSpec): BrowserWindowConstructorOptions {
  const webPreferences = webPreferencesFor(spec);
  if (spec.kind === 'main') {
    return {
      width: 1280,
      height: 820,
      minWidth: 960,
      minHeight: 640,
      show: false,
      title: 'صلة',
      backgroundColor: '#ffffff',
      webPreferences,
    };
  }
  return { width: 820, height: 1100, show: false, title: 'صلة — طباعة', webPreferences };
}

export function createWindow(spec: WindowSpec): BrowserWindow {
  const window = new BrowserWindow(windowOptionsFor(spec));
  hardenWebContents(window.webContents, { allowAppNavigation: spec.kind === 'main' });
  if (spec.kind === 'main') {
    window.once('ready-to-show', () => window.show());
  }
  return window;
}

/** Brings a window to the front (used when a second instance is started). */
export function focusWindow(window: BrowserWindow | null): void {
  if (window === null || window.isDestroyed()) return;
  if (window.isMinimized()) window.restore();
  if (!window.isVisible()) window.show();
  window.focus();
}
