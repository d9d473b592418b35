/**
 * The whole content of HQ's database, table by table (every base table of the public schema,
 * including tables added by later migrations), keyed by primary key, for before/after
 * comparisons. For PGlite the HQ must be closed (its data directory is single-user).
 */
import { createHash } from 'node:crypto';
import pg from 'pg';
import { PGlite } from '@electric-sql/pglite';
import type { Backend } from './harness';

export interface StoredRow {
  /** The row as JSON (to_jsonb), volatile columns removed. */
  row: Record<string, unknown>;
  /** SHA-256 of the row's canonical JSON. */
  digest: string;
}

/** table → primary key (JSON array of the key columns' values) → row. */
export type DbState = Map<string, Map<string, StoredRow>>;

export interface RowChange {
  table: string;
  key: string;
  kind: 'added' | 'removed' | 'changed';
  before?: Record<string, unknown>;
  after?: Record<string, unknown>;
}

/** Columns that change without any write by a client (bookkeeping of reads). */
export const VOLATILE_COLUMNS: Readonly<Record<string, readonly string[]>> = {
  hq_devices: ['last_seen_at'],
};

type Query = (sql: string) => Promise<Record<string, unknown>[]>;

const TABLES_SQL = `
  SELECT c.relname AS name,
         COALESCE((SELECT json_agg(a.attname ORDER BY a.attnum)
                     FROM pg_index i JOIN pg_attribute a ON a.attrelid = i.indrelid AND a.attnum = ANY(i.indkey)
                    WHERE i.indrelid = c.oid AND i.indisprimary), '[]'::json) AS pk
    FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
   WHERE n.nspname = 'public' AND c.relkind IN ('r', 'p')
   ORDER BY c.relname`;

function canonical(value: unknown): string {
  if (value === null || typeof value !== 'object') return JSON.stringify(value) ?? 'null';
  if (Array.isArray(value)) return `[${value.map(canonical).join(',')}]`;
  const o = value as Record<string, unknown>;
  return `{${Object.keys(o)
    .sort()
    .map((k) => `${JSON.stringify(k)}:${canonical(o[k])}`)
    .join(',')}}`;
}

async function read(query: Query): Promise<DbState> {
  const state: DbState = new Map();
  for (const t of await query(TABLES_SQL)) {
    const name = String(t.name);
    const pkRaw = t.pk;
    const pk = (typeof pkRaw === 'string' ? JSON.parse(pkRaw) : pkRaw) as string[];
    const rows = new Map<string, StoredRow>();
    const volatile = VOLATILE_COLUMNS[name] ?? [];
    for (const r of await query(`SELECT to_jsonb(t) AS r FROM "${name.replaceAll('"', '""')}" t`)) {
      const row = (typeof r.r === 'string' ? JSON.parse(r.r) : r.r) as Record<string, unknown>;
      for (const c of volatile) delete row[c];
      const text = canonical(row);
      const key = pk.length > 0 ? JSON.stringify(pk.map((c) => row[c])) : text;
      rows.set(key, { row, digest: createHash('sha256').update(text).digest('hex') });
    }
    state.set(name, rows);
  }
  return state;
}

/** Every row of every table. PGlite: call only while no HQ has the data directory open. */
export async function readDbState(backend: Backend): Promise<DbState> {
  if (backend.hqOptions.dataDir) {
    const db = new PGlite(backend.hqOptions.dataDir);
    try {
      return await read(async (sql) => (await db.query<Record<string, unknown>>(sql)).rows);
    } finally {
      await db.close();
    }
  }
  const client = new pg.Client({ connectionString: backend.hqOptions.databaseUrl });
  await client.connect();
  try {
    return await read(async (sql) => (await client.query<Record<string, unknown>>(sql)).rows);
  } finally {
    await client.end();
  }
}

export function diffDbState(before: DbState, after: DbState): RowChange[] {
  const changes: RowChange[] = [];
  for (const table of new Set([...before.keys(), ...after.keys()])) {
    const b = before.get(table) ?? new Map<string, StoredRow>();
    const a = after.get(table) ?? new Map<string, StoredRow>();
    for (const [key, row] of a) {
      const old = b.get(key);
      if (!old) changes.push({ table, key, kind: 'added', after: row.row });
      else if (old.digest !== row.digest)
        changes.push({ table, key, kind: 'changed', before: old.row, after: row.row });
    }
    for (const [key, row] of b)
      if (!a.has(key)) changes.push({ table, key, kind: 'removed', before: row.row });
  }
  return changes;
}

/** A short line for a failure message (never a whole file's bytes). */
export function describeChange(c: RowChange): string {
  const show = (r?: Record<string, unknown>) => (r ? JSON.stringify(r).slice(0, 300) : '');
  return `${c.kind} ${c.table} ${c.key}${c.before ? ` before=${show(c.before)}` : ''}${c.after ? ` after=${show(c.after)}` : ''}`;
}
