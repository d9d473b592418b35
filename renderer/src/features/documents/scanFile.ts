/**
 * Which files may become a document scan (صورة المستند): PNG, JPEG, WebP images and PDF, up to
 * 10 MB. The type is decided by the file's first bytes (its "magic number"), never by its name or
 * the browser's guess, so a renamed program or archive is refused.
 */

import { checkAttachmentBytes } from '../../data/attachments';

/** Largest scan accepted (10 MB). */
export const MAX_SCAN_BYTES = 10 * 1024 * 1024;

export type ScanMimeType = 'image/png' | 'image/jpeg' | 'image/webp' | 'application/pdf';

export const ACCEPTED_SCAN_TYPES: readonly ScanMimeType[] = [
  'image/png',
  'image/jpeg',
  'image/webp',
  'application/pdf',
];

/** What the file picker offers (the bytes are still checked after picking). */
export const SCAN_ACCEPT_ATTRIBUTE =
  '.png,.jpg,.jpeg,.webp,.pdf,image/png,image/jpeg,image/webp,application/pdf';

function startsWith(bytes: Uint8Array, signature: readonly number[], offset = 0): boolean {
  if (bytes.length < offset + signature.length) return false;
  return signature.every((b, i) => bytes[offset + i] === b);
}

/** The scan type from the file's first bytes, or null when it is none of the accepted types. */
export function sniffScanType(bytes: Uint8Array): ScanMimeType | null {
  if (startsWith(bytes, [0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a])) return 'image/png';
  if (startsWith(bytes, [0xff, 0xd8, 0xff])) return 'image/jpeg';
  // RIFF....WEBP
  if (startsWith(bytes, [0x52, 0x49, 0x46, 0x46]) && startsWith(bytes, [0x57, 0x45, 0x42, 0x50], 8))
    return 'image/webp';
  if (startsWith(bytes, [0x25, 0x50, 0x44, 0x46, 0x2d])) return 'application/pdf'; // %PDF-
  return null;
}

export function isImageType(type: ScanMimeType): boolean {
  return type !== 'application/pdf';
}

export type ScanFileProblem = 'empty' | 'too_large' | 'unsupported_type' | 'truncated';

export type ScanFileCheck =
  | { ok: true; mimeType: ScanMimeType; sizeBytes: number }
  | { ok: false; code: ScanFileProblem; messageAr: string; messageEn: string };

function megabytes(n: number): string {
  return (n / (1024 * 1024)).toFixed(1);
}

/** Checks a picked, dropped or captured file before it is stored. `name` is only for the message. */
export function checkScanFile(name: string, bytes: Uint8Array): ScanFileCheck {
  const label = name.trim() || '—';
  if (bytes.length === 0) {
    return {
      ok: false,
      code: 'empty',
      messageAr: `الملف «${label}» فارغ. صوّر المستند أو امسحه ضوئيًا من جديد ثم أرفقه.`,
      messageEn: `The file "${label}" is empty. Photograph or scan the document again and attach it.`,
    };
  }
  if (bytes.length > MAX_SCAN_BYTES) {
    return {
      ok: false,
      code: 'too_large',
      messageAr: `حجم الملف «${label}» ${megabytes(bytes.length)} ميغابايت، والحد الأقصى ١٠ ميغابايت. خفّض دقة المسح أو صوّر المستند بالكاميرا ثم أرفقه.`,
      messageEn: `The file "${label}" is ${megabytes(bytes.length)} MB; the limit is 10 MB. Scan at a lower resolution or photograph the document with the camera.`,
    };
  }
  const mimeType = sniffScanType(bytes);
  if (!mimeType) {
    return {
      ok: false,
      code: 'unsupported_type',
      messageAr: `الملف «${label}» ليس صورة (PNG أو JPEG أو WebP) ولا ملف PDF. احفظ المسح بإحدى هذه الصيغ ثم أرفقه.`,
      messageEn: `The file "${label}" is not an image (PNG, JPEG or WebP) or a PDF. Save the scan in one of these formats and attach it.`,
    };
  }
  // The local store also refuses an incomplete file (a copy or download cut off).
  const stored = checkAttachmentBytes(bytes);
  if (!stored.ok) {
    return {
      ok: false,
      code: 'truncated',
      messageAr: `الملف «${label}» غير مكتمل (ربما انقطع النسخ أو التحميل). صوّر المستند أو انسخه مرة أخرى ثم أرفقه.`,
      messageEn: `The file "${label}" is incomplete (the copy or download was probably cut off). Scan or copy it again and attach it.`,
    };
  }
  return { ok: true, mimeType, sizeBytes: bytes.length };
}

/** SHA-256 of the bytes, lower-case hex (the schema's `attachment.sha256`). */
export async function sha256Hex(bytes: Uint8Array<ArrayBuffer>): Promise<string> {
  const digest = new Uint8Array(await crypto.subtle.digest('SHA-256', bytes));
  return Array.from(digest, (b) => b.toString(16).padStart(2, '0')).join('');
}
