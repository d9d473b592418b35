/**
 * One simulated laptop for the replication integration tests, run in its OWN child process
 * (RxDB's free tier opens at most 13 collections per JavaScript realm, across every database
 * of the realm). A real RxDB database (Dexie storage over fake-indexeddb) replicating the
 * `beneficiaries` collection to an HQ with `startCollectionReplication`. Driven over IPC by
 * test/integration/replication.test.ts: each request `{ id, cmd, args }` gets one reply
 * `{ id, ok, value | error }`.
 */
import { indexedDB, IDBKeyRange } from 'fake-indexeddb';
import { createRxDatabase, type RxCollection, type RxDatabase } from 'rxdb';
import { getRxStorageDexie } from 'rxdb/plugins/storage-dexie';
import { wrappedKeyEncryptionCryptoJsStorage } from 'rxdb/plugins/encryption-crypto-js';
import { beneficiaries, toRxJsonSchema, type Beneficiary } from '../../../shared/schema';
import {
  startCollectionReplication,
  type CollectionReplication,
  type ReplicationStatus,
  type SyncProblem,
} from '../../../shared/sync/client';

interface Request {
  id: number;
  cmd: string;
  args: Record<string, unknown>;
}

let db: RxDatabase | null = null;
let collection: RxCollection<Beneficiary> | null = null;
let replication: CollectionReplication<Beneficiary> | null = null;
const problems: Omit<SyncProblem, 'cause'>[] = [];
const conflicts: { assumed: unknown; attempted: unknown; master: unknown; resolvedTo: unknown }[] = [];
const statuses: ReplicationStatus[] = [];

function need<T>(v: T | null, what: string): T {
  if (v === null) throw new Error(`${what} is not initialised`);
  return v;
}

async function waitUntil(check: () => Promise<boolean>, timeoutMs: number, what: string) {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (await check()) return;
    await new Promise((r) => setTimeout(r, 50));
  }
  throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`);
}

const handlers: Record<string, (args: Record<string, unknown>) => Promise<unknown>> = {
  async init(args) {
    db = await createRxDatabase({
      name: String(args.name),
      // Sensitive fields are encrypted at rest, as on a real laptop; replication sends plaintext.
      storage: wrappedKeyEncryptionCryptoJsStorage({ storage: getRxStorageDexie({ indexedDB, IDBKeyRange }) }),
      password: `test-password-${String(args.name)}`,
      multiInstance: false,
    });
    const cols = await db.addCollections({
      beneficiaries: { schema: toRxJsonSchema(beneficiaries) as never },
    });
    collection = cols.beneficiaries as unknown as RxCollection<Beneficiary>;
    replication = startCollectionReplication<Beneficiary>({
      collection,
      hqUrl: String(args.hqUrl),
      retryTime: Number(args.retryTime ?? 300),
      reconnect: { initialDelayMs: 100, maxDelayMs: 1_000 },
      waitForLeadership: false,
    });
    replication.error$.subscribe((p) => {
      const { cause: _cause, ...plain } = p;
      problems.push(plain);
    });
    replication.conflict$.subscribe((c) => {
      conflicts.push({
        assumed: c.input.assumedMasterState ?? null,
        attempted: c.input.newDocumentState,
        master: c.input.realMasterState,
        resolvedTo: c.output,
      });
    });
    replication.status$.subscribe((s) => {
      const { lastProblem: _p, ...rest } = s;
      statuses.push({ ...rest, lastProblem: null });
    });
    return true;
  },
  async insert(args) {
    const doc = await need(collection, 'collection').insert(args.doc as Beneficiary);
    return doc.toJSON();
  },
  async patch(args) {
    const doc = await need(collection, 'collection').findOne(String(args.id)).exec();
    if (!doc) throw new Error(`no document ${String(args.id)}`);
    const updated = await doc.incrementalPatch(args.patch as Partial<Beneficiary>);
    return updated.toJSON();
  },
  async remove(args) {
    const doc = await need(collection, 'collection').findOne(String(args.id)).exec();
    if (!doc) throw new Error(`no document ${String(args.id)}`);
    await doc.remove();
    return true;
  },
  async get(args) {
    const doc = await need(collection, 'collection').findOne(String(args.id)).exec();
    return doc ? doc.toJSON() : null;
  },
  async count() {
    return need(collection, 'collection').count().exec();
  },
  /** Wait until the local document `id` has `field` === `value` (via replication). */
  async waitFor(args) {
    const c = need(collection, 'collection');
    const id = String(args.id);
    await waitUntil(
      async () => {
        const doc = await c.findOne(id).exec();
        return !!doc && (doc.toJSON() as Record<string, unknown>)[String(args.field)] === args.value;
      },
      Number(args.timeoutMs ?? 10_000),
      `${id}.${String(args.field)} = ${JSON.stringify(args.value)}`,
    );
    return (await c.findOne(id).exec())?.toJSON() ?? null;
  },
  async waitForProblem(args) {
    await waitUntil(async () => problems.some((p) => p.source === args.source), Number(args.timeoutMs ?? 10_000), `a ${String(args.source)} problem`);
    return problems.filter((p) => p.source === args.source);
  },
  async waitForConflict(args) {
    await waitUntil(async () => conflicts.length > 0, Number(args.timeoutMs ?? 10_000), 'a conflict');
    return conflicts;
  },
  async waitForStream(args) {
    await waitUntil(async () => need(replication, 'replication').status.streamConnected, Number(args.timeoutMs ?? 10_000), 'the stream');
    return true;
  },
  async awaitInSync() {
    await need(replication, 'replication').awaitInSync();
    return true;
  },
  async pause() {
    await need(replication, 'replication').replicationState.pause();
    return true;
  },
  async resume() {
    await need(replication, 'replication').replicationState.start();
    return true;
  },
  async info() {
    const r = need(replication, 'replication');
    return { status: { ...r.status, lastProblem: null }, problems, conflicts, statuses };
  },
  async close() {
    await replication?.cancel();
    await db?.close();
    replication = null;
    collection = null;
    db = null;
    return true;
  },
};

process.on('message', (raw: unknown) => {
  const req = raw as Request;
  const handler = handlers[req.cmd];
  const reply = (msg: unknown) => process.send?.(msg);
  if (!handler) {
    reply({ id: req.id, ok: false, error: `unknown command ${req.cmd}` });
    return;
  }
  handler(req.args).then(
    (value) => reply({ id: req.id, ok: true, value: value === undefined ? null : JSON.parse(JSON.stringify(value)) }),
    (err: unknown) => reply({ id: req.id, ok: false, error: err instanceof Error ? `${err.message}\n${err.stack ?? ''}` : String(err) }),
  );
});
process.send?.({ ready: true });
