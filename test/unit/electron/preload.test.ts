import { beforeEach, describe, expect, it, vi } from 'vitest';

vi.mock('electron', () => import('./electron-double'));

const { contextBridge, ipcRenderer } = await import('./electron-double');
await import('../../../electron/preload');
const { silaBridgeKeys } = await import('../../../shared/ipc/bridge');

const exposed = () => {
  expect(contextBridge.exposeInMainWorld).toHaveBeenCalledTimes(1);
  const [name, api] = contextBridge.exposeInMainWorld.mock.calls[0] as [
    string,
    Record<string, unknown>,
  ];
  return { name, api };
};

beforeEach(() => ipcRenderer.invoke.mockClear());

describe('preload: window.sila', () => {
  it('exposes exactly the listed functions under "sila", and nothing else', () => {
    const { name, api } = exposed();
    expect(name).toBe('sila');
    expect(Object.keys(api).sort()).toEqual([...silaBridgeKeys].sort());
    for (const key of Object.keys(api)) expect(typeof api[key]).toBe('function');
    for (const forbidden of [
      'ipcRenderer',
      'invoke',
      'send',
      'on',
      'sendSync',
      'postMessage',
      'require',
      'process',
    ]) {
      expect(api).not.toHaveProperty(forbidden);
    }
    expect(Object.values(api)).not.toContain(ipcRenderer);
    expect(Object.values(api)).not.toContain(ipcRenderer.invoke);
  });

  it.each([
    ['getAppInfo', 'app:info', undefined],
    [
      'saveFileAs',
      'file:saveAs',
      { suggestedName: 'a.pdf', bytes: new Uint8Array([1]), filters: [] },
    ],
    ['printPdf', 'print:pdf', { pdf: new Uint8Array([0x25]), copies: 1 }],
    ['encryptSecret', 'secure:encrypt', { plaintext: 'k' }],
    ['decryptSecret', 'secure:decrypt', { ciphertext: 'aw==' }],
    ['openExternal', 'shell:openExternal', { url: 'https://example.org' }],
  ])('%s invokes %s with the request only', async (fn, channel, request) => {
    const { api } = exposed();
    ipcRenderer.invoke.mockResolvedValueOnce({ ok: true, value: 'x' });
    const result = await (api[fn] as (r?: unknown) => Promise<unknown>)(request);
    expect(result).toEqual({ ok: true, value: 'x' });
    expect(ipcRenderer.invoke).toHaveBeenCalledTimes(1);
    expect(ipcRenderer.invoke.mock.calls[0]).toEqual(
      request === undefined ? [channel] : [channel, request],
    );
  });

  it('onLock delivers power:lock without the IPC event and unsubscribes', () => {
    const { api } = exposed();
    const onLock = api.onLock as (cb: (e: unknown) => void) => () => void;
    const seen: unknown[][] = [];
    const unsubscribe = onLock((...args: unknown[]) => seen.push(args));
    expect(ipcRenderer.listenerCount('power:lock')).toBe(1);
    ipcRenderer.emit('power:lock', { sender: 'the IPC event' }, { reason: 'suspend' });
    ipcRenderer.emit(
      'power:lock',
      { sender: 'the IPC event' },
      { reason: 'lock-screen', extra: 'dropped' },
    );
    expect(seen).toEqual([[{ reason: 'suspend' }], [{ reason: 'lock-screen' }]]);
    unsubscribe();
    expect(ipcRenderer.listenerCount('power:lock')).toBe(0);
    ipcRenderer.emit('power:lock', {}, { reason: 'suspend' });
    expect(seen).toHaveLength(2);
  });

  it('onLock refuses a non-function', () => {
    const { api } = exposed();
    expect(() => (api.onLock as (cb: unknown) => void)('not a function')).toThrow(TypeError);
  });
});
