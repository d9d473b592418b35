/**
 * PDPL destruction (إتلاف بيانات صاحب البيانات) of one beneficiary, carried out by HQ on every
 * device. Platform-free: HQ (hq/destruction.ts), the laptop's replication (shared/sync) and the
 * privacy screen (renderer/src/features/privacy) share these rules.
 *
 * 1. A branch user records the data subject's request: an audit entry whose `action` is
 *    `PDPL_DESTRUCTION_ACTION`, `collectionName` 'beneficiaries' and `docId` the beneficiary.
 *    That is the one, explicit marker (no other audit action or summary triggers anything).
 * 2. When HQ receives that entry (push of audit_entries) it checks that the pushing user may
 *    write the beneficiary's branch and, in the same transaction as the entry itself, replaces
 *    the beneficiary and every record that belongs to them (`isLinkedToSubject`) with a
 *    *destruction tombstone* (`destructionTombstone`): `_deleted: true`, the id, the branch and
 *    who/when — no personal field. Files no other live record uses are deleted.
 * 3. Laptops pull the tombstones like any deletion; RxDB removes the records' files, and the
 *    replication then purges the deleted rows from storage (shared/sync/purge.ts).
 *
 * The audit trail is kept: entries hold codes, field names and opaque ids, never values
 * (shared/audit `checkAuditSummary`).
 */
import { id as idField } from '../schema/base';
import { validateDocument, type CollectionDef, type ValidationResult } from '../schema/collection';

/** The audit action that asks HQ to destroy a beneficiary's data (entry.docId = the beneficiary). */
export const PDPL_DESTRUCTION_ACTION = 'pdpl_destruction_request';
/** What the laptop writes as the entry's summary (no personal data). */
export const PDPL_DESTRUCTION_SUMMARY = 'pdpl destruction requested by the data subject';
/** `updatedBy` of every tombstone HQ writes when it carries out a destruction. */
export const PDPL_DESTROYED_BY = 'hq.pdpl_destruction';

/**
 * Collections whose records can be about a beneficiary, with the fields that point to the
 * beneficiary, to one of their requests, or to one of their service deliveries. Anonymous
 * satisfaction evaluations carry no link and are not about anyone.
 */
export const SUBJECT_LINKS = {
  beneficiaries: [],
  support_requests: ['beneficiaryId'],
  interviews: ['beneficiaryId', 'requestId'],
  documents: ['beneficiaryId', 'requestId'],
  declarations: ['beneficiaryId', 'requestId'],
  committee_decisions: ['beneficiaryId', 'requestId'],
  service_deliveries: ['beneficiaryId', 'requestId'],
  satisfaction_evaluations: ['beneficiaryId', 'requestId', 'deliveryId'],
  contact_logs: ['beneficiaryId', 'requestId'],
} as const satisfies Readonly<Record<string, readonly ('beneficiaryId' | 'requestId' | 'deliveryId')[]>>;

export type SubjectCollection = keyof typeof SUBJECT_LINKS;
export const subjectCollections = Object.keys(SUBJECT_LINKS) as SubjectCollection[];

/** Conflict records (sync_conflicts) keep both values of a record's field: destroyed with the record. */
export const CONFLICTS_COLLECTION = 'sync_conflicts';

/** The ids that make a record "about" the data subject. */
export interface SubjectIds {
  beneficiaryId: string;
  requestIds: ReadonlySet<string>;
  deliveryIds: ReadonlySet<string>;
}

/** Whether `doc` of `collection` belongs to the data subject (the beneficiary record itself included). */
export function isLinkedToSubject(collection: string, doc: Record<string, unknown>, ids: SubjectIds): boolean {
  if (collection === 'beneficiaries') return doc.id === ids.beneficiaryId;
  if (collection === 'support_requests' && typeof doc.id === 'string' && ids.requestIds.has(doc.id)) return true;
  if (collection === 'service_deliveries' && typeof doc.id === 'string' && ids.deliveryIds.has(doc.id)) return true;
  if (!Object.prototype.hasOwnProperty.call(SUBJECT_LINKS, collection)) return false;
  for (const field of SUBJECT_LINKS[collection as SubjectCollection] as readonly string[]) {
    const v = doc[field];
    if (typeof v !== 'string') continue;
    if (field === 'beneficiaryId' && v === ids.beneficiaryId) return true;
    if (field === 'requestId' && ids.requestIds.has(v)) return true;
    if (field === 'deliveryId' && ids.deliveryIds.has(v)) return true;
  }
  return false;
}

