/**
 * Shared pieces of the sync benchmarks: a throw-away PostgreSQL database, an HQ in its own
 * process (so the load generator does not steal its event loop), accounts, and a generator of
 * valid documents (a branch's beneficiaries with requests, interviews and contact logs).
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { createHash, randomBytes } from 'node:crypto';
import { createServer } from 'node:net';
import { fileURLToPath } from 'node:url';
import pg from 'pg';
import { createBranch, createUser } from '../hq/accounts';
import { openPostgres } from '../hq/db';
import { runMigrations } from '../hq/migrations';
import { pushChanges } from '../hq/store';
import { generateNationalId } from '../shared/identity';
import { collectionsByName, validateDocument } from '../shared/schema';
import type { SyncDocument } from '../shared/sync/protocol';

export const POSTGRES_ADMIN_URL = process.env.SILA_BENCH_POSTGRES_URL ?? 'postgres://postgres@127.0.0.1:5432/test';
export const BENCH_PASSWORD = 'bench-password-2026';
/** Fast Argon2id for the benchmark accounts: sign-in is not what is measured. */
export const BENCH_HASH = { memoryKiB: 8 * 1024, iterations: 1, parallelism: 1 };

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

export async function tempPostgres(): Promise<{ url: string; drop(): Promise<void> }> {
  const name = `sila_bench_${process.pid}_${randomBytes(3).toString('hex')}`;
  const admin = new pg.Client({ connectionString: POSTGRES_ADMIN_URL });
  await admin.connect();
  await admin.query(`CREATE DATABASE ${name}`);
  const url = new URL(POSTGRES_ADMIN_URL);
  url.pathname = `/${name}`;
  return {
    url: url.toString(),
    async drop() {
      await admin.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
      await admin.end();
    },
  };
}

/** `npm run hq` in a child process; resolves when it listens. */
export async function startHqProcess(databaseUrl: string, extraEnv: Record<string, string> = {}): Promise<{ url: string; stop(): Promise<void> }> {
  const port = await freePort();
  const main = fileURLToPath(new URL('../hq/main.ts', import.meta.url));
  const child: ChildProcess = spawn(process.execPath, ['--import', 'tsx', main], {
    env: { ...process.env, DATABASE_URL: databaseUrl, PORT: String(port), HOST: '127.0.0.1', LOG_LEVEL: 'warn', ...extraEnv },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  await new Promise<void>((resolve, reject) => {
    const t = setTimeout(() => reject(new Error(`HQ did not start: ${output}`)), 60_000);
    const onData = (c: Buffer) => {
      output += c.toString();
      if (output.includes('listening on')) {
        clearTimeout(t);
        resolve();
      }
    };
    child.stdout?.on('data', onData);
    child.stderr?.on('data', onData);
    child.once('exit', (code) => reject(new Error(`HQ exited with ${code}: ${output}`)));
  });
  return {
    url: `http://127.0.0.1:${port}`,
    async stop() {
      if (child.exitCode !== null) return;
      const done = new Promise((r) => child.once('exit', r));
      child.kill('SIGTERM');
      const t = setTimeout(() => child.kill('SIGKILL'), 10_000);
      await done;
      clearTimeout(t);
    },
  };
}

export async function seedAccounts(databaseUrl: string, branches: string[], usersPerBranch: number) {
  const db = await openPostgres(databaseUrl);
  try {
    await runMigrations(db);
    const users: { username: string; branchId: string }[] = [];
    for (const b of branches) {
      await createBranch(db, { id: b, name: `فرع ${b}`, city: 'الرياض' });
      for (let i = 0; i < usersPerBranch; i++) {
        const username = `delegate.${b}.${i}`;
        await createUser(db, { username, displayName: `مندوب ${i}`, role: 'field_delegate', branchIds: [b], password: BENCH_PASSWORD }, BENCH_HASH);
        users.push({ username, branchId: b });
      }
    }
    return users;
  } finally {
    await db.close();
  }
}

export async function devicePublicKey() {
  const keys = await crypto.subtle.generateKey({ name: 'ECDSA', namedCurve: 'P-256' }, false, ['sign', 'verify']);
  const jwk = await crypto.subtle.exportKey('jwk', keys.publicKey);
  return { kty: jwk.kty, crv: jwk.crv, x: jwk.x, y: jwk.y };
}

export async function signInDevice(hqUrl: string, username: string, deviceId: string) {
  const res = await fetch(`${hqUrl}/auth/sign-in`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ username, password: BENCH_PASSWORD, device: { id: deviceId, label: deviceId, publicKey: await devicePublicKey() } }),
  });
  if (!res.ok) throw new Error(`sign-in failed: ${res.status} ${await res.text()}`);
  return (await res.json()) as { accessToken: string; user: { id: string; role: 'field_delegate'; branchIds: string[] } };
}

