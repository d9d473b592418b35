/**
 * PDPL destruction carried out by HQ (shared/privacy/destruction.ts has the rules).
 *
 * `carryOutDestructions` runs inside the transaction that stores a pushed batch of audit
 * entries. For each new entry with the destruction action it:
 *   1. checks that the pushing user may write the beneficiary's branch (else 403: the whole
 *      batch, the entry included, is rolled back and nothing is destroyed);
 *   2. takes every collection's write lock (in one fixed order), then replaces the beneficiary
 *      and every record linked to them — requests, interviews, documents, declarations (HQ
 *      bypasses the append-only rule here), committee decisions, deliveries, evaluations,
 *      contact logs, and the conflict records of any of those — by destruction tombstones with
 *      no personal field, each with a new sequence number so every laptop pulls it;
 *   3. deletes the stored files (hq_attachments) those records referred to that no other live
 *      record refers to;
 *   4. records what was done (hq_destructions: who asked, on which device, when, the ids and
 *      counts; hq_destroyed_ids: every destroyed id) and notifies every HQ instance's streams.
 * Audit entries are kept: they hold codes, field names and opaque ids only.
 *
 * `destroyedAmong` is the push guard: a record pushed later for a destroyed beneficiary (a
 * laptop that was offline, a record typed before the tombstones arrived) is stored as a
 * destruction tombstone instead and returned to the laptop as the master state.
 */
import { can } from '../shared/access';
import { collectionsByName, type CollectionDef } from '../shared/schema';
import {
  CONFLICTS_COLLECTION,
  PDPL_DESTRUCTION_ACTION,
  destructionTombstone,
  isDestructionTombstone,
  isLinkedToSubject,
  referencedIds,
  sha256Values,
  subjectCollections,
  type SubjectIds,
} from '../shared/privacy';
import type { SyncDocument } from '../shared/sync/protocol';
import type { UserCaller } from './auth';
import type { Queryable } from './db';
import { HqError } from './errors';
import { CHANGES_CHANNEL } from './store';

/** Collections a destruction writes, in the order their locks are taken. */
const DESTROYED_COLLECTIONS = [...subjectCollections, CONFLICTS_COLLECTION].sort();
const GUARDED = new Set<string>(DESTROYED_COLLECTIONS);

export interface DestructionOutcome {
  beneficiaryId: string;
  auditEntryId: string;
  /** Destroyed record ids by collection. */
  records: Record<string, string[]>;
  recordCount: number;
  filesDeleted: number;
}

/** New audit entries of a pushed batch that ask for a destruction. */
export function destructionRequests(docs: readonly SyncDocument[]): SyncDocument[] {
  return docs.filter(
    (d) => d._deleted !== true && d.action === PDPL_DESTRUCTION_ACTION && d.collectionName === 'beneficiaries' && typeof d.docId === 'string' && d.docId !== '',
  );
}

interface Row {
  id: string;
  doc: SyncDocument | string;
  branch_id: string | null;
}

const parse = (d: SyncDocument | string): SyncDocument => (typeof d === 'string' ? (JSON.parse(d) as SyncDocument) : d);

function refused(entry: SyncDocument, beneficiaryId: string, branchId: string, messageEn: string, messageAr: string): HqError {
  return new HqError(
    403,
    'FORBIDDEN',
    `Destruction request ${entry.id} for beneficiary ${beneficiaryId} was refused: ${messageEn} Nothing of this batch was stored and nothing was destroyed.`,
    `رُفض طلب إتلاف بيانات المستفيد لأنك لا تملك صلاحية الكتابة على فرعه، ولم يُحفظ شيء من هذه الدفعة ولم يُتلف شيء. ${messageAr}`,
    { reason: 'other_branch', documentId: entry.id, beneficiaryId, branchId },
  );
}

/**
 * Carry out the destruction requests among `written` (audit entries just stored in this
 * transaction). Throws HqError 403 when the caller may not write a beneficiary's branch.
 */
export async function carryOutDestructions(tx: Queryable, caller: UserCaller, written: readonly SyncDocument[], now: Date = new Date()): Promise<DestructionOutcome[]> {
  const out: DestructionOutcome[] = [];
  for (const entry of destructionRequests(written)) {
    const outcome = await carryOutOne(tx, caller, entry, now);
    if (outcome) out.push(outcome);
  }
  return out;
}

