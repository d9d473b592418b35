/**
 * Envelope encryption of the laptop's data key (DEK).
 *
 *   password ──Argon2id(salt, params)──▶ KEK ──AES-256-GCM──▶ wraps the DEK
 *
 * The DEK is random and never changes for the life of the local store; a password change
 * re-wraps only the DEK (data is not re-encrypted). A wrong password is detected by the GCM
 * authentication failure. The record's header (format, version, KDF parameters, salt, keyId)
 * is bound to the ciphertext as GCM additional data, so swapping parameters or the salt in a
 * stored record makes unlocking fail instead of silently changing the key derivation.
 */
import { fromBase64, randomBytes, toBase64, wipe } from './bytes';
import { canonicalJson } from './canonical-json';
import { DEK_BYTES, importDataKey, type DataKey } from './data-key';
import {
  CURRENT_KDF_PARAMS,
  SALT_BYTES,
  derivePasswordKey,
  isAcceptableKdfParams,
  isOutdatedKdfParams,
  normalisePassword,
  type Argon2idParams,
} from './kdf';

export const KEYRING_FORMAT = 'sila.keyring';
export const KEYRING_VERSION = 1;
const IV_BYTES = 12;
const GCM_TAG_BYTES = 16;

/** What is persisted on the laptop (not secret on its own; protected by the password). */
export interface WrappedKeyRecord {
  readonly format: typeof KEYRING_FORMAT;
  /** Layout version of this record. */
  readonly version: number;
  readonly kdf: Argon2idParams;
  /** base64, 16 random bytes, new on every (re-)wrap. */
  readonly salt: string;
  /** base64, 12 random bytes (AES-GCM nonce), new on every (re-)wrap. */
  readonly iv: string;
  /** base64 of the wrapped DEK: 32 bytes + 16-byte GCM tag. */
  readonly ciphertext: string;
  /** Public fingerprint of the wrapped DEK (see DataKey.keyId). Unchanged by a password change. */
  readonly keyId: string;
}

export type KeyringErrorCode = 'wrong_password' | 'invalid_record' | 'unsupported_version' | 'weak_password';

export interface KeyringError {
  readonly ok: false;
  readonly error: KeyringErrorCode;
  readonly messageAr: string;
  readonly messageEn: string;
}

export const KEYRING_MESSAGES: Readonly<Record<KeyringErrorCode, { ar: string; en: string }>> = {
  wrong_password: {
    ar: 'كلمة المرور غير صحيحة. تأكد من لغة لوحة المفاتيح ومن زر الأحرف الكبيرة ثم أعد المحاولة.',
    en: 'Wrong password. Check the keyboard language and Caps Lock, then try again.',
  },
  invalid_record: {
    ar: 'ملف مفتاح الحماية على هذا الجهاز تالف. لا تحذف بيانات التطبيق، وتواصل مع مدير النظام في المركز الرئيس.',
    en: "This laptop's key file is damaged. Do not delete the app's data; contact the HQ administrator.",
  },
  unsupported_version: {
    ar: 'ملف مفتاح الحماية أُنشئ بإصدار أحدث من التطبيق. حدّث التطبيق ثم أعد المحاولة.',
    en: 'The key file was created by a newer version of the app. Update the app, then try again.',
  },
  weak_password: {
    ar: 'كلمة المرور قصيرة. اختر كلمة مرور من ٨ أحرف على الأقل.',
    en: 'The password is too short. Choose a password of at least 8 characters.',
  },
};

function fail(error: KeyringErrorCode): KeyringError {
  return { ok: false, error, messageAr: KEYRING_MESSAGES[error].ar, messageEn: KEYRING_MESSAGES[error].en };
}

export const MIN_PASSWORD_LENGTH = 8;
export const MAX_PASSWORD_LENGTH = 1024;

/** Check a new password before creating a keyring or changing the password. */
export function checkNewPassword(password: string): { ok: true } | KeyringError {
  const length = [...normalisePassword(password)].length;
  if (length < MIN_PASSWORD_LENGTH || length > MAX_PASSWORD_LENGTH) return fail('weak_password');
  return { ok: true };
}

const subtle = () => globalThis.crypto.subtle;

function headerOf(r: Pick<WrappedKeyRecord, 'format' | 'version' | 'kdf' | 'salt' | 'keyId'>): Uint8Array<ArrayBuffer> {
  const header = { format: r.format, version: r.version, kdf: r.kdf, salt: r.salt, keyId: r.keyId };
  return new TextEncoder().encode(canonicalJson(header)) as Uint8Array<ArrayBuffer>;
}

async function wrap(rawDek: Uint8Array<ArrayBuffer>, keyId: string, password: string, kdf: Argon2idParams): Promise<WrappedKeyRecord> {
  const salt = randomBytes(SALT_BYTES);
  const iv = randomBytes(IV_BYTES);
  const base = {
    format: KEYRING_FORMAT,
    version: KEYRING_VERSION,
    kdf: { ...kdf },
    salt: toBase64(salt),
    keyId,
  } as const;
  const kekRaw = await derivePasswordKey(password, salt, kdf);
  try {
    const kek = await subtle().importKey('raw', kekRaw, 'AES-GCM', false, ['encrypt']);
    const ct = await subtle().encrypt({ name: 'AES-GCM', iv, additionalData: headerOf(base) }, kek, rawDek);
    return { ...base, iv: toBase64(iv), ciphertext: toBase64(new Uint8Array(ct)) };
  } finally {
    wipe(kekRaw);
  }
}

