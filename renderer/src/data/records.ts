/**
 * The one write path for screens: `saveRecord` checks the user's rights (shared/access),
 * stamps the bookkeeping fields, fills the beneficiary lookup hashes, validates against the
 * shared schema, upserts, and appends the audit entry. `deleteRecord` does the same for a
 * deletion (a tombstone that replicates to HQ).
 *
 *   const result = await saveRecord(db, actor, 'support_requests', draft);
 *   if (!result.ok) showIssues(result.issues, result.messageAr);   // nothing was written
 *
 * A refused or failed write leaves the store as it was (RxDB writes one document atomically);
 * the result says what to do next in Arabic and English; the form keeps what was typed.
 */
import type { RxCollection } from 'rxdb';
import { can, canUpdate } from '../../../shared/access';
import { describeChangedFields, type AuditAction, type AuditEntry } from '../../../shared/audit';
import { collectionsByName, validateDocument, type CollectionDef, type Role, type ValidationIssue } from '../../../shared/schema';
import { keyedLookupHash, normaliseLookupValue } from '../../../shared/security';
import { collectionIn, recordAudit, type StoreDatabase } from './audit';

/** Who writes (renderer/src/state/actor.ts `Actor` satisfies this). */
export interface RecordActor {
  userId: string;
  role: Role;
  branchIds: readonly string[];
  /** Branch new records belong to when the document names none. */
  branchId: string;
}

export interface SaveRecordOptions {
  /** Audit action; default 'create' for a new record, 'update' for an existing one. */
  action?: AuditAction;
  /** Audit summary (no personal data); default 'created' or the changed field names. */
  summary?: string;
  /** Key for idHash/phoneHash; default the one set at unlock (`setRecordKeys`). */
  lookupKey?: CryptoKey;
  /** This laptop's id for the audit chain (default renderer/src/state/device.ts). */
  deviceId?: string;
  now?: () => Date;
  /**
   * Files stored with a NEW record, in the same write (RxDB inline attachments, encrypted at
   * rest like the rest; they replicate with the record — shared/sync/record-files.ts). For
   * append-only records (declarations) this is the only way to give them files.
   */
  files?: readonly { id: string; type: string; bytes: Uint8Array }[];
}

export type RecordFailureReason = 'unknown_collection' | 'forbidden' | 'invalid' | 'not_found' | 'storage';

export type SaveRecordResult<T = Record<string, unknown>> =
  | {
      ok: true;
      /** The document as stored (validated, stamped). */
      doc: T;
      created: boolean;
      /** The audit entry, or null when the record was written but the audit append failed (logged). */
      audit: AuditEntry | null;
    }
  | {
      ok: false;
      reason: RecordFailureReason;
      /** Per-field problems (schema), empty for other reasons. */
      issues: ValidationIssue[];
      messageAr: string;
      messageEn: string;
    };

let sessionLookupKey: CryptoKey | null = null;

/** Set at unlock (and cleared at lock): the key for beneficiary idHash/phoneHash. */
export function setRecordKeys(keys: { lookupKey: CryptoKey } | null): void {
  sessionLookupKey = keys?.lookupKey ?? null;
}

export function currentLookupKey(): CryptoKey | null {
  return sessionLookupKey;
}

function fail(reason: RecordFailureReason, messageAr: string, messageEn: string, issues: ValidationIssue[] = []): SaveRecordResult<never> {
  return { ok: false, reason, issues, messageAr, messageEn };
}

const INVALID_AR = 'لم يُحفظ السجل: بعض الحقول غير صحيحة. صحّح الحقول المشار إليها ثم احفظ مرة أخرى.';
const INVALID_EN = 'Not saved: some fields are not valid. Correct the marked fields and save again.';
const STORAGE_AR = 'تعذّر حفظ السجل على هذا الجهاز ولم يتغيّر شيء. أعد المحاولة، وإن تكرر ذلك فأعد تشغيل التطبيق وأبلغ الدعم الفني.';
const STORAGE_EN = 'The record could not be saved on this laptop and nothing changed. Try again; if it keeps failing, restart the app and tell IT support.';

