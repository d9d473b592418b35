/**
 * Document scans, photos and drawn signatures as RxDB attachments of their record (documents,
 * declarations), encrypted at rest by the store's crypto-js wrapper (schema
 * `attachments: { encrypted: true }`, renderer/src/data/database.ts).
 *
 * Accepted: JPEG, PNG, WebP and PDF, recognised by their magic bytes (not the file name), at
 * most 10 MB, and complete (a JPEG must end with its end-of-image marker, a PNG with IEND, a PDF
 * with %%EOF) — a truncated upload is refused with a clear message. Not compressed again: these
 * formats are already compressed (deflate of a JPEG saves ~1 %), so compression would only cost
 * time on every open.
 *
 * Reading checks the bytes against the SHA-256 recorded with the record: a damaged or swapped
 * attachment is reported as such; other records are unaffected.
 *
 *   const r = await attachFile(doc, file);            // { ok, attachmentId, mimeType, sizeBytes, sha256 }
 *   const f = await readAttachment(doc, r.attachmentId, r.sha256);   // { ok, bytes, mimeType }
 */
import type { RxDocument } from 'rxdb';
import { toHex } from '../../../shared/security';

export const ATTACHMENT_MAX_BYTES = 10 * 1024 * 1024;
export const attachmentTypes = ['image/jpeg', 'image/png', 'image/webp', 'application/pdf'] as const;
export type AttachmentType = (typeof attachmentTypes)[number];

export interface AttachmentProblem {
  ok: false;
  code: 'empty' | 'too_large' | 'unsupported' | 'truncated' | 'missing' | 'corrupted' | 'storage';
  messageAr: string;
  messageEn: string;
}

export interface StoredAttachment {
  ok: true;
  attachmentId: string;
  mimeType: AttachmentType;
  sizeBytes: number;
  sha256: string;
}

const problems: Record<AttachmentProblem['code'], [string, string]> = {
  empty: ['الملف فارغ. اختر الملف الصحيح أو صوّر المستند مرة أخرى.', 'The file is empty. Choose the right file or scan the document again.'],
  too_large: ['الملف أكبر من ١٠ ميغابايت. صوّر المستند بدقة أقل أو قسّمه إلى صفحات.', 'The file is larger than 10 MB. Scan at a lower resolution or split it into pages.'],
  unsupported: ['نوع الملف غير مقبول. المقبول: صورة JPEG أو PNG أو WebP، أو ملف PDF.', 'This file type is not accepted. Use a JPEG, PNG or WebP image, or a PDF.'],
  truncated: ['الملف غير مكتمل (ربما انقطع النسخ أو التحميل). صوّر المستند أو انسخه مرة أخرى.', 'The file is incomplete (the copy or upload was probably cut off). Scan or copy it again.'],
  missing: ['الملف المرفق غير موجود على هذا الجهاز. قد لا يكون وصل بعد؛ زامن ثم أعد المحاولة، أو أرفقه من جديد.', 'The attached file is not on this laptop. It may not have arrived yet: sync and try again, or attach it again.'],
  corrupted: ['الملف المرفق تالف ولا يطابق بصمته المسجلة، فلم يُعرض. بقية السجلات سليمة. أرفق نسخة جديدة من المستند.', 'The attached file is damaged and does not match its recorded fingerprint, so it is not shown. Other records are intact. Attach a new copy of the document.'],
  storage: ['تعذّر حفظ الملف على هذا الجهاز ولم يتغيّر شيء. أعد المحاولة، وإن تكرر ذلك فأعد تشغيل التطبيق.', 'The file could not be saved on this laptop and nothing changed. Try again; if it keeps failing, restart the app.'],
};

export function attachmentProblem(code: AttachmentProblem['code']): AttachmentProblem {
  const [messageAr, messageEn] = problems[code];
  return { ok: false, code, messageAr, messageEn };
}

function startsWith(bytes: Uint8Array, sig: readonly number[], at = 0): boolean {
  if (bytes.length < at + sig.length) return false;
  return sig.every((b, i) => bytes[at + i] === b);
}

/** The type by magic bytes, or null. */
export function sniffAttachmentType(bytes: Uint8Array): AttachmentType | null {
  if (startsWith(bytes, [0xff, 0xd8, 0xff])) return 'image/jpeg';
  if (startsWith(bytes, [0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a])) return 'image/png';
  if (startsWith(bytes, [0x52, 0x49, 0x46, 0x46]) && startsWith(bytes, [0x57, 0x45, 0x42, 0x50], 8)) return 'image/webp';
  if (startsWith(bytes, [0x25, 0x50, 0x44, 0x46, 0x2d])) return 'application/pdf';
  return null;
}

