import { mkdtemp, readFile, rm, stat } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import {
  ACCESS_TOKEN_TTL_S,
  TokenSigner,
  callerFromToken,
  checkDevicePublicKey,
  createBranch,
  createUser,
  lockDelayMs,
  revokeDevice,
  rotateSigningKey,
  signIn,
} from '../../../hq/accounts';
import { runAdminCommand } from '../../../hq/admin-cli';
import { authorizeRow } from '../../../hq/auth';
import { backupDatabase, restoreDatabase } from '../../../hq/backup';
import { openPglite, type Database } from '../../../hq/db';
import { HqError } from '../../../hq/errors';
import { runMigrations } from '../../../hq/migrations';
import { hashPassword, passwordProblem, verifyPassword } from '../../../hq/passwords';
import { pullChanges, purgeTombstones, pushChanges } from '../../../hq/store';
import { auditEntries, beneficiaries, hqConfig } from '../../../shared/schema';
import type { SyncDocument } from '../../../shared/sync/protocol';

const FAST = { memoryKiB: 8 * 1024, iterations: 1, parallelism: 1 };
async function realDeviceKey(): Promise<{ kty: string; crv: string; x: string; y: string }> {
  const pair = (await crypto.subtle.generateKey({ name: 'ECDSA', namedCurve: 'P-256' }, true, ['sign', 'verify'])) as CryptoKeyPair;
  const jwk = await crypto.subtle.exportKey('jwk', pair.publicKey);
  return { kty: 'EC', crv: 'P-256', x: jwk.x!, y: jwk.y! };
}
const KEY = await realDeviceKey();
const OTHER_KEY = await realDeviceKey();

function doc(id: string, branchId: string, fields: Record<string, unknown> = {}): SyncDocument {
  return {
    id,
    branchId,
    createdAt: '2026-11-21T08:00:00.000Z',
    updatedAt: '2026-11-21T08:00:00.000Z',
    updatedBy: 'u',
    fullName: 'نورة محمد الحربي',
    nationalId: '1000000016',
    idHash: '',
    phoneHash: '',
    _deleted: false,
    ...fields,
  };
}

async function code(p: Promise<unknown>): Promise<string> {
  try {
    await p;
    return 'ok';
  } catch (err) {
    return err instanceof HqError ? err.code : String(err);
  }
}

describe('passwords', () => {
  test('Argon2id PHC hashes with production parameters; verify; weak passwords refused', { timeout: 30_000 }, async () => {
    const h = await hashPassword('كلمة-مرور-طويلة');
    expect(h).toMatch(/^\$argon2id\$v=19\$m=65536,t=3,p=1\$/);
    expect(await verifyPassword('كلمة-مرور-طويلة', h)).toBe(true);
    expect(await verifyPassword('كلمة-مرور-خاطئة', h)).toBe(false);
    expect(await verifyPassword('anything', null)).toBe(false);
    // The same Arabic password typed decomposed (NFD) still matches.
    expect(await verifyPassword('كلمة-مرور-طويلة'.normalize('NFD'), h)).toBe(true);
    expect(passwordProblem('short')).toMatch(/قصيرة/);
    expect(passwordProblem(42)).toMatch(/مطلوبة/);
    expect(passwordProblem('a-good-long-password')).toBeNull();
  });

  test('sign-in lock grows from the sixth failure and is capped', () => {
    expect([1, 4, 5, 6, 7, 40].map((n) => lockDelayMs(n))).toEqual([0, 0, 30_000, 60_000, 120_000, 15 * 60_000]);
  });

  test('device keys must be P-256 public JWKs', () => {
    expect(checkDevicePublicKey({ ...KEY, d: 'private-part-ignored' })).toEqual(KEY);
    // a well-formed JWK whose point is not on the curve is refused too
    for (const bad of [null, 'key', { ...KEY, crv: 'P-384' }, { ...KEY, x: 'short' }, { ...KEY, kty: 'RSA' }, { ...KEY, x: 'A'.repeat(43), y: 'B'.repeat(43) }]) {
      expect(() => checkDevicePublicKey(bad)).toThrow(HqError);
    }
  });
});