function collectionOf(db: StoreDatabase, name: string): { def: CollectionDef; collection: RxCollection } | null {
  const def = collectionsByName.get(name);
  const collection = collectionIn(db, name);
  return def && collection ? { def, collection } : null;
}

function hasField(def: CollectionDef, field: string): boolean {
  return Object.prototype.hasOwnProperty.call(def.schema.shape, field);
}

function plain(doc: Record<string, unknown>): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(doc)) if (!k.startsWith('_') && v !== undefined) out[k] = v;
  return out;
}

/** Keyed hashes of a beneficiary's ID and phone (exact lookup without clear text); '' when absent. */
export async function beneficiaryLookupHashes(lookupKey: CryptoKey, doc: { nationalId?: unknown; phone?: unknown }): Promise<{ idHash: string; phoneHash: string }> {
  const id = typeof doc.nationalId === 'string' ? normaliseLookupValue('nationalId', doc.nationalId) : null;
  const phone = typeof doc.phone === 'string' ? normaliseLookupValue('phone', doc.phone) : null;
  return {
    idHash: id ? await keyedLookupHash(lookupKey, 'nationalId', id) : '',
    phoneHash: phone ? await keyedLookupHash(lookupKey, 'phone', phone) : '',
  };
}

/**
 * Validate, stamp, upsert and audit one record of `collectionName`. Never throws for a user's
 * mistake or a failed write: the result says what happened. Throws only for programming errors
 * (e.g. an audit summary carrying digits).
 */
export async function saveRecord<T = Record<string, unknown>>(
  db: StoreDatabase,
  actor: RecordActor,
  collectionName: string,
  doc: Record<string, unknown>,
  options: SaveRecordOptions = {},
): Promise<SaveRecordResult<T>> {
  const target = collectionOf(db, collectionName);
  if (!target) {
    return fail('unknown_collection', 'نوع السجل غير معروف لهذا الإصدار. حدّث التطبيق ثم أعد المحاولة.', 'Unknown record type for this version. Update the app and try again.');
  }
  const { def, collection } = target;
  const now = (options.now ?? (() => new Date()))().toISOString();
  const id = typeof doc.id === 'string' ? doc.id : '';

  let existing: Record<string, unknown> | null = null;
  try {
    const found = id ? await collection.findOne(id).exec() : null;
    existing = found ? plain(found.toJSON() as Record<string, unknown>) : null;
  } catch (err) {
    console.error('saveRecord: reading the stored record failed', err);
    return fail('storage', STORAGE_AR, STORAGE_EN);
  }

  const candidate: Record<string, unknown> = plain(doc);
  if (hasField(def, 'branchId') && typeof candidate.branchId !== 'string') candidate.branchId = existing?.branchId ?? actor.branchId;
  if (hasField(def, 'createdAt')) candidate.createdAt = existing?.createdAt ?? candidate.createdAt ?? now;
  if (hasField(def, 'updatedAt')) candidate.updatedAt = now;
  if (hasField(def, 'updatedBy')) candidate.updatedBy = actor.userId;

  const branch = typeof candidate.branchId === 'string' ? { branchId: candidate.branchId } : {};
  const decision = existing
    ? canUpdate(actor, collectionName, typeof existing.branchId === 'string' ? { branchId: existing.branchId } : {}, branch)
    : can(actor, 'insert', collectionName, branch);
  if (!decision.allowed) return fail('forbidden', decision.messageAr, decision.messageEn);

  if (collectionName === 'beneficiaries') {
    const key = options.lookupKey ?? sessionLookupKey;
    if (key) Object.assign(candidate, await beneficiaryLookupHashes(key, candidate));
  }

  const checked = validateDocument(def, candidate);
  if (!checked.ok) return fail('invalid', INVALID_AR, INVALID_EN, checked.issues);
  const value = checked.value as Record<string, unknown>;

  try {
    if (options.files && options.files.length > 0) {
      if (existing) {
        return fail('invalid', INVALID_AR, INVALID_EN, [{ path: '_attachments', message: 'files are stored with a new record only' }]);
      }
      await collection.insert({
        ...value,
        // RxDB's inline attachments (array form): digest and length are computed on insert.
        _attachments: options.files.map((f) => ({ id: f.id, type: f.type, data: new Blob([new Uint8Array(f.bytes)], { type: f.type }) })),
      } as never);
    } else {
      await collection.incrementalUpsert(value);
    }
  } catch (err) {
    console.error(`saveRecord: writing ${collectionName}/${id} failed`, err);
    return fail('storage', STORAGE_AR, STORAGE_EN);
  }

  const action: AuditAction = options.action ?? (existing ? 'update' : 'create');
  const summary = options.summary ?? (existing ? describeChangedFields(existing, value) : 'created');
  let audit: AuditEntry | null = null;
  try {
    audit = await recordAudit(
      db,
      { userId: actor.userId, role: actor.role, branchId: typeof value.branchId === 'string' ? value.branchId : actor.branchId },
      { action, collectionName, docId: String(value.id), summary },
      { deviceId: options.deviceId, now: options.now },
    );
  } catch (err) {
    if (err instanceof Error && err.message.startsWith('audit:')) throw err; // a programming error in the summary/action
    console.error('saveRecord: the audit entry could not be written', err);
  }
  return { ok: true, doc: value as T, created: existing === null, audit };
}

