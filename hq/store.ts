/**
 * The replication store: pull by server sequence, push with compare-and-set conflict
 * detection. Generic over every collection of the shared registry (one table, keyed by
 * collection name). Documents are stored exactly as received; server metadata in columns.
 */
import { validateDocument, type CollectionDef } from '../shared/schema';
import { destructionTombstone, isDestructionTombstone } from '../shared/privacy';
import {
  MAX_PUSH_ROWS,
  attachmentStubIssues,
  attachmentStubs,
  jsonDeepEqual,
  type InvalidDocumentDetails,
  type PullResponse,
  type PushRow,
  type SyncCheckpoint,
  type SyncDocument,
} from '../shared/sync/protocol';
import type { Database, Queryable } from './db';
import { errors } from './errors';

/** NOTIFY channel for "documents of a collection changed"; payload `{"collection","seq"}`. */
export const CHANGES_CHANNEL = 'sila_sync_changes';

export interface StoredRow {
  id: string;
  seq: number;
  doc: SyncDocument;
  branchId: string | null;
}

interface DbRow {
  id: string;
  seq: number | string;
  doc: SyncDocument | string;
  branch_id: string | null;
}

function toStoredRow(r: DbRow): StoredRow {
  return {
    id: r.id,
    seq: Number(r.seq),
    doc: typeof r.doc === 'string' ? (JSON.parse(r.doc) as SyncDocument) : r.doc,
    branchId: r.branch_id,
  };
}

/** Rows of `collection` with seq greater than `afterSeq`, in seq order. */
export async function readChanges(
  db: Queryable,
  collection: string,
  afterSeq: number,
  limit: number,
): Promise<StoredRow[]> {
  const { rows } = await db.query<DbRow>(
    `SELECT id, seq, doc, branch_id FROM sync_documents
      WHERE collection = $1 AND seq > $2 ORDER BY seq LIMIT $3`,
    [collection, afterSeq, limit],
  );
  return rows.map(toStoredRow);
}

/**
 * Documents of `def` after `checkpoint`, in sequence order. `scope` limits them to some
 * branches (in SQL, on the (collection, branch_id, seq) index); the checkpoint is the last
 * returned row. On a first pull (no checkpoint), or when `count` is asked, `total` says how many
 * documents there are to fetch after the checkpoint, so a client can show the progress of a long
 * first sync — also one resumed after the app was closed half-way.
 */
export async function pullChanges(
  db: Queryable,
  def: CollectionDef,
  checkpoint: SyncCheckpoint | null,
  batchSize: number,
  scope: 'all' | readonly string[] = 'all',
  options: { count?: boolean } = {},
): Promise<PullResponse> {
  const after = checkpoint?.seq ?? 0;
  const scoped = scope !== 'all';
  const { rows: raw } = await db.query<DbRow>(
    scoped
      ? `SELECT id, seq, doc, branch_id FROM sync_documents
          WHERE collection = $1 AND seq > $2 AND branch_id = ANY($4::text[]) ORDER BY seq LIMIT $3`
      : `SELECT id, seq, doc, branch_id FROM sync_documents
          WHERE collection = $1 AND seq > $2 ORDER BY seq LIMIT $3`,
    scoped ? [def.name, after, batchSize, [...scope]] : [def.name, after, batchSize],
  );
  const rows = raw.map(toStoredRow);
  const last = rows[rows.length - 1];
  const response: PullResponse = last
    ? { documents: rows.map((r) => r.doc), checkpoint: { id: last.id, seq: last.seq } }
    : { documents: [], checkpoint };
  if ((checkpoint === null || options.count === true) && rows.length === batchSize) {
    const { rows: n } = await db.query<{ n: number }>(
      scoped
        ? 'SELECT count(*)::int AS n FROM sync_documents WHERE collection = $1 AND seq > $2 AND branch_id = ANY($3::text[])'
        : 'SELECT count(*)::int AS n FROM sync_documents WHERE collection = $1 AND seq > $2',
      scoped ? [def.name, after, [...scope]] : [def.name, after],
    );
    response.total = Number(n[0]?.n ?? 0);
  }
  return response;
}

