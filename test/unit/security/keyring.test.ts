import { describe, expect, it } from 'vitest';
import {
  CURRENT_KDF_PARAMS,
  KDF_BOUNDS,
  changePassword,
  checkNewPassword,
  createKeyring,
  deriveLookupKey,
  deriveRxdbEncryptionPassword,
  keyedLookupHash,
  openSealedBytes,
  sealBytes,
  unlockKeyring,
  upgradeKeyring,
  utf8Encode,
  fromBase64,
  toBase64,
  type Argon2idParams,
  type DataKey,
  type WrappedKeyRecord,
} from '../../../shared/security';

/** The cheapest parameters a record may carry: keeps the suite fast; real ones are tested once. */
const FAST: Argon2idParams = {
  algorithm: 'argon2id',
  paramsVersion: 1,
  memoryKiB: KDF_BOUNDS.minMemoryKiB,
  iterations: 1,
  parallelism: 1,
};

async function fingerprint(dek: DataKey): Promise<string> {
  const key = await deriveLookupKey(dek);
  return keyedLookupHash(key, 'nationalId', '1000000008');
}

describe('keyring (envelope encryption of the data key)', () => {
  it('unlocks with the right password and gives the same data key', async () => {
    const { wrapped, dek } = await createKeyring('كلمة سر طويلة 2026', FAST);
    const res = await unlockKeyring(wrapped, 'كلمة سر طويلة 2026');
    expect(res.ok).toBe(true);
    if (!res.ok) return;
    expect(res.dek.keyId).toBe(dek.keyId);
    expect(await fingerprint(res.dek)).toBe(await fingerprint(dek));
    expect(await deriveRxdbEncryptionPassword(res.dek)).toBe(await deriveRxdbEncryptionPassword(dek));
  });

  it('rejects a wrong password with an Arabic message', async () => {
    const { wrapped } = await createKeyring('correct horse battery', FAST);
    for (const wrong of ['correct horse batterY', '', 'correct horse battery ', 'Correct horse battery']) {
      const res = await unlockKeyring(wrapped, wrong);
      expect(res.ok).toBe(false);
      if (res.ok) continue;
      expect(res.error).toBe('wrong_password');
      expect(res.messageAr).toMatch(/كلمة المرور غير صحيحة/);
      expect(res.messageEn).toMatch(/Wrong password/);
    }
  });

  it('treats the NFC and NFD spellings of an Arabic password as the same password', async () => {
    const composed = 'أمانة١٢٣٤٥'.normalize('NFC');
    const decomposed = composed.normalize('NFD');
    expect(decomposed).not.toBe(composed);
    const { wrapped } = await createKeyring(composed, FAST);
    expect((await unlockKeyring(wrapped, decomposed)).ok).toBe(true);
  });

  it('never stores the data key or the password in the record', async () => {
    const { wrapped } = await createKeyring('a password here', FAST);
    const text = JSON.stringify(wrapped);
    expect(text).not.toContain('a password here');
    expect(fromBase64(wrapped.ciphertext)!.length).toBe(48);
    expect(Object.keys(wrapped).sort()).toEqual(['ciphertext', 'format', 'iv', 'kdf', 'keyId', 'salt', 'version']);
  });

  it('uses a fresh salt, IV and data key for every keyring', async () => {
    const a = await createKeyring('same password', FAST);
    const b = await createKeyring('same password', FAST);
    expect(a.wrapped.salt).not.toBe(b.wrapped.salt);
    expect(a.wrapped.iv).not.toBe(b.wrapped.iv);
    expect(a.dek.keyId).not.toBe(b.dek.keyId);
    expect(await fingerprint(a.dek)).not.toBe(await fingerprint(b.dek));
  });

  it('changing the password keeps the same data key and retires the old password', async () => {
    const { wrapped, dek } = await createKeyring('old password 1', FAST);
    const changed = await changePassword(wrapped, 'old password 1', 'new password 2');
    expect(changed.ok).toBe(true);
    if (!changed.ok) return;
    const rec = changed.record;
    expect(rec.keyId).toBe(wrapped.keyId);
    expect(rec.salt).not.toBe(wrapped.salt);
    expect(rec.ciphertext).not.toBe(wrapped.ciphertext);
    expect(rec.kdf).toEqual(CURRENT_KDF_PARAMS);

    const withNew = await unlockKeyring(rec, 'new password 2');
    expect(withNew.ok).toBe(true);
    if (!withNew.ok) return;
    expect(await fingerprint(withNew.dek)).toBe(await fingerprint(dek));
    expect(await deriveRxdbEncryptionPassword(withNew.dek)).toBe(await deriveRxdbEncryptionPassword(dek));
    // data sealed before the change opens after it
    const sealed = await sealBytes(dek, utf8Encode('scan of an iqama'), 'documents/d1');
    expect(await openSealedBytes(withNew.dek, sealed, 'documents/d1')).toEqual(utf8Encode('scan of an iqama'));

    const withOld = await unlockKeyring(rec, 'old password 1');
    expect(withOld.ok ? 'unlocked' : withOld.error).toBe('wrong_password');
  });

  it('refuses a password change with the wrong old password or a too short new one', async () => {
    const { wrapped } = await createKeyring('old password 1', FAST);
    const wrongOld = await changePassword(wrapped, 'old password 2', 'new password 2');
    expect(wrongOld.ok ? 'changed' : wrongOld.error).toBe('wrong_password');
    const weak = await changePassword(wrapped, 'old password 1', 'short');
    expect(weak.ok ? 'changed' : weak.error).toBe('weak_password');
    if (!weak.ok) expect(weak.messageAr).toMatch(/٨ أحرف/);
  });

  it('refuses to create a keyring with a short password', async () => {
    expect(checkNewPassword('1234567').ok).toBe(false);
    expect(checkNewPassword('12345678').ok).toBe(true);
    await expect(createKeyring('1234567', FAST)).rejects.toThrow(/too short/);
  });

  it('fails to unlock when the stored header was tampered with (params, salt, keyId)', async () => {
    const { wrapped } = await createKeyring('password 123', FAST);
    const tampered: WrappedKeyRecord[] = [
      { ...wrapped, kdf: { ...wrapped.kdf, iterations: 2 } },
      { ...wrapped, keyId: '0123456789abcdef' },
      { ...wrapped, salt: toBase64(new Uint8Array(16)) },
    ];
    for (const t of tampered) {
      const res = await unlockKeyring(t, 'password 123');
      expect(res.ok).toBe(false);
    }
  });

  it('reports a damaged or foreign record instead of calling it a wrong password', async () => {
    const { wrapped } = await createKeyring('password 123', FAST);
    const cases: Array<[unknown, string]> = [
      [null, 'invalid_record'],
      [{ ...wrapped, format: 'other' }, 'invalid_record'],
      [{ ...wrapped, version: 2 }, 'unsupported_version'],
      [{ ...wrapped, ciphertext: 'not base64!' }, 'invalid_record'],
      [{ ...wrapped, iv: toBase64(new Uint8Array(8)) }, 'invalid_record'],
      [{ ...wrapped, kdf: { ...wrapped.kdf, memoryKiB: 8 } }, 'invalid_record'], // too weak
      [{ ...wrapped, kdf: { ...wrapped.kdf, memoryKiB: 4 * 1024 * 1024 } }, 'invalid_record'], // would hang
    ];
    for (const [rec, code] of cases) {
      const res = await unlockKeyring(rec, 'password 123');
      expect(res.ok ? 'unlocked' : res.error).toBe(code);
    }
  });

  it('flags records made with weaker parameters and upgrades them keeping the data key', async () => {
    const { wrapped, dek } = await createKeyring('password 123', FAST);
    const res = await unlockKeyring(wrapped, 'password 123');
    expect(res.ok && res.needsUpgrade).toBe(true);
    const up = await upgradeKeyring(wrapped, 'password 123');
    expect(up.ok).toBe(true);
    if (!up.ok) return;
    expect(up.record.kdf).toEqual(CURRENT_KDF_PARAMS);
    const again = await unlockKeyring(up.record, 'password 123');
    expect(again.ok && !again.needsUpgrade).toBe(true);
    if (again.ok) expect(await fingerprint(again.dek)).toBe(await fingerprint(dek));
  });

  it('unlocks with the production parameters (64 MiB, t=3) within a second here', async () => {
    expect(CURRENT_KDF_PARAMS).toMatchObject({ memoryKiB: 65536, iterations: 3, parallelism: 1 });
    const { wrapped } = await createKeyring('production params', CURRENT_KDF_PARAMS);
    const started = performance.now();
    const res = await unlockKeyring(wrapped, 'production params');
    const ms = performance.now() - started;
    expect(res.ok).toBe(true);
    console.log(`unlock with Argon2id m=64MiB t=3 p=1: ${ms.toFixed(0)} ms`);
    // Loose bound (shared 2-core CI machine); the point is "well under a second".
    expect(ms).toBeLessThan(1500);
  });
});

