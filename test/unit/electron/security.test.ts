import { beforeEach, describe, expect, it, vi } from 'vitest';

vi.mock('electron', () => import('./electron-double'));

const { FakeSession, FakeWebContents, shell } = await import('./electron-double');
const {
  applyPermissionPolicy,
  decidePermissionCheck,
  decidePermissionRequest,
  isLocalNetworkOrigin,
  openExternalSafely,
} = await import('../../../electron/security');

const APP = 'app://sila/index.html';
const remote = { allowLocalNetwork: false };
const local = { allowLocalNetwork: true };

beforeEach(() => shell.openExternal.mockClear());

describe('permission requests: default deny', () => {
  it('allows the camera (video only) for the app page', () => {
    expect(
      decidePermissionRequest(
        'media',
        APP,
        { requestingUrl: APP, mediaTypes: ['video'], securityOrigin: 'app://sila' },
        remote,
      ),
    ).toBe(true);
    expect(
      decidePermissionRequest(
        'media',
        APP,
        { requestingUrl: 'app://sila/capture', mediaTypes: ['video'] },
        remote,
      ),
    ).toBe(true);
  });

  it.each([
    ['microphone', { requestingUrl: APP, mediaTypes: ['audio'] }, APP],
    ['camera + microphone', { requestingUrl: APP, mediaTypes: ['video', 'audio'] }, APP],
    ['no media types', { requestingUrl: APP, mediaTypes: [] }, APP],
    ['other origin', { requestingUrl: 'https://evil.example/', mediaTypes: ['video'] }, APP],
    [
      'file://',
      { requestingUrl: 'file:///tmp/x.html', mediaTypes: ['video'] },
      'file:///tmp/x.html',
    ],
    ['look-alike host', { requestingUrl: 'app://sila.evil.example/', mediaTypes: ['video'] }, APP],
    ['app with port', { requestingUrl: 'app://sila:1/', mediaTypes: ['video'] }, APP],
    ['other host on app scheme', { requestingUrl: 'app://other/', mediaTypes: ['video'] }, APP],
    [
      'app frame inside a foreign page',
      { requestingUrl: APP, mediaTypes: ['video'] },
      'https://evil.example/',
    ],
    [
      'foreign security origin',
      { requestingUrl: APP, mediaTypes: ['video'], securityOrigin: 'https://evil.example' },
      APP,
    ],
    ['missing requesting URL', { mediaTypes: ['video'] }, APP],
  ] as const)('denies media: %s', (_label, details, top) => {
    expect(
      decidePermissionRequest(
        'media',
        top,
        { ...details, mediaTypes: [...details.mediaTypes] },
        remote,
      ),
    ).toBe(false);
  });

  it.each([
    'notifications',
    'geolocation',
    'clipboard-read',
    'clipboard-sanitized-write',
    'display-capture',
    'fullscreen',
    'openExternal',
    'midi',
    'midiSysex',
    'pointerLock',
    'hid',
    'serial',
    'usb',
    'fileSystem',
    'idle-detection',
    'window-management',
    'local-fonts',
    'storage-access',
    'unknown',
  ])('denies %s even for the app page', (permission) => {
    expect(decidePermissionRequest(permission, APP, { requestingUrl: APP }, local)).toBe(false);
  });

  it('keeps the offline database from eviction (persistent-storage) for the app only', () => {
    expect(decidePermissionRequest('persistent-storage', APP, { requestingUrl: APP }, remote)).toBe(
      true,
    );
    expect(
      decidePermissionRequest(
        'persistent-storage',
        'https://x.example/',
        { requestingUrl: 'https://x.example/' },
        remote,
      ),
    ).toBe(false);
  });

  it('allows local-network access only when the HQ is local, and only for the app', () => {
    for (const p of ['local-network-access', 'local-network', 'loopback-network']) {
      expect(decidePermissionRequest(p, APP, { requestingUrl: APP }, local)).toBe(true);
      expect(decidePermissionRequest(p, APP, { requestingUrl: APP }, remote)).toBe(false);
      expect(
        decidePermissionRequest(
          p,
          'https://evil.example/',
          { requestingUrl: 'https://evil.example/' },
          local,
        ),
      ).toBe(false);
    }
  });
});

