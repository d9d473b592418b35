/**
 * The association-wide lookup key (issue 5 §3, duplicate detection across branches): HQ hands
 * one key to every laptop at sign-in, so two users on two laptops compute the same idHash /
 * phoneHash for the same ID and phone; the laptop keeps it sealed under the data key; local
 * records hashed with an older key are re-keyed in one pass and stay findable.
 */
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { startHq, type RunningHq } from '../../../hq/server';
import { localLookupKeyId, lookupHashesKeyIdOf, signInOnline, unlockOffline, type AccountEnv, type UnlockedSession } from '../../../renderer/src/security/account';
import { createLookupKeeper } from '../../../renderer/src/security/lookupKey';
import { beneficiaryLookupHashes, currentLookupKey, saveRecord, setRecordKeys, type RecordActor } from '../../../renderer/src/data/records';
import { rehashLookupHashes } from '../../../renderer/src/data/lookupRehash';
import { findByLookupHash } from '../../../renderer/src/data/search';
import type { SilaDatabase } from '../../../renderer/src/data/database';
import { generateNationalId } from '../../../shared/identity';
import { deriveLookupKey } from '../../../shared/security';
import { samples } from './store-fixtures';
import { MemoryStorage, openTestDatabase } from './store-helpers';

let hq: RunningHq;
const admin = { username: 'lk-admin', password: 'lk admin password' };
let counter = 0;

async function laptop(): Promise<AccountEnv & { storage: MemoryStorage }> {
  const pair = (await crypto.subtle.generateKey({ name: 'ECDSA', namedCurve: 'P-256' }, true, ['sign', 'verify'])) as CryptoKeyPair;
  const jwk = await crypto.subtle.exportKey('jwk', pair.publicKey);
  const key = { kty: 'EC' as const, crv: 'P-256' as const, x: jwk.x!, y: jwk.y! };
  return { storage: new MemoryStorage(), publicKey: async () => key, deviceId: `device-${(++counter).toString(16).padStart(32, 'a')}` };
}

async function post<T>(path: string, body: unknown, token?: string): Promise<T> {
  const res = await fetch(`${hq.url}${path}`, { method: 'POST', headers: { 'content-type': 'application/json', ...(token ? { authorization: `Bearer ${token}` } : {}) }, body: JSON.stringify(body) });
  if (!res.ok) throw new Error(`${path}: ${res.status} ${await res.text()}`);
  return (await res.json()) as T;
}

async function newUser(branchId: string) {
  const user = { username: `lk.user${++counter}`, password: 'lookup key password 1' };
  const { accessToken } = await post<{ accessToken: string }>('/auth/sign-in', admin);
  await post('/admin/users', { ...user, displayName: 'موظف', role: 'branch_staff', branchIds: [branchId] }, accessToken);
  return user;
}

async function signedIn(user: { username: string; password: string }, env: AccountEnv): Promise<UnlockedSession> {
  const r = await signInOnline({ hqUrl: hq.url, ...user }, env);
  if (!r.ok) throw new Error(r.messageEn);
  return r.session;
}

beforeAll(async () => {
  hq = await startHq({ port: 0, logLevel: 'silent', passwordHash: { memoryKiB: 1024, iterations: 1, parallelism: 1 }, bootstrapAdmin: admin });
  const { accessToken } = await post<{ accessToken: string }>('/auth/sign-in', admin);
  await post('/admin/branches', { id: 'riyadh-1', name: 'فرع الرياض' }, accessToken);
  await post('/admin/branches', { id: 'jeddah-1', name: 'فرع جدة' }, accessToken);
}, 60_000);

afterAll(async () => {
  await hq?.close();
});

let db: SilaDatabase | null = null;
afterEach(async () => {
  await db?.close();
  db = null;
  setRecordKeys(null);
});

const nationalId = generateNationalId('citizen', '55667788');
const phone = '0551234567';