// ---- documents ----

const T = '2026-11-01T09:30:00.000Z';
const hex = (s: string) => createHash('sha256').update(s).digest('hex');

export function beneficiaryDoc(i: number, branchId: string): SyncDocument {
  const nationalId = generateNationalId('citizen', String(10_000_000 + i).slice(-8));
  return {
    id: `ben-${branchId}-${i}`,
    branchId,
    createdAt: T,
    updatedAt: T,
    updatedBy: 'bench',
    fullName: `مستفيد رقم ${i} عبدالله القحطاني`,
    nationalId,
    idHash: hex(nationalId),
    phoneHash: '',
    phone: `+9665${String(10_000_000 + i).slice(-8)}`,
    city: 'الرياض',
    _deleted: false,
  };
}

export function requestDoc(i: number, branchId: string): SyncDocument {
  return {
    id: `req-${branchId}-${i}`,
    branchId,
    createdAt: T,
    updatedAt: T,
    updatedBy: 'bench',
    beneficiaryId: `ben-${branchId}-${i}`,
    serviceId: 'family_consultation',
    channelId: 'branch_delegates',
    state: 'data_collection',
    summary: 'تحتاج الأسرة إلى استشارة أسرية ومتابعة من الباحث الاجتماعي',
    history: [{ from: 'reception', to: 'data_collection', event: 'begin_data_collection', by: 'user-1', role: 'field_delegate', at: T }],
    _deleted: false,
  };
}

export function interviewDoc(i: number, branchId: string): SyncDocument {
  return {
    id: `int-${branchId}-${i}`,
    branchId,
    createdAt: T,
    updatedAt: T,
    updatedBy: 'bench',
    beneficiaryId: `ben-${branchId}-${i}`,
    requestId: `req-${branchId}-${i}`,
    conductedBy: 'user-1',
    conductedAt: T,
    mode: 'field',
    answers: [{ questionId: 'household_income', question: 'ما دخل الأسرة الشهري؟', answer: '٣٠٠٠ ريال' }],
    result: 'passed',
    _deleted: false,
  };
}

export function contactLogDoc(i: number, branchId: string): SyncDocument {
  return {
    id: `cl-${branchId}-${i}`,
    branchId,
    createdAt: T,
    updatedAt: T,
    updatedBy: 'bench',
    channelId: 'phone_calls',
    direction: 'inbound',
    at: T,
    subject: 'inquiry',
    handledBy: 'user-1',
    beneficiaryId: `ben-${branchId}-${i}`,
    summary: 'سأل عن شروط خدمة الاستشارات وموعد الزيارة القادمة',
    _deleted: false,
  };
}

export const BRANCH_DATA = [
  ['beneficiaries', beneficiaryDoc],
  ['support_requests', requestDoc],
  ['interviews', interviewDoc],
  ['contact_logs', contactLogDoc],
] as const;

/** Throw if a generated document does not pass the shared schema (the HQ would refuse it). */
export function assertValid(collection: string, doc: SyncDocument) {
  const r = validateDocument(collectionsByName.get(collection)!, doc);
  if (!r.ok) throw new Error(`generated ${collection} document is invalid: ${JSON.stringify(r.issues)}`);
}

/** Write `count` beneficiaries and 3 × `count` related documents for a branch straight into HQ's store. */
export async function seedBranchDocuments(databaseUrl: string, branchId: string, count: number) {
  const db = await openPostgres(databaseUrl);
  try {
    for (const [collection, make] of BRANCH_DATA) {
      const def = collectionsByName.get(collection)!;
      assertValid(collection, make(0, branchId));
      for (let i = 0; i < count; i += 500) {
        const rows = Array.from({ length: Math.min(500, count - i) }, (_, k) => ({ newDocumentState: make(i + k, branchId) }));
        await pushChanges(db, def, rows);
      }
    }
  } finally {
    await db.close();
  }
}

export function percentile(sorted: number[], p: number): number {
  if (sorted.length === 0) return NaN;
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))]!;
}