describe('permission checks: default deny', () => {
  it('allows the video check for app://sila only', () => {
    expect(
      decidePermissionCheck(
        'media',
        'app://sila',
        { mediaType: 'video', requestingUrl: APP },
        remote,
      ),
    ).toBe(true);
    expect(decidePermissionCheck('media', 'app://sila/', { mediaType: 'video' }, remote)).toBe(
      true,
    );
    expect(decidePermissionCheck('media', 'app://sila', { mediaType: 'audio' }, remote)).toBe(
      false,
    );
    expect(decidePermissionCheck('media', 'app://sila', { mediaType: 'unknown' }, remote)).toBe(
      false,
    );
    expect(decidePermissionCheck('media', 'app://sila', {}, remote)).toBe(false);
    expect(
      decidePermissionCheck('media', 'https://evil.example', { mediaType: 'video' }, remote),
    ).toBe(false);
    expect(decidePermissionCheck('media', 'file://', { mediaType: 'video' }, remote)).toBe(false);
    expect(decidePermissionCheck('media', 'null', { mediaType: 'video' }, remote)).toBe(false);
    expect(
      decidePermissionCheck(
        'media',
        'app://sila',
        { mediaType: 'video', embeddingOrigin: 'https://evil.example' },
        remote,
      ),
    ).toBe(false);
    expect(
      decidePermissionCheck(
        'media',
        'app://sila',
        { mediaType: 'video', securityOrigin: 'https://evil.example' },
        remote,
      ),
    ).toBe(false);
  });

  it.each([
    'notifications',
    'geolocation',
    'clipboard-read',
    'hid',
    'serial',
    'usb',
    'fullscreen',
    'unknown',
  ])('denies the %s check for the app', (permission) => {
    expect(decidePermissionCheck(permission, 'app://sila', {}, local)).toBe(false);
  });
});

describe('applyPermissionPolicy', () => {
  it('installs request, check and device handlers that deny by default', async () => {
    const ses = new FakeSession();
    applyPermissionPolicy(ses as never, remote);
    const contents = new FakeWebContents();
    contents.url = APP;
    const ask = (permission: string, details: object) =>
      new Promise<boolean>((resolve) =>
        ses.requestHandler?.(
          contents as never,
          permission as never,
          resolve as never,
          details as never,
        ),
      );
    expect(
      await ask('media', { requestingUrl: APP, mediaTypes: ['video'], isMainFrame: true }),
    ).toBe(true);
    expect(
      await ask('media', { requestingUrl: APP, mediaTypes: ['audio'], isMainFrame: true }),
    ).toBe(false);
    expect(await ask('notifications', { requestingUrl: APP, isMainFrame: true })).toBe(false);
    contents.url = 'https://evil.example/';
    expect(
      await ask('media', { requestingUrl: APP, mediaTypes: ['video'], isMainFrame: false }),
    ).toBe(false);

    expect(
      ses.checkHandler?.(
        null as never,
        'media' as never,
        'app://sila' as never,
        { mediaType: 'video', isMainFrame: true } as never,
      ),
    ).toBe(true);
    expect(
      ses.checkHandler?.(
        null as never,
        'geolocation' as never,
        'app://sila' as never,
        { isMainFrame: true } as never,
      ),
    ).toBe(false);
    expect(ses.deviceHandler?.({ deviceType: 'usb', origin: 'app://sila' } as never)).toBe(false);
  });
});

describe('openExternal accepts only parsed http(s) URLs', () => {
  it.each([
    ['https://example.org/a?b=c#d', 'https://example.org/a?b=c#d'],
    ['HTTP://Example.ORG', 'http://example.org/'],
    ['https://موقع.السعودية/', 'https://xn--4gbrim.xn--mgberp4a5d4ar/'],
  ])('opens %s as %s', async (raw, href) => {
    expect(await openExternalSafely(raw)).toBe(true);
    expect(shell.openExternal).toHaveBeenCalledExactlyOnceWith(href);
  });

  it.each([
    'javascript:alert(1)',
    'file:///etc/passwd',
    'app://sila/index.html',
    'mailto:a@example.org',
    'smb://server/share',
    'ftp://example.org/',
    'data:text/html,hi',
    'https://user:password@example.org/',
    '//example.org/',
    '/relative/path',
    'https:',
    '',
    'not a url',
  ])('refuses %j', async (raw) => {
    expect(await openExternalSafely(raw)).toBe(false);
    expect(shell.openExternal).not.toHaveBeenCalled();
  });
});

describe('isLocalNetworkOrigin', () => {
  it.each([
    ['http://127.0.0.1:8787', true],
    ['http://localhost:8787', true],
    ['http://[::1]:8787', true],
    ['http://10.0.0.5', true],
    ['http://172.16.0.1', true],
    ['http://172.31.255.1', true],
    ['http://192.168.1.10:8787', true],
    ['http://[fd12:3456::1]', true],
    ['https://hq.example.org.sa', false],
    ['http://172.32.0.1', false],
    ['http://8.8.8.8', false],
    ['nonsense', false],
  ])('%s → %s', (origin, expected) => {
    expect(isLocalNetworkOrigin(origin)).toBe(expected);
  });
});
