/**
 * Changing the password end to end on the laptop side (issue 5 §2), against a real HQ (in-memory
 * PGlite over HTTP): HQ first, then the data key is re-wrapped (same DEK, so every record stays
 * readable); a refusal or no connection changes nothing; other laptops are signed out and move
 * to the new password at their next online sign-in with the previous one.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startHq, type RunningHq } from '../../../hq/server';
import { MIN_PASSWORD_LENGTH as HQ_MIN_PASSWORD_LENGTH } from '../../../hq/passwords';
import { ACCOUNT_PASSWORD_MIN_LENGTH, changePasswordOnline, knownUsers, signInOnline, unlockOffline, type AccountEnv } from '../../../renderer/src/security/account';
import { createTokenHolder } from '../../../renderer/src/security/tokens';
import { MemoryStorage } from './store-helpers';

let hq: RunningHq;
const admin = { username: 'pwc-admin', password: 'pwc admin password' };
let counter = 0;

async function laptop(): Promise<AccountEnv & { storage: MemoryStorage }> {
  const pair = (await crypto.subtle.generateKey({ name: 'ECDSA', namedCurve: 'P-256' }, true, ['sign', 'verify'])) as CryptoKeyPair;
  const jwk = await crypto.subtle.exportKey('jwk', pair.publicKey);
  const key = { kty: 'EC' as const, crv: 'P-256' as const, x: jwk.x!, y: jwk.y! };
  return { storage: new MemoryStorage(), publicKey: async () => key, deviceId: `device-${(++counter).toString(16).padStart(32, '0')}` };
}

async function post(path: string, body: unknown, token?: string) {
  const res = await fetch(`${hq.url}${path}`, { method: 'POST', headers: { 'content-type': 'application/json', ...(token ? { authorization: `Bearer ${token}` } : {}) }, body: JSON.stringify(body) });
  if (!res.ok) throw new Error(`${path}: ${res.status} ${await res.text()}`);
  return (await res.json()) as { accessToken: string };
}

async function newUser() {
  const user = { username: `pwc.user${++counter}`, password: 'كلمة-المرور-الأولى-1' };
  const { accessToken } = await post('/auth/sign-in', admin);
  await post('/admin/users', { ...user, displayName: 'نورة', role: 'branch_staff', branchIds: ['riyadh-1'] }, accessToken);
  return user;
}

async function signedIn(user: { username: string; password: string }, env: AccountEnv) {
  const r = await signInOnline({ hqUrl: hq.url, ...user }, env);
  if (!r.ok) throw new Error(r.messageEn);
  return r.session;
}

beforeAll(async () => {
  hq = await startHq({ port: 0, logLevel: 'silent', passwordHash: { memoryKiB: 1024, iterations: 1, parallelism: 1 }, bootstrapAdmin: admin });
  const { accessToken } = await post('/auth/sign-in', admin);
  await post('/admin/branches', { id: 'riyadh-1', name: 'فرع الرياض' }, accessToken);
}, 60_000);

afterAll(async () => {
  await hq?.close();
});

describe('changePasswordOnline', () => {
  it('uses the same minimum length as HQ', () => {
    expect(ACCOUNT_PASSWORD_MIN_LENGTH).toBe(HQ_MIN_PASSWORD_LENGTH);
  });

  it('HQ first, then the same data key is re-wrapped: the old password stops unlocking, the new one opens the same data; the other laptop is signed out and moves over with its previous password', async () => {
    const user = await newUser();
    const a = await laptop();
    const b = await laptop();
    const sessionA = await signedIn(user, a);
    const sessionB = await signedIn(user, b);
    const newPassword = 'كلمة مرور جديدة طويلة';

    const changed = await changePasswordOnline(
      { userId: sessionA.user.userId, hqUrl: hq.url, accessToken: sessionA.tokens!.accessToken, currentPassword: user.password, newPassword, confirmation: newPassword },
      a,
    );
    if (!changed.ok) throw new Error(changed.messageEn);
    expect(changed.answer.refreshToken).not.toBe(sessionA.tokens!.refreshToken);

    // Laptop A, offline: the old password no longer unlocks; the new one opens the same data key.
    const offline = { ...a, fetch: () => Promise.reject(new Error('offline')) };
    const old = await unlockOffline(sessionA.user.userId, user.password, offline);
    expect(old.ok || old.code).toBe('wrong_password');
    const fresh = await unlockOffline(sessionA.user.userId, newPassword, offline);
    if (!fresh.ok) throw new Error(fresh.messageEn);
    expect(fresh.session.encryptionPassword).toBe(sessionA.encryptionPassword);
    expect(fresh.session.lookupKeyId).toBe(sessionA.lookupKeyId);

    // HQ: the old password is refused, A's fresh refresh token works.
    const holderA = createTokenHolder(() => hq.url);
    holderA.set({ accessToken: '', accessTokenExpiresAt: new Date(0).toISOString(), refreshToken: changed.answer.refreshToken, refreshTokenExpiresAt: '' });
    expect(await holderA.getAccessToken()).toMatch(/^sila1\./);

    // Laptop B: its session is revoked (refresh refused) …
    const holderB = createTokenHolder(() => hq.url);
    holderB.set({ accessToken: '', accessTokenExpiresAt: new Date(0).toISOString(), refreshToken: sessionB.tokens!.refreshToken, refreshTokenExpiresAt: '' });
    expect(await holderB.getAccessToken()).toBeNull();
    expect(holderB.lastProblem()?.code).toBe('UNAUTHENTICATED');
    // … it signs in online with the new password, is asked for the previous one, and moves over.
    const asked = await signInOnline({ hqUrl: hq.url, username: user.username, password: newPassword }, b);
    expect(asked.ok || asked.code).toBe('LOCAL_PASSWORD_DIFFERS');
    expect(asked.ok || asked.messageAr).toMatch(/كلمة المرور السابقة/);
    const wrongPrevious = await signInOnline({ hqUrl: hq.url, username: user.username, password: newPassword, previousPassword: 'not it at all' }, b);
    expect(wrongPrevious.ok || wrongPrevious.code).toBe('PREVIOUS_PASSWORD_WRONG');
    const moved = await signInOnline({ hqUrl: hq.url, username: user.username, password: newPassword, previousPassword: user.password }, b);
    if (!moved.ok) throw new Error(moved.messageEn);
    expect(moved.session.encryptionPassword).toBe(sessionB.encryptionPassword);
    expect((await unlockOffline(sessionB.user.userId, user.password, b)).ok).toBe(false);
    expect((await unlockOffline(sessionB.user.userId, newPassword, b)).ok).toBe(true);
  });

  it('when HQ refuses, nothing changes on the laptop', async () => {
    const user = await newUser();
    const a = await laptop();
    const b = await laptop();
    const sessionA = await signedIn(user, a);
    const sessionB = await signedIn(user, b);
    // The password is changed from laptop B first; A still knows only the first one.
    const viaB = await changePasswordOnline(
      { userId: sessionB.user.userId, hqUrl: hq.url, accessToken: sessionB.tokens!.accessToken, currentPassword: user.password, newPassword: 'changed on laptop B', confirmation: 'changed on laptop B' },
      b,
    );
    expect(viaB.ok).toBe(true);
    const keyringBefore = JSON.stringify(knownUsers(a.storage)[0]!.keyring);
    const refused = await changePasswordOnline(
      { userId: sessionA.user.userId, hqUrl: hq.url, accessToken: sessionA.tokens!.accessToken, currentPassword: user.password, newPassword: 'a third password here', confirmation: 'a third password here' },
      a,
    );
    expect(refused.ok || refused.code).toBe('INVALID_CREDENTIALS');
    expect(refused.ok || refused.messageAr).toMatch(/جهاز آخر/);
    expect(JSON.stringify(knownUsers(a.storage)[0]!.keyring)).toBe(keyringBefore);
    expect((await unlockOffline(sessionA.user.userId, user.password, a)).ok).toBe(true);
    expect((await unlockOffline(sessionA.user.userId, 'a third password here', a)).ok).toBe(false);

    // Typing the password set on B as the new one brings A in line (HQ already holds it).
    const aligned = await changePasswordOnline(
      { userId: sessionA.user.userId, hqUrl: hq.url, accessToken: sessionA.tokens!.accessToken, currentPassword: user.password, newPassword: 'changed on laptop B', confirmation: 'changed on laptop B' },
      a,
    );
    expect(aligned.ok).toBe(true);
    expect((await unlockOffline(sessionA.user.userId, 'changed on laptop B', a)).ok).toBe(true);
  });

  it('offline: a clear Arabic message, nothing changed; without a token the current password signs in first', async () => {
    const user = await newUser();
    const a = await laptop();
    const session = await signedIn(user, a);
    const keyringBefore = JSON.stringify(knownUsers(a.storage)[0]!.keyring);
    const input = { userId: session.user.userId, currentPassword: user.password, newPassword: 'offline new password', confirmation: 'offline new password' };
    for (const accessToken of [session.tokens!.accessToken, null]) {
      const r = await changePasswordOnline({ ...input, hqUrl: 'http://127.0.0.1:9', accessToken }, a);
      expect(r.ok || r.code).toBe('NETWORK');
      expect(r.ok || r.messageAr).toMatch(/اتصل بالشبكة/);
      expect(r.ok || r.messageAr).toMatch(/لم يتغيّر شيء/);
    }
    expect(JSON.stringify(knownUsers(a.storage)[0]!.keyring)).toBe(keyringBefore);
    expect((await unlockOffline(session.user.userId, user.password, a)).ok).toBe(true);

    // HQ reachable, no token in memory (an offline unlock): the current password signs in first.
    const r = await changePasswordOnline({ ...input, hqUrl: hq.url, accessToken: null }, a);
    if (!r.ok) throw new Error(r.messageEn);
    expect((await unlockOffline(session.user.userId, 'offline new password', a)).ok).toBe(true);
  });

  it('mistakes are caught before HQ is asked, naming the field', async () => {
    const user = await newUser();
    const a = await laptop();
    const session = await signedIn(user, a);
    const base = { userId: session.user.userId, hqUrl: hq.url, accessToken: session.tokens!.accessToken };
    const cases = [
      [{ currentPassword: 'wrong current one', newPassword: 'good new password', confirmation: 'good new password' }, 'currentPassword'],
      [{ currentPassword: user.password, newPassword: 'short', confirmation: 'short' }, 'newPassword'],
      [{ currentPassword: user.password, newPassword: 'good new password', confirmation: 'good new passw0rd' }, 'confirmation'],
      [{ currentPassword: user.password, newPassword: user.password, confirmation: user.password }, 'newPassword'],
    ] as const;
    for (const [fields, field] of cases) {
      const r = await changePasswordOnline({ ...base, ...fields }, a);
      expect(r.ok).toBe(false);
      if (!r.ok) {
        expect(r.field).toBe(field);
        expect(r.messageAr).toMatch(/[\u0600-\u06ff]/);
      }
    }
    // HQ was never changed: the first password still signs in.
    expect((await signInOnline({ hqUrl: hq.url, ...user }, a)).ok).toBe(true);
  });
});
