/**
 * Initial sync benchmark: a fresh laptop receives a branch with 10,000 beneficiaries and
 * 30,000 related documents (support requests, interviews, contact logs), from
 *   (a) Sila: HQ (`npm run hq` in its own process) on PostgreSQL → `startSync` into a fresh RxDB
 *       database (the app's 12 collections, three-way-merge conflict handlers, every pulled
 *       document validated against the shared schema, fields encrypted at rest);
 *   (b) PouchDB: pouchdb-server 4 (on-disk LevelDB, its default) → `replicate.from` into a fresh
 *       PouchDB database,
 * both on this machine over loopback, with two pairs of clients (`--client node|chromium|both`):
 *   - node: both in this Node process with in-memory storage (RxDB storage-memory under the
 *     at-rest encryption wrapper, pouchdb-adapter-memory), batch 1000 for both — the sync path;
 *   - chromium: both in headless Chromium on IndexedDB, as on the laptop — Sila is the renderer's
 *     own store (`createDatabase`, Dexie, production build, the app's pull batch) driven through
 *     bench/sync-harness; PouchDB is its browser build (IndexedDB adapter), batch 1000.
 *
 * Run: `npx tsx bench/sync-initial.ts [--count 10000] [--runs 1] [--client both]` (bench/README.md
 * lists every option). pouchdb-server/pouchdb are installed on first use into
 * $TMPDIR/sila-bench-pouchdb (about 70 s), not into the project. Target: Sila at least 2× faster.
 */
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { chromium, type BrowserContext } from 'playwright-core';
import { addRxPlugin, createRxDatabase, type RxDatabase } from 'rxdb';
import { RxDBMigrationSchemaPlugin } from 'rxdb/plugins/migration-schema';
import { getRxStorageMemory } from 'rxdb/plugins/storage-memory';
import { deriveRxdbEncryptionPassword, importDataKey, randomBytes } from '../shared/security';
import { wrappedAesGcmEncryptionStorage } from '../shared/security/rxdb-encryption';
import { collections, toRxJsonSchema } from '../shared/schema';
import { migrationStrategies } from '../renderer/src/data/migrations';
import { startSync, syncConflictHandler } from '../shared/sync/manager';
import { DEFAULT_PULL_BATCH_SIZE } from '../shared/sync/protocol';
import { BRANCH_DATA, freePort, seedAccounts, seedBranchDocuments, signInDevice, startHqProcess, tempPostgres } from './sync-support';
import { buildSyncHarness } from './sync-harness/build';
import { serveStatic, type StaticServer } from '../test/e2e/helpers/static-server';
import { chromiumArgs, chromiumPath } from '../test/e2e/helpers/browser';
import type { HarnessRun } from './sync-harness/main';

function arg(name: string, fallback: number): number {
  const i = process.argv.indexOf(`--${name}`);
  return i >= 0 ? Number(process.argv[i + 1]) : fallback;
}
const COUNT = arg('count', 10_000);
const RUNS = arg('runs', 1);
/** The app encrypts sensitive fields at rest (AES-GCM, shared/security/rxdb-encryption.ts); --no-encryption measures without. */
const ENCRYPTION = !process.argv.includes('--no-encryption');
/** --sila-only skips the PouchDB peer (for profiling Sila's side; prints no ratio). */
const SILA_ONLY = process.argv.includes('--sila-only');
/** Which clients: `node` (both in this process, memory storage), `chromium` (both in Chromium on IndexedDB), `both` (default). */
const CLIENT = (() => {
  const i = process.argv.indexOf('--client');
  const v = i >= 0 ? process.argv[i + 1] : 'both';
  if (v !== 'node' && v !== 'chromium' && v !== 'both') throw new Error(`--client node|chromium|both, not ${v}`);
  return v;
})();
/** Pull batch of the Chromium client: the app's default (shared/sync/protocol.ts) unless --browser-batch N. */
const BROWSER_BATCH = arg('browser-batch', DEFAULT_PULL_BATCH_SIZE);
/** --cpu-profile FILE: a V8 CPU profile of the first Chromium Sila run (open it in Chromium's DevTools). */
const CPU_PROFILE = (() => {
  const i = process.argv.indexOf('--cpu-profile');
  return i >= 0 ? process.argv[i + 1] : undefined;
})();
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

