/**
 * The data key (DEK): 256 random bits that protect the laptop's data. It never leaves this
 * module as bytes: callers get a `DataKey` holding a non-extractable Web Crypto HKDF key and
 * derive purpose-bound subkeys from it, each with its own `info` string, so a leak of one
 * subkey (e.g. the string handed to RxDB) reveals nothing about the others or the DEK.
 */
import { toHex, utf8Encode } from './bytes';

export const DEK_BYTES = 32;

/** Distinct HKDF info strings, one per purpose. Never reuse one for another purpose. */
export const HKDF_INFO = {
  keyId: 'sila/v1/key-id',
  lookupHash: 'sila/v1/lookup-hash',
  rxdbPassword: 'sila/v1/rxdb-crypto-js-password',
  rxdbFields: 'sila/v1/rxdb-fields-aes-gcm',
  sealedBytes: 'sila/v1/sealed-bytes',
} as const;

declare const dataKeyBrand: unique symbol;

export interface DataKey {
  /** Public fingerprint of the DEK (HKDF-derived, 16 hex chars): tells keys apart, reveals nothing. */
  readonly keyId: string;
  /** Non-extractable HKDF base key. Only the derive* functions below use it. */
  readonly hkdfKey: CryptoKey;
  readonly [dataKeyBrand]: true;
}

const subtle = () => globalThis.crypto.subtle;
const EMPTY_SALT = new Uint8Array(0);

/** Import raw DEK bytes (from `createKeyring`/`unlockKeyring` only). Does not wipe `raw`. */
export async function importDataKey(raw: Uint8Array<ArrayBuffer>): Promise<DataKey> {
  if (raw.length !== DEK_BYTES) throw new Error('data key must be 32 bytes');
  const hkdfKey = await subtle().importKey('raw', raw, 'HKDF', false, ['deriveBits', 'deriveKey']);
  const keyId = toHex(await deriveBits(hkdfKey, HKDF_INFO.keyId, 64));
  return { keyId, hkdfKey } as DataKey;
}

async function deriveBits(key: CryptoKey, info: string, bits: number): Promise<Uint8Array<ArrayBuffer>> {
  const out = await subtle().deriveBits(
    { name: 'HKDF', hash: 'SHA-256', salt: EMPTY_SALT, info: utf8Encode(info) },
    key,
    bits,
  );
  return new Uint8Array(out);
}

/**
 * The `password` string given to `createRxDatabase`.
 *
 * RxDB keeps a hash of it in its internal storage and refuses to open the database with another
 * one (error DB1): that is the early "wrong key" check. Up to the crypto-js era it was also the
 * key of RxDB's free `encryption-crypto-js` plugin, so stores written by that version can still be
 * read and upgraded (shared/security/rxdb-encryption.ts); the fields themselves are now encrypted
 * with `deriveRxdbFieldKey`. It is derived from the DEK, never the user's password: a 256-bit
 * string has nothing to brute-force, survives password changes (the DEK stays), and is bound to
 * this one purpose by its HKDF info string.
 */
export async function deriveRxdbEncryptionPassword(dek: DataKey): Promise<string> {
  return toHex(await deriveBits(dek.hkdfKey, HKDF_INFO.rxdbPassword, 256));
}

/** The AES-256-GCM key for the fields and attachments RxDB stores encrypted (non-extractable). */
export async function deriveRxdbFieldKey(dek: DataKey): Promise<CryptoKey> {
  return subtle().deriveKey(
    { name: 'HKDF', hash: 'SHA-256', salt: EMPTY_SALT, info: utf8Encode(HKDF_INFO.rxdbFields) },
    dek.hkdfKey,
    { name: 'AES-GCM', length: 256 },
    false,
    ['encrypt', 'decrypt'],
  );
}

/** The HMAC-SHA-256 key for `keyedLookupHash` (non-extractable). */
export async function deriveLookupKey(dek: DataKey): Promise<CryptoKey> {
  return subtle().deriveKey(
    { name: 'HKDF', hash: 'SHA-256', salt: EMPTY_SALT, info: utf8Encode(HKDF_INFO.lookupHash) },
    dek.hkdfKey,
    { name: 'HMAC', hash: 'SHA-256', length: 256 },
    false,
    ['sign'],
  );
}

/** The AES-256-GCM key for `sealBytes`/`openSealedBytes` (non-extractable). */
export async function deriveSealingKey(dek: DataKey): Promise<CryptoKey> {
  return subtle().deriveKey(
    { name: 'HKDF', hash: 'SHA-256', salt: EMPTY_SALT, info: utf8Encode(HKDF_INFO.sealedBytes) },
    dek.hkdfKey,
    { name: 'AES-GCM', length: 256 },
    false,
    ['encrypt', 'decrypt'],
  );
}
