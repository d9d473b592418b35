/**
 * One simulated laptop for the replication integration tests, run in its OWN child process
 * (RxDB's free tier opens at most 13 collections per JavaScript realm, across every database
 * of the realm). A real RxDB database (Dexie storage over fake-indexeddb, encrypted at rest with
 * the laptop's own AES-256-GCM storage wrapper) with the collections of the shared registry, each created with the sync
 * merge conflict handler, replicated to a real HQ by `startSync` after a real sign-in with a
 * device key pair (ECDSA P-256, Web Crypto). Driven over IPC: each request `{ id, cmd, args }`
 * gets one reply `{ id, ok, value | error }`.
 */
import { indexedDB, IDBKeyRange } from 'fake-indexeddb';
import { addRxPlugin, createRxDatabase, type RxCollection, type RxDatabase } from 'rxdb';
import { RxDBAttachmentsPlugin } from 'rxdb/plugins/attachments';
import { RxDBMigrationSchemaPlugin } from 'rxdb/plugins/migration-schema';
import { getRxStorageDexie } from 'rxdb/plugins/storage-dexie';
import { deriveRxdbEncryptionPassword, importDataKey } from '../../../shared/security';
import { wrappedAesGcmEncryptionStorage } from '../../../shared/security/rxdb-encryption';
import { collections, toRxJsonSchema, type Role } from '../../../shared/schema';
import { migrationStrategies } from '../../../renderer/src/data/migrations';
import { ATTACHMENT_COLLECTIONS } from '../../../shared/sync/protocol';
import { resolveSyncConflict, startSync, syncConflictHandler, type SyncManager, type SyncStatus } from '../../../shared/sync/manager';

addRxPlugin(RxDBAttachmentsPlugin);
addRxPlugin(RxDBMigrationSchemaPlugin);

interface Request {
  id: number;
  cmd: string;
  args: Record<string, unknown>;
}

interface Session {
  accessToken: string;
  accessTokenExpiresAt: string;
  refreshToken: string;
  user: { id: string; role: Role; branchIds: string[] };
  deviceId: string;
}

let db: RxDatabase | null = null;
let sync: SyncManager | null = null;
let session: Session | null = null;
let hqUrl = '';
let wipedWith: { deviceId: string; messageAr: string } | null = null;
const statuses: SyncStatus[] = [];

function need<T>(v: T | null, what: string): T {
  if (v === null) throw new Error(`${what} is not initialised`);
  return v;
}

function col(args: Record<string, unknown>): RxCollection {
  const name = String(args.collection ?? 'beneficiaries');
  const c = need(db, 'database').collections[name] as RxCollection | undefined;
  if (!c) throw new Error(`no collection ${name}`);
  return c;
}

