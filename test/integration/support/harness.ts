/**
 * Test harness for the HQ integration tests: database back-ends (a fresh PGlite data
 * directory, or a uniquely named PostgreSQL database created and dropped per run), a free
 * port, and simulated laptops (each an RxDB client in its own child process).
 */
import { fork, type ChildProcess } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { randomBytes } from 'node:crypto';
import pg from 'pg';
import { PGlite } from '@electric-sql/pglite';

export const POSTGRES_ADMIN_URL = process.env.SILA_TEST_POSTGRES_URL ?? 'postgres://postgres@127.0.0.1:5432/test';

export interface Backend {
  name: 'pglite' | 'postgres';
  /** Options for startHq. */
  hqOptions: { databaseUrl?: string; dataDir?: string };
  /** Rows stored by the HQ (for PGlite the HQ must be closed: the data dir is single-user). */
  countRows(where?: string): Promise<number>;
  /** The stored JSON body of one document, straight from the table. */
  storedDoc(collection: string, id: string): Promise<{ doc: unknown; deleted: boolean; seq: number } | null>;
  /** Run one statement straight on HQ's database (for PGlite the HQ must be closed). */
  exec(sql: string, params?: unknown[]): Promise<void>;
  dispose(): Promise<void>;
}

export async function createBackend(name: 'pglite' | 'postgres'): Promise<Backend> {
  if (name === 'pglite') {
    const dataDir = await mkdtemp(join(tmpdir(), 'sila-hq-it-'));
    const withDb = async <T>(fn: (db: PGlite) => Promise<T>) => {
      const db = new PGlite(dataDir);
      try {
        return await fn(db);
      } finally {
        await db.close();
      }
    };
    return {
      name,
      hqOptions: { dataDir },
      countRows: (where = 'true') =>
        withDb(async (db) => Number((await db.query<{ n: number }>(`SELECT count(*)::int AS n FROM sync_documents WHERE ${where}`)).rows[0]?.n)),
      storedDoc: (collection, id) =>
        withDb(async (db) => {
          const r = await db.query<{ doc: unknown; deleted: boolean; seq: number }>(
            'SELECT doc, deleted, seq FROM sync_documents WHERE collection = $1 AND id = $2',
            [collection, id],
          );
          const row = r.rows[0];
          return row ? { ...row, seq: Number(row.seq) } : null;
        }),
      exec: (sql, params = []) =>
        withDb(async (db) => {
          await db.query(sql, params);
        }),
      dispose: () => rm(dataDir, { recursive: true, force: true }),
    };
  }

  const dbName = `sila_it_${process.pid}_${randomBytes(4).toString('hex')}`;
  const admin = new pg.Client({ connectionString: POSTGRES_ADMIN_URL });
  await admin.connect();
  await admin.query(`CREATE DATABASE ${dbName}`);
  const url = new URL(POSTGRES_ADMIN_URL);
  url.pathname = `/${dbName}`;
  const pool = new pg.Pool({ connectionString: url.toString(), max: 2 });
  // DROP DATABASE … WITH (FORCE) may terminate a connection that is still closing.
  pool.on('error', () => {});
  return {
    name,
    hqOptions: { databaseUrl: url.toString() },
    async countRows(where = 'true') {
      const r = await pool.query<{ n: number }>(`SELECT count(*)::int AS n FROM sync_documents WHERE ${where}`);
      return Number(r.rows[0]?.n);
    },
    async storedDoc(collection, id) {
      const r = await pool.query<{ doc: unknown; deleted: boolean; seq: string }>(
        'SELECT doc, deleted, seq FROM sync_documents WHERE collection = $1 AND id = $2',
        [collection, id],
      );
      const row = r.rows[0];
      return row ? { ...row, seq: Number(row.seq) } : null;
    },
    async exec(sql, params = []) {
      await pool.query(sql, params);
    },
    async dispose() {
      await pool.end();
      await admin.query(`DROP DATABASE IF EXISTS ${dbName} WITH (FORCE)`);
      await admin.end();
    },
  };
}

export async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const srv = createServer();
    srv.once('error', reject);
    srv.listen(0, '127.0.0.1', () => {
      const addr = srv.address();
      const port = typeof addr === 'object' && addr ? addr.port : 0;
      srv.close(() => resolve(port));
    });
  });
}

const CLIENT_SCRIPT = fileURLToPath(new URL('./replication-client.ts', import.meta.url));

/** A simulated laptop: a real RxDB database + replication in its own child process. */
export class Laptop {
  private nextId = 1;
  private pending = new Map<number, { resolve(v: unknown): void; reject(e: Error): void }>();
  private output = '';

