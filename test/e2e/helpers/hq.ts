/** Starting the real HQ for end-to-end tests: embedded PGlite, or a throw-away PostgreSQL database. */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pg from 'pg';
import { startHq, type RunningHq } from '../../../hq/server';
import type { ResolveCaller } from '../../../hq/auth';
import type { PasswordHashParams } from '../../../hq/passwords';
import type { Role } from '../../../shared/schema';

/**
 * A fixed caller for tests that bypass sign-in (none of the UI tests: the renderer signs in
 * with real HQ accounts; see `createHqUser` and helpers/app.ts `signIn`).
 */
export const branchStaffCaller: ResolveCaller = async () => ({
  kind: 'user',
  userId: 'e2e-branch-staff',
  role: 'branch_staff',
  branchIds: ['main'],
  deviceId: 'e2e-device',
});

/** The first HQ administrator every test HQ starts with (creates branches and users). */
export const testAdmin = { username: 'e2e-admin', password: 'e2e admin password 1' } as const;

/** Cheap Argon2id for tests only (the laptop's own keyring still uses the real parameters). */
export const testPasswordHash: PasswordHashParams = { memoryKiB: 1024, iterations: 1, parallelism: 1 };

export interface HqUser {
  userId: string;
  username: string;
  password: string;
  displayName: string;
  role: Role;
  branchIds: string[];
}

let userCounter = 0;

async function call<T>(hqUrl: string, path: string, init: { method?: string; token?: string; body?: unknown }): Promise<T> {
  const res = await fetch(`${hqUrl}${path}`, {
    method: init.method ?? 'POST',
    headers: { 'content-type': 'application/json', ...(init.token ? { authorization: `Bearer ${init.token}` } : {}) },
    body: init.body === undefined ? undefined : JSON.stringify(init.body),
  });
  const text = await res.text();
  if (!res.ok) throw new Error(`${init.method ?? 'POST'} ${path} → ${res.status}: ${text}`);
  return (text ? JSON.parse(text) : null) as T;
}

/** An HQ administrator's access token (no device). */
export async function adminToken(hq: { url: string }): Promise<string> {
  const a = await call<{ accessToken: string }>(hq.url, '/auth/sign-in', { body: { username: testAdmin.username, password: testAdmin.password } });
  return a.accessToken;
}

/**
 * Create an account through the HQ admin API, as an HQ administrator would (branches created
 * when missing). Returns the credentials to type into the sign-in screen.
 */
export async function createHqUser(
  hq: { url: string },
  input: { role: Role; branchIds: string[]; username?: string; password?: string; displayName?: string },
): Promise<HqUser> {
  const token = await adminToken(hq);
  const existing = await call<{ id: string }[] | { branches: { id: string }[] }>(hq.url, '/admin/branches', { method: 'GET', token });
  const known = new Set((Array.isArray(existing) ? existing : existing.branches).map((b) => b.id));
  for (const id of input.branchIds) {
    if (!known.has(id)) await call(hq.url, '/admin/branches', { token, body: { id, name: `فرع ${id}`, city: 'الرياض' } });
  }
  const username = input.username ?? `user${process.pid}${++userCounter}${Math.random().toString(36).slice(2, 6)}`;
  const password = input.password ?? `pass-${Math.random().toString(36).slice(2)}-ok`;
  const displayName = input.displayName ?? 'مستخدم الاختبار';
  const created = await call<{ id: string } | { user: { id: string } }>(hq.url, '/admin/users', {
    token,
    body: { username, password, displayName, role: input.role, branchIds: input.branchIds },
  });
  const userId = 'user' in created ? created.user.id : created.id;
  return { userId, username, password, displayName, role: input.role, branchIds: input.branchIds };
}

/** Revoke a laptop through the admin API (it wipes its local data at its next contact). */
export async function revokeHqDevice(hq: { url: string }, deviceId: string): Promise<void> {
  await call(hq.url, `/admin/devices/${encodeURIComponent(deviceId)}/revoke`, { token: await adminToken(hq), body: {} });
}

export interface StartTestHqOptions {
  /** Keep an existing PGlite data directory (restart the same HQ). */
  dataDir?: string;
  /** Replace token authentication (only for tests that do not sign in through the UI). */
  resolveCaller?: ResolveCaller;
}