async function waitUntil(check: () => Promise<boolean>, timeoutMs: number, what: string) {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (await check()) return;
    await new Promise((r) => setTimeout(r, 50));
  }
  throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`);
}

async function post(path: string, body: unknown): Promise<{ status: number; body: unknown }> {
  const res = await fetch(`${hqUrl}${path}`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) });
  return { status: res.status, body: await res.json().catch(() => null) };
}

let refreshing: Promise<void> | null = null;
async function accessToken(): Promise<string | null> {
  const s = session;
  if (!s) return null;
  if (new Date(s.accessTokenExpiresAt).getTime() - Date.now() < 60_000) {
    refreshing ??= (async () => {
      const r = await post('/auth/refresh', { refreshToken: s.refreshToken });
      if (r.status === 200) session = { ...(r.body as Session), deviceId: s.deviceId };
    })().finally(() => {
      refreshing = null;
    });
    await refreshing;
  }
  return session?.accessToken ?? null;
}

const handlers: Record<string, (args: Record<string, unknown>) => Promise<unknown>> = {
  async init(args) {
    hqUrl = String(args.hqUrl);
    const deviceId = String(args.deviceId);
    const keys = await crypto.subtle.generateKey({ name: 'ECDSA', namedCurve: 'P-256' }, false, ['sign', 'verify']);
    const jwk = await crypto.subtle.exportKey('jwk', keys.publicKey);
    const signIn = await post('/auth/sign-in', {
      username: args.username,
      password: args.password,
      device: { id: deviceId, label: `Laptop ${deviceId}`, publicKey: { kty: jwk.kty, crv: jwk.crv, x: jwk.x, y: jwk.y } },
    });
    if (signIn.status !== 200) throw new Error(`sign-in failed: ${signIn.status} ${JSON.stringify(signIn.body)}`);
    session = { ...(signIn.body as Session), deviceId };

    // The laptop's at-rest encryption (renderer/src/data/database.ts): the AES-256-GCM storage
    // wrapper under a data key (the app unwraps it with the user's password; here one per laptop
    // name, so a reopened laptop reads its own store).
    const rawKey = new Uint8Array(await crypto.subtle.digest('SHA-256', new TextEncoder().encode(`sila-test-laptop-${String(args.name)}`)));
    const dataKey = await importDataKey(rawKey);
    db = await createRxDatabase({
      name: String(args.name),
      storage: wrappedAesGcmEncryptionStorage({ storage: getRxStorageDexie({ indexedDB, IDBKeyRange }), dataKey }),
      password: await deriveRxdbEncryptionPassword(dataKey),
      multiInstance: false,
    });
    const wanted = Array.isArray(args.collections) ? (args.collections as string[]) : collections.map((c) => c.name);
    const creators: Record<string, { schema: never; conflictHandler: never; migrationStrategies?: never }> = {};
    for (const def of collections) {
      if (!wanted.includes(def.name)) continue;
      const schema = toRxJsonSchema(def) as Record<string, unknown>;
      // As on a laptop (renderer/src/data/database.ts): these records carry files, encrypted at rest.
      if (ATTACHMENT_COLLECTIONS.has(def.name)) schema.attachments = { encrypted: true };
      // Collections past version 0 need their steps (as on a laptop: renderer/src/data/migrations.ts).
      const migrate = migrationStrategies[def.name];
      creators[def.name] = { schema: schema as never, conflictHandler: syncConflictHandler(def.name) as never, ...(migrate ? { migrationStrategies: migrate as never } : {}) };
    }
    await db.addCollections(creators);
    const s = session;
    sync = startSync({
      db,
      hqUrl,
      user: { userId: s.user.id, role: s.user.role, branchIds: s.user.branchIds, deviceId },
      getAccessToken: accessToken,
      onWipe: async (info) => {
        wipedWith = info;
        await db?.remove();
        db = null;
      },
      retryTime: Number(args.retryTime ?? 300),
      reconnect: { initialDelayMs: 100, maxDelayMs: 1_000 },
      waitForLeadership: false,
      pullBatchSize: typeof args.pullBatchSize === 'number' ? args.pullBatchSize : undefined,
      pushBatchSize: typeof args.pushBatchSize === 'number' ? args.pushBatchSize : undefined,
    });
    sync.status$.subscribe((st) => statuses.push(st));
    return { user: s.user, collections: sync.status.collections };
  },
  async insert(args) {
    const doc = await col(args).insert(args.doc as never);
    return doc.toJSON();
  },
  async bulkInsert(args) {
    const r = await col(args).bulkInsert(args.docs as never[]);
    return { success: r.success.length, error: r.error.length };
  },
  async patch(args) {
    const doc = await col(args).findOne(String(args.id)).exec();
    if (!doc) throw new Error(`no document ${String(args.id)}`);
    const updated = await doc.incrementalPatch(args.patch as never);
    return updated.toJSON();
  },
  async remove(args) {
    const doc = await col(args).findOne(String(args.id)).exec();
    if (!doc) throw new Error(`no document ${String(args.id)}`);
    await doc.remove();
    return true;
  },
  /** Attach a file (base64) to the stored record `id`. */
  async putFile(args) {
    const doc = await col(args).findOne(String(args.id)).exec();
    if (!doc) throw new Error(`no document ${String(args.id)}`);
    const bytes = Buffer.from(String(args.base64), 'base64');
    const att = await doc.putAttachment({ id: String(args.attachmentId), data: new Blob([bytes], { type: String(args.type) }), type: String(args.type) });
    return { id: att.id, digest: att.digest, length: att.length };
  },
  /** The file's bytes (base64) as stored on this laptop, or null. */
  async getFile(args) {
    const doc = await col(args).findOne(String(args.id)).exec();
    const att = doc?.getLatest().getAttachment(String(args.attachmentId));
    if (!att) return null;
    return Buffer.from(await (await att.getData()).arrayBuffer()).toString('base64');
  },
  async waitForFile(args) {
    const c = col(args);
    await waitUntil(
      async () => !!(await c.findOne(String(args.id)).exec())?.getLatest().getAttachment(String(args.attachmentId)),
      Number(args.timeoutMs ?? 15_000),
      `file ${String(args.attachmentId)} of ${String(args.id)}`,
    );
    const att = (await c.findOne(String(args.id)).exec())!.getLatest().getAttachment(String(args.attachmentId))!;
    return Buffer.from(await (await att.getData()).arrayBuffer()).toString('base64');
  },
  async get(args) {
    const doc = await col(args).findOne(String(args.id)).exec();
    return doc ? doc.toJSON() : null;
  },
  async count(args) {
    return col(args).count().exec();
  },
  /** Wait until the local document `id` has `field` === `value` (via replication). */
  async waitFor(args) {
    const c = col(args);
    const id = String(args.id);
    await waitUntil(
      async () => {
        const doc = await c.findOne(id).exec();
        return !!doc && JSON.stringify((doc.toJSON() as Record<string, unknown>)[String(args.field)]) === JSON.stringify(args.value);
      },
      Number(args.timeoutMs ?? 10_000),
      `${id}.${String(args.field)} = ${JSON.stringify(args.value)}`,
    );
    return (await c.findOne(id).exec())?.toJSON() ?? null;
  },
  async waitForCount(args) {
    const c = col(args);
    await waitUntil(async () => (await c.count().exec()) >= Number(args.count), Number(args.timeoutMs ?? 30_000), `${Number(args.count)} documents`);
    return c.count().exec();
  },
  async waitForProblem(args) {
    const m = need(sync, 'sync');
    const match = (p: { source: string; code: string }) => (args.source === undefined || p.source === args.source) && (args.code === undefined || p.code === args.code);
    await waitUntil(async () => m.status.errors.some(match), Number(args.timeoutMs ?? 10_000), `a ${String(args.source ?? '')} ${String(args.code ?? '')} problem`);
    return m.status.errors.filter(match);
  },
  async waitForOpenConflicts(args) {
    const m = need(sync, 'sync');
    await waitUntil(async () => m.status.openConflicts >= Number(args.count ?? 1), Number(args.timeoutMs ?? 10_000), 'an open conflict');
    const docs = await col({ collection: 'sync_conflicts' }).find({ selector: { status: 'open' } }).exec();
    return docs.map((d) => d.toJSON());
  },
  async conflicts() {
    const docs = await col({ collection: 'sync_conflicts' }).find().exec();
    return docs.map((d) => d.toJSON());
  },
  async resolveConflict(args) {
    await resolveSyncConflict(need(db, 'database'), String(args.id), args.resolution as 'kept_ours', need(session, 'session').user.id, (args.values ?? {}) as Record<string, unknown>);
    return true;
  },
  async waitForStream(args) {
    const m = need(sync, 'sync');
    await waitUntil(async () => m.status.streamsConnected === m.status.streamsExpected, Number(args.timeoutMs ?? 15_000), 'the streams');
    return true;
  },
  async waitForWipe(args) {
    await waitUntil(async () => wipedWith !== null, Number(args.timeoutMs ?? 15_000), 'the wipe');
    return wipedWith;
  },
  async awaitInitialSync() {
    await need(sync, 'sync').awaitInitialSync();
    return true;
  },
  async awaitInSync() {
    await need(sync, 'sync').awaitInSync();
    return true;
  },
  async pause() {
    await need(sync, 'sync').pause();
    return true;
  },
  async resume() {
    await need(sync, 'sync').resume();
    return true;
  },
  async info() {
    const m = need(sync, 'sync');
    return { status: m.status, problems: m.status.errors, statuses: statuses.slice(-200), wiped: wipedWith };
  },
  async token() {
    return accessToken();
  },
  /**
   * Every row of every IndexedDB database of this laptop (documents, deleted rows, files,
   * replication metadata), as one JSON string; files as base64 of their stored bytes.
   */
  async scanStorage() {
    const plain = async (v: unknown): Promise<unknown> => {
      if (v instanceof Blob) return { blob: Buffer.from(await v.arrayBuffer()).toString('base64') };
      if (Array.isArray(v)) return Promise.all(v.map(plain));
      if (v && typeof v === 'object') {
        const out: Record<string, unknown> = {};
        for (const [k, x] of Object.entries(v)) out[k] = await plain(x);
        return out;
      }
      return v;
    };
    const rows: unknown[] = [];
    for (const info of await indexedDB.databases()) {
      const idb = await new Promise<IDBDatabase>((ok, fail) => {
        const req = indexedDB.open(info.name!);
        req.onsuccess = () => ok(req.result);
        req.onerror = () => fail(req.error);
      });
      for (const store of Array.from(idb.objectStoreNames)) {
        const all = await new Promise<unknown[]>((ok, fail) => {
          const req = idb.transaction(store, 'readonly').objectStore(store).getAll();
          req.onsuccess = () => ok(req.result);
          req.onerror = () => fail(req.error);
        });
        for (const r of all) rows.push({ db: info.name, store, row: await plain(r) });
      }
      idb.close();
    }
    return JSON.stringify(rows);
  },
  async close() {
    await sync?.stop();
    await db?.close();
    sync = null;
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