async function carryOutOne(tx: Queryable, caller: UserCaller, entry: SyncDocument, now: Date): Promise<DestructionOutcome | null> {
  const beneficiaryId = String(entry.docId);
  // Every collection's write lock first (fixed order; the caller holds audit_entries'), so the
  // reads below see every committed write and no push interleaves.
  for (const name of DESTROYED_COLLECTIONS) await tx.query('SELECT pg_advisory_xact_lock(hashtext($1))', [`sila.sync:${name}`]);
  const { rows: found } = await tx.query<Row>("SELECT id, doc, branch_id FROM sync_documents WHERE collection = 'beneficiaries' AND id = $1", [beneficiaryId]);
  const stored = found[0];
  // A beneficiary HQ has not received yet (its push may come after the entry's) belongs to the
  // branch the request was recorded in; the push guard destroys it when it arrives.
  const branchId = stored?.branch_id ?? String(entry.branchId);
  const decision = can(caller, 'update', 'beneficiaries', { branchId });
  if (!decision.allowed) throw refused(entry, beneficiaryId, branchId, decision.messageEn, decision.messageAr);

  const { rows: done } = await tx.query<{ beneficiary_id: string }>('SELECT beneficiary_id FROM hq_destructions WHERE beneficiary_id = $1', [beneficiaryId]);
  if (done.length > 0) return null; // carried out already (a second laptop recorded the same request)

  const select = async (collection: string, where: string, params: unknown[]): Promise<Row[]> =>
    (await tx.query<Row>(`SELECT id, doc, branch_id FROM sync_documents WHERE collection = $1 AND (${where})`, [collection, ...params])).rows;

  const requests = await select('support_requests', "doc->>'beneficiaryId' = $2", [beneficiaryId]);
  const requestIds = requests.map((r) => r.id);
  const deliveries = await select('service_deliveries', "doc->>'beneficiaryId' = $2 OR doc->>'requestId' = ANY($3::text[])", [beneficiaryId, requestIds]);
  const ids: SubjectIds = { beneficiaryId, requestIds: new Set(requestIds), deliveryIds: new Set(deliveries.map((r) => r.id)) };

  const byCollection = new Map<string, Row[]>();
  byCollection.set('beneficiaries', stored ? [stored] : []);
  byCollection.set('support_requests', requests);
  byCollection.set('service_deliveries', deliveries);
  for (const name of subjectCollections) {
    if (byCollection.has(name)) continue;
    byCollection.set(
      name,
      await select(name, "doc->>'beneficiaryId' = $2 OR doc->>'requestId' = ANY($3::text[]) OR doc->>'deliveryId' = ANY($4::text[])", [
        beneficiaryId,
        requestIds,
        [...ids.deliveryIds],
      ]),
    );
  }
  for (const [name, rows] of byCollection) byCollection.set(name, rows.filter((r) => isLinkedToSubject(name, parse(r.doc), ids)));
  const destroyedIds = [...byCollection.values()].flatMap((rows) => rows.map((r) => r.id));
  byCollection.set(CONFLICTS_COLLECTION, await select(CONFLICTS_COLLECTION, "doc->>'documentId' = ANY($2::text[])", [[beneficiaryId, ...destroyedIds]]));

  const at = now.toISOString();
  const records: Record<string, string[]> = {};
  const fileCandidates = new Set<string>();
  let recordCount = 0;
  for (const [name, rows] of byCollection) {
    const def = collectionsByName.get(name) as CollectionDef;
    records[name] = rows.map((r) => r.id).sort();
    recordCount += rows.length;
    const writes = rows
      .map((r) => ({ row: r, doc: parse(r.doc) }))
      .filter(({ doc }) => !isDestructionTombstone(doc))
      .map(({ row, doc }) => {
        sha256Values(doc, fileCandidates);
        return { id: row.id, doc: destructionTombstone(def, doc, at) };
      });
    if (writes.length === 0) continue;
    await tx.query(
      `WITH written AS (
         UPDATE sync_documents s SET doc = w.doc, deleted = true, seq = nextval('sync_change_seq'), received_at = now()
           FROM jsonb_to_recordset($2::jsonb) AS w(id text, doc jsonb)
          WHERE s.collection = $1 AND s.id = w.id
         RETURNING s.seq)
       SELECT pg_notify($3, json_build_object('collection', $1::text, 'seq', max(seq))::text) FROM written`,
      [name, JSON.stringify(writes), CHANGES_CHANNEL],
    );
  }

  // Files of the destroyed records that no live record refers to any more.
  let filesDeleted = 0;
  if (fileCandidates.size > 0) {
    const { rows: gone } = await tx.query<{ sha256: string }>(
      `SELECT a.sha256 FROM hq_attachments a
        WHERE a.sha256 = ANY($1::text[])
          AND NOT EXISTS (SELECT 1 FROM sync_documents d WHERE NOT d.deleted AND strpos(d.doc::text, a.sha256) > 0)`,
      [[...fileCandidates]],
    );
    const shas = gone.map((g) => g.sha256);
    if (shas.length > 0) {
      await tx.query('DELETE FROM hq_attachment_branches WHERE sha256 = ANY($1::text[])', [shas]);
      await tx.query('DELETE FROM hq_attachments WHERE sha256 = ANY($1::text[])', [shas]);
      filesDeleted = shas.length;
    }
  }

  await tx.query(
    `INSERT INTO hq_destructions (beneficiary_id, branch_id, audit_entry_id, requested_by, requested_on_device, requested_at, records, record_count, files_deleted)
     VALUES ($1, $2, $3, $4, $5, $6, $7::jsonb, $8, $9)`,
    [beneficiaryId, branchId, entry.id, caller.userId, caller.deviceId ?? '', String(entry.at ?? ''), JSON.stringify(records), recordCount, filesDeleted],
  );
  await tx.query(
    `INSERT INTO hq_destroyed_ids (id, beneficiary_id) SELECT unnest($1::text[]), $2 ON CONFLICT (id) DO NOTHING`,
    [[...new Set([beneficiaryId, ...Object.values(records).flat()])], beneficiaryId],
  );
  return { beneficiaryId, auditEntryId: entry.id, records, recordCount, filesDeleted };
}

