/**
 * What the renderer needs from the machine it runs on. Two implementations: the Electron
 * bridge (`window.sila`, exposed by the preload) and the plain browser fallback. One is chosen
 * at start-up by feature detection (see ./index.ts); screens only see this interface.
 */

import { parseExternalUrl } from '../../../shared/ipc/contract';

export type PlatformKind = 'electron' | 'web';

export interface AppInfo {
  name: string;
  version: string;
  platform: PlatformKind;
  /** HQ origins configured for this installation (desktop only; first = the HQ to sync with). */
  hqOrigins: string[];
}

export interface SaveFileRequest {
  /** File name offered to the user, e.g. `declaration-1234.pdf`. */
  suggestedName: string;
  mimeType: string;
  data: Uint8Array | Blob;
}

export interface SaveFileResult {
  /** False when the user cancelled the save dialog. */
  saved: boolean;
}

export interface SecureStore {
  /** False in a plain browser: there is no OS key store to protect secrets with. On the
   *  desktop the OS may still refuse (no keyring): calls then fail with `secureStoreUnavailable`. */
  readonly available: boolean;
  /** Encrypts with the OS key store (Electron safeStorage); returns base64 ciphertext. */
  encrypt(plainText: string): Promise<string>;
  decrypt(cipherText: string): Promise<string>;
}

export interface Platform {
  readonly kind: PlatformKind;
  saveFile(request: SaveFileRequest): Promise<SaveFileResult>;
  /** Prints a PDF document (the desktop shell shows the system print dialog). */
  printPdf(pdf: Uint8Array, title: string): Promise<void>;
  /** Opens an http(s) link in the user's browser; anything else is refused. */
  openExternal(url: string): Promise<void>;
  readonly secureStore: SecureStore;
  /** Called when the session must lock (OS lock screen, suspend). Returns an unsubscribe function. */
  onLock(listener: () => void): () => void;
  appInfo(): Promise<AppInfo>;
}

/** Error codes map to catalogue keys `platform.<code>` so the UI shows a translated message. */
export type PlatformErrorCode =
  | 'secureStoreUnavailable'
  | 'decryptFailed'
  | 'bridgeFailed'
  | 'externalLinkRejected'
  | 'printFailed'
  | 'saveFailed';

export class PlatformError extends Error {
  readonly code: PlatformErrorCode;
  constructor(code: PlatformErrorCode, detail?: string) {
    super(detail ? `${code}: ${detail}` : code);
    this.name = 'PlatformError';
    this.code = code;
  }

  /** i18n key of the user-facing message. */
  get messageKey(): `platform.${PlatformErrorCode}` {
    return `platform.${this.code}`;
  }
}

/** Only http(s) URLs with a host and without credentials may leave the app (the shared rule). */
export function requireExternalUrl(url: string): URL {
  const parsed = parseExternalUrl(url);
  if (!parsed) throw new PlatformError('externalLinkRejected');
  return parsed;
}

export function toBlob(data: Uint8Array | Blob, mimeType: string): Blob {
  if (data instanceof Blob) return data;
  // Copy into a fresh ArrayBuffer so a view over a larger/shared buffer is never leaked.
  const copy = new Uint8Array(data.byteLength);
  copy.set(data);
  return new Blob([copy.buffer], { type: mimeType });
}
