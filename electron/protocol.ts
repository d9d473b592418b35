/**
 * The `app` scheme: serves the built renderer (dist/renderer) at the one fixed origin
 * app://sila/, with a path-traversal guard, explicit MIME types and a strict
 * Content-Security-Policy. Never file://.
 */
import { protocol } from 'electron';
import type { CustomScheme } from 'electron';
import { readFile } from 'node:fs/promises';
import { extname, resolve, sep } from 'node:path';
import { APP_HOST, APP_SCHEME } from './origin';

/**
 * Privileges of the `app` scheme, chosen one by one:
 * - standard: real origin semantics (app://sila is an origin, relative URLs resolve, and
 *   IndexedDB/localStorage — where RxDB keeps the data — are available to it).
 * - secure: a secure context, required for crypto.subtle and getUserMedia (document capture).
 * - supportFetchAPI: the page fetches its own wasm and font files.
 * - codeCache: V8 code cache for the (large) bundles; startup speed only.
 * - corsEnabled: FALSE. Everything the page loads is same-origin, and this privilege would let
 *   other origins read app:// responses without any Access-Control-Allow-Origin check.
 * - bypassCSP: FALSE, the CSP below must apply. allowServiceWorkers: FALSE (no service worker;
 *   the desktop app has nothing to cache offline that the asar does not already hold).
 * - stream: FALSE (no media streaming from the bundle). allowExtensions: FALSE.
 */
export const appSchemePrivileges = {
  standard: true,
  secure: true,
  supportFetchAPI: true,
  codeCache: true,
  corsEnabled: false,
  bypassCSP: false,
  allowServiceWorkers: false,
  stream: false,
  allowExtensions: false,
} as const satisfies NonNullable<CustomScheme['privileges']>;

/** Must run before the app's `ready` event (Electron ignores later registrations). */
export function registerAppScheme(): void {
  protocol.registerSchemesAsPrivileged([{ scheme: APP_SCHEME, privileges: appSchemePrivileges }]);
}

/**
 * The page's Content-Security-Policy.
 * - script-src 'self' 'wasm-unsafe-eval': bundles from the app only; no inline script, no eval.
 *   'wasm-unsafe-eval' lets the page compile its own WebAssembly (harfbuzz shaping for Arabic
 *   PDFs) — it does not allow JavaScript eval.
 * - style-src 'unsafe-inline': Mantine injects <style> elements (CSS variables, colour scheme)
 *   at runtime and components set `style` attributes; nonces cannot cover style attributes and
 *   hashes cannot cover computed values. Inline style cannot run code, and the usual CSS
 *   exfiltration tricks need to load a URL, which img-src/font-src/connect-src forbid.
 * - connect-src: the app itself and the configured HQ origin(s) only.
 */
export function buildContentSecurityPolicy(hqOrigins: readonly string[]): string {
  const directives: Array<[string, string[]]> = [
    ['default-src', ["'self'"]],
    ['script-src', ["'self'", "'wasm-unsafe-eval'"]],
    ['style-src', ["'self'", "'unsafe-inline'"]],
    ['img-src', ["'self'", 'data:', 'blob:']],
    ['font-src', ["'self'", 'data:']],
    ['connect-src', ["'self'", ...hqOrigins]],
    ['worker-src', ["'self'"]],
    ['object-src', ["'none'"]],
    ['base-uri', ["'none'"]],
    ['frame-ancestors', ["'none'"]],
    ['form-action', ["'none'"]],
  ];
  return directives.map(([name, values]) => `${name} ${values.join(' ')}`).join('; ');
}

const mimeTypes: Readonly<Record<string, string>> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.mjs': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.json': 'application/json; charset=utf-8',
  '.webmanifest': 'application/manifest+json; charset=utf-8',
  '.txt': 'text/plain; charset=utf-8',
  '.wasm': 'application/wasm',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.jpg': 'image/jpeg',
  '.jpeg': 'image/jpeg',
  '.gif': 'image/gif',
  '.webp': 'image/webp',
  '.avif': 'image/avif',
  '.ico': 'image/x-icon',
  '.ttf': 'font/ttf',
  '.otf': 'font/otf',
  '.woff': 'font/woff',
  '.woff2': 'font/woff2',
  '.pdf': 'application/pdf',
};

export function mimeTypeFor(filePath: string): string {
  return mimeTypes[extname(filePath).toLowerCase()] ?? 'application/octet-stream';
}

