/**
 * Backup and restore of an HQ database (PGlite or PostgreSQL alike), as JSON lines:
 *   line 1: { format: 'sila-hq-backup', version: 1, createdAt, database, migrations, seq }
 *   then:   { table, row } for every row of every table below (rows via to_jsonb, restored
 *           with jsonb_populate_record, so every column type round-trips).
 * The file holds personal data, password hashes, the token signing keys and the lookup key: it is written
 * with mode 0600; keep it encrypted at rest and off shared drives.
 *
 * Restore goes into an EMPTY database (a fresh data directory or an empty PostgreSQL
 * database: migrations run first), in one transaction, and resets the change sequence so new
 * writes continue after the restored ones. Laptops keep their checkpoints: everything they
 * had is still at the same sequence numbers.
 */
import { createReadStream, createWriteStream } from 'node:fs';
import { once } from 'node:events';
import { createInterface } from 'node:readline';
import type { Database } from './db';
import { migrations } from './migrations';

/** Tables in dependency order (parents first). Throttling state is not backed up. */
export const BACKUP_TABLES = ['hq_branches', 'hq_users', 'hq_devices', 'hq_refresh_tokens', 'hq_signing_keys', 'hq_lookup_keys', 'hq_attachments', 'hq_attachment_branches', 'hq_evaluation_links_used', 'hq_destructions', 'hq_destroyed_ids', 'hq_purge_horizons', 'sync_documents'] as const;
type Table = (typeof BACKUP_TABLES)[number];

const PAGE = 2000;

export interface BackupSummary {
  rows: Record<string, number>;
  seq: number;
}

export async function backupDatabase(db: Database, file: string): Promise<BackupSummary> {
  const out = createWriteStream(file, { mode: 0o600, flags: 'wx' });
  const write = async (line: unknown) => {
    if (!out.write(JSON.stringify(line) + '\n')) await once(out, 'drain');
  };
  const { rows: seqRows } = await db.query<{ seq: string | number | null }>('SELECT max(seq) AS seq FROM sync_documents');
  const seq = Number(seqRows[0]?.seq ?? 0);
  const { rows: applied } = await db.query<{ id: number }>('SELECT id FROM schema_migrations ORDER BY id');
  await write({ format: 'sila-hq-backup', version: 1, createdAt: new Date().toISOString(), database: db.kind, migrations: applied.map((r) => Number(r.id)), seq });
  const counts: Record<string, number> = {};
  try {
    for (const table of BACKUP_TABLES) {
      counts[table] = 0;
      if (table === 'sync_documents') {
        // Keyset pages in sequence order (bounded memory for large databases).
        let after = -1;
        for (;;) {
          const { rows } = await db.query<{ row: Record<string, unknown>; seq: string | number }>(
            'SELECT to_jsonb(t) AS row, t.seq FROM sync_documents t WHERE t.seq > $1 AND t.seq <= $2 ORDER BY t.seq LIMIT $3',
            [after, seq, PAGE],
          );
          for (const r of rows) await write({ table, row: typeof r.row === 'string' ? JSON.parse(r.row) : r.row });
          counts[table] += rows.length;
          if (rows.length < PAGE) break;
          after = Number(rows[rows.length - 1]!.seq);
        }
      } else {
        const { rows } = await db.query<{ row: Record<string, unknown> }>(`SELECT to_jsonb(t) AS row FROM ${table} t`);
        for (const r of rows) await write({ table, row: typeof r.row === 'string' ? JSON.parse(r.row) : r.row });
        counts[table] += rows.length;
      }
    }
  } finally {
    out.end();
    await once(out, 'close');
  }
  return { rows: counts, seq };
}

export async function restoreDatabase(db: Database, file: string): Promise<BackupSummary> {
  const lines = createInterface({ input: createReadStream(file), crlfDelay: Infinity });
  type Header = { format?: string; version?: number; migrations?: number[]; seq?: number };
  const state: { header: Header | null } = { header: null };
  const counts: Record<string, number> = {};
  const known = new Set<string>(BACKUP_TABLES);
  await db.transaction(async (tx) => {
    for (const t of BACKUP_TABLES) {
      const { rows } = await tx.query<{ n: number }>(`SELECT count(*)::int AS n FROM ${t}`);
      if (Number(rows[0]?.n) > 0 && t !== 'hq_signing_keys' && t !== 'hq_lookup_keys') {
        throw new Error(`Restore needs an empty database, but ${t} has rows. Point DATABASE_URL/SILA_HQ_DATA at a new, empty database.`);
      }
    }
    // A fresh HQ start creates a signing key and a lookup key; the backup's keys replace them
    // (a backup from before lookup keys existed keeps the fresh one: no hash was made with another).
    await tx.query('DELETE FROM hq_signing_keys');
    let lookupKeysCleared = false;
    for await (const line of lines) {
      if (line.trim() === '') continue;
      const entry = JSON.parse(line) as { table?: string; row?: unknown } & Header;
      if (!state.header) {
        if (entry?.format !== 'sila-hq-backup' || entry.version !== 1) throw new Error('Not a Sila HQ backup (version 1) file.');
        const newer = (entry.migrations ?? []).filter((id) => !migrations.some((m) => m.id === id));
        if (newer.length > 0) throw new Error(`The backup comes from a newer HQ (migrations ${newer.join(', ')}); restore it with that version.`);
        state.header = entry;
        continue;
      }
      const table = entry.table as Table;
      if (!known.has(table) || !entry.row || typeof entry.row !== 'object') throw new Error(`Unexpected line in backup: ${line.slice(0, 80)}`);
      if (table === 'hq_lookup_keys' && !lookupKeysCleared) {
        await tx.query('DELETE FROM hq_lookup_keys');
        lookupKeysCleared = true;
      }
      await tx.query(`INSERT INTO ${table} SELECT * FROM jsonb_populate_record(NULL::${table}, $1::jsonb)`, [JSON.stringify(entry.row)]);
      counts[table] = (counts[table] ?? 0) + 1;
    }
    const header = state.header;
    if (!header) throw new Error('The backup file is empty.');
    const { rows } = await tx.query<{ seq: string | number | null }>('SELECT max(seq) AS seq FROM sync_documents');
    const max = Math.max(Number(rows[0]?.seq ?? 0), Number(header.seq ?? 0));
    if (max > 0) await tx.query("SELECT setval('sync_change_seq', $1)", [max]);
  });
  return { rows: counts, seq: Number(state.header?.seq ?? 0) };
}