describe('accounts, tokens and devices on PGlite', () => {
  let db: Database;
  let clock = Date.parse('2026-11-21T10:00:00Z');
  const now = () => clock;
  let signer: TokenSigner;

  beforeAll(async () => {
    db = await openPglite();
    await runMigrations(db);
    signer = new TokenSigner(db, undefined, now);
    await signer.load();
    await createBranch(db, { id: 'riyadh', name: 'فرع الرياض', city: 'الرياض' });
    await createUser(db, { id: 'u_a', username: 'delegate.a', displayName: 'مندوب', role: 'field_delegate', branchIds: ['riyadh'], password: 'a-good-long-password' }, FAST);
  }, 60_000);
  afterAll(async () => {
    await db.close();
  });

  test('tokens verify; tampering, expiry, unknown and retired keys are refused', async () => {
    const { token } = await signer.sign('u_a', null);
    expect((await signer.verify(token)).sub).toBe('u_a');
    const [h, kid, payload, mac] = token.split('.');
    const other = Buffer.from(JSON.stringify({ ...JSON.parse(Buffer.from(payload!, 'base64url').toString()), sub: 'u_admin' })).toString('base64url');
    expect(await code(signer.verify(`${h}.${kid}.${other}.${mac}`))).toBe('UNAUTHENTICATED');
    expect(await code(signer.verify(`${h}.nokey.${payload}.${mac}`))).toBe('UNAUTHENTICATED');
    expect(await code(signer.verify('garbage'))).toBe('UNAUTHENTICATED');
    clock += ACCESS_TOKEN_TTL_S * 1000 + 1;
    expect(await code(signer.verify(token))).toBe('TOKEN_EXPIRED');

    // Rotation: a token signed with the old key keeps working for one token lifetime.
    const fresh = await signer.sign('u_a', null);
    await rotateSigningKey(db);
    clock += 61_000; // past the signer's key cache
    expect((await signer.verify(fresh.token)).sub).toBe('u_a');
    const next = await signer.sign('u_a', null);
    expect(next.token.split('.')[1]).not.toBe(fresh.token.split('.')[1]);
    clock += ACCESS_TOKEN_TTL_S * 1000;
    expect(await code(signer.verify(fresh.token))).not.toBe('ok');
    expect((await signer.verify((await signer.sign('u_a', null)).token)).sub).toBe('u_a');
  });

  test('sign-in registers the device; a revoked device or another key is refused', async () => {
    const ctx = { db, signer, now };
    const pair = await signIn(ctx, { username: 'Delegate.A', password: 'a-good-long-password', device: { id: 'dev-1', label: 'لابتوب', publicKey: KEY } }, '10.0.0.1');
    expect(pair.deviceId).toBe('dev-1');
    // HQ publishes the device's public key to every laptop (hq_config), for verifying its declarations.
    const published = await pullChanges(db, hqConfig, null, 100);
    const entry = published.documents.find((d) => d.id === 'device-dev-1') as { device?: { publicKey?: string } } | undefined;
    const spki = Buffer.from(await crypto.subtle.exportKey('spki', await crypto.subtle.importKey('jwk', { ...KEY, ext: true }, { name: 'ECDSA', namedCurve: 'P-256' }, true, ['verify']))).toString('base64url');
    expect(entry?.device?.publicKey).toBe(spki);
    const caller = await callerFromToken(ctx, `Bearer ${pair.accessToken}`);
    expect(caller).toEqual({ kind: 'user', userId: 'u_a', role: 'field_delegate', branchIds: ['riyadh'], deviceId: 'dev-1' });
    expect(await code(signIn(ctx, { username: 'delegate.a', password: 'a-good-long-password', device: { id: 'dev-1', publicKey: OTHER_KEY } }, '10.0.0.1'))).toBe('DEVICE_KEY_MISMATCH');
    await revokeDevice(db, 'dev-1', 'admin');
    expect(await code(callerFromToken(ctx, `Bearer ${pair.accessToken}`))).toBe('DEVICE_REVOKED');
    expect(await code(signIn(ctx, { username: 'delegate.a', password: 'a-good-long-password', device: { id: 'dev-1', publicKey: KEY } }, '10.0.0.1'))).toBe('DEVICE_REVOKED');
  });

  test('repeated wrong passwords lock that account from that address only', async () => {
    const ctx = { db, signer, now };
    const attempt = (password: string, ip: string) => code(signIn(ctx, { username: 'delegate.a', password }, ip));
    const results: string[] = [];
    for (let i = 0; i < 6; i++) results.push(await attempt('wrong-password', '10.0.0.9'));
    expect(results.slice(0, 5)).toEqual(Array(5).fill('INVALID_CREDENTIALS'));
    expect(results[5]).toBe('RATE_LIMITED');
    expect(await attempt('a-good-long-password', '10.0.0.9')).toBe('RATE_LIMITED');
    expect(await attempt('a-good-long-password', '10.0.0.10')).toBe('ok');
    clock += 31_000;
    expect(await attempt('a-good-long-password', '10.0.0.9')).toBe('ok');
  }, 30_000);
});

