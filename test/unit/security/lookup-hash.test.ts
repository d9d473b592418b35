import { describe, expect, it } from 'vitest';
import {
  KDF_BOUNDS,
  createKeyring,
  deriveLookupKey,
  keyedLookupHash,
  importLookupKey,
  normaliseLookupValue,
  type Argon2idParams,
} from '../../../shared/security';

const FAST: Argon2idParams = { algorithm: 'argon2id', paramsVersion: 1, memoryKiB: KDF_BOUNDS.minMemoryKiB, iterations: 1, parallelism: 1 };

describe('keyedLookupHash', () => {
  it('is deterministic, 64 hex chars, and differs per kind, value and key', async () => {
    const a = await createKeyring('password aaa', FAST);
    const b = await createKeyring('password bbb', FAST);
    const ka = await deriveLookupKey(a.dek);
    const kb = await deriveLookupKey(b.dek);
    const h1 = await keyedLookupHash(ka, 'nationalId', '1012345678');
    expect(h1).toMatch(/^[0-9a-f]{64}$/);
    expect(await keyedLookupHash(ka, 'nationalId', '1012345678')).toBe(h1);
    // same key material unlocked again gives the same hash
    const again = await deriveLookupKey(a.dek);
    expect(await keyedLookupHash(again, 'nationalId', '1012345678')).toBe(h1);
    expect(await keyedLookupHash(ka, 'phone', '1012345678')).not.toBe(h1);
    expect(await keyedLookupHash(ka, 'nationalId', '1012345679')).not.toBe(h1);
    expect(await keyedLookupHash(kb, 'nationalId', '1012345678')).not.toBe(h1);
  });

  it('works with a shared (association-wide) key: same key, same hash on every laptop', async () => {
    const raw = new Uint8Array(32).fill(7);
    const laptopA = await importLookupKey(raw.slice());
    const laptopB = await importLookupKey(raw.slice());
    expect(await keyedLookupHash(laptopA, 'phone', '+966551234567')).toBe(await keyedLookupHash(laptopB, 'phone', '+966551234567'));
    const other = await importLookupKey(new Uint8Array(32).fill(8));
    expect(await keyedLookupHash(other, 'phone', '+966551234567')).not.toBe(await keyedLookupHash(laptopA, 'phone', '+966551234567'));
    await expect(importLookupKey(new Uint8Array(16))).rejects.toThrow(/32 bytes/);
  });

  it('refuses empty values and unknown kinds', async () => {
    const a = await createKeyring('password aaa', FAST);
    const k = await deriveLookupKey(a.dek);
    await expect(keyedLookupHash(k, 'nationalId', '')).rejects.toThrow();
    await expect(keyedLookupHash(k, 'email' as 'phone', 'x')).rejects.toThrow(/unknown lookup kind/);
  });

  it('matches what was stored whatever way the user typed it', async () => {
    const a = await createKeyring('password aaa', FAST);
    const k = await deriveLookupKey(a.dek);
    const hash = async (kind: 'nationalId' | 'phone', raw: string) => keyedLookupHash(k, kind, normaliseLookupValue(kind, raw)!);
    const stored = await hash('phone', '0551234567');
    for (const typed of ['+966551234567', '00966551234567', '966551234567', '551234567', '٠٥٥١٢٣٤٥٦٧', '055 123 4567']) {
      expect(await hash('phone', typed)).toBe(stored);
    }
    expect(await hash('nationalId', '١٠١٢٣٤٥٦٧٨')).toBe(await hash('nationalId', '1012345678'));
    expect(normaliseLookupValue('phone', 'لا يوجد')).toBeNull();
  });
});