  private constructor(
    readonly name: string,
    private readonly child: ChildProcess,
  ) {
    child.on('message', (raw: unknown) => {
      const msg = raw as { id?: number; ok?: boolean; value?: unknown; error?: string };
      if (typeof msg.id !== 'number') return;
      const p = this.pending.get(msg.id);
      if (!p) return;
      this.pending.delete(msg.id);
      if (msg.ok) p.resolve(msg.value);
      else p.reject(new Error(`[${name}] ${msg.error ?? 'failed'}`));
    });
    child.on('exit', (code) => {
      for (const p of this.pending.values()) p.reject(new Error(`[${name}] exited with ${code}; output:\n${this.output}`));
      this.pending.clear();
    });
    const keep = (chunk: Buffer) => {
      this.output = (this.output + chunk.toString()).slice(-20_000);
    };
    child.stdout?.on('data', keep);
    child.stderr?.on('data', keep);
  }

  static async start(name: string, hqUrl: string, account: LaptopAccount): Promise<Laptop> {
    const child = fork(CLIENT_SCRIPT, [], {
      execArgv: ['--import', 'tsx'],
      stdio: ['ignore', 'pipe', 'pipe', 'ipc'],
    });
    await new Promise<void>((resolve, reject) => {
      const t = setTimeout(() => reject(new Error(`${name}: client process did not start`)), 30_000);
      child.once('message', () => {
        clearTimeout(t);
        resolve();
      });
      child.once('exit', (code) => reject(new Error(`${name}: client process exited with ${code}`)));
    });
    const laptop = new Laptop(name, child);
    try {
      await laptop.call('init', {
        name: `laptop_${name.toLowerCase()}_${randomBytes(3).toString('hex')}`,
        hqUrl,
        retryTime: 300,
        deviceId: account.deviceId ?? `dev-${name.toLowerCase()}-${randomBytes(3).toString('hex')}`,
        username: account.username,
        password: account.password,
        collections: account.collections,
        pullBatchSize: account.pullBatchSize,
        pushBatchSize: account.pushBatchSize,
      });
    } catch (err) {
      await laptop.stop();
      throw err;
    }
    return laptop;
  }

  call<T = unknown>(cmd: string, args: Record<string, unknown> = {}): Promise<T> {
    const id = this.nextId++;
    return new Promise<T>((resolve, reject) => {
      this.pending.set(id, { resolve: resolve as (v: unknown) => void, reject });
      this.child.send({ id, cmd, args });
    });
  }

  async stop(): Promise<void> {
    if (this.child.exitCode !== null) return;
    try {
      await Promise.race([this.call('close'), new Promise((r) => setTimeout(r, 5_000))]);
    } catch {
      // closing is best effort; the process is killed below
    }
    const exited = new Promise((r) => this.child.once('exit', r));
    this.child.kill();
    await exited;
  }
}

export interface LaptopAccount {
  username: string;
  password: string;
  deviceId?: string;
  /** Collections to create (default: every collection of the registry). */
  collections?: string[];
  pullBatchSize?: number;
  pushBatchSize?: number;
}

/** Fast Argon2id parameters for tests (production uses hq/passwords.ts defaults). */
export const TEST_PASSWORD_HASH = { memoryKiB: 8 * 1024, iterations: 1, parallelism: 1 };
export const ADMIN = { username: 'admin', password: 'كلمة-مرور-المدير-1' };
export const PASSWORD = 'كلمة-مرور-قوية-2026';

/** The test association: two branches, a delegate in each, a committee member in Riyadh. */
export const USERS = {
  delegateA: { username: 'delegate.riyadh', role: 'field_delegate', branchIds: ['branch-riyadh'], displayName: 'مندوب الرياض' },
  delegateB: { username: 'delegate.jeddah', role: 'field_delegate', branchIds: ['branch-jeddah'], displayName: 'مندوب جدة' },
  committee: { username: 'committee.riyadh', role: 'committee_member', branchIds: ['branch-riyadh'], displayName: 'عضو لجنة' },
  staffA: { username: 'staff.riyadh', role: 'branch_staff', branchIds: ['branch-riyadh'], displayName: 'موظف الرياض' },
} as const;

/** startHq options for a test HQ: first admin, fast password hashing, silent logs. */
export function testHqOptions(backend: Backend) {
  return { host: '127.0.0.1', logLevel: 'silent', bootstrapAdmin: ADMIN, passwordHash: TEST_PASSWORD_HASH, ...backend.hqOptions };
}

export async function api(hqUrl: string, method: string, path: string, body?: unknown, token?: string | null) {
  const headers: Record<string, string> = {};
  if (body !== undefined) headers['content-type'] = 'application/json';
  if (token) headers.authorization = `Bearer ${token}`;
  const res = await fetch(`${hqUrl}${path}`, { method, headers, body: body === undefined ? undefined : typeof body === 'string' ? body : JSON.stringify(body) });
  const text = await res.text();
  let parsed: unknown = null;
  try {
    parsed = text ? JSON.parse(text) : null;
  } catch {
    parsed = text;
  }
  return { status: res.status, body: parsed as Record<string, unknown> & { error?: Record<string, unknown> } };
}

/** A fresh ECDSA P-256 public JWK, as a laptop registers. */
export async function devicePublicKey() {
  const keys = await crypto.subtle.generateKey({ name: 'ECDSA', namedCurve: 'P-256' }, false, ['sign', 'verify']);
  const jwk = await crypto.subtle.exportKey('jwk', keys.publicKey);
  return { kty: jwk.kty, crv: jwk.crv, x: jwk.x, y: jwk.y };
}