describe('store: authorisation, idempotency, scope, tombstones', () => {
  let db: Database;
  beforeAll(async () => {
    db = await openPglite();
    await runMigrations(db);
  }, 60_000);
  afterAll(async () => {
    await db.close();
  });
  const delegate = { kind: 'user' as const, userId: 'u', role: 'field_delegate' as const, branchIds: ['riyadh'], deviceId: 'd' };

  test('a refused row rolls back the whole batch; a retried batch creates no new sequence numbers', async () => {
    const auth = (i: number, d: SyncDocument, s: SyncDocument | undefined) => authorizeRow(delegate, beneficiaries, i, d, s);
    expect(await code(pushChanges(db, beneficiaries, [{ newDocumentState: doc('b1', 'riyadh') }, { newDocumentState: doc('b2', 'jeddah') }], auth))).toBe('FORBIDDEN');
    expect((await pullChanges(db, beneficiaries, null, 10)).documents).toEqual([]);

    const batch = [{ newDocumentState: doc('b1', 'riyadh') }, { newDocumentState: doc('b3', 'riyadh') }];
    const first = await pushChanges(db, beneficiaries, batch, auth);
    expect(first).toMatchObject({ written: 2, unchanged: 0, conflicts: [] });
    const retry = await pushChanges(db, beneficiaries, batch, auth);
    expect(retry).toEqual({ written: 0, unchanged: 2, conflicts: [], lastSeq: null });
    // An update retried after HQ already applied it (assumed state is now stale) is a no-op too.
    const upd = [{ newDocumentState: doc('b1', 'riyadh', { city: 'الخرج' }), assumedMasterState: doc('b1', 'riyadh') }];
    expect((await pushChanges(db, beneficiaries, upd, auth)).written).toBe(1);
    expect(await pushChanges(db, beneficiaries, upd, auth)).toMatchObject({ written: 0, unchanged: 1, conflicts: [] });
    const all = await pullChanges(db, beneficiaries, null, 10);
    expect(all.documents.map((d) => d.id)).toEqual(['b3', 'b1']);
  });

  test('append-only: identical retry allowed to the writer, edits refused; pull scope in SQL', async () => {
    const entry = { id: 'dev-1-1', branchId: 'riyadh', deviceId: 'dev-1', seq: 1, userId: 'u', at: '2026-11-21T08:00:00Z', action: 'create', collectionName: 'beneficiaries', docId: 'b1', summary: 's', prevHash: '0'.repeat(64), hash: 'a'.repeat(64), _deleted: false };
    const auth = (i: number, d: SyncDocument, s: SyncDocument | undefined) => authorizeRow(delegate, auditEntries, i, d, s);
    expect((await pushChanges(db, auditEntries, [{ newDocumentState: entry }], auth)).written).toBe(1);
    expect((await pushChanges(db, auditEntries, [{ newDocumentState: entry }], auth)).unchanged).toBe(1);
    expect(await code(pushChanges(db, auditEntries, [{ newDocumentState: { ...entry, summary: 'x' }, assumedMasterState: entry }], auth))).toBe('FORBIDDEN');

    await pushChanges(db, beneficiaries, [{ newDocumentState: doc('j1', 'jeddah') }]);
    const scoped = await pullChanges(db, beneficiaries, null, 100, ['riyadh']);
    expect(scoped.documents.every((d) => d.branchId === 'riyadh')).toBe(true);
    expect((await pullChanges(db, beneficiaries, null, 100, ['jeddah'])).documents.map((d) => d.id)).toEqual(['j1']);
    // A first pull that fills its batch says how many there are in total (progress).
    expect((await pullChanges(db, beneficiaries, null, 1, ['riyadh'])).total).toBe(2);
  });

  test('tombstones are kept until the retention period, then purged', async () => {
    await pushChanges(db, beneficiaries, [{ newDocumentState: doc('t1', 'riyadh', { _deleted: true }) }]);
    expect(await purgeTombstones(db, 730)).toBe(0);
    await db.query("UPDATE sync_documents SET received_at = now() - interval '800 days' WHERE id = 't1'");
    expect(await purgeTombstones(db, 730)).toBe(1);
    await expect(purgeTombstones(db, 1)).rejects.toThrow(/at least 30 days/);
  });
});

