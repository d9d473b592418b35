/**
 * The one typed IPC contract between the page (renderer) and the Electron main process:
 * channel name → request schema + response schema. The main process parses every request
 * with these schemas before a handler runs and checks every response before it is sent;
 * the preload exposes one narrow function per channel (see `bridge.ts`).
 */
import { z } from 'zod';
import type { EventChannel, InvokeChannel } from './channels';

const KiB = 1024;
const MiB = 1024 * KiB;

/** Largest file the page may hand to the save dialog (exports, declarations). */
export const maxSaveBytes = 200 * MiB;
/** Largest PDF the page may hand to the printer. */
export const maxPrintBytes = 50 * MiB;

const bytes = (max: number) =>
  z
    .instanceof(Uint8Array)
    .refine((b) => b.byteLength > 0, 'الملف فارغ')
    .refine((b) => b.byteLength <= max, 'الملف أكبر من الحد المسموح');

/**
 * A bare file name, never a path: no separators, no NUL or control characters, none of the
 * characters Windows forbids, not "." or "..", at most 200 characters.
 */
export const fileName = z
  .string()
  .min(1)
  .max(200)
  .refine(
    (n) => !/[/\\<>:"|?*]/.test(n) && ![...n].some((c) => c.charCodeAt(0) < 0x20 || c === '\u007f'),
    'اسم الملف يحتوي على حروف غير مسموحة',
  )
  .refine(
    (n) => n !== '.' && n !== '..' && n.trim() === n && !n.endsWith('.'),
    'اسم الملف غير صالح',
  );

export const fileFilter = z.object({
  /** Label shown in the dialog, e.g. "مستند PDF". */
  name: z.string().min(1).max(100),
  /** Extensions without the dot, e.g. ["pdf"]; "*" for all files. */
  extensions: z
    .array(z.string().regex(/^(\*|[A-Za-z0-9]{1,10})$/))
    .min(1)
    .max(10),
});
export type FileFilter = z.infer<typeof fileFilter>;

export const appInfo = z.object({
  name: z.string(),
  version: z.string(),
  /** Node's platform name: 'win32' | 'darwin' | 'linux' … */
  platform: z.string(),
  arch: z.string(),
  /** The OS/UI locale Electron reports, e.g. "ar-SA" or "en-US". */
  locale: z.string(),
  /**
   * The HQ origins this installation is configured for (also the only origins besides the
   * app itself that the page's Content-Security-Policy lets it connect to). The first one is
   * the HQ to sync with.
   */
  hqOrigins: z.array(z.string()),
  /** True in an installed build, false when run from the source tree. */
  packaged: z.boolean(),
});
export type AppInfo = z.infer<typeof appInfo>;

export const saveAsRequest = z.object({
  suggestedName: fileName,
  bytes: bytes(maxSaveBytes),
  filters: z.array(fileFilter).max(10),
});
export type SaveAsRequest = z.infer<typeof saveAsRequest>;

export const saveAsResult = z.discriminatedUnion('status', [
  z.object({ status: z.literal('saved'), path: z.string().min(1) }),
  z.object({ status: z.literal('cancelled') }),
]);
export type SaveAsResult = z.infer<typeof saveAsResult>;

export const printPdfRequest = z.object({
  pdf: bytes(maxPrintBytes).refine(
    // "%PDF-" magic number: refuse to print something that is not a PDF.
    (b) => b[0] === 0x25 && b[1] === 0x50 && b[2] === 0x44 && b[3] === 0x46 && b[4] === 0x2d,
    'الملف ليس بصيغة PDF',
  ),
  copies: z.number().int().min(1).max(50),
});
export type PrintPdfRequest = z.infer<typeof printPdfRequest>;

export const printPdfResult = z.object({
  /** false when the user cancelled the print dialog. */
  printed: z.boolean(),
});
export type PrintPdfResult = z.infer<typeof printPdfResult>;

const base64 = z
  .string()
  .min(4)
  .max(64 * KiB)
  .regex(
    /^(?:[A-Za-z0-9+/]{4})*(?:[A-Za-z0-9+/]{2}==|[A-Za-z0-9+/]{3}=)?$/,
    'ليست قيمة base64 صالحة',
  );

export const secureEncryptRequest = z.object({
  /** The wrapped key (or any short secret) to protect with the OS key store. */
  plaintext: z
    .string()
    .min(1)
    .max(16 * KiB),
});
export type SecureEncryptRequest = z.infer<typeof secureEncryptRequest>;
export const secureEncryptResult = z.object({ ciphertext: base64 });
export type SecureEncryptResult = z.infer<typeof secureEncryptResult>;

export const secureDecryptRequest = z.object({ ciphertext: base64 });
export type SecureDecryptRequest = z.infer<typeof secureDecryptRequest>;
export const secureDecryptResult = z.object({ plaintext: z.string() });
export type SecureDecryptResult = z.infer<typeof secureDecryptResult>;

export const openExternalRequest = z.object({ url: z.string().min(1).max(2048) });
export type OpenExternalRequest = z.infer<typeof openExternalRequest>;
export const openExternalResult = z.object({ opened: z.literal(true) });
export type OpenExternalResult = z.infer<typeof openExternalResult>;

export const ipcContract = {
  'app:info': { request: z.undefined(), response: appInfo },
  'file:saveAs': { request: saveAsRequest, response: saveAsResult },
  'print:pdf': { request: printPdfRequest, response: printPdfResult },
  'secure:encrypt': { request: secureEncryptRequest, response: secureEncryptResult },
  'secure:decrypt': { request: secureDecryptRequest, response: secureDecryptResult },
  'shell:openExternal': { request: openExternalRequest, response: openExternalResult },
} as const satisfies Record<InvokeChannel, { request: z.ZodType; response: z.ZodType }>;

export type IpcRequest<C extends InvokeChannel> = z.input<(typeof ipcContract)[C]['request']>;
export type IpcResponse<C extends InvokeChannel> = z.output<(typeof ipcContract)[C]['response']>;

/** Why the page should lock itself now. */
export const lockEvent = z.object({ reason: z.enum(['lock-screen', 'suspend']) });
export type LockEvent = z.infer<typeof lockEvent>;

export const ipcEvents = {
  'power:lock': lockEvent,
} as const satisfies Record<EventChannel, z.ZodType>;

/**
 * Parses a URL meant for the user's web browser. Only absolute http: and https: URLs with a
 * host and without embedded credentials pass; everything else (javascript:, file:, app:,
 * mailto:, smb:, relative paths, "https://user:pw@host") is refused.
 */
export function parseExternalUrl(raw: string): URL | null {
  let url: URL;
  try {
    url = new URL(raw);
  } catch {
    return null;
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') return null;
  if (url.hostname === '' || url.username !== '' || url.password !== '') return null;
  return url;
}