/** The ids a record points to (itself, its beneficiary, request, delivery, or — for a conflict — its record). */
export function referencedIds(collection: string, doc: Record<string, unknown>): string[] {
  const out: string[] = [];
  const add = (v: unknown) => {
    if (typeof v === 'string' && v.length > 0) out.push(v);
  };
  add(doc.id);
  if (collection === CONFLICTS_COLLECTION) add(doc.documentId);
  else for (const f of ['beneficiaryId', 'requestId', 'deliveryId']) add(doc[f]);
  return out;
}

/**
 * The tombstone HQ stores instead of a destroyed record: what a laptop needs to accept and apply
 * the deletion (id, branch, who/when, `_deleted`), and nothing personal.
 */
export function destructionTombstone(def: Pick<CollectionDef, 'scope'>, doc: Record<string, unknown>, at: string): Record<string, unknown> & { id: string; _deleted: true } {
  const t: Record<string, unknown> & { id: string; _deleted: true } = { id: String(doc.id), _deleted: true };
  if (def.scope === 'branch' && typeof doc.branchId === 'string') t.branchId = doc.branchId;
  t.updatedAt = at;
  t.updatedBy = PDPL_DESTROYED_BY;
  return t;
}

/** A tombstone written by HQ when it carried out a destruction. */
export function isDestructionTombstone(doc: unknown): boolean {
  if (!doc || typeof doc !== 'object') return false;
  const d = doc as Record<string, unknown>;
  return d._deleted === true && d.updatedBy === PDPL_DESTROYED_BY;
}

const TOMBSTONE_FIELDS = new Set(['id', 'branchId', 'createdAt', 'updatedAt', 'updatedBy', '_deleted']);
/** RxDB's own fields on a local or pulled document. */
const RXDB_FIELDS = new Set(['_meta', '_rev', '_attachments']);

/**
 * Validation of a pulled document (the shared schema), relaxed for deletions only: a deleted
 * document passes when it is a complete record (a
 * laptop's ordinary delete keeps the body) or a bare tombstone: a valid `id`, `_deleted: true`,
 * and at most the branch and who/when as short strings — no other field, so a malformed
 * "tombstone" cannot smuggle data past the schema.
 */
export function validatePulledDocument(def: CollectionDef, doc: Record<string, unknown>): ValidationResult<unknown> {
  const complete = validateDocument(def, doc);
  if (complete.ok || doc._deleted !== true) return complete;
  const issues: { path: string; message: string }[] = [];
  if (!idField.safeParse(doc.id).success) issues.push({ path: 'id', message: 'معرّف غير صالح' });
  for (const [k, v] of Object.entries(doc)) {
    if (RXDB_FIELDS.has(k) || k === 'id' || k === '_deleted') continue;
    if (!TOMBSTONE_FIELDS.has(k)) issues.push({ path: k, message: 'حقل غير متوقع في سجل محذوف.' });
    else if (typeof v !== 'string' || v.length > 64) issues.push({ path: k, message: 'قيمة غير صالحة في سجل محذوف.' });
  }
  return issues.length === 0 ? { ok: true, value: doc } : { ok: false, issues };
}

/** Every SHA-256-looking string in a record (file references: attachment digests, declaration files…). */
export function sha256Values(value: unknown, out: Set<string> = new Set()): Set<string> {
  if (typeof value === 'string') {
    if (/^[0-9a-f]{64}$/.test(value)) out.add(value);
  } else if (Array.isArray(value)) {
    for (const v of value) sha256Values(v, out);
  } else if (value && typeof value === 'object') {
    for (const v of Object.values(value as Record<string, unknown>)) sha256Values(v, out);
  }
  return out;
}
