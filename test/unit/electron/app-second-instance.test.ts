import { describe, expect, it, vi } from 'vitest';

vi.mock('electron', () => import('./electron-double'));

const { app, protocol, FakeBrowserWindow, ipcMain } = await import('./electron-double');
const { startSila } = await import('../../../electron/app');

describe('single-instance lock held by another instance', () => {
  it('quits at once without a window, handlers or protocol', async () => {
    app.requestSingleInstanceLock.mockReturnValueOnce(false);
    const started = startSila();
    expect(started.primary).toBe(false);
    expect(app.quit).toHaveBeenCalledTimes(1);
    expect(app.listenerCount('second-instance')).toBe(0);
    app.becomeReady();
    await started.ready;
    await new Promise((r) => setTimeout(r, 10));
    expect(FakeBrowserWindow.all).toHaveLength(0);
    expect(protocol.handle).not.toHaveBeenCalled();
    expect(ipcMain.handlers.size).toBe(0);
  });
});
