/**
 * One small database interface with two implementations, so the HQ's SQL is the same on
 * both: embedded PGlite (PostgreSQL in WASM, the default, stored in a data directory) and a
 * real PostgreSQL server through a `pg` pool (when DATABASE_URL is set).
 */
import { mkdir } from 'node:fs/promises';
import pg from 'pg';
import { PGlite } from '@electric-sql/pglite';

export interface Queryable {
  query<R = Record<string, unknown>>(sql: string, params?: unknown[]): Promise<{ rows: R[] }>;
}

export interface Database extends Queryable {
  readonly kind: 'pglite' | 'postgres';
  /** Run `fn` in one transaction: committed when it resolves, rolled back when it throws. */
  transaction<T>(fn: (tx: Queryable) => Promise<T>): Promise<T>;
  /**
   * Receive NOTIFY payloads on `channel` (PostgreSQL LISTEN/NOTIFY on both implementations).
   * `onReconnect` is called after the listening connection was lost and re-established:
   * notifications may have been missed in between.
   */
  listen(
    channel: string,
    onPayload: (payload: string) => void,
    onReconnect?: () => void,
  ): Promise<() => Promise<void>>;
  close(): Promise<void>;
}

export interface OpenDatabaseOptions {
  databaseUrl?: string;
  dataDir?: string;
  /** Abort statements that run longer than this (PostgreSQL only). */
  statementTimeoutMs?: number;
  onError?: (err: unknown, where: string) => void;
}

export async function openDatabase(opts: OpenDatabaseOptions): Promise<Database> {
  if (opts.databaseUrl) return openPostgres(opts.databaseUrl, opts);
  return openPglite(opts.dataDir);
}

/** Embedded PGlite. `dataDir` undefined means in memory (tests). */
export async function openPglite(dataDir?: string): Promise<Database> {
  if (dataDir) await mkdir(dataDir, { recursive: true });
  const db = dataDir ? new PGlite(dataDir) : new PGlite();
  await db.waitReady;
  return {
    kind: 'pglite',
    async query<R>(sql: string, params?: unknown[]) {
      const r = await db.query<R>(sql, params as never[]);
      return { rows: r.rows };
    },
    transaction<T>(fn: (tx: Queryable) => Promise<T>) {
      return db.transaction(async (tx) =>
        fn({
          async query<R>(sql: string, params?: unknown[]) {
            const r = await tx.query<R>(sql, params as never[]);
            return { rows: r.rows };
          },
        }),
      );
    },
    async listen(channel, onPayload) {
      const unlisten = await db.listen(channel, onPayload);
      return async () => {
        if (!db.closed) await unlisten();
      };
    },
    async close() {
      if (!db.closed) await db.close();
    },
  };
}

export async function openPostgres(url: string, opts: OpenDatabaseOptions = {}): Promise<Database> {
  const statementTimeout = opts.statementTimeoutMs ?? 15_000;
  const report = opts.onError ?? (() => {});
  const pool = new pg.Pool({
    connectionString: url,
    // Pushes of one collection queue on its lock while holding a connection: leave room for
    // pulls, streams and sign-ins beside them.
    max: Number(process.env.SILA_PG_POOL_MAX ?? 20),
    connectionTimeoutMillis: 5_000,
    idleTimeoutMillis: 30_000,
    statement_timeout: statementTimeout,
  });
  // An idle client that dies (server restart) must not crash the process.
  pool.on('error', (err) => report(err, 'pool'));
  // Fail fast on a wrong URL instead of on the first request.
  await pool.query('SELECT 1');

  const listeners = new Set<{ stop(): Promise<void> }>();
  let closed = false;

  return {
    kind: 'postgres',
    async query<R>(sql: string, params?: unknown[]) {
      const r = await pool.query(sql, params);
      return { rows: r.rows as R[] };
    },
    async transaction<T>(fn: (tx: Queryable) => Promise<T>) {
      const client = await pool.connect();
      try {
        await client.query('BEGIN');
        const result = await fn({
          async query<R>(sql: string, params?: unknown[]) {
            const r = await client.query(sql, params);
            return { rows: r.rows as R[] };
          },
        });
        await client.query('COMMIT');
        return result;
      } catch (err) {
        await client.query('ROLLBACK').catch(() => {});
        throw err;
      } finally {
        client.release();
      }
    },
    async listen(channel, onPayload, onReconnect) {
      // A dedicated connection (LISTEN is per session), re-opened with backoff when lost.
      let client: pg.Client | null = null;
      let stopped = false;
      let delay = 250;
      let timer: ReturnType<typeof setTimeout> | null = null;
      const quoted = '"' + channel.replace(/"/g, '""') + '"';

      const connect = async (isReconnect: boolean): Promise<void> => {
        const c = new pg.Client({ connectionString: url, connectionTimeoutMillis: 5_000 });
        c.on('notification', (msg) => {
          if (msg.channel === channel) onPayload(msg.payload ?? '');
        });
        c.on('error', (err) => {
          report(err, 'listen');
          scheduleReconnect(c);
        });
        c.on('end', () => scheduleReconnect(c));
        await c.connect();
        await c.query(`LISTEN ${quoted}`);
        if (stopped) {
          await c.end().catch(() => {});
          return;
        }
        client = c;
        delay = 250;
        if (isReconnect) onReconnect?.();
      };

      const scheduleReconnect = (c: pg.Client) => {
        if (stopped || client !== c || timer) return;
        client = null;
        c.removeAllListeners('end');
        c.end().catch(() => {});
        const attempt = () => {
          timer = null;
          if (stopped) return;
          connect(true).catch((err: unknown) => {
            report(err, 'listen-reconnect');
            delay = Math.min(delay * 2, 10_000);
            timer = setTimeout(attempt, delay);
          });
        };
        timer = setTimeout(attempt, delay);
      };

      await connect(false);
      const handle = {
        async stop() {
          stopped = true;
          if (timer) clearTimeout(timer);
          const c = client;
          client = null;
          if (c) {
            c.removeAllListeners('end');
            await c.end().catch(() => {});
          }
        },
      };
      listeners.add(handle);
      return async () => {
        listeners.delete(handle);
        await handle.stop();
      };
    },
    async close() {
      if (closed) return;
      closed = true;
      await Promise.all([...listeners].map((l) => l.stop()));
      listeners.clear();
      await pool.end();
    },
  };
}
