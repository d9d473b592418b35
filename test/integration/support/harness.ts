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

  static async start(name: string, hqUrl: string): Promise<Laptop> {
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
    await laptop.call('init', { name: `laptop_${name.toLowerCase()}`, hqUrl, retryTime: 300 });
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

export async function pullAll(hqUrl: string, collection: string): Promise<Record<string, unknown>[]> {
  const docs: Record<string, unknown>[] = [];
  let seq: number | null = null;
  for (;;) {
    const q: string = seq === null ? '' : `&seq=${seq}`;
    const res = await fetch(`${hqUrl}/sync/${collection}/pull?batchSize=1000${q}`);
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
