import { randomBytes } from 'node:crypto';
import pg from 'pg';
import { afterEach, describe, expect, test } from 'vitest';
import { openPglite, openPostgres, type Database } from '../../../hq/db';
import { migrations, runMigrations, splitStatements, type Migration } from '../../../hq/migrations';

const ADMIN_URL = process.env.SILA_TEST_POSTGRES_URL ?? 'postgres://postgres@127.0.0.1:5432/test';
const open: Database[] = [];
afterEach(async () => {
  await Promise.all(open.splice(0).map((d) => d.close()));
});
async function memoryDb() {
  const db = await openPglite();
  open.push(db);
  return db;
}
async function tableNames(db: Database) {
  const { rows } = await db.query<{ table_name: string }>(
    "SELECT table_name FROM information_schema.tables WHERE table_schema = current_schema() ORDER BY table_name",
  );
  return rows.map((r) => r.table_name);
}

const extra: Migration[] = [
  { id: 1, name: 'one', sql: 'CREATE TABLE a (x int); INSERT INTO a VALUES (1)' },
  { id: 2, name: 'two', sql: '-- second\nCREATE TABLE b (y int)' },
];

describe('migrations', () => {
  test('apply in order once, are recorded, and re-running is a no-op', async () => {
    const db = await memoryDb();
    expect(await runMigrations(db)).toEqual({ applied: migrations.map((m) => m.id), alreadyApplied: [] });
    expect(await tableNames(db)).toEqual(expect.arrayContaining(['schema_migrations', 'sync_documents']));
    expect(await runMigrations(db)).toEqual({ applied: [], alreadyApplied: migrations.map((m) => m.id) });
    const { rows } = await db.query<{ id: number; name: string }>('SELECT id, name FROM schema_migrations ORDER BY id');
    expect(rows.map((r) => [Number(r.id), r.name])).toEqual(migrations.map((m) => [m.id, m.name]));
  });

  test('only new migrations run on an existing database', async () => {
    const db = await memoryDb();
    await runMigrations(db, extra.slice(0, 1));
    expect(await runMigrations(db, extra)).toEqual({ applied: [2], alreadyApplied: [1] });
    expect((await db.query<{ x: number }>('SELECT x FROM a')).rows).toEqual([{ x: 1 }]); // not re-run
  });

  test('a failing migration is rolled back and not recorded; earlier ones stay', async () => {
    const db = await memoryDb();
    const broken: Migration[] = [
      extra[0]!,
      { id: 2, name: 'two', sql: 'CREATE TABLE b (y int); INSERT INTO nowhere VALUES (1)' },
    ];
    await expect(runMigrations(db, broken)).rejects.toThrow(/nowhere/);
    expect(await tableNames(db)).not.toContain('b');
    const { rows } = await db.query<{ id: number }>('SELECT id FROM schema_migrations');
    expect(rows.map((r) => Number(r.id))).toEqual([1]);
    expect(await runMigrations(db, extra)).toEqual({ applied: [2], alreadyApplied: [1] });
  });

  test('refuses a database migrated by a newer HQ, a renamed migration, and unordered ids', async () => {
    const db = await memoryDb();
    await runMigrations(db, extra);
    await expect(runMigrations(db, extra.slice(0, 1))).rejects.toThrow(/newer HQ/);
    await expect(runMigrations(db, [{ ...extra[0]!, name: 'renamed' }, extra[1]!])).rejects.toThrow(/recorded as 'one'/);
    await expect(runMigrations(db, [extra[1]!, extra[0]!])).rejects.toThrow(/increasing/);
  });

  test('splitStatements drops comment lines and empty statements', () => {
    expect(splitStatements('-- c\nCREATE TABLE a (x int);\n\n;SELECT 1;')).toEqual(['CREATE TABLE a (x int)', 'SELECT 1']);
  });

  test('several HQ instances starting at once on PostgreSQL apply each migration exactly once', async () => {
    const name = `sila_unit_${process.pid}_${randomBytes(4).toString('hex')}`;
    const admin = new pg.Client({ connectionString: ADMIN_URL });
    await admin.connect();
    await admin.query(`CREATE DATABASE ${name}`);
    try {
      const url = new URL(ADMIN_URL);
      url.pathname = `/${name}`;
      const dbs = await Promise.all([1, 2, 3].map(() => openPostgres(url.toString())));
      open.push(...dbs);
      const results = await Promise.all(dbs.map((d) => runMigrations(d)));
      expect(results.flatMap((r) => r.applied).sort()).toEqual(migrations.map((m) => m.id));
      const { rows } = await dbs[0]!.query<{ n: number }>('SELECT count(*)::int AS n FROM schema_migrations');
      expect(rows[0]?.n).toBe(migrations.length);
      await Promise.all(open.splice(0).map((d) => d.close()));
    } finally {
      await admin.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
      await admin.end();
    }
  });
});
