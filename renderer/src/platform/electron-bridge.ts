/**
 * The desktop platform: every call goes through the narrow bridge that the preload exposes as
 * `window.sila` (typed by `SilaBridge` in shared/ipc/bridge.ts). The renderer never sees
 * ipcRenderer or Node. Every bridge call resolves with an envelope; failures become
 * `PlatformError`s whose code maps to the UI catalogue (`platform.<code>`).
 */
import type { SilaBridge } from '../../../shared/ipc/bridge';
import { silaBridgeKeys } from '../../../shared/ipc/bridge';
import type { IpcErrorCode, IpcResult } from '../../../shared/ipc/envelope';
import { PlatformError, requireExternalUrl, toBlob, type AppInfo, type Platform, type PlatformErrorCode } from './types';

const errorCodeOf: Partial<Record<IpcErrorCode, PlatformErrorCode>> = {
  secure_storage_unavailable: 'secureStoreUnavailable',
  decrypt_failed: 'decryptFailed',
  save_failed: 'saveFailed',
  print_failed: 'printFailed',
  url_not_allowed: 'externalLinkRejected',
};

async function unwrap<T>(call: () => Promise<IpcResult<T>>): Promise<T> {
  let result: IpcResult<T>;
  try {
    result = await call();
  } catch (err) {
    // The bridge never rejects by contract; a rejection means the preload itself broke.
    throw new PlatformError('bridgeFailed', err instanceof Error ? err.message : String(err));
  }
  if (!result.ok) throw new PlatformError(errorCodeOf[result.error.code] ?? 'bridgeFailed', result.error.message);
  return result.value;
}

export function createElectronPlatform(bridge: SilaBridge): Platform {
  return {
    kind: 'electron',
    async saveFile({ suggestedName, mimeType, data }) {
      const bytes = new Uint8Array(await toBlob(data, mimeType).arrayBuffer());
      const extension = /\.([A-Za-z0-9]{1,10})$/.exec(suggestedName)?.[1];
      const filters = extension ? [{ name: mimeType, extensions: [extension.toLowerCase()] }] : [];
      const result = await unwrap(() => bridge.saveFileAs({ suggestedName, bytes, filters }));
      return { saved: result.status === 'saved' };
    },
    async printPdf(pdf) {
      await unwrap(() => bridge.printPdf({ pdf: new Uint8Array(pdf), copies: 1 }));
    },
    async openExternal(url) {
      const parsed = requireExternalUrl(url); // the main process checks again
      await unwrap(() => bridge.openExternal({ url: parsed.href }));
    },
    secureStore: {
      available: true,
      encrypt: async (plaintext) => (await unwrap(() => bridge.encryptSecret({ plaintext }))).ciphertext,
      decrypt: async (ciphertext) => (await unwrap(() => bridge.decryptSecret({ ciphertext }))).plaintext,
    },
    onLock: (listener) => bridge.onLock(() => listener()),
    async appInfo(): Promise<AppInfo> {
      const info = await unwrap(() => bridge.getAppInfo());
      return { name: info.name, version: info.version, platform: 'electron', hqOrigins: info.hqOrigins };
    },
  };
}

/** Feature detection: the preload exposes `window.sila` with exactly these functions. */
export function findBridge(win: Window): SilaBridge | null {
  const candidate = (win as Window & { sila?: unknown }).sila;
  if (!candidate || typeof candidate !== 'object') return null;
  const record = candidate as Record<string, unknown>;
  return silaBridgeKeys.every((m) => typeof record[m] === 'function') ? (candidate as SilaBridge) : null;
}