/** Delete one record (a tombstone that replicates), with its audit entry. */
export async function deleteRecord(
  db: StoreDatabase,
  actor: RecordActor,
  collectionName: string,
  id: string,
  options: Pick<SaveRecordOptions, 'summary' | 'deviceId' | 'now'> = {},
): Promise<{ ok: true; audit: AuditEntry | null } | Extract<SaveRecordResult, { ok: false }>> {
  const target = collectionOf(db, collectionName);
  if (!target) {
    return fail('unknown_collection', 'نوع السجل غير معروف لهذا الإصدار. حدّث التطبيق ثم أعد المحاولة.', 'Unknown record type for this version. Update the app and try again.') as Extract<SaveRecordResult, { ok: false }>;
  }
  let found;
  try {
    found = await target.collection.findOne(id).exec();
  } catch (err) {
    console.error('deleteRecord: reading failed', err);
    return fail('storage', STORAGE_AR, STORAGE_EN) as Extract<SaveRecordResult, { ok: false }>;
  }
  if (!found) {
    return fail('not_found', 'السجل غير موجود على هذا الجهاز (ربما حُذف من قبل). حدّث القائمة.', 'The record is not on this laptop (it may have been deleted already). Refresh the list.') as Extract<SaveRecordResult, { ok: false }>;
  }
  const stored = found.toJSON() as Record<string, unknown>;
  const decision = can(actor, 'delete', collectionName, typeof stored.branchId === 'string' ? { branchId: stored.branchId } : {});
  if (!decision.allowed) return fail('forbidden', decision.messageAr, decision.messageEn) as Extract<SaveRecordResult, { ok: false }>;
  try {
    await found.remove();
  } catch (err) {
    console.error('deleteRecord: removing failed', err);
    return fail('storage', STORAGE_AR, STORAGE_EN) as Extract<SaveRecordResult, { ok: false }>;
  }
  let audit: AuditEntry | null = null;
  try {
    audit = await recordAudit(
      db,
      { userId: actor.userId, role: actor.role, branchId: typeof stored.branchId === 'string' ? stored.branchId : actor.branchId },
      { action: 'delete', collectionName, docId: id, summary: options.summary ?? 'deleted' },
      { deviceId: options.deviceId, now: options.now },
    );
  } catch (err) {
    if (err instanceof Error && err.message.startsWith('audit:')) throw err;
    console.error('deleteRecord: the audit entry could not be written', err);
  }
  return { ok: true, audit };
}