export const postgresAdminUrl = process.env.SILA_TEST_POSTGRES_URL ?? 'postgres://postgres@127.0.0.1:5432/test';

export interface TestHq extends RunningHq {
  /** Stops the HQ and removes its data (temp directory or database). */
  destroy(): Promise<void>;
  /** Stops the HQ, keeping its data (laptops see it as unreachable). */
  stop(): Promise<void>;
  /** Starts it again on the same port with the same data. */
  restart(): Promise<void>;
}

/** A test HQ that can be stopped and started again on the same port and data. */
async function restartable(port: number, launch: (port: number) => Promise<RunningHq>, removeData: () => Promise<void>): Promise<TestHq> {
  let current: RunningHq | null = await launch(port);
  const first = current;
  return {
    url: first.url,
    port: first.port,
    close: async () => {
      await current?.close();
      current = null;
    },
    async stop() {
      await current?.close();
      current = null;
    },
    async restart() {
      await current?.close();
      current = await launch(first.port);
    },
    async destroy() {
      await current?.close();
      current = null;
      await removeData();
    },
  };
}

const authOptions = (o: StartTestHqOptions) => ({
  passwordHash: testPasswordHash,
  bootstrapAdmin: { username: testAdmin.username, password: testAdmin.password, displayName: 'مدير الاختبار' },
  ...(o.resolveCaller ? { resolveCaller: o.resolveCaller } : {}),
});

export async function startPgliteHq(port: number, allowedOrigins: string[], options: StartTestHqOptions = {}): Promise<TestHq & { dataDir: string }> {
  const dataDir = options.dataDir ?? (await mkdtemp(join(tmpdir(), 'sila-e2e-hq-')));
  const hq = await restartable(
    port,
    (p) => startHq({ port: p, dataDir, allowedOrigins, logLevel: 'warn', ...authOptions(options) }),
    () => rm(dataDir, { recursive: true, force: true }),
  );
  return { ...hq, dataDir };
}

/**
 * PostgreSQL: every run gets its own database (created from the admin connection, dropped
 * afterwards), so tests never see each other's rows or notifications.
 */
export async function startPostgresHq(port: number, allowedOrigins: string[], options: StartTestHqOptions = {}): Promise<TestHq> {
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
  try {
    return await restartable(
      port,
      (p) => startHq({ port: p, databaseUrl: url.toString(), allowedOrigins, logLevel: 'warn', ...authOptions(options) }),
      () => dropDatabase(name),
    );
  } catch (err) {
    await dropDatabase(name);
    throw err;
  }
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

/** An HQ access token for a laptop (a fresh device key registered), as the app gets at sign-in. */
export async function deviceToken(hqUrl: string, user: { username: string; password: string }, deviceId: string): Promise<string> {
  const { publicKey } = (await crypto.subtle.generateKey({ name: 'ECDSA', namedCurve: 'P-256' }, true, ['sign', 'verify'])) as CryptoKeyPair;
  const jwk = await crypto.subtle.exportKey('jwk', publicKey);
  const res = await fetch(`${hqUrl}/auth/sign-in`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ username: user.username, password: user.password, device: { id: deviceId, label: deviceId, publicKey: { kty: jwk.kty, crv: jwk.crv, x: jwk.x, y: jwk.y } } }),
  });
  const body = (await res.json()) as { accessToken?: string };
  if (!res.ok || !body.accessToken) throw new Error(`seed sign-in failed: ${res.status} ${JSON.stringify(body)}`);
  return body.accessToken;
}

/** Seeds documents at HQ through its push API (as another laptop would); fails on any conflict. */
export async function push(hqUrl: string, token: string, collection: string, docs: Record<string, unknown>[], assumed?: Record<string, unknown>): Promise<void> {
  const res = await fetch(`${hqUrl}/sync/${collection}/push`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', authorization: `Bearer ${token}` },
    body: JSON.stringify(docs.map((d) => ({ newDocumentState: { ...d, _deleted: false }, ...(assumed ? { assumedMasterState: { ...assumed, _deleted: false } } : {}) }))),
  });
  const text = await res.text();
  if (!res.ok || text !== '[]') throw new Error(`seed push ${collection} failed: ${res.status} ${text}`);
}
