/**
 * Initial sync benchmark: a fresh laptop receives a branch with 10,000 beneficiaries and
 * 30,000 related documents (support requests, interviews, contact logs), from
 *   (a) Sila: HQ (`npm run hq` in its own process) on PostgreSQL → `startSync` into a fresh RxDB
 *       database (the app's 12 collections, three-way-merge conflict handlers, every pulled
 *       document validated against the shared schema);
 *   (b) PouchDB: pouchdb-server 4 (on-disk LevelDB, its default) → `replicate.from` into a fresh
 *       PouchDB database,
 * both on this machine over loopback, both clients in this Node process with in-memory storage
 * (RxDB storage-memory, pouchdb-adapter-memory), so the comparison is of the sync path, not of
 * IndexedDB. Batch size 1000 for both (Sila's maximum; PouchDB's default is 100, slower).
 *
 * Run: `npx tsx bench/sync-initial.ts [--count 10000] [--runs 1]`. pouchdb-server/pouchdb are
 * installed on first use into $TMPDIR/sila-bench-pouchdb (about 70 s), not into the project.
 * Target: Sila at least 2× faster.
 */
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { addRxPlugin, createRxDatabase, type RxDatabase } from 'rxdb';
import { RxDBMigrationSchemaPlugin } from 'rxdb/plugins/migration-schema';
import { getRxStorageMemory } from 'rxdb/plugins/storage-memory';
import { deriveRxdbEncryptionPassword, importDataKey, randomBytes } from '../shared/security';
import { wrappedAesGcmEncryptionStorage } from '../shared/security/rxdb-encryption';
import { collections, toRxJsonSchema } from '../shared/schema';
import { migrationStrategies } from '../renderer/src/data/migrations';
import { startSync, syncConflictHandler } from '../shared/sync/manager';
import { BRANCH_DATA, freePort, seedAccounts, seedBranchDocuments, signInDevice, startHqProcess, tempPostgres } from './sync-support';

function arg(name: string, fallback: number): number {
  const i = process.argv.indexOf(`--${name}`);
  return i >= 0 ? Number(process.argv[i + 1]) : fallback;
}
const COUNT = arg('count', 10_000);
const RUNS = arg('runs', 1);
/** The app encrypts sensitive fields at rest (AES-GCM, shared/security/rxdb-encryption.ts); --no-encryption measures without. */
const ENCRYPTION = !process.argv.includes('--no-encryption');
const BATCH = 1000;
addRxPlugin(RxDBMigrationSchemaPlugin);

const BRANCH = 'branch-bench';
const POUCH_DIR = join(tmpdir(), 'sila-bench-pouchdb');

const log = (s: string) => process.stdout.write(s + '\n');

async function silaInitialSync(hqUrl: string, username: string, run: number): Promise<{ ms: number; docs: number }> {
  const session = await signInDevice(hqUrl, username, `bench-initial-${run}-${Date.now()}`);
  // The laptop's data key (the app unwraps it with the user's password; a random one here).
  const dataKey = await importDataKey(randomBytes(32));
  const db: RxDatabase = await createRxDatabase({
    name: `bench_initial_${run}_${Date.now()}`,
    storage: ENCRYPTION ? wrappedAesGcmEncryptionStorage({ storage: getRxStorageMemory(), dataKey }) : getRxStorageMemory(),
    password: ENCRYPTION ? await deriveRxdbEncryptionPassword(dataKey) : undefined,
    multiInstance: false,
  });
  try {
    const creators: Record<string, { schema: never; conflictHandler: never; migrationStrategies?: never }> = {};
    for (const def of collections) {
      const schema = toRxJsonSchema(def);
      if (!ENCRYPTION) delete schema.encrypted;
      const migrate = migrationStrategies[def.name]; // collections past version 0 (renderer/src/data/migrations.ts)
      creators[def.name] = { schema: schema as never, conflictHandler: syncConflictHandler(def.name) as never, ...(migrate ? { migrationStrategies: migrate as never } : {}) };
    }
    await db.addCollections(creators);
    const t0 = performance.now();
    const sync = startSync({
      db,
      hqUrl,
      user: { userId: session.user.id, role: session.user.role, branchIds: session.user.branchIds, deviceId: 'bench' },
      getAccessToken: () => session.accessToken,
      waitForLeadership: false,
      pullBatchSize: BATCH,
    });
    let lastShown = 0;
    const sub = sync.status$.subscribe((s) => {
      if (s.firstSync.documentsPulled - lastShown >= 10_000) {
        lastShown = s.firstSync.documentsPulled;
        log(`  sila progress: ${s.firstSync.documentsPulled} / ${s.firstSync.documentsExpected ?? '?'} documents`);
      }
    });
    await sync.awaitInitialSync();
    const ms = performance.now() - t0;
    // Transient network failures are retried by the replication (and counted here); anything
    // else (a refused or invalid document) fails the benchmark.
    const problems = sync.status.errors.filter((p) => p.code !== 'NETWORK');
    const retried = sync.status.errors.length - problems.length;
    sub.unsubscribe();
    await sync.stop();
    if (problems.length > 0) throw new Error(`sync problems: ${JSON.stringify(problems.slice(0, 3))}`);
    if (retried > 0) log(`  sila: ${retried} request(s) failed on the network and were retried`);
    let docs = 0;
    for (const [name] of BRANCH_DATA) docs += await db.collections[name]!.count().exec();
    return { ms, docs };
  } finally {
    await db.close();
  }
}

