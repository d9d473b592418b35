/**
 * HQ's user directory for laptops (hq/user-config.ts): every account as an hq_config `user`
 * entry — who and what role, never a username, password or key — kept current when accounts are
 * created or deactivated. Real HQ (in-memory PGlite) over HTTP.
 */
import { afterAll, beforeAll, expect, test } from 'vitest';
import { startHq, type RunningHq } from '../../../hq/server';

const FAST = { memoryKiB: 1024, iterations: 1, parallelism: 1 };
const admin = { username: 'dir-admin', password: 'dir admin password 1' };
let hq: RunningHq;

async function call(method: string, path: string, body?: unknown, token?: string) {
  const res = await fetch(`${hq.url}${path}`, {
    method,
    headers: { ...(body === undefined ? {} : { 'content-type': 'application/json' }), ...(token ? { authorization: `Bearer ${token}` } : {}) },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  const text = await res.text();
  return { status: res.status, body: (text ? JSON.parse(text) : null) as Record<string, unknown> };
}

async function deviceSignIn(username: string, password: string, deviceId: string): Promise<string> {
  const pair = (await crypto.subtle.generateKey({ name: 'ECDSA', namedCurve: 'P-256' }, true, ['sign', 'verify'])) as CryptoKeyPair;
  const jwk = await crypto.subtle.exportKey('jwk', pair.publicKey);
  const r = await call('POST', '/auth/sign-in', { username, password, device: { id: deviceId, label: deviceId, publicKey: { kty: 'EC', crv: 'P-256', x: jwk.x, y: jwk.y } } });
  expect(r.status).toBe(200);
  return r.body.accessToken as string;
}

async function directory(token: string) {
  const r = await call('GET', '/sync/hq_config/pull?batchSize=1000', undefined, token);
  expect(r.status).toBe(200);
  return (r.body.documents as Record<string, unknown>[]).filter((d) => d.kind === 'user');
}

beforeAll(async () => {
  hq = await startHq({ port: 0, logLevel: 'silent', passwordHash: FAST, bootstrapAdmin: admin });
});
afterAll(async () => {
  await hq?.close();
});

test('every laptop learns who its colleagues are (name, role, branches, active) and nothing secret; deactivation reaches it', async () => {
  const adminToken = (await call('POST', '/auth/sign-in', admin)).body.accessToken as string;
  await call('POST', '/admin/branches', { id: 'riyadh', name: 'فرع الرياض', city: 'الرياض' }, adminToken);
  const member = await call('POST', '/admin/users', { username: 'sami.c', password: 'committee password 9', displayName: 'د. سامي', role: 'committee_member', branchIds: ['riyadh'] }, adminToken);
  expect(member.status).toBe(201);
  const staff = await call('POST', '/admin/users', { username: 'reem.s', password: 'staff password 9x', displayName: 'ريم', role: 'branch_staff', branchIds: ['riyadh'] }, adminToken);
  expect(staff.status).toBe(201);

  const token = await deviceSignIn('reem.s', 'staff password 9x', 'dir-laptop-1');
  const entries = await directory(token);
  const sami = entries.find((e) => (e.user as { userId: string }).userId === member.body.id);
  expect(sami).toMatchObject({ kind: 'user', branchId: 'riyadh', user: { userId: member.body.id, displayName: 'د. سامي', role: 'committee_member', branchIds: ['riyadh'], active: true } });
  // The administrator created at first start is in the directory too (published at start-up).
  expect(entries.some((e) => (e.user as { role: string }).role === 'hq_admin')).toBe(true);
  // Nothing that signs someone in travels to laptops.
  const text = JSON.stringify(entries);
  for (const secret of ['sami.c', 'reem.s', 'committee password 9', 'staff password 9x', 'password', '$argon2']) expect(text).not.toContain(secret);

  expect((await call('POST', `/admin/users/${String(member.body.id)}/deactivate`, {}, adminToken)).status).toBe(204);
  const after = await directory(token);
  expect(after.find((e) => (e.user as { userId: string }).userId === member.body.id)).toMatchObject({ user: { active: false } });
  // Publishing again without a change writes nothing new (no endless sequence growth).
  const again = await directory(token);
  expect(again.length).toBe(after.length);
});