describe('derived keys', () => {
  it('gives a different RxDB password per data key, long enough for RxDB, never the lookup key', async () => {
    const a = await createKeyring('password aaa', FAST);
    const b = await createKeyring('password bbb', FAST);
    const pa = await deriveRxdbEncryptionPassword(a.dek);
    expect(pa).toMatch(/^[0-9a-f]{64}$/);
    expect(pa).not.toBe(await deriveRxdbEncryptionPassword(b.dek));
    expect(pa.slice(0, 32)).not.toBe(await keyedLookupHash(await deriveLookupKey(a.dek), 'nationalId', '1'));
  });

  it('sealed bytes refuse another record, another key and any altered byte', async () => {
    const a = await createKeyring('password aaa', FAST);
    const b = await createKeyring('password bbb', FAST);
    const data = utf8Encode('تقرير حالة حماية');
    const sealed = await sealBytes(a.dek, data, 'documents/d1');
    expect(await openSealedBytes(a.dek, sealed, 'documents/d1')).toEqual(data);
    expect(await openSealedBytes(a.dek, sealed, 'documents/d2')).toBeNull();
    expect(await openSealedBytes(b.dek, sealed, 'documents/d1')).toBeNull();
    const flipped = sealed.slice();
    flipped[20] = flipped[20]! ^ 1;
    expect(await openSealedBytes(a.dek, flipped, 'documents/d1')).toBeNull();
  });
});