interface PouchDbLike {
  bulkDocs(docs: unknown[]): Promise<unknown[]>;
  info(): Promise<{ doc_count: number }>;
  replicate: { from(remote: string, opts: Record<string, unknown>): Promise<{ docs_written: number; ok: boolean }> };
  destroy(): Promise<unknown>;
}
type PouchCtor = (new (name: string, opts?: Record<string, unknown>) => PouchDbLike) & { plugin(p: unknown): void };

function ensurePouch(): { PouchDB: PouchCtor; serverBin: string } {
  const bin = join(POUCH_DIR, 'node_modules', 'pouchdb-server', 'bin', 'pouchdb-server');
  if (!existsSync(bin) || !existsSync(join(POUCH_DIR, 'node_modules', 'pouchdb-adapter-memory'))) {
    log(`installing pouchdb-server@4, pouchdb@9, pouchdb-adapter-memory@9 into ${POUCH_DIR} (once, about 70 s)…`);
    const r = spawnSync('npm', ['install', '--no-audit', '--no-fund', '--prefix', POUCH_DIR, 'pouchdb-server@4', 'pouchdb@9', 'pouchdb-adapter-memory@9'], { stdio: 'inherit' });
    if (r.status !== 0) throw new Error('could not install pouchdb-server (see npm output above)');
  }
  const require = createRequire(join(POUCH_DIR, 'node_modules', 'index.js'));
  const PouchDB = require('pouchdb') as PouchCtor;
  PouchDB.plugin(require('pouchdb-adapter-memory'));
  return { PouchDB, serverBin: bin };
}

async function startPouchServer(bin: string, dir: string): Promise<{ url: string; stop(): Promise<void> }> {
  const port = await freePort();
  const child: ChildProcess = spawn(process.execPath, [bin, '--port', String(port), '--host', '127.0.0.1', '--dir', dir, '--no-stdout-logs'], { cwd: dir, stdio: ['ignore', 'pipe', 'pipe'] });
  let output = '';
  child.stdout?.on('data', (c: Buffer) => (output += c.toString()));
  child.stderr?.on('data', (c: Buffer) => (output += c.toString()));
  const url = `http://127.0.0.1:${port}`;
  const deadline = Date.now() + 30_000;
  for (;;) {
    try {
      if ((await fetch(url)).ok) break;
    } catch {
      // not up yet
    }
    if (Date.now() > deadline || child.exitCode !== null) throw new Error(`pouchdb-server did not start: ${output}`);
    await new Promise((r) => setTimeout(r, 200));
  }
  return {
    url,
    async stop() {
      if (child.exitCode !== null) return;
      const done = new Promise((r) => child.once('exit', r));
      child.kill('SIGTERM');
      await done;
    },
  };
}

