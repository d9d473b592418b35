import { mkdtemp, mkdir, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';

vi.mock('electron', () => import('./electron-double'));

const electron = await import('./electron-double');
const {
  app,
  protocol,
  ipcMain,
  session,
  Menu,
  powerMonitor,
  FakeBrowserWindow,
  FakeWebContents,
  FakeSession,
} = electron;
const { startSila, APP_USER_MODEL_ID } = await import('../../../electron/app');
const { invokeChannels } = await import('../../../shared/ipc/channels');

let appPath: string;
let started: ReturnType<typeof startSila>;
const savedEnv = process.env.SILA_HQ_ORIGINS;

beforeAll(async () => {
  appPath = await mkdtemp(join(tmpdir(), 'sila-app-test-'));
  await mkdir(join(appPath, 'dist', 'renderer'), { recursive: true });
  await writeFile(
    join(appPath, 'dist', 'renderer', 'index.html'),
    '<!doctype html><title>صلة</title>',
  );
  app.appPath = appPath;
  process.env.SILA_HQ_ORIGINS = 'https://hq.example.org.sa';
  started = startSila();
});
afterAll(async () => {
  if (savedEnv === undefined) delete process.env.SILA_HQ_ORIGINS;
  else process.env.SILA_HQ_ORIGINS = savedEnv;
  await rm(appPath, { recursive: true, force: true });
});

describe('before ready', () => {
  it('registers the app scheme, enables the sandbox and takes the single-instance lock', () => {
    expect(app.isReady()).toBe(false);
    expect(protocol.registerSchemesAsPrivileged).toHaveBeenCalledTimes(1);
    expect(app.enableSandbox).toHaveBeenCalledTimes(1);
    expect(app.requestSingleInstanceLock).toHaveBeenCalledTimes(1);
    expect(app.quit).not.toHaveBeenCalled();
    expect(started.primary).toBe(true);
    expect(app.setAppUserModelId).toHaveBeenCalledWith(APP_USER_MODEL_ID);
    expect(APP_USER_MODEL_ID).toBe('sa.org.sila');
    // Nothing that needs `ready` has happened yet.
    expect(protocol.handle).not.toHaveBeenCalled();
    expect(FakeBrowserWindow.all).toHaveLength(0);
  });
});

describe('after ready', () => {
  beforeAll(async () => {
    app.becomeReady();
    await started.ready;
  });

  it('serves app:// with the CSP naming the configured HQ', async () => {
    expect(protocol.handle).toHaveBeenCalledTimes(1);
    const [scheme, handler] = protocol.handle.mock.calls[0] as [
      string,
      (r: Request) => Promise<Response>,
    ];
    expect(scheme).toBe('app');
    const res = await handler(new Request('app://sila/'));
    expect(res.status).toBe(200);
    expect(await res.text()).toContain('صلة');
    expect(res.headers.get('content-security-policy')).toContain(
      "connect-src 'self' https://hq.example.org.sa;",
    );
  });

  it('opens one main window on app://sila/index.html with the preload', () => {
    expect(FakeBrowserWindow.all).toHaveLength(1);
    const w = FakeBrowserWindow.all[0];
    expect(w?.webContents.getURL()).toBe('app://sila/index.html');
    expect((w?.options.webPreferences as { preload: string }).preload).toBe(
      join(appPath, 'dist-electron', 'preload.cjs'),
    );
    expect(started.mainWindow()).toBe(w);
  });

  it('registers every IPC channel', () => {
    expect([...ipcMain.handlers.keys()].sort()).toEqual(Object.values(invokeChannels).sort());
  });

  it('installs the default-deny permission policy on the default session and on new sessions', () => {
    const ses = session.defaultSession;
    expect(ses.requestHandler).not.toBeNull();
    expect(
      ses.checkHandler?.(
        null as never,
        'notifications' as never,
        'app://sila' as never,
        {} as never,
      ),
    ).toBe(false);
    // HQ is remote here: no local-network permission.
    expect(
      ses.checkHandler?.(
        null as never,
        'local-network-access' as never,
        'app://sila' as never,
        {} as never,
      ),
    ).toBe(false);
    const created = new FakeSession();
    app.emit('session-created', created);
    expect(
      created.checkHandler?.(
        null as never,
        'media' as never,
        'https://evil.example' as never,
        { mediaType: 'video' } as never,
      ),
    ).toBe(false);
    expect(
      created.checkHandler?.(
        null as never,
        'media' as never,
        'app://sila' as never,
        { mediaType: 'video' } as never,
      ),
    ).toBe(true);
  });

  it('hardens any web contents created later', () => {
    const contents = new FakeWebContents();
    app.emit('web-contents-created', {}, contents);
    expect(contents.attempt('will-navigate', 'https://evil.example/')).toBe(true);
    expect(contents.attempt('will-attach-webview')).toBe(true);
    expect(contents.windowOpenHandler?.({ url: 'https://example.org/' })).toEqual({
      action: 'deny',
    });
  });

  it('sets the Arabic menu', () => {
    expect(Menu.setApplicationMenu).toHaveBeenCalledTimes(1);
    const template = (Menu.buildFromTemplate.mock.calls[0] as [Array<{ label: string }>])[0];
    expect(template.map((m) => m.label)).toEqual(['ملف', 'تحرير', 'عرض', 'نافذة']);
  });

  it('focuses the existing window when a second instance starts', () => {
    const w = FakeBrowserWindow.all[0];
    if (!w) throw new Error('no window');
    w.minimized = true;
    w.visible = false;
    w.focused = false;
    app.emit('second-instance', {}, ['sila'], '/');
    expect(w.minimized).toBe(false);
    expect(w.visible).toBe(true);
    expect(w.focused).toBe(true);
    expect(FakeBrowserWindow.all).toHaveLength(1);
  });

  it('tells the app page to lock on screen lock and suspend', () => {
    const w = FakeBrowserWindow.all[0];
    if (!w) throw new Error('no window');
    powerMonitor.emit('lock-screen');
    powerMonitor.emit('suspend');
    expect(w.webContents.sent).toEqual([
      ['power:lock', { reason: 'lock-screen' }],
      ['power:lock', { reason: 'suspend' }],
    ]);
    // Not a page on the app origin (e.g. after a crash page): nothing is sent.
    w.webContents.url = 'chrome-error://chromewebdata/';
    powerMonitor.emit('lock-screen');
    expect(w.webContents.sent).toHaveLength(2);
  });

  it('forgets the window when it closes and quits when all windows are closed', () => {
    const w = FakeBrowserWindow.all[0];
    w?.destroy();
    expect(started.mainWindow()).toBeNull();
    app.emit('window-all-closed');
    if (process.platform !== 'darwin') expect(app.quit).toHaveBeenCalledTimes(1);
  });
});
