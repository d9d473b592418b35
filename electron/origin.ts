/**
 * The app's one origin. The built renderer is served at app://sila/ by the privileged `app`
 * scheme (see protocol.ts); file:// is never used for it.
 *
 * Node's WHATWG URL gives the opaque origin "null" for schemes it does not know, so origins
 * are compared by parts (scheme, host, no port, no credentials), never by `url.origin`.
 */
export const APP_SCHEME = 'app';
export const APP_HOST = 'sila';
/** The origin as Chromium serialises it (no trailing slash). */
export const APP_ORIGIN = `${APP_SCHEME}://${APP_HOST}`;
export const APP_ENTRY_URL = `${APP_ORIGIN}/index.html`;

/** True when `raw` is a URL on exactly app://sila (any path). */
export function isAppUrl(raw: string | null | undefined): boolean {
  if (typeof raw !== 'string' || raw === '') return false;
  let url: URL;
  try {
    url = new URL(raw);
  } catch {
    return false;
  }
  return (
    url.protocol === `${APP_SCHEME}:` &&
    url.hostname === APP_HOST &&
    url.port === '' &&
    url.username === '' &&
    url.password === ''
  );
}

/** True when `origin` (a serialised origin such as "app://sila") is exactly the app's. */
export function isAppOrigin(origin: string | null | undefined): boolean {
  if (typeof origin !== 'string') return false;
  const trimmed = origin.endsWith('/') ? origin.slice(0, -1) : origin;
  return trimmed === APP_ORIGIN;
}
