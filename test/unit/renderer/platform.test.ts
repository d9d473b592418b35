import { describe, expect, it, vi } from 'vitest';
import { createElectronPlatform, findBridge } from '../../../renderer/src/platform/electron-bridge';
import { createWebPlatform } from '../../../renderer/src/platform/web';
import { PlatformError } from '../../../renderer/src/platform/types';
import type { SilaBridge } from '../../../shared/ipc/bridge';
import { silaBridgeKeys } from '../../../shared/ipc/bridge';
import { fail, ok } from '../../../shared/ipc/envelope';

function fakeBridge(overrides: Partial<SilaBridge> = {}): SilaBridge {
  return {
    getAppInfo: async () =>
      ok({ name: 'Sila', version: '1.2.3', platform: 'linux', arch: 'x64', locale: 'ar-SA', hqOrigins: ['https://hq.example.org'], packaged: true }),
    saveFileAs: async () => ok({ status: 'saved' as const, path: '/home/u/x.pdf' }),
    printPdf: async () => ok({ printed: true }),
    encryptSecret: async ({ plaintext }) => ok({ ciphertext: btoa(plaintext) }),
    decryptSecret: async ({ ciphertext }) => ok({ plaintext: atob(ciphertext) }),
    openExternal: async () => ok({ opened: true as const }),
    onLock: () => () => {},
    ...overrides,
  };
}

async function platformError(p: Promise<unknown>): Promise<PlatformError> {
  try {
    await p;
  } catch (err) {
    if (err instanceof PlatformError) return err;
    throw err;
  }
  throw new Error('expected a PlatformError');
}

describe('electron platform', () => {
  it('is detected only when window.sila has every bridge function', () => {
    expect(findBridge({} as Window)).toBeNull();
    expect(findBridge({ sila: { getAppInfo: () => {} } } as unknown as Window)).toBeNull();
    const bridge = fakeBridge();
    expect(findBridge({ sila: bridge } as unknown as Window)).toBe(bridge);
    expect(silaBridgeKeys.length).toBe(7);
  });

  it('unwraps results and maps shell errors to catalogue codes', async () => {
    const platform = createElectronPlatform(
      fakeBridge({
        saveFileAs: async () => fail('save_failed'),
        decryptSecret: async () => fail('decrypt_failed'),
        encryptSecret: async () => fail('secure_storage_unavailable'),
        printPdf: async () => fail('internal'),
      }),
    );
    expect((await platformError(platform.saveFile({ suggestedName: 'a.pdf', mimeType: 'application/pdf', data: new Uint8Array([1]) }))).code).toBe('saveFailed');
    expect((await platformError(platform.secureStore.decrypt('AAAA'))).code).toBe('decryptFailed');
    const unavailable = await platformError(platform.secureStore.encrypt('k'));
    expect(unavailable.code).toBe('secureStoreUnavailable');
    expect(unavailable.messageKey).toBe('platform.secureStoreUnavailable');
    expect((await platformError(platform.printPdf(new Uint8Array([0x25]), 'x'))).code).toBe('bridgeFailed');
  });

  it('passes values through and refuses non-web links before asking the shell', async () => {
    const openExternal = vi.fn(async () => ok({ opened: true as const }));
    const saveFileAs = vi.fn(async () => ok({ status: 'cancelled' as const }));
    const platform = createElectronPlatform(fakeBridge({ openExternal, saveFileAs }));
    expect(await platform.appInfo()).toEqual({ name: 'Sila', version: '1.2.3', platform: 'electron', hqOrigins: ['https://hq.example.org'] });
    expect(await platform.secureStore.decrypt(await platform.secureStore.encrypt('secret'))).toBe('secret');
    expect(await platform.saveFile({ suggestedName: 'report.CSV', mimeType: 'text/csv', data: new Blob(['a,b']) })).toEqual({ saved: false });
    expect(saveFileAs).toHaveBeenCalledWith(expect.objectContaining({ suggestedName: 'report.CSV', filters: [{ name: 'text/csv', extensions: ['csv'] }] }));
    expect((await platformError(platform.openExternal('javascript:alert(1)'))).code).toBe('externalLinkRejected');
    expect((await platformError(platform.openExternal('https://user:pw@example.org'))).code).toBe('externalLinkRejected');
    expect(openExternal).not.toHaveBeenCalled();
    await platform.openExternal('https://example.org/a?b=1');
    expect(openExternal).toHaveBeenCalledWith({ url: 'https://example.org/a?b=1' });
  });

  it('a throwing bridge becomes a bridgeFailed error', async () => {
    const platform = createElectronPlatform(fakeBridge({ getAppInfo: () => Promise.reject(new Error('preload gone')) }));
    expect((await platformError(platform.appInfo())).code).toBe('bridgeFailed');
  });
});

function fakeWindow() {
  const clicked: { href: string; download: string }[] = [];
  const win = {
    open: vi.fn((): unknown => null),
    setTimeout: (fn: () => void) => {
      fn();
      return 1;
    },
    document: {
      createElement: () => {
        const a = { href: '', download: '', rel: '', style: {} as Record<string, string>, click: () => clicked.push({ href: a.href, download: a.download }), remove: () => {} };
        return a;
      },
      body: { append: () => {} },
    },
  };
  return { win: win as unknown as Window, open: win.open, clicked };
}

describe('web platform', () => {
  it('saves by downloading a blob under the suggested name', async () => {
    const { win, clicked } = fakeWindow();
    const platform = createWebPlatform({ window: win });
    expect(await platform.saveFile({ suggestedName: 'تقرير.csv', mimeType: 'text/csv', data: new Uint8Array([65]) })).toEqual({ saved: true });
    expect(clicked).toHaveLength(1);
    expect(clicked[0]!.download).toBe('تقرير.csv');
    expect(clicked[0]!.href).toMatch(/^blob:/);
  });

  it('prints by opening the PDF, or downloads it when pop-ups are blocked', async () => {
    const { win, open, clicked } = fakeWindow();
    const platform = createWebPlatform({ window: win });
    await platform.printPdf(new Uint8Array([0x25, 0x50, 0x44, 0x46, 0x2d]), 'declaration');
    expect(open).toHaveBeenCalledTimes(1);
    expect(clicked.map((c) => c.download)).toEqual(['declaration.pdf']);
    const tab = { opener: {} as unknown };
    open.mockReturnValueOnce(tab);
    await platform.printPdf(new Uint8Array([0x25]), 'again');
    expect(tab.opener).toBeNull();
    expect(clicked).toHaveLength(1);
  });

  it('has no secure store and no lock events, and opens only web links', async () => {
    const { win, open } = fakeWindow();
    const platform = createWebPlatform({ window: win });
    expect(platform.secureStore.available).toBe(false);
    expect((await platformError(platform.secureStore.encrypt('x'))).code).toBe('secureStoreUnavailable');
    expect((await platformError(platform.secureStore.decrypt('x'))).code).toBe('secureStoreUnavailable');
    const listener = vi.fn();
    platform.onLock(listener)();
    expect(listener).not.toHaveBeenCalled();
    expect((await platformError(platform.openExternal('file:///etc/passwd'))).code).toBe('externalLinkRejected');
    await platform.openExternal('http://example.org');
    expect(open).toHaveBeenCalledWith('http://example.org/', '_blank', 'noopener,noreferrer');
    expect((await platform.appInfo()).platform).toBe('web');
  });
});