/** Lets pages of `origin` call pouchdb-server (what `add-cors-to-couchdb` does for CouchDB). */
async function enablePouchCors(url: string, origin: string) {
  const settings: Array<[string, string]> = [
    ['httpd/enable_cors', 'true'],
    ['cors/origins', origin],
    ['cors/credentials', 'true'],
    ['cors/methods', 'GET, PUT, POST, HEAD, DELETE'],
    ['cors/headers', 'accept, authorization, content-type, origin, referer'],
  ];
  for (const [key, value] of settings) {
    const res = await fetch(`${url}/_config/${key}`, { method: 'PUT', body: JSON.stringify(value) });
    if (!res.ok) throw new Error(`pouchdb-server config ${key}: ${res.status} ${await res.text()}`);
  }
}

interface Browser {
  context: BrowserContext;
  web: StaticServer;
  close(): Promise<void>;
}

async function openBrowser(): Promise<Browser> {
  const out = await mkdtemp(join(tmpdir(), 'sila-sync-harness-'));
  const profile = await mkdtemp(join(tmpdir(), 'sila-sync-bench-profile-'));
  await buildSyncHarness(out, { minify: !CPU_PROFILE });
  const web = await serveStatic(out);
  const context = await chromium.launchPersistentContext(profile, { executablePath: chromiumPath, args: chromiumArgs, headless: true });
  return {
    context,
    web,
    async close() {
      await context.close();
      await web.close();
      await rm(out, { recursive: true, force: true });
      await rm(profile, { recursive: true, force: true });
    },
  };
}

async function silaBrowserSync(browser: Browser, hqUrl: string, username: string, run: number): Promise<{ ms: number; docs: number }> {
  const session = await signInDevice(hqUrl, username, `bench-browser-${run}-${Date.now()}`);
  const page = await browser.context.newPage();
  try {
    await page.goto(browser.web.url);
    await page.waitForFunction(() => document.getElementById('status')?.textContent === 'ready');
    const opts: HarnessRun = {
      hqUrl,
      accessToken: session.accessToken,
      user: { userId: session.user.id, role: session.user.role, branchIds: session.user.branchIds },
      pullBatchSize: BROWSER_BATCH,
      count: BRANCH_DATA.map(([name]) => name),
    };
    const cdp = CPU_PROFILE && run === 0 ? await browser.context.newCDPSession(page) : null;
    if (cdp) {
      await cdp.send('Profiler.enable');
      await cdp.send('Profiler.setSamplingInterval', { interval: 500 });
      await cdp.send('Profiler.start');
    }
    const r = await page.evaluate((o) => window.silaSync.run(o), opts);
    if (cdp) {
      const { profile } = await cdp.send('Profiler.stop');
      await writeFile(CPU_PROFILE!, JSON.stringify(profile));
      log(`  CPU profile of the Chromium Sila run written to ${CPU_PROFILE}`);
    }
    if (r.problems.length > 0) throw new Error(`sync problems in Chromium: ${r.problems.slice(0, 3).join('; ')}`);
    return { ms: r.ms, docs: r.docs };
  } finally {
    await page.close();
  }
}

async function pouchBrowserSync(browser: Browser, remote: string, run: number): Promise<{ ms: number; docs: number }> {
  const page = await browser.context.newPage();
  try {
    await page.goto(browser.web.url);
    await page.addScriptTag({ path: join(POUCH_DIR, 'node_modules', 'pouchdb', 'dist', 'pouchdb.min.js') });
    return await page.evaluate(
      async ({ remote, name, batch }) => {
        const PouchDB = (window as unknown as { PouchDB: new (n: string) => PouchDbLike }).PouchDB;
        const local = new PouchDB(name); // the browser build's default adapter: IndexedDB
        try {
          const t0 = performance.now();
          const result = await local.replicate.from(remote, { batch_size: batch, batches_limit: 10 });
          const ms = performance.now() - t0;
          if (!result.ok) throw new Error('PouchDB replication failed');
          return { ms, docs: (await local.info()).doc_count };
        } finally {
          await local.destroy();
        }
      },
      { remote, name: `bench-browser-${run}-${Date.now()}`, batch: BATCH },
    );
  } finally {
    await page.close();
  }
}

interface Result {
  label: string;
  sila: number[];
  pouch: number[];
  silaWhat: string;
  pouchWhat: string;
}

