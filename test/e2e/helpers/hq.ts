/** Starting the real HQ for end-to-end tests: embedded PGlite, or a throw-away PostgreSQL database. */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pg from 'pg';
import { startHq, type RunningHq } from '../../../hq/server';
import type { ResolveCaller } from '../../../hq/auth';

/**
 * The renderer has no HQ sign-in yet (issue 6): every request is treated as coming from a
 * branch employee of branch 'main' on a registered device. Authorisation (the shared access
 * policy) still runs for every pull and pushed row; only the token check is replaced.
 */
export const branchStaffCaller: ResolveCaller = async () => ({
  kind: 'user',
  userId: 'e2e-branch-staff',
  role: 'branch_staff',
  branchIds: ['main'],
  deviceId: 'e2e-device',
});

export const postgresAdminUrl = process.env.SILA_TEST_POSTGRES_URL ?? 'postgres://postgres@127.0.0.1:5432/test';

export interface TestHq extends RunningHq {
  /** Stops the HQ and removes its data (temp directory or database). */
  destroy(): Promise<void>;
}

export async function startPgliteHq(port: number, allowedOrigins: string[]): Promise<TestHq> {
  const dataDir = await mkdtemp(join(tmpdir(), 'sila-e2e-hq-'));
  const hq = await startHq({ port, dataDir, allowedOrigins, logLevel: 'warn', resolveCaller: branchStaffCaller });
  return {
    ...hq,
    async destroy() {
      await hq.close();
      await rm(dataDir, { recursive: true, force: true });
    },
  };
}

/**
 * PostgreSQL: every run gets its own database (created from the admin connection, dropped
 * afterwards), so tests never see each other's rows or notifications.
 */
export async function startPostgresHq(port: number, allowedOrigins: string[]): Promise<TestHq> {
  const name = `sila_e2e_${process.pid}_${Date.now().toString(36)}_${Math.random().toString(36).slice(2, 8)}`;
  const admin = new pg.Client({ connectionString: postgresAdminUrl });
  await admin.connect();
  try {
    await admin.query(`CREATE DATABASE ${name}`);
  } finally {
    await admin.end();
  }
  const url = new URL(postgresAdminUrl);
  url.pathname = `/${name}`;
  let hq: RunningHq;
  try {
    hq = await startHq({ port, databaseUrl: url.toString(), allowedOrigins, logLevel: 'warn', resolveCaller: branchStaffCaller });
  } catch (err) {
    await dropDatabase(name);
    throw err;
  }
  return {
    ...hq,
    async destroy() {
      await hq.close();
      await dropDatabase(name);
    },
  };
}

async function dropDatabase(name: string): Promise<void> {
  const admin = new pg.Client({ connectionString: postgresAdminUrl });
  await admin.connect();
  try {
    await admin.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
  } finally {
    await admin.end();
  }
}
