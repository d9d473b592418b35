/**
 * Vite plugin: the dev server (`npm run web`) needs an inline script (React Fast Refresh's
 * preamble) and a WebSocket for hot reload, which the strict policy in index.html forbids.
 * RxDB's development-only ajv validation compiles validators with `new Function` ('unsafe-eval').
 * The dev-mode plugin's rxdb.info iframe stays blocked (no third-party frames, even in dev).
 * In `vite serve` only, the meta tag is swapped for a relaxed copy; `vite build` leaves the
 * strict policy untouched (and fails if it is missing, so it cannot be lost silently).
 */
import type { Plugin } from 'vite';

export const strictCsp =
  "default-src 'self'; script-src 'self' 'wasm-unsafe-eval'; style-src 'self' 'unsafe-inline'; " +
  "connect-src 'self' http://127.0.0.1:* http://localhost:* https:; img-src 'self' data: blob:; " +
  "font-src 'self' data:; object-src 'none'; base-uri 'none'";

export const devCsp =
  "default-src 'self'; script-src 'self' 'unsafe-inline' 'unsafe-eval' 'wasm-unsafe-eval'; style-src 'self' 'unsafe-inline'; " +
  "connect-src 'self' ws://localhost:* ws://127.0.0.1:* http://127.0.0.1:* http://localhost:* https:; " +
  "img-src 'self' data: blob:; font-src 'self' data:; object-src 'none'; base-uri 'none'";

const metaPattern = /<meta\s+http-equiv="Content-Security-Policy"\s+content="([^"]*)"\s*\/?>/;

export function silaCsp(): Plugin {
  let serving = false;
  return {
    name: 'sila-csp',
    configResolved(config) {
      serving = config.command === 'serve';
    },
    transformIndexHtml: {
      order: 'pre',
      handler(html) {
        const match = metaPattern.exec(html);
        if (!match) throw new Error('renderer/index.html lost its Content-Security-Policy meta tag');
        if (match[1] !== strictCsp) throw new Error('the CSP in renderer/index.html differs from renderer/vite-csp.ts strictCsp');
        if (!serving) return html;
        return html.replace(metaPattern, `<meta http-equiv="Content-Security-Policy" content="${devCsp}" />`);
      },
    },
  };
}
