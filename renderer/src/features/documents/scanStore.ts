/**
 * Where the scans of documents live: RxDB attachments of their `documents` record, encrypted at
 * rest by the local store (renderer/src/data/attachments.ts `attachFile` / `readAttachment`).
 * Scans are personal data: never kept in localStorage and never logged. The record itself keeps
 * the attachment id, type, size and SHA-256 (saved by the feature through `saveRecord`).
 */
import type { RxDocument } from 'rxdb';
import type { SilaDatabase } from '../../data/database';
import { attachFile, readAttachment, type AttachmentProblem } from '../../data/attachments';
import type { StoredScan } from './documentRecord';

export type ScanProblem = Pick<AttachmentProblem, 'code' | 'messageAr' | 'messageEn'>;

const notSaved: ScanProblem = {
  code: 'missing',
  messageAr: 'احفظ بيانات المستند أولًا ثم أرفق صورته.',
  messageEn: 'Save the document details first, then attach its scan.',
};

async function recordOf(db: SilaDatabase, documentId: string): Promise<RxDocument | null> {
  const collection = db.collections.documents;
  if (!collection) return null;
  return (await collection.findOne(documentId).exec()) as RxDocument | null;
}

/** Attaches a scan to the stored record `documentId`; returns what the record keeps about it. */
export async function storeScan(
  db: SilaDatabase,
  documentId: string,
  bytes: Uint8Array<ArrayBuffer>,
): Promise<({ ok: true } & StoredScan) | ({ ok: false } & ScanProblem)> {
  const record = await recordOf(db, documentId);
  if (!record) return { ok: false, ...notSaved };
  const stored = await attachFile(record, bytes);
  if (!stored.ok)
    return {
      ok: false,
      code: stored.code,
      messageAr: stored.messageAr,
      messageEn: stored.messageEn,
    };
  return {
    ok: true,
    attachmentId: stored.attachmentId,
    mimeType: stored.mimeType,
    sizeBytes: stored.sizeBytes,
    sha256: stored.sha256,
  };
}

/** The scan's bytes, or null when it is not on this laptop (taken on another device) or is damaged. */
export async function readScan(
  db: SilaDatabase,
  documentId: string,
  attachmentId: string,
  sha256: string,
): Promise<Uint8Array<ArrayBuffer> | null> {
  const record = await recordOf(db, documentId);
  if (!record) return null;
  const read = await readAttachment(record, attachmentId, sha256);
  return read.ok ? read.bytes : null;
}

/** Removes a replaced scan (an edited or re-taken one) so no stray copy of personal data stays behind. */
export async function removeScan(
  db: SilaDatabase,
  documentId: string,
  attachmentId: string,
): Promise<void> {
  const record = await recordOf(db, documentId);
  const attachment = record?.getLatest().getAttachment(attachmentId);
  if (attachment) await attachment.remove();
}