type Parsed = { record: WrappedKeyRecord; salt: Uint8Array<ArrayBuffer>; iv: Uint8Array<ArrayBuffer>; ct: Uint8Array<ArrayBuffer> };

function parseRecord(record: unknown): Parsed | KeyringError {
  if (!record || typeof record !== 'object') return fail('invalid_record');
  const r = record as Partial<WrappedKeyRecord>;
  if (r.format !== KEYRING_FORMAT) return fail('invalid_record');
  if (typeof r.version !== 'number') return fail('invalid_record');
  if (r.version > KEYRING_VERSION) return fail('unsupported_version');
  if (r.version !== KEYRING_VERSION) return fail('invalid_record');
  if (!isAcceptableKdfParams(r.kdf)) return fail('invalid_record');
  if (typeof r.salt !== 'string' || typeof r.iv !== 'string' || typeof r.ciphertext !== 'string') return fail('invalid_record');
  if (typeof r.keyId !== 'string' || !/^[0-9a-f]{16}$/.test(r.keyId)) return fail('invalid_record');
  const salt = fromBase64(r.salt);
  const iv = fromBase64(r.iv);
  const ct = fromBase64(r.ciphertext);
  if (!salt || salt.length !== SALT_BYTES || !iv || iv.length !== IV_BYTES || !ct || ct.length !== DEK_BYTES + GCM_TAG_BYTES) {
    return fail('invalid_record');
  }
  return { record: r as WrappedKeyRecord, salt, iv, ct };
}

/** Decrypt the raw DEK. The caller must wipe the returned bytes. */
async function unwrapRaw(recordInput: unknown, password: string): Promise<{ ok: true; raw: Uint8Array<ArrayBuffer>; record: WrappedKeyRecord } | KeyringError> {
  const parsed = parseRecord(recordInput);
  if ('ok' in parsed) return parsed;
  const { record, salt, iv, ct } = parsed;
  // No keyring is ever made with an empty password (and Argon2 refuses one).
  if (password.length === 0) return fail('wrong_password');
  const kekRaw = await derivePasswordKey(password, salt, record.kdf);
  let raw: Uint8Array<ArrayBuffer>;
  try {
    const kek = await subtle().importKey('raw', kekRaw, 'AES-GCM', false, ['decrypt']);
    raw = new Uint8Array(await subtle().decrypt({ name: 'AES-GCM', iv, additionalData: headerOf(record) }, kek, ct));
  } catch {
    // GCM authentication failed: the password is wrong (or the header was tampered with,
    // which we cannot tell apart from a wrong password and must not pretend to).
    return fail('wrong_password');
  } finally {
    wipe(kekRaw);
  }
  return { ok: true, raw, record };
}

export interface CreatedKeyring {
  readonly wrapped: WrappedKeyRecord;
  readonly dek: DataKey;
}

/**
 * Make a new random DEK and wrap it under `password`. Throws if the password fails
 * `checkNewPassword` (the UI calls that first and shows its message).
 */
export async function createKeyring(password: string, kdf: Argon2idParams = CURRENT_KDF_PARAMS): Promise<CreatedKeyring> {
  const check = checkNewPassword(password);
  if (!check.ok) throw new Error(check.messageEn);
  if (!isAcceptableKdfParams(kdf)) throw new Error('unacceptable KDF parameters');
  const raw = randomBytes(DEK_BYTES);
  try {
    const dek = await importDataKey(raw);
    const wrapped = await wrap(raw, dek.keyId, password, kdf);
    return { wrapped, dek };
  } finally {
    wipe(raw);
  }
}

export type UnlockResult = { readonly ok: true; readonly dek: DataKey; readonly needsUpgrade: boolean } | KeyringError;

/**
 * Unwrap the DEK with the password. `needsUpgrade` is true when the record was made with
 * weaker KDF parameters than the current ones: call `upgradeKeyring` while the password is
 * still at hand and persist the new record.
 */
export async function unlockKeyring(record: unknown, password: string): Promise<UnlockResult> {
  const res = await unwrapRaw(record, password);
  if (!res.ok) return res;
  try {
    const dek = await importDataKey(res.raw);
    if (dek.keyId !== res.record.keyId) return fail('invalid_record');
    return { ok: true, dek, needsUpgrade: isOutdatedKdfParams(res.record.kdf) };
  } finally {
    wipe(res.raw);
  }
}

export type RewrapResult = { readonly ok: true; readonly record: WrappedKeyRecord } | KeyringError;

/**
 * Re-wrap the same DEK under a new password (fresh salt and IV, current KDF parameters).
 * The data stays encrypted under the unchanged DEK, so nothing else needs rewriting.
 */
export async function changePassword(record: unknown, oldPassword: string, newPassword: string): Promise<RewrapResult> {
  const check = checkNewPassword(newPassword);
  if (!check.ok) return check;
  const res = await unwrapRaw(record, oldPassword);
  if (!res.ok) return res;
  try {
    return { ok: true, record: await wrap(res.raw, res.record.keyId, newPassword, CURRENT_KDF_PARAMS) };
  } finally {
    wipe(res.raw);
  }
}

/** Re-wrap under the current KDF parameters with the same password (after `needsUpgrade`). */
export async function upgradeKeyring(record: unknown, password: string): Promise<RewrapResult> {
  const res = await unwrapRaw(record, password);
  if (!res.ok) return res;
  try {
    return { ok: true, record: await wrap(res.raw, res.record.keyId, password, CURRENT_KDF_PARAMS) };
  } finally {
    wipe(res.raw);
  }
}