describe('one lookup key for the association', () => {
  it('two users on two laptops of two branches hash the same ID and phone equally (their own keys would not)', async () => {
    const riyadh = await laptop();
    const jeddah = await laptop();
    const one = await signedIn(await newUser('riyadh-1'), riyadh);
    const two = await signedIn(await newUser('jeddah-1'), jeddah);
    expect(one.lookupKeyId).toMatch(/^lk/);
    expect(two.lookupKeyId).toBe(one.lookupKeyId);
    const h1 = await beneficiaryLookupHashes(one.lookupKey, { nationalId, phone });
    const h2 = await beneficiaryLookupHashes(two.lookupKey, { nationalId, phone: '+966551234567' });
    expect(h1.idHash).toMatch(/^[0-9a-f]{64}$/);
    expect(h2).toEqual(h1);
    // What each laptop used before: keys derived from each user's own data key differ.
    const own1 = await beneficiaryLookupHashes(await deriveLookupKey(one.dek), { nationalId, phone });
    const own2 = await beneficiaryLookupHashes(await deriveLookupKey(two.dek), { nationalId, phone });
    expect(own1.idHash).not.toBe(own2.idHash);
  });

  it('is kept sealed under the data key: an offline unlock uses it again, the raw key is nowhere in storage', async () => {
    const env = await laptop();
    const user = await newUser('riyadh-1');
    const session = await signedIn(user, env);
    const raw = (await post<{ lookupKey: { kid: string; key: string } }>('/auth/sign-in', { ...user, device: { id: env.deviceId, label: 'x', publicKey: await env.publicKey!() } })).lookupKey;
    const stored = JSON.stringify([...Array(env.storage.length).keys()].map((i) => env.storage.getItem(env.storage.key(i)!)));
    expect(stored).toContain(raw.kid);
    expect(stored).not.toContain(raw.key);
    expect(stored).not.toContain(Buffer.from(raw.key, 'base64').toString('hex'));
    const offline = await unlockOffline(session.user.userId, user.password, { ...env, fetch: () => Promise.reject(new Error('offline')) });
    if (!offline.ok) throw new Error(offline.messageEn);
    expect(offline.session.lookupKeyId).toBe(raw.kid);
    expect(await beneficiaryLookupHashes(offline.session.lookupKey, { nationalId })).toEqual(await beneficiaryLookupHashes(session.lookupKey, { nationalId }));
  });

  it('records hashed with the older per-user key are re-keyed in one pass when the key changes and stay findable', async () => {
    const env = await laptop();
    const session = await signedIn(await newUser('riyadh-1'), env);
    const actor: RecordActor = { userId: session.user.userId, role: 'branch_staff', branchIds: ['riyadh-1'], branchId: 'riyadh-1' };
    ({ db } = await openTestDatabase(undefined, `lookup-rekey-${counter}`));
    // The laptop before the association key: the user's own key.
    const before = { ...session, lookupKey: await deriveLookupKey(session.dek), lookupKeyId: localLookupKeyId(session.dek) };
    const ids = ['11111111', '22222222', '33333333'].map((b) => generateNationalId('citizen', b));
    const phones = ['+966501111111', '+966502222222', '+966503333333'];
    const keeper = createLookupKeeper(before, () => actor, env.storage);
    expect(currentLookupKey()).toBe(before.lookupKey);
    for (let i = 0; i < ids.length; i++) {
      const saved = await saveRecord(db, actor, 'beneficiaries', { ...samples.beneficiaries!.valid, id: `ben-${i}`, branchId: 'riyadh-1', nationalId: ids[i], phone: phones[i] }, { deviceId: env.deviceId });
      if (!saved.ok) throw new Error(saved.messageEn);
    }
    // Another branch's record (synced here), hashed with yet another laptop's own key: not ours to rewrite.
    const otherKey = await deriveLookupKey((await signedIn(await newUser('jeddah-1'), await laptop())).dek);
    const foreign = { ...samples.beneficiaries!.valid, id: 'ben-jeddah', branchId: 'jeddah-1', nationalId: ids[0], phone: phones[0], ...(await beneficiaryLookupHashes(otherKey, { nationalId: ids[0], phone: phones[0] })) };
    await db.beneficiaries.insert(foreign as never);
    await keeper.attach(db);
    expect(lookupHashesKeyIdOf(session.user.userId, env.storage)).toBe(before.lookupKeyId);
    const updatedAtBefore = (await db.beneficiaries.findOne('ben-1').exec())!.get('updatedAt');

    // HQ hands out the association key (background sign-in after an offline unlock).
    await keeper.adopt({ kid: session.lookupKeyId, key: await rawKeyOf(env) });
    expect(keeper.current().kid).toBe(session.lookupKeyId);
    expect(currentLookupKey()).toBe(keeper.current().key);
    expect(lookupHashesKeyIdOf(session.user.userId, env.storage)).toBe(session.lookupKeyId);
    for (let i = 0; i < ids.length; i++) {
      const byId = await findByLookupHash(db, session.lookupKey, 'nationalId', ids[i]!);
      expect(byId.map((b) => b.id)).toEqual([`ben-${i}`]);
      const byPhone = await findByLookupHash(db, session.lookupKey, 'phone', phones[i]!);
      expect(byPhone.map((b) => b.id)).toEqual([`ben-${i}`]);
      expect(await findByLookupHash(db, before.lookupKey, 'nationalId', ids[i]!)).toEqual([]);
    }
    // Only the two hash fields changed: the record is not presented as this user's edit.
    expect((await db.beneficiaries.findOne('ben-1').exec())!.get('updatedAt')).toBe(updatedAtBefore);
    // The other branch's record is left for its own laptops.
    expect((await db.beneficiaries.findOne('ben-jeddah').exec())!.get('idHash')).toBe(foreign.idHash);
    // One audit entry for the pass, without personal data.
    const audit = (await db.collections.audit_entries!.find().exec()).map((d) => d.toJSON() as { action: string; docId: string; summary: string });
    const rekey = audit.filter((e) => e.summary.includes('re-keyed'));
    expect(rekey).toHaveLength(1);
    expect(rekey[0]).toMatchObject({ action: 'update', docId: '' });
    expect(rekey[0]!.summary).not.toMatch(/\d/);

    // A second pass (the next unlock) finds nothing to do.
    expect(await rehashLookupHashes(db, actor, session.lookupKey)).toEqual({ checked: 4, rehashed: 0, skipped: 1, failed: 0 });
  });
});

/** The association key's raw bytes as HQ hands them out (base64), for `adopt`. */
async function rawKeyOf(env: AccountEnv & { storage: MemoryStorage }): Promise<string> {
  const user = await newUser('riyadh-1');
  const answer = await post<{ lookupKey: { key: string } }>('/auth/sign-in', { ...user, device: { id: env.deviceId, label: 'x', publicKey: await env.publicKey!() } });
  return answer.lookupKey.key;
}