function isComplete(type: AttachmentType, bytes: Uint8Array): boolean {
  const n = bytes.length;
  switch (type) {
    case 'image/jpeg': {
      // EOI marker, possibly followed by a little padding
      for (let i = n - 2; i >= Math.max(0, n - 64); i--) if (bytes[i] === 0xff && bytes[i + 1] === 0xd9) return true;
      return false;
    }
    case 'image/png':
      // the last chunk is IEND (length 0, type IEND, CRC)
      return n >= 12 && startsWith(bytes, [0x49, 0x45, 0x4e, 0x44], n - 8);
    case 'image/webp': {
      const declared = (bytes[4]! | (bytes[5]! << 8) | (bytes[6]! << 16) | (bytes[7]! << 24)) >>> 0;
      return n >= 12 && declared + 8 <= n;
    }
    case 'application/pdf': {
      const tail = new TextDecoder('latin1').decode(bytes.subarray(Math.max(0, n - 1024)));
      return tail.includes('%%EOF');
    }
  }
}

/** Check a file before storing it: size, type (magic bytes), completeness. */
export function checkAttachmentBytes(bytes: Uint8Array): { ok: true; mimeType: AttachmentType } | AttachmentProblem {
  if (bytes.length === 0) return attachmentProblem('empty');
  if (bytes.length > ATTACHMENT_MAX_BYTES) return attachmentProblem('too_large');
  const type = sniffAttachmentType(bytes);
  if (!type) return attachmentProblem('unsupported');
  if (!isComplete(type, bytes)) return attachmentProblem('truncated');
  return { ok: true, mimeType: type };
}

async function sha256Hex(bytes: Uint8Array<ArrayBuffer>): Promise<string> {
  return toHex(new Uint8Array(await crypto.subtle.digest('SHA-256', bytes)));
}

async function bytesOf(file: Blob | Uint8Array): Promise<Uint8Array<ArrayBuffer>> {
  if (file instanceof Uint8Array) return new Uint8Array(file);
  return new Uint8Array(await file.arrayBuffer());
}

/**
 * Check and attach a file to a stored record (documents or declarations). The record's own
 * fields (attachmentId, mimeType, sizeBytes, sha256) are then saved by the feature with
 * `saveRecord`, from the returned values.
 */
export async function attachFile(doc: RxDocument, file: Blob | Uint8Array, options: { attachmentId?: string } = {}): Promise<StoredAttachment | AttachmentProblem> {
  if (typeof Blob !== 'undefined' && file instanceof Blob && file.size > ATTACHMENT_MAX_BYTES) return attachmentProblem('too_large');
  const bytes = await bytesOf(file);
  const checked = checkAttachmentBytes(bytes);
  if (!checked.ok) return checked;
  const sha256 = await sha256Hex(bytes);
  const attachmentId = options.attachmentId ?? `file-${sha256.slice(0, 32)}`;
  try {
    await doc.putAttachment({ id: attachmentId, data: new Blob([bytes], { type: checked.mimeType }), type: checked.mimeType });
  } catch (err) {
    console.error('attachFile: storing failed', err);
    return attachmentProblem('storage');
  }
  return { ok: true, attachmentId, mimeType: checked.mimeType, sizeBytes: bytes.length, sha256 };
}

/** Read an attachment back, checked against the recorded SHA-256 (when given) and its format. */
export async function readAttachment(
  doc: RxDocument,
  attachmentId: string,
  expectedSha256?: string,
): Promise<{ ok: true; bytes: Uint8Array<ArrayBuffer>; mimeType: AttachmentType } | AttachmentProblem> {
  const latest = doc.getLatest();
  const attachment = latest.getAttachment(attachmentId);
  if (!attachment) return attachmentProblem('missing');
  let bytes: Uint8Array<ArrayBuffer>;
  try {
    bytes = new Uint8Array(await (await attachment.getData()).arrayBuffer());
  } catch (err) {
    console.error('readAttachment: decrypting failed', err);
    return attachmentProblem('corrupted');
  }
  if (expectedSha256 && (await sha256Hex(bytes)) !== expectedSha256) return attachmentProblem('corrupted');
  const checked = checkAttachmentBytes(bytes);
  if (!checked.ok) return attachmentProblem('corrupted');
  return { ok: true, bytes, mimeType: checked.mimeType };
}
