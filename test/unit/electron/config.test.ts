import { describe, expect, it, vi } from 'vitest';
import { DEFAULT_HQ_ORIGINS, normaliseHqOrigin, resolveHqOrigins } from '../../../electron/config';

const noFile = () => {
  throw Object.assign(new Error('ENOENT'), { code: 'ENOENT' });
};

describe('HQ origins for the CSP', () => {
  it.each([
    ['https://HQ.Example.org.sa/', 'https://hq.example.org.sa'],
    ['http://127.0.0.1:8787', 'http://127.0.0.1:8787'],
    [' https://hq.example.org.sa:443 ', 'https://hq.example.org.sa'],
    ['https://hq.example.org.sa/api', null],
    ['https://hq.example.org.sa/?x=1', null],
    ['https://user:pw@hq.example.org.sa', null],
    ['ftp://hq.example.org.sa', null],
    ["https://hq.example.org.sa; script-src 'unsafe-inline'", null],
    ['*', null],
    ['', null],
  ])('normalises %j → %j', (raw, expected) => {
    expect(normaliseHqOrigin(raw)).toBe(expected);
  });

  it('takes SILA_HQ_ORIGINS first (comma or space separated), skipping invalid entries', () => {
    const warn = vi.fn();
    const origins = resolveHqOrigins({
      env: {
        SILA_HQ_ORIGINS: 'https://hq.example.org.sa, http://127.0.0.1:8787 javascript:alert(1)',
      },
      userDataDir: '/x',
      readFile: () => JSON.stringify({ hqOrigins: ['https://from-file.example'] }),
      warn,
    });
    expect(origins).toEqual(['https://hq.example.org.sa', 'http://127.0.0.1:8787']);
    expect(warn).toHaveBeenCalledTimes(1);
  });

  it('then reads hqOrigins from <userData>/sila-settings.json', () => {
    const readFile = vi.fn(() => JSON.stringify({ hqOrigins: ['https://from-file.example/'] }));
    expect(resolveHqOrigins({ env: {}, userDataDir: '/data', readFile })).toEqual([
      'https://from-file.example',
    ]);
    expect(readFile).toHaveBeenCalledWith(
      expect.stringMatching(/[/\\]data[/\\]sila-settings\.json$/),
    );
  });

  it('falls back to the development HQ when nothing usable is configured', () => {
    const warn = vi.fn();
    expect(resolveHqOrigins({ env: {}, userDataDir: '/data', readFile: noFile, warn })).toEqual([
      ...DEFAULT_HQ_ORIGINS,
    ]);
    expect(
      resolveHqOrigins({ env: { SILA_HQ_ORIGINS: 'nonsense' }, userDataDir: null, warn }),
    ).toEqual(['http://127.0.0.1:8787']);
    expect(
      resolveHqOrigins({ env: {}, userDataDir: '/d', readFile: () => '{not json', warn }),
    ).toEqual(['http://127.0.0.1:8787']);
    expect(
      resolveHqOrigins({ env: {}, userDataDir: '/d', readFile: () => '{"hqOrigins": "x"}', warn }),
    ).toEqual(['http://127.0.0.1:8787']);
    expect(warn).toHaveBeenCalledTimes(3);
  });
});