/** Sign in (optionally as a device); returns the access token. */
export async function signIn(hqUrl: string, username: string, password: string, deviceId?: string, publicKey?: unknown): Promise<string> {
  const body: Record<string, unknown> = { username, password };
  if (deviceId) body.device = { id: deviceId, label: deviceId, publicKey: publicKey ?? (await devicePublicKey()) };
  const r = await api(hqUrl, 'POST', '/auth/sign-in', body);
  if (r.status !== 200) throw new Error(`sign-in ${username}: ${r.status} ${JSON.stringify(r.body)}`);
  return String(r.body.accessToken);
}

/** Create the branches and users of USERS (idempotent: existing ones are kept). */
export async function seedAccounts(hqUrl: string): Promise<string> {
  const admin = await signIn(hqUrl, ADMIN.username, ADMIN.password);
  for (const b of [
    { id: 'branch-riyadh', name: 'فرع الرياض', city: 'الرياض' },
    { id: 'branch-jeddah', name: 'فرع جدة', city: 'جدة' },
  ]) {
    const r = await api(hqUrl, 'POST', '/admin/branches', b, admin);
    if (r.status !== 201 && r.status !== 409) throw new Error(`branch: ${r.status} ${JSON.stringify(r.body)}`);
  }
  for (const u of Object.values(USERS)) {
    const r = await api(hqUrl, 'POST', '/admin/users', { ...u, branchIds: [...u.branchIds], password: PASSWORD }, admin);
    if (r.status !== 201 && r.status !== 409) throw new Error(`user: ${r.status} ${JSON.stringify(r.body)}`);
  }
  return admin;
}

/** A sync token for a user on a (new) device, for raw HTTP calls in tests. */
export async function deviceToken(hqUrl: string, user: keyof typeof USERS, deviceId = `dev-http-${randomBytes(3).toString('hex')}`) {
  return signIn(hqUrl, USERS[user].username, PASSWORD, deviceId);
}

let readerKey: ReturnType<typeof devicePublicKey> | null = null;

/** Every document of a collection visible to `token` (default: an HQ administrator's). */
export async function pullAll(hqUrl: string, collection: string, token?: string): Promise<Record<string, unknown>[]> {
  const t = token ?? (await signIn(hqUrl, ADMIN.username, ADMIN.password, 'dev-admin-reader', await (readerKey ??= devicePublicKey())));
  const docs: Record<string, unknown>[] = [];
  let seq: number | null = null;
  for (;;) {
    const q: string = seq === null ? '' : `&seq=${seq}`;
    const res = await fetch(`${hqUrl}/sync/${collection}/pull?batchSize=1000${q}`, { headers: { authorization: `Bearer ${t}` } });
    if (!res.ok) throw new Error(`pull failed: ${res.status}`);
    const body = (await res.json()) as { documents: Record<string, unknown>[]; checkpoint: { seq: number } | null };
    docs.push(...body.documents);
    if (body.documents.length < 1000 || !body.checkpoint) return docs;
    seq = body.checkpoint.seq;
  }
}

export async function waitFor<T>(fn: () => Promise<T | undefined | null | false>, timeoutMs: number, what: string): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  let last: unknown;
  while (Date.now() < deadline) {
    try {
      const v = await fn();
      if (v) return v;
    } catch (err) {
      last = err;
    }
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new Error(`timed out waiting for ${what}${last ? `: ${String(last)}` : ''}`);
}

const HQ_SCRIPT = fileURLToPath(new URL('./hq-process.ts', import.meta.url));

/** An HQ running in a child process (to be killed without warning). */
export async function startHqProcess(options: Record<string, unknown>): Promise<{ url: string; kill(): Promise<void>; stop(): Promise<void> }> {
  const child = fork(HQ_SCRIPT, [JSON.stringify(options)], { execArgv: ['--import', 'tsx'], stdio: ['ignore', 'pipe', 'pipe', 'ipc'] });
  let output = '';
  child.stdout?.on('data', (c: Buffer) => (output = (output + c.toString()).slice(-5000)));
  child.stderr?.on('data', (c: Buffer) => (output = (output + c.toString()).slice(-5000)));
  const url = await new Promise<string>((resolve, reject) => {
    const t = setTimeout(() => reject(new Error(`HQ process did not start: ${output}`)), 60_000);
    child.once('message', (m: unknown) => {
      clearTimeout(t);
      resolve((m as { url: string }).url);
    });
    child.once('exit', (code) => {
      clearTimeout(t);
      reject(new Error(`HQ process exited with ${code}: ${output}`));
    });
  });
  const ended = new Promise<void>((r) => child.once('exit', () => r()));
  return {
    url,
    async kill() {
      if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
      await ended;
    },
    async stop() {
      if (child.exitCode === null && child.signalCode === null) child.kill('SIGTERM');
      await Promise.race([ended, new Promise((r) => setTimeout(r, 10_000))]);
      if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
      await ended;
    },
  };
}
