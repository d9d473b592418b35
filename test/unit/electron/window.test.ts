import { beforeEach, describe, expect, it, vi } from 'vitest';
import type { FakeBrowserWindow } from './electron-double';

vi.mock('electron', () => import('./electron-double'));

const { FakeWebContents, app, shell } = await import('./electron-double');
const { createWindow, focusWindow, PRINT_PARTITION } = await import('../../../electron/window');
const { hardenWebContents } = await import('../../../electron/security');

type Fake = FakeBrowserWindow;
const asFake = (w: unknown) => w as Fake;
const prefsOf = (w: Fake) => w.options.webPreferences as Record<string, unknown>;

beforeEach(() => {
  shell.openExternal.mockClear();
  app.isPackaged = false;
});

describe('window factory: main window', () => {
  it('uses the hardened webPreferences and the preload', () => {
    const w = asFake(
      createWindow({ kind: 'main', preloadPath: '/opt/sila/dist-electron/preload.cjs' }),
    );
    expect(prefsOf(w)).toEqual({
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
      devTools: true,
      preload: '/opt/sila/dist-electron/preload.cjs',
    });
    expect(w.options.show).toBe(false);
  });

  it('has no developer tools in an installed build', () => {
    app.isPackaged = true;
    const w = asFake(createWindow({ kind: 'main', preloadPath: '/p.cjs' }));
    expect(prefsOf(w).devTools).toBe(false);
  });

  it('shows itself when ready to show', () => {
    const w = asFake(createWindow({ kind: 'main', preloadPath: '/p.cjs' }));
    expect(w.visible).toBe(false);
    w.emit('ready-to-show');
    expect(w.visible).toBe(true);
  });

  it.each([
    ['app://sila/index.html', false],
    ['app://sila/beneficiaries/1', false],
    ['https://evil.example/', true],
    ['http://127.0.0.1:8787/', true],
    ['file:///etc/passwd', true],
    ['app://evil/index.html', true],
    ['app://sila.evil.example/', true],
    ['app://sila:1234/', true],
    ['javascript:alert(1)', true],
    ['data:text/html,<script>1</script>', true],
    ['about:blank', true],
    ['chrome://settings', true],
  ])('navigation to %s prevented: %s', (url, prevented) => {
    const w = asFake(createWindow({ kind: 'main', preloadPath: '/p.cjs' }));
    expect(w.webContents.attempt('will-navigate', url)).toBe(prevented);
    expect(w.webContents.attempt('will-frame-navigate', url)).toBe(prevented);
    expect(w.webContents.attempt('will-redirect', url)).toBe(prevented);
  });

  it('refuses every <webview>', () => {
    const w = asFake(createWindow({ kind: 'main', preloadPath: '/p.cjs' }));
    expect(w.webContents.attempt('will-attach-webview')).toBe(true);
  });

  it.each([
    ['https://example.org/help?q=1', 'https://example.org/help?q=1'],
    ['http://example.org/', 'http://example.org/'],
    ['javascript:alert(1)', null],
    ['file:///etc/passwd', null],
    ['app://sila/index.html', null],
    ['mailto:a@example.org', null],
    ['smb://server/share', null],
    ['https://user:pw@example.org/', null],
    ['not a url', null],
  ])('window.open(%s) is denied; opened externally as %s', (url, external) => {
    const w = asFake(createWindow({ kind: 'main', preloadPath: '/p.cjs' }));
    w.webContents.url = 'app://sila/index.html';
    const result = w.webContents.windowOpenHandler?.({ url });
    expect(result).toEqual({ action: 'deny' });
    if (external === null) expect(shell.openExternal).not.toHaveBeenCalled();
    else expect(shell.openExternal).toHaveBeenCalledExactlyOnceWith(external);
  });
});

describe('window factory: print window', () => {
  it('is hidden, sandboxed, without preload, in its own in-memory session, with the PDF plugin only', () => {
    const w = asFake(createWindow({ kind: 'print' }));
    const prefs = prefsOf(w);
    expect(w.options.show).toBe(false);
    expect(prefs.preload).toBeUndefined();
    expect(prefs.partition).toBe(PRINT_PARTITION);
    expect(PRINT_PARTITION.startsWith('persist:')).toBe(false);
    expect(prefs).toMatchObject({
      contextIsolation: true,
      sandbox: true,
      nodeIntegration: false,
      nodeIntegrationInWorker: false,
      webviewTag: false,
      webSecurity: true,
      allowRunningInsecureContent: false,
      spellcheck: false,
      plugins: true,
      devTools: false,
    });
  });

  it('navigates nowhere, not even to the app, and never opens links', () => {
    const w = asFake(createWindow({ kind: 'print' }));
    w.webContents.url = 'file:///tmp/sila-print-x/document.pdf';
    expect(w.webContents.attempt('will-navigate', 'app://sila/index.html')).toBe(true);
    expect(w.webContents.attempt('will-navigate', 'https://example.org/')).toBe(true);
    expect(w.webContents.windowOpenHandler?.({ url: 'https://example.org/' })).toEqual({
      action: 'deny',
    });
    expect(shell.openExternal).not.toHaveBeenCalled();
  });
});

describe('hardening of other web contents', () => {
  it('applies the same guards to contents the factory did not create, once', () => {
    const contents = new FakeWebContents();
    hardenWebContents(contents as never);
    hardenWebContents(contents as never);
    expect(contents.listenerCount('will-navigate')).toBe(1);
    expect(contents.attempt('will-navigate', 'https://evil.example/')).toBe(true);
    expect(contents.attempt('will-redirect', 'https://evil.example/')).toBe(true);
    expect(contents.attempt('will-attach-webview')).toBe(true);
    expect(contents.windowOpenHandler?.({ url: 'https://example.org/' })).toEqual({
      action: 'deny',
    });
    // Not the app page: links are not sent to the browser either.
    expect(shell.openExternal).not.toHaveBeenCalled();
  });
});

describe('hardening order', () => {
  it('lets the window factory tighten what web-contents-created already hardened', () => {
    const contents = new FakeWebContents();
    hardenWebContents(contents as never); // web-contents-created, during new BrowserWindow()
    expect(contents.attempt('will-navigate', 'app://sila/index.html')).toBe(false);
    hardenWebContents(contents as never, { allowAppNavigation: false }); // the print window
    expect(contents.attempt('will-navigate', 'app://sila/index.html')).toBe(true);
    hardenWebContents(contents as never, { allowAppNavigation: true }); // never loosened again
    expect(contents.attempt('will-navigate', 'app://sila/index.html')).toBe(true);
    expect(contents.listenerCount('will-navigate')).toBe(1);
  });
});

describe('focusWindow', () => {
  it('restores, shows and focuses the existing window', () => {
    const w = asFake(createWindow({ kind: 'main', preloadPath: '/p.cjs' }));
    w.minimized = true;
    focusWindow(w as never);
    expect(w.minimized).toBe(false);
    expect(w.visible).toBe(true);
    expect(w.focused).toBe(true);
  });

  it('ignores a missing or destroyed window', () => {
    expect(() => focusWindow(null)).not.toThrow();
    const w = asFake(createWindow({ kind: 'main', preloadPath: '/p.cjs' }));
    w.destroy();
    focusWindow(w as never);
    expect(w.focused).toBe(false);
  });
});
