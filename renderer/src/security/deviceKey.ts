/**
 * The laptop's data key, wrapped under the user's password (shared/security keyring), kept in
 * this profile's localStorage next to the database it protects. The wrapped record is useless
 * without the password (Argon2id + AES-GCM); the lockout state slows guessing at the keyboard.
 */
import {
  INITIAL_LOCKOUT_STATE,
  canAttempt,
  checkNewPassword,
  createKeyring,
  deriveRxdbEncryptionPassword,
  recordFailure,
  recordSuccess,
  unlockKeyring,
  upgradeKeyring,
  type AttemptDecision,
  type DataKey,
  type LockoutState,
} from '../../../shared/security';

const keyringKey = 'sila.keyring';
const lockoutKey = 'sila.lockout';

export interface UnlockedKey {
  dek: DataKey;
  /** What RxDB's crypto-js plugin gets (a purpose-bound derivation of the DEK). */
  encryptionPassword: string;
}

export interface Problem {
  messageAr: string;
  messageEn: string;
}

export type KeyResult = { ok: true; key: UnlockedKey } | ({ ok: false } & Problem);

export function hasDeviceKey(storage: Storage = localStorage): boolean {
  return storage.getItem(keyringKey) !== null;
}

function readLockout(storage: Storage): LockoutState {
  try {
    const raw = storage.getItem(lockoutKey);
    if (!raw) return INITIAL_LOCKOUT_STATE;
    const v = JSON.parse(raw) as Partial<LockoutState>;
    return {
      failures: typeof v.failures === 'number' ? v.failures : 0,
      lockedUntil: typeof v.lockedUntil === 'number' ? v.lockedUntil : null,
    };
  } catch {
    return INITIAL_LOCKOUT_STATE;
  }
}

export function unlockAllowed(storage: Storage = localStorage, now = Date.now()): AttemptDecision {
  return canAttempt(readLockout(storage), now);
}

async function finish(dek: DataKey): Promise<UnlockedKey> {
  return { dek, encryptionPassword: await deriveRxdbEncryptionPassword(dek) };
}

/** First run on this profile: make the data key and wrap it under the new password. */
export async function createDeviceKey(password: string, confirmation: string, storage: Storage = localStorage): Promise<KeyResult> {
  const check = checkNewPassword(password);
  if (!check.ok) return { ok: false, messageAr: check.messageAr, messageEn: check.messageEn };
  if (password !== confirmation) {
    return {
      ok: false,
      messageAr: 'كلمتا المرور غير متطابقتين. اكتب كلمة المرور نفسها في الحقلين.',
      messageEn: 'The two passwords differ. Type the same password in both fields.',
    };
  }
  if (hasDeviceKey(storage)) throw new Error('a device key already exists');
  const created = await createKeyring(password);
  storage.setItem(keyringKey, JSON.stringify(created.wrapped));
  storage.removeItem(lockoutKey);
  return { ok: true, key: await finish(created.dek) };
}

/** Every later start: unwrap the data key with the password (with lockout after failures). */
export async function unlockDeviceKey(password: string, storage: Storage = localStorage, now = Date.now): Promise<KeyResult> {
  const allowed = canAttempt(readLockout(storage), now());
  if (!allowed.ok) return { ok: false, messageAr: allowed.messageAr, messageEn: allowed.messageEn };
  const raw = storage.getItem(keyringKey);
  let record: unknown = null;
  try {
    record = raw === null ? null : JSON.parse(raw);
  } catch {
    record = null; // unlockKeyring reports a damaged record
  }
  const result = await unlockKeyring(record, password);
  if (!result.ok) {
    if (result.error === 'wrong_password') storage.setItem(lockoutKey, JSON.stringify(recordFailure(readLockout(storage), now())));
    return { ok: false, messageAr: result.messageAr, messageEn: result.messageEn };
  }
  storage.setItem(lockoutKey, JSON.stringify(recordSuccess()));
  if (result.needsUpgrade) {
    const upgraded = await upgradeKeyring(record, password);
    if (upgraded.ok) storage.setItem(keyringKey, JSON.stringify(upgraded.record));
  }
  return { ok: true, key: await finish(result.dek) };
}
