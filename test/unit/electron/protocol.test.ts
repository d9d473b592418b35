import { mkdtemp, mkdir, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, resolve, sep } from 'node:path';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';

vi.mock('electron', () => import('./electron-double'));

const { protocol } = await import('./electron-double');
const {
  appSchemePrivileges,
  buildContentSecurityPolicy,
  createAppRequestHandler,
  mimeTypeFor,
  registerAppScheme,
  resolveRendererPath,
  serveApp,
} = await import('../../../electron/protocol');

function directives(csp: string): Map<string, string[]> {
  const map = new Map<string, string[]>();
  for (const part of csp.split(';')) {
    const [name, ...values] = part.trim().split(/\s+/);
    if (name) map.set(name, values);
  }
  return map;
}

describe('app scheme registration', () => {
  it('registers exactly one privileged scheme "app" with deliberate privileges', () => {
    registerAppScheme();
    expect(protocol.registerSchemesAsPrivileged).toHaveBeenCalledTimes(1);
    const [schemes] = protocol.registerSchemesAsPrivileged.mock.calls[0] as [
      Array<{ scheme: string; privileges: object }>,
    ];
    expect(schemes).toHaveLength(1);
    expect(schemes[0]?.scheme).toBe('app');
    expect(schemes[0]?.privileges).toEqual({
      standard: true,
      secure: true,
      supportFetchAPI: true,
      codeCache: true,
      corsEnabled: false,
      bypassCSP: false,
      allowServiceWorkers: false,
      stream: false,
      allowExtensions: false,
    });
    expect(appSchemePrivileges.bypassCSP).toBe(false);
  });
});

describe('Content-Security-Policy', () => {
  const csp = buildContentSecurityPolicy(['http://127.0.0.1:8787', 'https://hq.example.org.sa']);
  const d = directives(csp);

  it.each([
    ['default-src', ["'self'"]],
    ['script-src', ["'self'", "'wasm-unsafe-eval'"]],
    ['style-src', ["'self'", "'unsafe-inline'"]],
    ['img-src', ["'self'", 'data:', 'blob:']],
    ['font-src', ["'self'", 'data:']],
    ['connect-src', ["'self'", 'http://127.0.0.1:8787', 'https://hq.example.org.sa']],
    ['object-src', ["'none'"]],
    ['base-uri', ["'none'"]],
    ['frame-ancestors', ["'none'"]],
    ['form-action', ["'none'"]],
  ])('%s is %j', (name, values) => {
    expect(d.get(name)).toEqual(values);
  });

  it('never allows eval, inline script or wildcards', () => {
    expect(csp).not.toContain("'unsafe-eval'");
    expect(d.get('script-src')).not.toContain("'unsafe-inline'");
    expect(csp).not.toMatch(/(^|\s)\*(\s|;|$)/);
    expect(csp).not.toMatch(/(^|\s)(https?:|file:|app:)(\s|;|$)/);
  });

  it('connects to nothing but the app when no HQ is configured', () => {
    expect(directives(buildContentSecurityPolicy([])).get('connect-src')).toEqual(["'self'"]);
  });
});

describe('MIME types', () => {
  it.each([
    ['index.html', 'text/html; charset=utf-8'],
    ['assets/index-abc.js', 'text/javascript; charset=utf-8'],
    ['assets/worker.mjs', 'text/javascript; charset=utf-8'],
    ['assets/index.css', 'text/css; charset=utf-8'],
    ['assets/hb.wasm', 'application/wasm'],
    ['assets/Amiri-Regular.ttf', 'font/ttf'],
    ['assets/x.TTF', 'font/ttf'],
    ['assets/x.woff2', 'font/woff2'],
    ['assets/x.woff', 'font/woff'],
    ['assets/x.otf', 'font/otf'],
    ['assets/logo.svg', 'image/svg+xml'],
    ['assets/logo.png', 'image/png'],
    ['assets/photo.jpg', 'image/jpeg'],
    ['favicon.ico', 'image/x-icon'],
    ['data.json', 'application/json; charset=utf-8'],
    ['manifest.webmanifest', 'application/manifest+json; charset=utf-8'],
    ['unknown.bin', 'application/octet-stream'],
    ['no-extension', 'application/octet-stream'],
  ])('%s → %s', (file, type) => {
    expect(mimeTypeFor(file)).toBe(type);
  });
});

describe('path-traversal guard', () => {
  const root = resolve('/srv/sila/dist/renderer');

  it.each([
    '/../secret.txt',
    '/%2e%2e/secret.txt',
    '/%2E%2E/secret.txt',
    '/.%2e/secret.txt',
    '/%2e./secret.txt',
    '/..%2fsecret.txt',
    '/..%2Fsecret.txt',
    '/assets/..%2f..%2fsecret.txt',
    '/..%5csecret.txt',
    '/%5c..%5csecret.txt',
    '/assets/..\\..\\secret.txt',
    '/assets\\..\\..\\secret.txt',
    '/%2fetc%2fpasswd',
    '/%5cetc%5cpasswd',
    '//etc/passwd',
    '/assets//x.js',
    '/C:%5cWindows%5cwin.ini',
    '/c:/windows/win.ini',
    '/%43:%5cWindows',
    '/file:%2f%2f%2fetc%2fpasswd',
    '/%00',
    '/index.html%00.png',
    '/assets/%00/x.js',
    '/%0aindex.html',
    '/.env',
    '/.',
    '/./index.html',
    '/assets/.',
    '/%',
    '/%zz',
    '/%E0%A4%A',
    'index.html',
    '',
    `/${'a'.repeat(1100)}`,
  ])('rejects %j', (path) => {
    expect(resolveRendererPath(root, path)).toBeNull();
  });

  it.each([
    ['/', 'index.html'],
    ['/index.html', 'index.html'],
    ['/assets/index-abc.js', `assets${sep}index-abc.js`],
    ['/assets/%D8%B5%D9%84%D8%A9.png', `assets${sep}صلة.png`],
    ['/assets/a%20b.css', `assets${sep}a b.css`],
    ['/%252e%252e/secret.txt', `%2e%2e${sep}secret.txt`],
  ])('maps %j inside the root', (path, relative) => {
    const resolved = resolveRendererPath(root, path);
    expect(resolved).toBe(join(root, relative));
    expect(resolved?.startsWith(root + sep)).toBe(true);
  });
});

