/**
 * `window.sila`: what the Electron preload exposes to the page. Narrow, typed, async
 * functions only — never `ipcRenderer` itself. Every call resolves (never rejects) with the
 * result envelope; the page decides how to show `error.message` (Arabic) or map `error.code`
 * to its own catalogue.
 *
 * In a plain browser `window.sila` is undefined: the renderer's platform layer then uses its
 * browser fallback.
 */
import type {
  AppInfo,
  LockEvent,
  OpenExternalRequest,
  OpenExternalResult,
  PrintPdfRequest,
  PrintPdfResult,
  SaveAsRequest,
  SaveAsResult,
  SecureDecryptRequest,
  SecureDecryptResult,
  SecureEncryptRequest,
  SecureEncryptResult,
} from './contract';
import type { IpcResult } from './envelope';

export interface SilaBridge {
  /** Version, platform, locale and the configured HQ origin(s). */
  getAppInfo(): Promise<IpcResult<AppInfo>>;
  /** Shows the OS "save as" dialog and writes the bytes to the chosen file. */
  saveFileAs(request: SaveAsRequest): Promise<IpcResult<SaveAsResult>>;
  /** Shows the OS print dialog for the PDF (printed from a hidden window). */
  printPdf(request: PrintPdfRequest): Promise<IpcResult<PrintPdfResult>>;
  /** Protects a short secret (the wrapped data key) with the OS key store; returns base64. */
  encryptSecret(request: SecureEncryptRequest): Promise<IpcResult<SecureEncryptResult>>;
  /** Reverses `encryptSecret` on the same machine and OS account. */
  decryptSecret(request: SecureDecryptRequest): Promise<IpcResult<SecureDecryptResult>>;
  /** Opens an http(s) URL in the user's default browser. */
  openExternal(request: OpenExternalRequest): Promise<IpcResult<OpenExternalResult>>;
  /**
   * Called when the OS screen locks or the machine suspends: the page should lock itself
   * (drop keys from memory, show the unlock screen). Returns a function that unsubscribes.
   */
  onLock(callback: (event: LockEvent) => void): () => void;
}

/** The exact set of names on `window.sila` (the preload test checks it). */
export const silaBridgeKeys = [
  'getAppInfo',
  'saveFileAs',
  'printPdf',
  'encryptSecret',
  'decryptSecret',
  'openExternal',
  'onLock',
] as const satisfies readonly (keyof SilaBridge)[];
