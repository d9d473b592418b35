import { beforeEach, describe, expect, it, vi } from 'vitest';

vi.mock('electron', () => import('./electron-double'));

const { FakeBrowserWindow, ipcMain } = await import('./electron-double');
const { handle, IpcFailure, runHandler } = await import('../../../electron/ipc');
const { ipcErrorMessages } = await import('../../../shared/ipc/envelope');

const pdf = new Uint8Array([0x25, 0x50, 0x44, 0x46, 0x2d, 0x31, 0x2e, 0x37]);

function eventFrom(frame: unknown, sender: unknown = {}) {
  return { senderFrame: frame, sender } as never;
}
const appEvent = () => eventFrom({ url: 'app://sila/index.html' });

beforeEach(() => {
  vi.spyOn(console, 'warn').mockImplementation(() => undefined);
  vi.spyOn(console, 'error').mockImplementation(() => undefined);
});

describe('sender check', () => {
  it('runs the handler for the app page and wraps the value', async () => {
    const handler = vi.fn(() => ({ printed: true }));
    const result = await runHandler('print:pdf', handler, appEvent(), [{ pdf, copies: 2 }]);
    expect(result).toEqual({ ok: true, value: { printed: true } });
    expect(handler).toHaveBeenCalledTimes(1);
    const [request] = handler.mock.calls[0] as unknown as [{ copies: number }];
    expect(request.copies).toBe(2);
  });

  const throwingFrame = {
    get url(): string {
      throw new Error('Render frame was disposed before WebFrameMain could be accessed');
    },
  };

  it.each([
    ['another origin', { url: 'https://evil.example/index.html' }],
    ['file://', { url: 'file:///opt/sila/dist/renderer/index.html' }],
    ['the HQ', { url: 'http://127.0.0.1:8787/' }],
    ['a look-alike host', { url: 'app://sila.evil.example/' }],
    ['another app host', { url: 'app://other/index.html' }],
    ['app with a port', { url: 'app://sila:8080/' }],
    ['app with credentials', { url: 'app://user@sila/' }],
    ['about:blank', { url: 'about:blank' }],
    ['an empty URL', { url: '' }],
    ['a missing frame (null)', null],
    ['a missing frame (undefined)', undefined],
    ['a destroyed frame', throwingFrame],
  ])('refuses a call from %s without running the handler', async (_label, frame) => {
    const handler = vi.fn(() => ({ printed: true }));
    const result = await runHandler('print:pdf', handler, eventFrom(frame), [{ pdf, copies: 1 }]);
    expect(result).toEqual({
      ok: false,
      error: { code: 'forbidden_sender', message: ipcErrorMessages.forbidden_sender },
    });
    expect(handler).not.toHaveBeenCalled();
  });
});

describe('payload validation', () => {
  it.each([
    ['no payload', 'print:pdf', []],
    ['bytes as a plain array', 'print:pdf', [{ pdf: [...pdf], copies: 1 }]],
    ['not a PDF', 'print:pdf', [{ pdf: new Uint8Array([1, 2, 3, 4, 5]), copies: 1 }]],
    ['zero copies', 'print:pdf', [{ pdf, copies: 0 }]],
    ['fractional copies', 'print:pdf', [{ pdf, copies: 1.5 }]],
    [
      'a path as file name',
      'file:saveAs',
      [{ suggestedName: '../../.bashrc', bytes: pdf, filters: [] }],
    ],
    [
      'a Windows path as file name',
      'file:saveAs',
      [{ suggestedName: 'C:\\x.pdf', bytes: pdf, filters: [] }],
    ],
    [
      'NUL in the file name',
      'file:saveAs',
      [{ suggestedName: 'a\u0000.pdf', bytes: pdf, filters: [] }],
    ],
    ['".." as file name', 'file:saveAs', [{ suggestedName: '..', bytes: pdf, filters: [] }]],
    [
      'empty file',
      'file:saveAs',
      [{ suggestedName: 'a.pdf', bytes: new Uint8Array(), filters: [] }],
    ],
    [
      'a bad filter',
      'file:saveAs',
      [{ suggestedName: 'a.pdf', bytes: pdf, filters: [{ name: 'x', extensions: ['.pdf'] }] }],
    ],
    ['a string instead of an object', 'secure:encrypt', ['secret']],
    ['an empty secret', 'secure:encrypt', [{ plaintext: '' }]],
    ['not base64', 'secure:decrypt', [{ ciphertext: 'not base64!' }]],
    ['a number URL', 'shell:openExternal', [{ url: 42 }]],
    ['an argument for app:info', 'app:info', [{ anything: true }]],
    ['two arguments', 'shell:openExternal', [{ url: 'https://example.org' }, 'extra']],
  ] as const)('refuses %s', async (_label, channel, args) => {
    const handler = vi.fn(() => {
      throw new Error('must not run');
    });
    const result = await runHandler(channel, handler as never, appEvent(), args);
    expect(result).toEqual({
      ok: false,
      error: { code: 'invalid_request', message: ipcErrorMessages.invalid_request },
    });
    expect(handler).not.toHaveBeenCalled();
  });
});