function report(total: number, r: Result) {
  const best = (xs: number[]) => Math.min(...xs);
  const s = best(r.sila);
  log(`${r.label}`);
  log(`  Sila (${r.silaWhat}): ${(s / 1000).toFixed(2)} s, ${Math.round(total / (s / 1000))} documents/s`);
  if (r.pouch.length === 0) {
    log('  (no PouchDB run, no ratio)');
    return;
  }
  const p = best(r.pouch);
  const ratio = p / s;
  log(`  PouchDB (${r.pouchWhat}): ${(p / 1000).toFixed(2)} s, ${Math.round(total / (p / 1000))} documents/s`);
  log(`  Sila is ${ratio.toFixed(2)}× ${ratio >= 1 ? 'faster' : 'slower'} (target ≥ 2×: ${ratio >= 2 ? 'MET' : 'NOT MET'})`);
}

async function main() {
  const total = COUNT * BRANCH_DATA.length;
  log(`Initial sync of one branch: ${COUNT} beneficiaries + ${COUNT * 3} related documents = ${total} documents, loopback`);
  const { PouchDB, serverBin } = ensurePouch();
  const pgdb = await tempPostgres();
  const pouchDir = await mkdtemp(join(tmpdir(), 'sila-bench-pouch-data-'));
  let hq: Awaited<ReturnType<typeof startHqProcess>> | null = null;
  let pouch: Awaited<ReturnType<typeof startPouchServer>> | null = null;
  let browser: Browser | null = null;
  try {
    if (CLIENT !== 'node') browser = await openBrowser();
    const [user] = await seedAccounts(pgdb.url, [BRANCH], 1);
    await seedBranchDocuments(pgdb.url, BRANCH, COUNT);
    // The harness page's origin may call HQ (as the renderer's own origins may).
    hq = await startHqProcess(pgdb.url, browser ? { SILA_ALLOWED_ORIGINS: browser.web.origin } : {});
    pouch = await startPouchServer(serverBin, pouchDir);
    await seedPouch(pouch.url, 'branch');
    if (browser) await enablePouchCors(pouch.url, browser.web.origin);
    log('seeded both servers');

    const results: Result[] = [];
    if (CLIENT !== 'chromium') {
      const r: Result = {
        label: `Node.js clients, memory storage, batch ${BATCH}:`,
        sila: [],
        pouch: [],
        silaWhat: `HQ on PostgreSQL → RxDB memory storage${ENCRYPTION ? ', fields encrypted at rest' : ''}, schema-validated`,
        pouchWhat: 'pouchdb-server LevelDB → PouchDB memory adapter',
      };
      for (let run = 0; run < RUNS; run++) {
        const s = await silaInitialSync(hq.url, user!.username, run);
        if (s.docs !== total) throw new Error(`Sila client has ${s.docs} documents, expected ${total}`);
        r.sila.push(s.ms);
        log(`  node run ${run + 1}: Sila ${(s.ms / 1000).toFixed(2)} s (${s.docs} documents)`);
        if (SILA_ONLY) continue;
        const p = await pouchInitialSync(PouchDB, `${pouch.url}/branch`, run);
        if (p.docs !== total) throw new Error(`PouchDB client has ${p.docs} documents, expected ${total}`);
        r.pouch.push(p.ms);
        log(`  node run ${run + 1}: PouchDB ${(p.ms / 1000).toFixed(2)} s (${p.docs} documents)`);
      }
      results.push(r);
    }
    if (browser) {
      const r: Result = {
        label: `Chromium clients (the laptop's renderer environment), IndexedDB on disk; Sila pull batch ${BROWSER_BATCH} (the app's), PouchDB batch ${BATCH}:`,
        sila: [],
        pouch: [],
        silaWhat: 'HQ on PostgreSQL → the app’s store: RxDB on Dexie/IndexedDB, AES-256-GCM at rest, schema-validated',
        pouchWhat: 'pouchdb-server LevelDB → PouchDB IndexedDB adapter',
      };
      for (let run = 0; run < RUNS; run++) {
        const s = await silaBrowserSync(browser, hq.url, user!.username, run);
        if (s.docs !== total) throw new Error(`Sila browser client has ${s.docs} documents, expected ${total}`);
        r.sila.push(s.ms);
        log(`  chromium run ${run + 1}: Sila ${(s.ms / 1000).toFixed(2)} s (${s.docs} documents)`);
        if (SILA_ONLY) continue;
        const p = await pouchBrowserSync(browser, `${pouch.url}/branch`, run);
        if (p.docs !== total) throw new Error(`PouchDB browser client has ${p.docs} documents, expected ${total}`);
        r.pouch.push(p.ms);
        log(`  chromium run ${run + 1}: PouchDB ${(p.ms / 1000).toFixed(2)} s (${p.docs} documents)`);
      }
      results.push(r);
    }
    log('');
    for (const r of results) report(total, r);
  } finally {
    await browser?.close();
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