async function seedPouch(url: string, db: string) {
  const put = await fetch(`${url}/${db}`, { method: 'PUT' });
  if (!put.ok) throw new Error(`create db: ${put.status} ${await put.text()}`);
  for (const [collection, make] of BRANCH_DATA) {
    for (let i = 0; i < COUNT; i += 1000) {
      const docs = Array.from({ length: Math.min(1000, COUNT - i) }, (_, k) => {
        const { _deleted: _d, id, ...rest } = make(i + k, BRANCH);
        return { _id: `${collection}:${id}`, id, collection, ...rest };
      });
      const res = await fetch(`${url}/${db}/_bulk_docs`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ docs }) });
      if (!res.ok) throw new Error(`bulk_docs: ${res.status}`);
    }
  }
}

async function pouchInitialSync(PouchDB: PouchCtor, remote: string, run: number): Promise<{ ms: number; docs: number }> {
  const local = new PouchDB(`bench-local-${run}-${Date.now()}`, { adapter: 'memory' });
  try {
    const t0 = performance.now();
    const result = await local.replicate.from(remote, { batch_size: BATCH, batches_limit: 10 });
    const ms = performance.now() - t0;
    if (!result.ok) throw new Error('PouchDB replication failed');
    return { ms, docs: (await local.info()).doc_count };
  } finally {
    await local.destroy();
  }
}

async function main() {
  const total = COUNT * BRANCH_DATA.length;
  log(`Initial sync of one branch: ${COUNT} beneficiaries + ${COUNT * 3} related documents = ${total} documents, loopback, batch ${BATCH}`);
  const { PouchDB, serverBin } = ensurePouch();
  const pgdb = await tempPostgres();
  const pouchDir = await mkdtemp(join(tmpdir(), 'sila-bench-pouch-data-'));
  let hq: Awaited<ReturnType<typeof startHqProcess>> | null = null;
  let pouch: Awaited<ReturnType<typeof startPouchServer>> | null = null;
  try {
    const [user] = await seedAccounts(pgdb.url, [BRANCH], 1);
    await seedBranchDocuments(pgdb.url, BRANCH, COUNT);
    hq = await startHqProcess(pgdb.url);
    pouch = await startPouchServer(serverBin, pouchDir);
    await seedPouch(pouch.url, 'branch');
    log('seeded both servers');

    const sila: number[] = [];
    const pouchTimes: number[] = [];
    for (let run = 0; run < RUNS; run++) {
      const s = await silaInitialSync(hq.url, user!.username, run);
      if (s.docs !== total) throw new Error(`Sila client has ${s.docs} documents, expected ${total}`);
      sila.push(s.ms);
      log(`  run ${run + 1}: Sila ${(s.ms / 1000).toFixed(2)} s (${s.docs} documents)`);
      const p = await pouchInitialSync(PouchDB, `${pouch.url}/branch`, run);
      if (p.docs !== total) throw new Error(`PouchDB client has ${p.docs} documents, expected ${total}`);
      pouchTimes.push(p.ms);
      log(`  run ${run + 1}: PouchDB ${(p.ms / 1000).toFixed(2)} s (${p.docs} documents)`);
    }
    const best = (xs: number[]) => Math.min(...xs);
    const ratio = best(pouchTimes) / best(sila);
    log(
      [
        `Sila (HQ on PostgreSQL → RxDB memory storage${ENCRYPTION ? ', fields encrypted at rest' : ''}, schema-validated): ${(best(sila) / 1000).toFixed(2)} s, ${Math.round(total / (best(sila) / 1000))} documents/s`,
        `PouchDB (pouchdb-server LevelDB → PouchDB memory adapter):        ${(best(pouchTimes) / 1000).toFixed(2)} s, ${Math.round(total / (best(pouchTimes) / 1000))} documents/s`,
        `Sila is ${ratio.toFixed(2)}× ${ratio >= 1 ? 'faster' : 'slower'} (target ≥ 2×: ${ratio >= 2 ? 'MET' : 'NOT MET'})`,
      ].join('\n'),
    );
  } finally {
    await pouch?.stop();
    await hq?.stop();
    await pgdb.drop();
    await rm(pouchDir, { recursive: true, force: true });
  }
}

main().then(
  () => process.exit(0),
  (err: unknown) => {
    process.stderr.write(`${err instanceof Error ? (err.stack ?? err.message) : String(err)}\n`);
    process.exit(1);
  },
);
