/**
 * Hardening applied to every web contents and every session: navigation and new windows
 * denied, <webview> refused, http(s) links handed to the user's browser after parsing, and a
 * default-deny permission policy.
 */
import { shell } from 'electron';
import type { Session, WebContents } from 'electron';
import { parseExternalUrl } from '../shared/ipc/contract';
import { isAppOrigin, isAppUrl } from './origin';

/** Opens an http(s) URL in the user's browser; refuses anything else. Returns whether opened. */
export async function openExternalSafely(raw: string): Promise<boolean> {
  const url = parseExternalUrl(raw);
  if (url === null) return false;
  await shell.openExternal(url.href);
  return true;
}

export interface HardenOptions {
  /**
   * Navigation inside the page is allowed only to app://sila URLs. The print window passes
   * false: it shows one local PDF and navigates nowhere.
   */
  allowAppNavigation: boolean;
}

const policies = new WeakMap<WebContents, HardenOptions>();

/**
 * Idempotent, and a second call can only tighten: `web-contents-created` fires inside
 * `new BrowserWindow()` (with the default options) before the window factory calls this with
 * the window's own options.
 */
export function hardenWebContents(
  contents: WebContents,
  options: HardenOptions = { allowAppNavigation: true },
): void {
  const existing = policies.get(contents);
  if (existing !== undefined) {
    existing.allowAppNavigation = existing.allowAppNavigation && options.allowAppNavigation;
    return;
  }
  const policy: HardenOptions = { ...options };
  policies.set(contents, policy);

  const allowed = (url: string) => policy.allowAppNavigation && isAppUrl(url);

  contents.on('will-navigate', (event) => {
    if (!allowed(event.url)) event.preventDefault();
  });
  contents.on('will-frame-navigate', (event) => {
    if (!allowed(event.url)) event.preventDefault();
  });
  contents.on('will-redirect', (event) => {
    if (!allowed(event.url)) event.preventDefault();
  });
  contents.on('will-attach-webview', (event) => {
    event.preventDefault();
  });
  contents.setWindowOpenHandler(({ url }) => {
    // Only the app's own page may send links to the browser (not a PDF in the print window).
    if (isAppUrl(contents.getURL())) {
      openExternalSafely(url).catch((error: unknown) => {
        console.error('Sila: could not open an external link', error);
      });
    }
    return { action: 'deny' };
  });
}

export interface PermissionPolicy {
  /**
   * Allow the page's Local Network Access permission (Chromium asks before a page fetches a
   * loopback or private-network address) — set only when the configured HQ itself is on
   * loopback or a private network, as with the development HQ on 127.0.0.1:8787.
   */
  allowLocalNetwork: boolean;
}

type Permission = Parameters<Parameters<Session['setPermissionRequestHandler']>[0] & object>[1];

interface RequestDetails {
  requestingUrl?: string;
  isMainFrame?: boolean;
  mediaTypes?: Array<'video' | 'audio'>;
  securityOrigin?: string;
}

interface CheckDetails {
  requestingUrl?: string;
  embeddingOrigin?: string;
  securityOrigin?: string;
  mediaType?: 'video' | 'audio' | 'unknown';
}

const localNetworkPermissions: ReadonlySet<string> = new Set([
  'local-network-access',
  'local-network',
  'loopback-network',
]);

/**
 * Permission requests (getUserMedia, notifications, …). Allowed, and only for a page on
 * exactly app://sila inside the app's own window:
 * - 'media' with video only — the camera for capturing documents (no microphone);
 * - 'persistent-storage' — so the offline database is not evicted under disk pressure;
 * - Local Network Access, when the policy says the HQ is local.
 * Everything else is denied.
 */
export function decidePermissionRequest(
  permission: string,
  topLevelUrl: string,
  details: RequestDetails,
  policy: PermissionPolicy,
): boolean {
  if (!isAppUrl(topLevelUrl) || !isAppUrl(details.requestingUrl)) return false;
  if (details.securityOrigin !== undefined && !isAppOrigin(details.securityOrigin)) return false;
  if (permission === 'media') {
    const types = details.mediaTypes ?? [];
    return types.length > 0 && types.every((t) => t === 'video');
  }
  if (permission === 'persistent-storage') return true;
  if (localNetworkPermissions.has(permission)) return policy.allowLocalNetwork;
  return false;
}

/** Synchronous permission checks (navigator.permissions.query, enumerateDevices, …). */
export function decidePermissionCheck(
  permission: string,
  requestingOrigin: string,
  details: CheckDetails,
  policy: PermissionPolicy,
): boolean {
  if (!isAppOrigin(requestingOrigin)) return false;
  if (details.embeddingOrigin !== undefined && !isAppOrigin(details.embeddingOrigin)) return false;
  if (details.securityOrigin !== undefined && !isAppOrigin(details.securityOrigin)) return false;
  if (details.requestingUrl !== undefined && !isAppUrl(details.requestingUrl)) return false;
  if (permission === 'media') return details.mediaType === 'video';
  if (permission === 'persistent-storage') return true;
  if (localNetworkPermissions.has(permission)) return policy.allowLocalNetwork;
  return false;
}

/** Installs the default-deny permission handlers on a session (every session the app creates). */
export function applyPermissionPolicy(ses: Session, policy: PermissionPolicy): void {
  ses.setPermissionRequestHandler((webContents, permission: Permission, callback, details) => {
    let topLevelUrl = '';
    try {
      topLevelUrl = webContents.getURL();
    } catch {
      topLevelUrl = '';
    }
    callback(decidePermissionRequest(permission, topLevelUrl, details as RequestDetails, policy));
  });
  ses.setPermissionCheckHandler((_webContents, permission, requestingOrigin, details) =>
    decidePermissionCheck(permission, requestingOrigin, details as CheckDetails, policy),
  );
  // USB, HID, serial and Bluetooth device access: never.
  ses.setDevicePermissionHandler(() => false);
}

/** Whether an HQ origin points at loopback or a private (RFC 1918 / unique local) network. */
export function isLocalNetworkOrigin(origin: string): boolean {
  let host: string;
  try {
    host = new URL(origin).hostname.toLowerCase();
  } catch {
    return false;
  }
  if (host === 'localhost' || host.endsWith('.localhost') || host === '[::1]') return true;
  const v4 = /^(\d{1,3})\.(\d{1,3})\.(\d{1,3})\.(\d{1,3})$/.exec(host);
  if (v4) {
    const [a, b] = [Number(v4[1]), Number(v4[2])];
    return a === 127 || a === 10 || (a === 172 && b >= 16 && b <= 31) || (a === 192 && b === 168);
  }
  return /^\[f[cd][0-9a-f]{2}:/.test(host) || /^\[fe80:/.test(host);
}