export async function currentMaxSeq(db: Queryable, collection: string): Promise<number> {
  const { rows } = await db.query<{ max: number | string | null }>(
    'SELECT max(seq) AS max FROM sync_documents WHERE collection = $1',
    [collection],
  );
  return Number(rows[0]?.max ?? 0);
}

function isPlainObject(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

/**
 * Check a whole push body before anything is written. Throws an HqError (400) naming the
 * first bad row: its index, document id, and the offending field paths with reasons.
 */
export function validatePushBody(def: CollectionDef, body: unknown): PushRow[] {
  if (!Array.isArray(body)) {
    throw errors.malformed('The push body must be a JSON array of { newDocumentState, assumedMasterState? } rows.');
  }
  if (body.length > MAX_PUSH_ROWS) {
    throw errors.malformed(`At most ${MAX_PUSH_ROWS} rows per push (got ${body.length}).`, {
      maxRows: MAX_PUSH_ROWS,
    });
  }
  body.forEach((row: unknown, index) => {
    const fail = (documentId: string | null, issues: InvalidDocumentDetails['issues']) => {
      throw errors.invalidDocument({ index, documentId, issues });
    };
    if (!isPlainObject(row)) return fail(null, [{ path: '', message: 'row must be an object' }]);
    const extra = Object.keys(row).filter((k) => k !== 'newDocumentState' && k !== 'assumedMasterState');
    if (extra.length > 0) {
      return fail(null, extra.map((k) => ({ path: k, message: 'unknown row field' })));
    }
    const doc = row.newDocumentState;
    if (!isPlainObject(doc)) {
      return fail(null, [{ path: 'newDocumentState', message: 'newDocumentState must be an object' }]);
    }
    const documentId = typeof doc.id === 'string' ? doc.id : null;
    if (typeof doc._deleted !== 'boolean') {
      return fail(documentId, [{ path: '_deleted', message: '_deleted must be true or false' }]);
    }
    const result = validateDocument(def, doc);
    if (!result.ok) return fail(documentId, result.issues);
    const fileIssues = attachmentStubIssues(def.name, doc._attachments);
    if (fileIssues.length > 0) return fail(documentId, fileIssues);
    const assumed = row.assumedMasterState;
    if (assumed !== undefined && assumed !== null) {
      if (!isPlainObject(assumed)) {
        return fail(documentId, [{ path: 'assumedMasterState', message: 'assumedMasterState must be an object or absent' }]);
      }
      if (assumed.id !== doc.id) {
        return fail(documentId, [{ path: 'assumedMasterState.id', message: 'assumedMasterState.id must equal newDocumentState.id' }]);
      }
    }
  });
  return body as PushRow[];
}

/**
 * Two states of a document are the same when their fields are, and their files are the same
 * files (by digest and type). A file stub's `length` is the size as stored on the laptop that
 * wrote it (encryption at rest changes it), so it differs between laptops for the same file.
 */
export function sameDocumentState(a: SyncDocument, b: SyncDocument): boolean {
  const files = (d: SyncDocument) => Object.fromEntries(attachmentStubs(d).map(([id, s]) => [id, [s?.digest, s?.type]]));
  const { _attachments: _a, ...restA } = a;
  const { _attachments: _b, ...restB } = b;
  return jsonDeepEqual(restA, restB) && jsonDeepEqual(files(a), files(b));
}

export interface PushOutcome {
  conflicts: SyncDocument[];
  written: number;
  /** Rows whose document HQ already had exactly (a retried batch): success, no new sequence. */
  unchanged: number;
  lastSeq: number | null;
}

/** Called for every row before anything is written; throw (an HqError) to refuse the batch. */
export type AuthorizeRow = (index: number, doc: SyncDocument, stored: SyncDocument | undefined) => void;

/** Extra steps of a push, inside its transaction (under the collection's write lock). */
export interface PushHooks {
  /** After authorisation, before anything is written: throw (an HqError) to refuse the batch.
   *  `stored` holds HQ's documents for the batch's ids as they were before the push. */
  check?: (tx: Queryable, rows: readonly PushRow[], stored: ReadonlyMap<string, SyncDocument>) => Promise<void>;
  /** Ids of pushed documents that belong to a destroyed data subject (PDPL): each is stored
   *  as a destruction tombstone instead and returned to the laptop as the master state. */
  destroyed?: (tx: Queryable, docs: readonly SyncDocument[]) => Promise<ReadonlySet<string>>;
  /** After the batch was written (the documents actually written); throw to roll it all back. */
  afterWrite?: (tx: Queryable, written: readonly SyncDocument[]) => Promise<void>;
}

/**
 * Apply validated rows in ONE transaction. For each row, in order:
 *   1. `authorize` with the stored document (a refusal throws and rolls back the whole batch);
 *   2. the stored document already deep-equals the new state → nothing to do (idempotent
 *      retry: no new sequence number, no duplicate, no conflict);
 *   3. compare-and-set: written only when `assumedMasterState` deep-equals the stored document
 *      (absent assumed state means insert and requires that HQ does not have the document);
 *      otherwise the stored master is returned as a conflict and nothing is written for it.
 * In an `appendOnly` collection a stored document is never replaced (the policy refuses the
 * update; without a policy it is a conflict).
 *
 * Writers of one collection serialise on an advisory transaction lock, so sequence values
 * become visible in the order they were assigned: a puller can never see seq N+1 committed
 * while seq N is still in flight (which would skip N forever).
 */
export async function pushChanges(
  db: Database,
  def: CollectionDef,
  rows: PushRow[],
  authorize: AuthorizeRow = () => {},
  hooks: PushHooks = {},
): Promise<PushOutcome> {
  if (rows.length === 0) return { conflicts: [], written: 0, unchanged: 0, lastSeq: null };
  return db.transaction(async (tx) => {
    await tx.query('SELECT pg_advisory_xact_lock(hashtext($1))', [`sila.sync:${def.name}`]);
    const ids = [...new Set(rows.map((r) => r.newDocumentState.id))];
    const { rows: current } = await tx.query<{ id: string; doc: SyncDocument | string }>(
      'SELECT id, doc FROM sync_documents WHERE collection = $1 AND id = ANY($2::text[])',
      [def.name, ids],
    );
    const master = new Map<string, SyncDocument>(
      current.map((r) => [r.id, typeof r.doc === 'string' ? (JSON.parse(r.doc) as SyncDocument) : r.doc]),
    );

    // Authorise every row before writing any (a refusal leaves nothing half-written).
    {
      const seen = new Map(master);
      rows.forEach((row, index) => {
        authorize(index, row.newDocumentState, seen.get(row.newDocumentState.id));
        seen.set(row.newDocumentState.id, row.newDocumentState);
      });
    }
    if (hooks.check) await hooks.check(tx, rows, master);
    const destroyed = hooks.destroyed ? await hooks.destroyed(tx, rows.map((r) => r.newDocumentState)) : new Set<string>();

    const conflicts: SyncDocument[] = [];
    let written = 0;
    let unchanged = 0;
    // Final state per written id (a batch may touch one id twice: the later row wins, as it
    // was compared against the earlier one).
    const writes = new Map<string, SyncDocument>();
    for (const row of rows) {
      const doc = row.newDocumentState;
      const stored = master.get(doc.id);
      const assumed = row.assumedMasterState ?? undefined;
      if (stored && sameDocumentState(stored, doc)) {
        unchanged++;
        continue;
      }
      if (destroyed.has(doc.id)) {
        // A record of a destroyed data subject never comes back: HQ keeps (or writes) the
        // destruction tombstone and answers it as the master state.
        if (stored && isDestructionTombstone(stored)) {
          conflicts.push(stored);
          continue;
        }
        const tombstone = destructionTombstone(def, doc, new Date().toISOString()) as SyncDocument;
        master.set(doc.id, tombstone);
        writes.set(doc.id, tombstone);
        written++;
        conflicts.push(tombstone);
        continue;
      }
      if (stored && (def.appendOnly === true || assumed === undefined || !sameDocumentState(stored, assumed))) {
        conflicts.push(stored);
        continue;
      }
      // Later rows of the same batch for the same id compare against this new state.
      master.set(doc.id, JSON.parse(JSON.stringify(doc)) as SyncDocument);
      writes.set(doc.id, doc);
      written++;
    }
    let lastSeq: number | null = null;
    if (writes.size > 0) {
      // One statement for the whole batch (few round trips while holding the collection lock).
      const records = [...writes.values()].map((doc) => ({
        id: doc.id,
        doc,
        deleted: doc._deleted === true,
        branch_id: def.scope === 'branch' && typeof doc.branchId === 'string' ? doc.branchId : null,
      }));
      // The NOTIFY rides in the same statement (one round trip less while holding the lock);
      // it is delivered to every listening HQ instance when (and only if) the transaction commits.
      const { rows: out } = await tx.query<{ seq: number | string }>(
        `WITH written AS (
           INSERT INTO sync_documents (collection, id, doc, deleted, branch_id)
           SELECT $1, w.id, w.doc, w.deleted, w.branch_id
             FROM jsonb_to_recordset($2::jsonb) AS w(id text, doc jsonb, deleted boolean, branch_id text)
           ON CONFLICT (collection, id) DO UPDATE
                SET doc = EXCLUDED.doc, deleted = EXCLUDED.deleted, branch_id = EXCLUDED.branch_id,
                    seq = nextval('sync_change_seq'), received_at = now()
           RETURNING seq)
         SELECT max(seq) AS seq, pg_notify($3, json_build_object('collection', $1::text, 'seq', max(seq))::text) AS notified
           FROM written`,
        [def.name, JSON.stringify(records), CHANGES_CHANNEL],
      );
      lastSeq = Number(out[0]?.seq);
      if (hooks.afterWrite) await hooks.afterWrite(tx, [...writes.values()]);
    }
    return { conflicts, written, unchanged, lastSeq };
  });
}

/**
 * Remove tombstones older than `retentionDays` (keep the retention above the longest offline
 * period; default 730 days). Returns how many were removed.
 *
 * Each purge records its horizon (hq_purge_horizons): the newest sequence number of a purged
 * tombstone, per collection and branch. A laptop whose pull checkpoint is older may have missed
 * those deletions; `checkPurgeHorizon` tells it to start that collection again from zero.
 */
export async function purgeTombstones(db: Queryable, retentionDays: number): Promise<number> {
  if (!Number.isFinite(retentionDays) || retentionDays < 30) throw new Error('Tombstone retention must be at least 30 days.');
  // Data-modifying CTEs run exactly once, in one statement: the horizon is recorded with the purge.
  const { rows } = await db.query<{ n: number }>(
    `WITH gone AS (
       DELETE FROM sync_documents WHERE deleted AND received_at < now() - ($1::int * interval '1 day')
       RETURNING collection, COALESCE(branch_id, '') AS branch_id, seq),
     horizons AS (
       INSERT INTO hq_purge_horizons AS h (collection, branch_id, horizon_seq)
       SELECT collection, branch_id, max(seq) FROM gone GROUP BY collection, branch_id
       ON CONFLICT (collection, branch_id) DO UPDATE
            SET horizon_seq = GREATEST(h.horizon_seq, EXCLUDED.horizon_seq), purged_at = now()
       RETURNING 1)
     SELECT (SELECT count(*)::int FROM gone) AS n, (SELECT count(*)::int FROM horizons) AS h`,
    [Math.floor(retentionDays)],
  );
  return Number(rows[0]?.n ?? 0);
}

/**
 * Refuse (410 RESYNC_REQUIRED) a pull from a checkpoint older than the purge horizon of the
 * caller's scope: tombstones it has not seen were purged, so it could miss deletions. The
 * laptop then pulls the collection again from zero (shared/sync/resync.ts).
 */
export async function checkPurgeHorizon(db: Queryable, def: CollectionDef, checkpoint: SyncCheckpoint | null, scope: 'all' | readonly string[] = 'all'): Promise<void> {
  if (checkpoint === null) return;
  const scoped = scope !== 'all' && def.scope === 'branch';
  const { rows } = await db.query<{ h: number | string | null }>(
    scoped
      ? 'SELECT max(horizon_seq) AS h FROM hq_purge_horizons WHERE collection = $1 AND branch_id = ANY($2::text[])'
      : 'SELECT max(horizon_seq) AS h FROM hq_purge_horizons WHERE collection = $1',
    scoped ? [def.name, [...scope]] : [def.name],
  );
  const horizon = rows[0]?.h === null || rows[0]?.h === undefined ? 0 : Number(rows[0].h);
  if (checkpoint.seq < horizon) throw errors.resyncRequired(def.name, checkpoint.seq, horizon);
}