describe('backup, restore and the admin CLI', () => {
  let dir: string;
  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'sila-hq-admin-'));
  });
  afterAll(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  test('CLI creates branches and users; backup → restore into an empty database round-trips; refuses a non-empty one', async () => {
    const lines: string[] = [];
    const io = (env: Record<string, string>) => ({ env: { SILA_HQ_DATA: join(dir, 'data'), ...env }, readPassword: async () => 'كلمة-مرور-المدير-الأول', out: (l: string) => lines.push(l) });
    expect(await runAdminCommand(['create-admin', '--username', 'root.admin', '--display-name', 'المدير'], io({}))).toBe(0);
    expect(await runAdminCommand(['create-branch', '--id', 'riyadh', '--name', 'فرع الرياض', '--city', 'الرياض'], io({}))).toBe(0);
    expect(await runAdminCommand(['create-user', '--username', 'd.one', '--display-name', 'مندوب', '--role', 'field_delegate', '--branches', 'riyadh'], io({ SILA_PASSWORD: 'another-long-password' }))).toBe(0);
    expect(await runAdminCommand(['create-user', '--username', 'd.two', '--role', 'field_delegate', '--branches', 'nowhere'], io({ SILA_PASSWORD: 'another-long-password' }))).toBe(1);
    expect(lines.join('\n')).toMatch(/الفرع غير موجود/);
    expect(await runAdminCommand(['list-users'], io({}))).toBe(0);
    expect(lines.join('\n')).toMatch(/d\.one\tfield_delegate\triyadh/);

    // Some documents, then a backup.
    const src = await openPglite(join(dir, 'data'));
    await pushChanges(src, beneficiaries, [{ newDocumentState: doc('b1', 'riyadh') }, { newDocumentState: doc('b2', 'riyadh', { _deleted: true }) }]);
    const maxBefore = (await pullChanges(src, beneficiaries, null, 10)).checkpoint!.seq;
    await src.close();
    const file = join(dir, 'backup.jsonl');
    expect(await runAdminCommand(['backup', file], io({}))).toBe(0);
    expect((await stat(file)).mode & 0o777).toBe(0o600);
    expect(await readFile(file, 'utf8')).toMatch(/^\{"format":"sila-hq-backup"/);

    const target = await openPglite();
    await runMigrations(target);
    const summary = await restoreDatabase(target, file);
    // Two beneficiaries and the hq_config entries the CLI published: the branch and both users
    // (the user directory laptops read).
    expect(summary.rows).toMatchObject({ hq_users: 2, hq_branches: 1, sync_documents: 5 });
    const restored = await pullChanges(target, beneficiaries, null, 10);
    expect(restored.documents.map((d) => d.id)).toEqual(['b1', 'b2']);
    expect(restored.checkpoint!.seq).toBe(maxBefore);
    // New writes continue after the restored sequence; the restored password still signs in.
    const next = await pushChanges(target, beneficiaries, [{ newDocumentState: doc('b3', 'riyadh') }]);
    expect(next.lastSeq!).toBeGreaterThan(maxBefore);
    const signer = new TokenSigner(target, undefined);
    await signer.load();
    expect((await signIn({ db: target, signer }, { username: 'd.one', password: 'another-long-password' }, '1.1.1.1')).user.branchIds).toEqual(['riyadh']);
    await expect(restoreDatabase(target, file)).rejects.toThrow(/empty database/);
    await target.close();
    const again = await backupDatabase(await openPglite(join(dir, 'data')).then(async (d) => {
      await d.close();
      return openPglite(join(dir, 'data'));
    }), join(dir, 'second.jsonl')).catch((e: unknown) => e);
    expect(again).toMatchObject({ rows: { sync_documents: 5 } });
  }, 60_000);
});