describe('app:// request handler (real files)', () => {
  let base: string;
  let root: string;
  const csp = buildContentSecurityPolicy(['http://127.0.0.1:8787']);
  let handler: (request: Request) => Promise<Response>;

  beforeAll(async () => {
    base = await mkdtemp(join(tmpdir(), 'sila-protocol-test-'));
    root = join(base, 'dist', 'renderer');
    await mkdir(join(root, 'assets'), { recursive: true });
    await writeFile(join(root, 'index.html'), '<!doctype html><title>صلة</title>');
    await writeFile(join(root, 'assets', 'index.js'), 'console.log(1)');
    await writeFile(join(root, 'assets', 'hb.wasm'), new Uint8Array([0, 97, 115, 109]));
    await writeFile(join(root, 'assets', 'Amiri-Regular.ttf'), new Uint8Array([0, 1, 0, 0]));
    await writeFile(join(base, 'dist', 'secret.txt'), 'TOP SECRET');
    await writeFile(join(base, 'secret.txt'), 'TOP SECRET');
    handler = createAppRequestHandler({ root, contentSecurityPolicy: csp });
  });
  afterAll(async () => {
    await rm(base, { recursive: true, force: true });
  });

  const get = (url: string, method = 'GET') => handler(new Request(url, { method }));

  it('serves index.html with text/html and the CSP', async () => {
    const res = await get('app://sila/');
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toBe('text/html; charset=utf-8');
    expect(res.headers.get('content-security-policy')).toBe(csp);
    expect(res.headers.get('x-content-type-options')).toBe('nosniff');
    expect(await res.text()).toContain('صلة');
  });

  it.each([
    ['app://sila/assets/index.js', 'text/javascript; charset=utf-8'],
    ['app://sila/assets/hb.wasm', 'application/wasm'],
    ['app://sila/assets/Amiri-Regular.ttf', 'font/ttf'],
  ])('serves %s as %s (CSP on every response)', async (url, type) => {
    const res = await get(url);
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toBe(type);
    expect(res.headers.get('content-security-policy')).toBe(csp);
  });

  it('falls back to index.html for client-side routes, but 404s missing files', async () => {
    const route = await get('app://sila/beneficiaries/123');
    expect(route.status).toBe(200);
    expect(route.headers.get('content-type')).toBe('text/html; charset=utf-8');
    expect((await get('app://sila/assets/missing.js')).status).toBe(404);
  });

  it.each([
    'app://sila/..%2fsecret.txt',
    'app://sila/..%2f..%2fsecret.txt',
    'app://sila/assets/..%2f..%2fsecret.txt',
    'app://sila/..%5c..%5csecret.txt',
    'app://sila/%2e%2e%2f%2e%2e%2fsecret.txt',
    'app://sila/%252e%252e/secret.txt',
    'app://sila/%00/secret.txt',
    'app://sila/../secret.txt',
    'app://sila/%2e%2e/secret.txt',
    'app://sila/{encoded absolute path of secret.txt}',
  ])('never serves a file outside the renderer folder: %s', async (template) => {
    const url = template.replace(
      '{encoded absolute path of secret.txt}',
      encodeURIComponent(join(base, 'secret.txt')),
    );
    const res = await get(url);
    const body = await res.text();
    expect(body).not.toContain('TOP SECRET');
    expect([200, 400, 404]).toContain(res.status);
    if (res.status === 200)
      expect(res.headers.get('content-type')).toBe('text/html; charset=utf-8');
  });

  it('answers only for the host "sila"', async () => {
    expect((await get('app://evil/index.html')).status).toBe(404);
    expect((await get('app://sila:8080/index.html')).status).toBe(404);
  });

  it('allows only GET and HEAD', async () => {
    expect((await get('app://sila/index.html', 'POST')).status).toBe(405);
    expect((await get('app://sila/index.html', 'PUT')).status).toBe(405);
    const head = await get('app://sila/index.html', 'HEAD');
    expect(head.status).toBe(200);
    expect(await head.text()).toBe('');
  });

  it('serveApp hands the handler to protocol.handle("app")', async () => {
    serveApp({ root, contentSecurityPolicy: csp });
    expect(protocol.handle).toHaveBeenCalledTimes(1);
    const [scheme, registered] = protocol.handle.mock.calls[0] as [
      string,
      (r: Request) => Promise<Response>,
    ];
    expect(scheme).toBe('app');
    const res = await registered(new Request('app://sila/index.html'));
    expect(res.status).toBe(200);
  });
});
