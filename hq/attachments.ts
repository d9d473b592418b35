/**
 * Content-addressed file storage: every file is stored once, keyed by the SHA-256 of its bytes.
 *
 *   HEAD /attachments/:sha256?branchId=B   200 when branch B already has it (then the laptop
 *                                          does not send it again), 404 otherwise
 *   PUT  /attachments/:sha256?branchId=B   body = the bytes (application/octet-stream); HQ checks
 *                                          the hash, stores the bytes once, links them to B
 *   GET  /attachments/:sha256              the bytes, when one of the caller's branches has it
 *
 * A branch gains access to a file only by uploading its bytes (so knowing a hash is not
 * enough). Documents refer to files by hash (e.g. declarations' pdfAttachmentId).
 */
import { createHash } from 'node:crypto';
import { can } from '../shared/access';
import type { UserCaller } from './auth';
import type { Database, Queryable } from './db';
import { HqError, errors } from './errors';

export { MAX_ATTACHMENT_BYTES } from '../shared/sync/protocol';
const SHA256 = /^[0-9a-f]{64}$/;

export function checkSha256(v: unknown): string {
  if (typeof v !== 'string' || !SHA256.test(v)) {
    throw errors.malformed('The attachment id must be the SHA-256 of its bytes (64 lower-case hex digits).');
  }
  return v;
}

/** The branch a caller uploads for: one of theirs, and they must be able to write a branch record. */
export function uploadBranch(caller: UserCaller, branchId: unknown): string {
  if (typeof branchId !== 'string' || branchId.length === 0 || branchId.length > 64) {
    throw errors.malformed('branchId is required.');
  }
  const canWrite = ['documents', 'declarations', 'beneficiaries'].some((c) => can(caller, 'insert', c, { branchId }).allowed);
  if (!canWrite) {
    throw errors.forbidden(
      `You may not store files for branch ${branchId}.`,
      'لا يمكنك حفظ ملفات لهذا الفرع. إن نُقلت إليه فاطلب من مدير النظام إضافته إلى حسابك.',
      { reason: 'other_branch' },
    );
  }
  return branchId;
}

export async function hasAttachment(db: Queryable, sha256: string, branchIds: readonly string[] | 'all'): Promise<boolean> {
  const { rows } =
    branchIds === 'all'
      ? await db.query('SELECT 1 FROM hq_attachments WHERE sha256 = $1', [sha256])
      : await db.query('SELECT 1 FROM hq_attachment_branches WHERE sha256 = $1 AND branch_id = ANY($2::text[])', [sha256, [...branchIds]]);
  return rows.length > 0;
}

export async function putAttachment(
  db: Database,
  sha256: string,
  bytes: Buffer,
  contentType: string,
  branchId: string,
  userId: string,
): Promise<{ stored: boolean; linked: boolean }> {
  if (bytes.length === 0) throw errors.malformed('An attachment cannot be empty.');
  const actual = createHash('sha256').update(bytes).digest('hex');
  if (actual !== sha256) {
    throw new HqError(
      400,
      'INVALID_DOCUMENT',
      `The uploaded bytes hash to ${actual}, not ${sha256}.`,
      'وصل الملف ناقصًا أو تالفًا فلم يُحفظ. ستُعاد المحاولة تلقائيًا.',
      { expected: sha256, actual },
    );
  }
  return db.transaction(async (tx) => {
    const ins = await tx.query<{ sha256: string }>(
      'INSERT INTO hq_attachments (sha256, size, content_type, data) VALUES ($1, $2, $3, $4) ON CONFLICT (sha256) DO NOTHING RETURNING sha256',
      [sha256, bytes.length, contentType.slice(0, 100), bytes],
    );
    const link = await tx.query<{ sha256: string }>(
      'INSERT INTO hq_attachment_branches (sha256, branch_id, uploaded_by) VALUES ($1, $2, $3) ON CONFLICT DO NOTHING RETURNING sha256',
      [sha256, branchId, userId],
    );
    return { stored: ins.rows.length > 0, linked: link.rows.length > 0 };
  });
}

export async function getAttachment(db: Queryable, sha256: string, branchIds: readonly string[] | 'all'): Promise<{ bytes: Buffer; contentType: string } | null> {
  if (!(await hasAttachment(db, sha256, branchIds))) return null;
  const { rows } = await db.query<{ data: Buffer | Uint8Array; content_type: string }>('SELECT data, content_type FROM hq_attachments WHERE sha256 = $1', [sha256]);
  const r = rows[0];
  if (!r) return null;
  return { bytes: Buffer.from(r.data), contentType: r.content_type };
}
