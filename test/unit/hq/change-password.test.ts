/**
 * POST /auth/change-password on a real HQ (in-memory PGlite, over HTTP) and the association-wide
 * lookup key (created on first start, handed to registered devices at sign-in, backed up).
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { currentLookupKey, ensureLookupKey } from '../../../hq/accounts';
import { backupDatabase, restoreDatabase } from '../../../hq/backup';
import { openPglite } from '../../../hq/db';
import { runMigrations } from '../../../hq/migrations';
import { startHq, type RunningHq } from '../../../hq/server';

const FAST = { memoryKiB: 1024, iterations: 1, parallelism: 1 };
const admin = { username: 'pw-admin', password: 'pw admin password 1' };

const deviceKeys = new Map<string, Promise<{ kty: string; crv: string; x: string; y: string }>>();
/** One key pair per device id (a laptop keeps its key). */
function deviceKey(deviceId: string) {
  let k = deviceKeys.get(deviceId);
  if (!k) deviceKeys.set(deviceId, (k = newDeviceKey()));
  return k;
}

async function newDeviceKey() {
  const pair = (await crypto.subtle.generateKey({ name: 'ECDSA', namedCurve: 'P-256' }, true, ['sign', 'verify'])) as CryptoKeyPair;
  const jwk = await crypto.subtle.exportKey('jwk', pair.publicKey);
  return { kty: 'EC', crv: 'P-256', x: jwk.x!, y: jwk.y! };
}

interface Answer {
  status: number;
  body: Record<string, unknown> & { error?: { code: string; message: string; messageAr: string; details?: Record<string, unknown> } };
  headers: Headers;
}

let hq: RunningHq;

async function post(path: string, body: unknown, token?: string): Promise<Answer> {
  const res = await fetch(`${hq.url}${path}`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...(token ? { authorization: `Bearer ${token}` } : {}) },
    body: JSON.stringify(body),
  });
  const text = await res.text();
  return { status: res.status, body: text ? (JSON.parse(text) as Answer['body']) : {}, headers: res.headers };
}

let userCount = 0;
/** A new branch user; returns a sign-in on a registered device. */
async function newUser(password = 'old password 123') {
  const username = `pw.user${++userCount}`;
  const a = await post('/auth/sign-in', admin);
  const created = await post('/admin/users', { username, password, displayName: 'مستخدم', role: 'branch_staff', branchIds: ['riyadh'] }, a.body.accessToken as string);
  expect(created.status).toBe(201);
  const signInOn = async (deviceId: string, pw = password) =>
    post('/auth/sign-in', { username, password: pw, device: { id: deviceId, label: deviceId, publicKey: await deviceKey(deviceId) } });
  return { username, password, signInOn };
}

beforeAll(async () => {
  hq = await startHq({ port: 0, logLevel: 'silent', passwordHash: FAST, bootstrapAdmin: admin });
  const a = await post('/auth/sign-in', admin);
  await post('/admin/branches', { id: 'riyadh', name: 'فرع الرياض' }, a.body.accessToken as string);
}, 60_000);

afterAll(async () => {
  await hq?.close();
});