/**
 * The push guard: ids of pushed documents of `def` that belong to a destroyed beneficiary (they
 * point to a destroyed record, or are one). They are recorded as destroyed too, so records that
 * point to them are caught in turn. Runs inside the push transaction, under the collection lock.
 */
export async function destroyedAmong(tx: Queryable, def: CollectionDef, docs: readonly SyncDocument[]): Promise<Set<string>> {
  const out = new Set<string>();
  if (!GUARDED.has(def.name) || docs.length === 0) return out;
  const refs = [...new Set(docs.flatMap((d) => referencedIds(def.name, d)))];
  const { rows } = await tx.query<{ id: string; beneficiary_id: string; branch_id: string }>(
    `SELECT i.id, i.beneficiary_id, d.branch_id FROM hq_destroyed_ids i JOIN hq_destructions d ON d.beneficiary_id = i.beneficiary_id
      WHERE i.id = ANY($1::text[])`,
    [refs],
  );
  if (rows.length === 0) return out;
  const hit = new Map(rows.map((r) => [r.id, r]));
  const newly: { id: string; beneficiaryId: string }[] = [];
  for (const doc of docs) {
    const match = referencedIds(def.name, doc)
      .map((id) => hit.get(id))
      .find((r) => r !== undefined && (typeof doc.branchId !== 'string' || doc.branchId === r.branch_id));
    if (!match) continue;
    out.add(doc.id);
    newly.push({ id: doc.id, beneficiaryId: match.beneficiary_id });
  }
  for (const n of newly) {
    await tx.query('INSERT INTO hq_destroyed_ids (id, beneficiary_id) VALUES ($1, $2) ON CONFLICT (id) DO NOTHING', [n.id, n.beneficiaryId]);
  }
  return out;
}

export interface DestructionRecord {
  beneficiaryId: string;
  branchId: string;
  auditEntryId: string;
  requestedBy: string;
  requestedOnDevice: string;
  requestedAt: string;
  carriedOutAt: string;
  recordCount: number;
  filesDeleted: number;
  records: Record<string, string[]>;
}

/** Destructions carried out, newest first (ids and counts only). */
export async function listDestructions(db: Queryable): Promise<DestructionRecord[]> {
  const { rows } = await db.query<Record<string, unknown>>('SELECT * FROM hq_destructions ORDER BY carried_out_at DESC, beneficiary_id');
  return rows.map((r) => ({
    beneficiaryId: String(r.beneficiary_id),
    branchId: String(r.branch_id),
    auditEntryId: String(r.audit_entry_id),
    requestedBy: String(r.requested_by),
    requestedOnDevice: String(r.requested_on_device),
    requestedAt: String(r.requested_at),
    carriedOutAt: r.carried_out_at instanceof Date ? r.carried_out_at.toISOString() : String(r.carried_out_at),
    recordCount: Number(r.record_count),
    filesDeleted: Number(r.files_deleted),
    records: (typeof r.records === 'string' ? JSON.parse(r.records) : r.records) as Record<string, string[]>,
  }));
}
