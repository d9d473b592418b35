/**
 * Where the HQ sync service lives. The page may only connect (fetch, EventSource) to its own
 * origin and to these origins — they go into the Content-Security-Policy's connect-src — and
 * the page learns them from `app:info`, so there is one source of truth.
 *
 * Resolution order:
 *   1. SILA_HQ_ORIGINS environment variable: comma- or space-separated http(s) origins
 *      (e.g. "https://hq.example.org.sa, http://127.0.0.1:8787").
 *   2. `hqOrigins` in `<userData>/sila-settings.json` (written by an administrator or the
 *      installer), e.g. { "hqOrigins": ["https://hq.example.org.sa"] }.
 *   3. The development default http://127.0.0.1:8787 (`npm run hq`).
 * Invalid entries are skipped with a warning; anything with a path, query, credentials or a
 * scheme other than http/https is invalid.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';

export const HQ_ORIGINS_ENV = 'SILA_HQ_ORIGINS';
export const SETTINGS_FILE = 'sila-settings.json';
export const DEFAULT_HQ_ORIGINS: readonly string[] = ['http://127.0.0.1:8787'];

/** Normalises one HQ origin ("https://HQ.example.org/" → "https://hq.example.org"), or null. */
export function normaliseHqOrigin(raw: string): string | null {
  let url: URL;
  try {
    url = new URL(raw.trim());
  } catch {
    return null;
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') return null;
  if (url.hostname === '' || url.username !== '' || url.password !== '') return null;
  if ((url.pathname !== '/' && url.pathname !== '') || url.search !== '' || url.hash !== '')
    return null;
  return url.origin;
}

function normaliseAll(
  list: readonly string[],
  source: string,
  warn: (m: string) => void,
): string[] {
  const out: string[] = [];
  for (const entry of list) {
    const origin = normaliseHqOrigin(entry);
    if (origin === null)
      warn(`Sila: ignoring invalid HQ origin ${JSON.stringify(entry)} from ${source}`);
    else if (!out.includes(origin)) out.push(origin);
  }
  return out;
}

export interface HqConfigSources {
  env: Readonly<Record<string, string | undefined>>;
  /** Folder holding sila-settings.json (Electron's userData). */
  userDataDir: string | null;
  readFile?: (path: string) => string;
  warn?: (message: string) => void;
}

export function resolveHqOrigins(sources: HqConfigSources): string[] {
  const warn = sources.warn ?? ((m: string) => console.warn(m));
  const fromEnv = sources.env[HQ_ORIGINS_ENV];
  if (fromEnv !== undefined && fromEnv.trim() !== '') {
    const list = normaliseAll(fromEnv.split(/[\s,]+/).filter(Boolean), HQ_ORIGINS_ENV, warn);
    if (list.length > 0) return list;
  }
  if (sources.userDataDir !== null) {
    const path = join(sources.userDataDir, SETTINGS_FILE);
    const read = sources.readFile ?? ((p: string) => readFileSync(p, 'utf8'));
    let text: string | null = null;
    try {
      text = read(path);
    } catch {
      text = null; // no settings file: fall through to the default
    }
    if (text !== null) {
      try {
        const parsed: unknown = JSON.parse(text);
        const hq = (parsed as { hqOrigins?: unknown } | null)?.hqOrigins;
        if (Array.isArray(hq) && hq.every((x) => typeof x === 'string')) {
          const list = normaliseAll(hq, path, warn);
          if (list.length > 0) return list;
        } else {
          warn(`Sila: ${path} has no "hqOrigins" list of strings; using the default HQ origin`);
        }
      } catch {
        warn(`Sila: ${path} is not valid JSON; using the default HQ origin`);
      }
    }
  }
  return [...DEFAULT_HQ_ORIGINS];
}