describe('POST /auth/change-password', () => {
  test('success: the new password signs in, the old one does not; other laptops’ refresh tokens are revoked, this one gets fresh tokens', async () => {
    const u = await newUser();
    const laptopA = (await u.signInOn(`dev-a-${userCount}`)).body;
    const laptopB = (await u.signInOn(`dev-b-${userCount}`)).body;
    expect(laptopA.refreshToken).toBeTruthy();

    const changed = await post('/auth/change-password', { currentPassword: u.password, newPassword: 'a new long password 1' }, laptopA.accessToken as string);
    expect(changed.status).toBe(200);
    expect(changed.body).toMatchObject({ deviceId: `dev-a-${userCount}`, user: { username: u.username } });
    expect(changed.body).not.toHaveProperty('revokedRefreshTokens');
    expect(changed.body.refreshToken).not.toBe(laptopA.refreshToken);
    expect(changed.body.lookupKey).toEqual(laptopA.lookupKey);

    // Laptop B (and A's old refresh token) are cut off: they must sign in again online.
    const b = await post('/auth/refresh', { refreshToken: laptopB.refreshToken });
    expect(b.status).toBe(401);
    expect(b.body.error?.code).toBe('UNAUTHENTICATED');
    expect((await post('/auth/refresh', { refreshToken: laptopA.refreshToken })).status).toBe(401);
    // This laptop's fresh refresh token works.
    expect((await post('/auth/refresh', { refreshToken: changed.body.refreshToken })).status).toBe(200);

    expect((await u.signInOn(`dev-b-${userCount}`)).body.error?.code).toBe('INVALID_CREDENTIALS');
    expect((await u.signInOn(`dev-b-${userCount}`, 'a new long password 1')).status).toBe(200);
  });

  test('a wrong current password changes nothing (403, Arabic message, no stack trace)', async () => {
    const u = await newUser();
    const s = (await u.signInOn(`dev-c-${userCount}`)).body;
    const r = await post('/auth/change-password', { currentPassword: 'not my password', newPassword: 'a new long password 2' }, s.accessToken as string);
    expect(r.status).toBe(403);
    expect(r.body.error).toMatchObject({ code: 'INVALID_CREDENTIALS', details: { field: 'currentPassword' } });
    expect(r.body.error!.messageAr).toMatch(/كلمة المرور الحالية غير صحيحة/);
    expect(JSON.stringify(r.body)).not.toMatch(/at .*\.ts|stack/i);
    // Nothing changed: the old password still signs in, the refresh token still works.
    expect((await post('/auth/refresh', { refreshToken: s.refreshToken })).status).toBe(200);
    expect((await u.signInOn(`dev-c-${userCount}`)).status).toBe(200);
  });

  test('a weak or equal new password is refused with the account-creation rule', async () => {
    const u = await newUser();
    const s = (await u.signInOn(`dev-d-${userCount}`)).body;
    const weak = await post('/auth/change-password', { currentPassword: u.password, newPassword: 'short' }, s.accessToken as string);
    expect(weak.status).toBe(400);
    expect(weak.body.error).toMatchObject({ code: 'MALFORMED_REQUEST', details: { field: 'newPassword' } });
    expect(weak.body.error!.messageAr).toMatch(/١٠|10/);
    const same = await post('/auth/change-password', { currentPassword: u.password, newPassword: u.password }, s.accessToken as string);
    expect(same.status).toBe(400);
    expect(same.body.error!.messageAr).toMatch(/مطابقة/);
    expect((await u.signInOn(`dev-d-${userCount}`)).status).toBe(200);
  });

  test('the body is validated and a token is required', async () => {
    const u = await newUser();
    const s = (await u.signInOn(`dev-e-${userCount}`)).body;
    for (const body of [{}, { currentPassword: u.password }, { currentPassword: 1, newPassword: 'a long enough password' }, { currentPassword: u.password, newPassword: 'a long enough password', extra: true }, 'text']) {
      const r = await post('/auth/change-password', body, s.accessToken as string);
      expect(r.status).toBe(400);
      expect(r.body.error?.code).toBe('MALFORMED_REQUEST');
      expect(r.body.error?.messageAr).toMatch(/[\u0600-\u06ff]/);
    }
    const anon = await post('/auth/change-password', { currentPassword: u.password, newPassword: 'a long enough password' });
    expect(anon.status).toBe(401);
    const forged = await post('/auth/change-password', { currentPassword: u.password, newPassword: 'a long enough password' }, 'sila1.k.e30.AAAA');
    expect(forged.status).toBe(401);
  });

  test('wrong current passwords are rate-limited like sign-ins (429 with Retry-After), even the right one then', async () => {
    const u = await newUser();
    const s = (await u.signInOn(`dev-f-${userCount}`)).body;
    const codes: number[] = [];
    for (let i = 0; i < 3; i++) {
      codes.push((await post('/auth/change-password', { currentPassword: `wrong ${i} password`, newPassword: `another ${i} password` }, s.accessToken as string)).status);
    }
    expect(codes).toEqual([403, 403, 403]); // 6 wrong guesses: locked from the 5th
    const locked = await post('/auth/change-password', { currentPassword: u.password, newPassword: 'a new long password 3' }, s.accessToken as string);
    expect(locked.status).toBe(429);
    expect(locked.body.error?.code).toBe('RATE_LIMITED');
    expect(Number(locked.headers.get('retry-after'))).toBeGreaterThan(0);
    expect(locked.body.error?.messageAr).toMatch(/انتظر/);
    // Nothing changed.
    expect((await u.signInOn(`dev-f-${userCount}`)).status).toBe(200);
  });

  test('a retry after a lost answer succeeds (HQ already holds the new password)', async () => {
    const u = await newUser();
    const s = (await u.signInOn(`dev-g-${userCount}`)).body;
    const first = await post('/auth/change-password', { currentPassword: u.password, newPassword: 'a new long password 4' }, s.accessToken as string);
    expect(first.status).toBe(200);
    const again = await post('/auth/change-password', { currentPassword: u.password, newPassword: 'a new long password 4' }, first.body.accessToken as string);
    expect(again.status).toBe(200);
    expect((await u.signInOn(`dev-g-${userCount}`, 'a new long password 4')).status).toBe(200);
  });
});

describe('the association-wide lookup key', () => {
  test('every registered device of every user gets the same key at sign-in; a device-less sign-in gets none', async () => {
    const one = await newUser();
    const two = await newUser();
    const k1 = (await one.signInOn(`dev-h-${userCount}`)).body.lookupKey as { kid: string; key: string };
    const k2 = (await two.signInOn(`dev-i-${userCount}`)).body.lookupKey as { kid: string; key: string };
    expect(k1.kid).toMatch(/^lk/);
    expect(Buffer.from(k1.key, 'base64')).toHaveLength(32);
    expect(k2).toEqual(k1);
    expect((await post('/auth/sign-in', admin)).body).not.toHaveProperty('lookupKey');
  });

  test('created once, survives a restart, and is restored from a backup (replacing a fresh one)', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'sila-lookup-key-'));
    try {
      const src = await openPglite(join(dir, 'src'));
      await runMigrations(src);
      const key = await ensureLookupKey(src);
      expect(await ensureLookupKey(src)).toEqual(key);
      const [a, b] = await Promise.all([ensureLookupKey(src), ensureLookupKey(src)]);
      expect(a).toEqual(key);
      expect(b).toEqual(key);
      const file = join(dir, 'backup.jsonl');
      const summary = await backupDatabase(src, file);
      expect(summary.rows.hq_lookup_keys).toBe(1);
      await src.close();

      const target = await openPglite(join(dir, 'target'));
      await runMigrations(target);
      const fresh = await ensureLookupKey(target); // an HQ started once on the new database
      expect(fresh.kid).not.toBe(key.kid);
      await restoreDatabase(target, file);
      expect(await currentLookupKey(target)).toEqual(key);
      await target.close();
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });
});