describe('handler failures never cross IPC as exceptions', () => {
  it('turns an unexpected error into "internal" without its message or stack', async () => {
    const result = await runHandler(
      'shell:openExternal',
      () => {
        throw new Error('ENOENT: /home/user/secret/path at Object.<anonymous> (main.cjs:1:1)');
      },
      appEvent(),
      [{ url: 'https://example.org' }],
    );
    expect(result).toEqual({
      ok: false,
      error: { code: 'internal', message: ipcErrorMessages.internal },
    });
    const text = JSON.stringify(result);
    expect(text).not.toContain('ENOENT');
    expect(text).not.toContain('main.cjs');
    expect(text).not.toContain('stack');
  });

  it('turns a rejected promise into "internal"', async () => {
    const result = await runHandler(
      'shell:openExternal',
      () => Promise.reject(new TypeError('boom')),
      appEvent(),
      [{ url: 'https://example.org' }],
    );
    expect(result.ok).toBe(false);
    if (!result.ok) expect(result.error.code).toBe('internal');
  });

  it('passes on an IpcFailure code and its message', async () => {
    const coded = await runHandler(
      'secure:encrypt',
      () => {
        throw new IpcFailure('secure_storage_unavailable');
      },
      appEvent(),
      [{ plaintext: 'k' }],
    );
    expect(coded).toEqual({
      ok: false,
      error: {
        code: 'secure_storage_unavailable',
        message: ipcErrorMessages.secure_storage_unavailable,
      },
    });
    const custom = await runHandler(
      'secure:encrypt',
      () => {
        throw new IpcFailure('internal', 'رسالة');
      },
      appEvent(),
      [{ plaintext: 'k' }],
    );
    expect(custom).toEqual({ ok: false, error: { code: 'internal', message: 'رسالة' } });
  });

  it('refuses a response outside the contract', async () => {
    const result = await runHandler('print:pdf', () => ({ printed: 'yes' }) as never, appEvent(), [
      { pdf, copies: 1 },
    ]);
    expect(result).toEqual({
      ok: false,
      error: { code: 'invalid_response', message: ipcErrorMessages.invalid_response },
    });
  });

  it('gives the handler the window of the calling page', async () => {
    const window = new FakeBrowserWindow({});
    let seen: unknown = 'unset';
    await runHandler(
      'print:pdf',
      (_r, ctx) => {
        seen = ctx.window;
        return { printed: false };
      },
      eventFrom({ url: 'app://sila/' }, window.webContents),
      [{ pdf, copies: 1 }],
    );
    expect(seen).toBe(window);
  });
});

describe('handle()', () => {
  it('registers on ipcMain.handle and answers through the same pipeline', async () => {
    handle('shell:openExternal', () => ({ opened: true as const }));
    expect(ipcMain.handle).toHaveBeenCalledWith('shell:openExternal', expect.any(Function));
    const registered = ipcMain.handlers.get('shell:openExternal');
    expect(await registered?.(appEvent(), { url: 'https://example.org' })).toEqual({
      ok: true,
      value: { opened: true },
    });
    expect(
      await registered?.(eventFrom({ url: 'https://evil.example/' }), {
        url: 'https://example.org',
      }),
    ).toMatchObject({
      ok: false,
      error: { code: 'forbidden_sender' },
    });
    expect(await registered?.(appEvent(), { url: 1 })).toMatchObject({
      ok: false,
      error: { code: 'invalid_request' },
    });
  });
});