/**
 * Maps the percent-encoded path of an app:// URL to a file inside `root`, or null when the
 * path is not acceptable. Each segment is decoded once and must then be a plain name: no
 * "/", "\", NUL or other control characters, no ":" (drive letters, streams), no leading "."
 * (so neither "." nor ".." nor any encoding of them such as "%2e%2e"), no empty segments.
 * Finally the resolved path must lie inside `root`.
 */
export function resolveRendererPath(root: string, encodedPathname: string): string | null {
  if (!encodedPathname.startsWith('/') || encodedPathname.length > 1024) return null;
  if (encodedPathname.includes('\\')) return null;
  const rawSegments = encodedPathname.slice(1).split('/');
  if (rawSegments.length === 1 && rawSegments[0] === '') return resolve(root, 'index.html');
  const segments: string[] = [];
  for (const raw of rawSegments) {
    let segment: string;
    try {
      segment = decodeURIComponent(raw);
    } catch {
      return null; // malformed percent-encoding
    }
    if (segment === '' || segment.startsWith('.')) return null;
    if (/[/\\:]/.test(segment)) return null;
    if ([...segment].some((c) => c.charCodeAt(0) < 0x20 || c === '\u007f')) return null;
    segments.push(segment);
  }
  const rootResolved = resolve(root);
  const target = resolve(rootResolved, ...segments);
  if (!target.startsWith(rootResolved + sep)) return null;
  return target;
}

export interface AppRequestHandlerOptions {
  /** Absolute path of the built renderer folder (dist/renderer, inside app.asar when packaged). */
  root: string;
  /** The Content-Security-Policy sent with every response. */
  contentSecurityPolicy: string;
  read?: (path: string) => Promise<Uint8Array>;
}

function textResponse(status: number, text: string, csp: string): Response {
  return new Response(text, {
    status,
    headers: {
      'Content-Type': 'text/plain; charset=utf-8',
      'Content-Security-Policy': csp,
      'X-Content-Type-Options': 'nosniff',
    },
  });
}

function isMissing(error: unknown): boolean {
  const code = (error as { code?: unknown } | null)?.code;
  return code === 'ENOENT' || code === 'EISDIR' || code === 'ENOTDIR';
}

/** The function given to `protocol.handle('app', …)`. */
export function createAppRequestHandler(options: AppRequestHandlerOptions) {
  const read = options.read ?? ((p: string) => readFile(p));
  const csp = options.contentSecurityPolicy;
  const indexPath = resolve(options.root, 'index.html');

  return async function handleAppRequest(request: Request): Promise<Response> {
    if (request.method !== 'GET' && request.method !== 'HEAD') {
      return textResponse(405, 'Method Not Allowed', csp);
    }
    let url: URL;
    try {
      url = new URL(request.url);
    } catch {
      return textResponse(400, 'Bad Request', csp);
    }
    if (url.protocol !== `${APP_SCHEME}:` || url.hostname !== APP_HOST || url.port !== '') {
      return textResponse(404, 'Not Found', csp);
    }
    // Chromium has already removed "." and ".." segments of a standard URL; this is the
    // second line of defence against encoded or unusual forms.
    const filePath = resolveRendererPath(options.root, url.pathname);
    if (filePath === null) return textResponse(400, 'Bad Request', csp);

    let servedPath = filePath;
    let body: Uint8Array;
    try {
      body = await read(filePath);
    } catch (error) {
      if (!isMissing(error)) return textResponse(500, 'Internal Server Error', csp);
      // Client-side routes (no file extension) fall back to the single-page app's index.
      if (extname(filePath) !== '') return textResponse(404, 'Not Found', csp);
      try {
        body = await read(indexPath);
        servedPath = indexPath;
      } catch {
        return textResponse(404, 'Not Found', csp);
      }
    }
    const headers = {
      'Content-Type': mimeTypeFor(servedPath),
      // On every response, not only HTML: workers take their policy from their own script.
      'Content-Security-Policy': csp,
      'X-Content-Type-Options': 'nosniff',
      'Cross-Origin-Resource-Policy': 'same-origin',
      'Referrer-Policy': 'no-referrer',
      'Cache-Control': 'no-cache',
    };
    return new Response(request.method === 'HEAD' ? null : (body as Uint8Array<ArrayBuffer>), {
      status: 200,
      headers,
    });
  };
}

/** Serves the renderer on the default session's app:// scheme. Call after `ready`. */
export function serveApp(options: AppRequestHandlerOptions): void {
  protocol.handle(APP_SCHEME, createAppRequestHandler(options));
}
