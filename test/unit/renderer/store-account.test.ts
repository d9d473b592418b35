/**
 * Sign-in and unlock (issue 5 §2): the first sign-in goes to HQ (a real HQ on in-memory PGlite,
 * real accounts) and wraps a new data key under the same password; later unlocks work offline;
 * five wrong passwords in a row delay further attempts (persisted); changing the password
 * re-wraps the key (the data key, and so every record's encryption, stays the same).
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startHq, type RunningHq } from '../../../hq/server';
import { changeLocalPassword, knownUsers, openRefreshToken, saveRefreshToken, signInOnline, unlockOffline } from '../../../renderer/src/security/account';
import { createTokenHolder } from '../../../renderer/src/security/tokens';
import { deriveRxdbEncryptionPassword, LOCKOUT_POLICY } from '../../../shared/security';
import { MemoryStorage } from './store-helpers';

const publicKey = async () => {
  const pair = (await crypto.subtle.generateKey({ name: 'ECDSA', namedCurve: 'P-256' }, true, ['sign', 'verify'])) as CryptoKeyPair;
  const jwk = await crypto.subtle.exportKey('jwk', pair.publicKey);
  return { kty: 'EC' as const, crv: 'P-256' as const, x: jwk.x!, y: jwk.y! };
};

let hq: RunningHq;
const admin = { username: 'store-admin', password: 'store admin password' };
const staff = { username: 'fatimah.staff', password: 'فاطمة-كلمة-سر-1' };

beforeAll(async () => {
  hq = await startHq({ port: 0, logLevel: 'silent', passwordHash: { memoryKiB: 1024, iterations: 1, parallelism: 1 }, bootstrapAdmin: admin });
  const post = async (path: string, body: unknown, token?: string) => {
    const res = await fetch(`${hq.url}${path}`, { method: 'POST', headers: { 'content-type': 'application/json', ...(token ? { authorization: `Bearer ${token}` } : {}) }, body: JSON.stringify(body) });
    if (!res.ok) throw new Error(`${path}: ${res.status} ${await res.text()}`);
    return (await res.json()) as { accessToken: string };
  };
  const { accessToken } = await post('/auth/sign-in', admin);
  await post('/admin/branches', { id: 'riyadh-1', name: 'فرع الرياض' }, accessToken);
  await post('/admin/users', { ...staff, displayName: 'فاطمة', role: 'field_delegate', branchIds: ['riyadh-1'] }, accessToken);
}, 60_000);

afterAll(async () => {
  await hq?.close();
});

describe('sign-in and offline unlock', () => {
  it('signs in online (device registered), then unlocks offline with the same password to the same data key', async () => {
    const storage = new MemoryStorage();
    const env = { storage, publicKey, deviceId: 'device-0123456789abcdef0123456789abcdef' };
    const first = await signInOnline({ hqUrl: hq.url, username: staff.username, password: staff.password }, env);
    if (!first.ok) throw new Error(first.messageEn);
    expect(first.session.user).toMatchObject({ username: staff.username, role: 'field_delegate', branchIds: ['riyadh-1'], displayName: 'فاطمة' });
    expect(first.session.tokens?.accessToken).toMatch(/^sila1\./);
    // Nothing secret in clear in storage: no password, no token, no raw key.
    const stored = JSON.stringify([...Array(storage.length).keys()].map((i) => storage.getItem(storage.key(i)!)));
    expect(stored).not.toContain(staff.password);
    expect(stored).not.toContain(first.session.tokens!.refreshToken);
    expect(knownUsers(storage).map((u) => u.username)).toEqual([staff.username]);

    // Offline: no fetch at all.
    const offline = await unlockOffline(first.session.user.userId, staff.password, { ...env, fetch: () => Promise.reject(new Error('offline')) });
    if (!offline.ok) throw new Error(offline.messageEn);
    expect(offline.session.encryptionPassword).toBe(first.session.encryptionPassword);
    expect(offline.session.tokens).toBeNull();

    // The sealed refresh token survives to the next unlock and refreshes the access token.
    await saveRefreshToken(first.session.user.userId, first.session.dek, first.session.tokens!.refreshToken, storage);
    const refresh = await openRefreshToken(knownUsers(storage)[0]!, offline.session.dek);
    expect(refresh).toBe(first.session.tokens!.refreshToken);
    const holder = createTokenHolder(() => hq.url);
    holder.set({ accessToken: '', accessTokenExpiresAt: new Date(0).toISOString(), refreshToken: refresh!, refreshTokenExpiresAt: '' });
    expect(await holder.getAccessToken()).toMatch(/^sila1\./);
  });

  it('refuses a wrong HQ password with HQ\'s Arabic message, and needs HQ the first time', async () => {
    const storage = new MemoryStorage();
    const wrong = await signInOnline({ hqUrl: hq.url, username: staff.username, password: 'not the password' }, { storage, publicKey });
    expect(wrong.ok || wrong.code).toBe('INVALID_CREDENTIALS');
    expect(wrong.ok || wrong.messageAr).toMatch(/[\u0600-\u06ff]/);
    const down = await signInOnline({ hqUrl: 'http://127.0.0.1:9', username: staff.username, password: staff.password }, { storage, publicKey });
    expect(down.ok || down.code).toBe('NETWORK');
    expect(down.ok || down.messageAr).toContain('المركز');
    expect(knownUsers(storage)).toEqual([]);
  });

  it('an HQ that accepts the connection but never answers gives a clear Arabic message, not an endless spinner', async () => {
    const storage = new MemoryStorage();
    let aborted = false;
    const silent: typeof fetch = (_input, init) =>
      new Promise((_resolve, reject) => {
        init?.signal?.addEventListener('abort', () => {
          aborted = true;
          reject(new DOMException('aborted', 'AbortError'));
        });
      });
    const started = Date.now();
    const answer = await signInOnline({ hqUrl: 'http://hq.invalid', username: staff.username, password: staff.password }, { storage, publicKey, fetch: silent, signInTimeoutMs: 300 });
    expect(aborted).toBe(true);
    expect(Date.now() - started).toBeLessThan(5_000);
    expect(answer.ok || answer.code).toBe('TIMEOUT');
    expect(answer.ok || answer.messageAr).toContain('لم يردّ الخادم المركزي');
    expect(knownUsers(storage)).toEqual([]);
  });

  it('five wrong passwords in a row delay further attempts (persisted), even the right one', async () => {
    const storage = new MemoryStorage();
    const first = await signInOnline({ hqUrl: hq.url, username: staff.username, password: staff.password }, { storage, publicKey });
    if (!first.ok) throw new Error(first.messageEn);
    const userId = first.session.user.userId;
    let now = 1_000_000;
    for (let i = 0; i < LOCKOUT_POLICY.freeAttempts; i++) {
      const r = await unlockOffline(userId, `wrong ${i}`, { storage, now: () => now });
      expect(r.ok || r.code).toBe('wrong_password');
    }
    const locked = await unlockOffline(userId, staff.password, { storage, now: () => now });
    expect(locked.ok || locked.code).toBe('LOCKED');
    expect(locked.ok || locked.messageAr).toMatch(/[\u0600-\u06ff]/);
    now += LOCKOUT_POLICY.firstDelayMs + 1;
    const after = await unlockOffline(userId, staff.password, { storage, now: () => now });
    expect(after.ok).toBe(true);
  });

  it('a password change re-wraps the same data key: the old password stops working, the new one opens the same data', async () => {
    const storage = new MemoryStorage();
    const first = await signInOnline({ hqUrl: hq.url, username: staff.username, password: staff.password }, { storage, publicKey });
    if (!first.ok) throw new Error(first.messageEn);
    const userId = first.session.user.userId;
    const before = await deriveRxdbEncryptionPassword(first.session.dek);
    const changed = await changeLocalPassword(userId, staff.password, 'a brand new password 2', storage);
    expect(changed.ok).toBe(true);
    const old = await unlockOffline(userId, staff.password, { storage });
    expect(old.ok || old.code).toBe('wrong_password');
    const fresh = await unlockOffline(userId, 'a brand new password 2', { storage });
    if (!fresh.ok) throw new Error(fresh.messageEn);
    expect(fresh.session.encryptionPassword).toBe(before);
  });
});
