/**
 * Sign-in with HQ and offline unlock (issue 5/6).
 *
 * First use on a laptop: the user signs in online (`signInOnline`, POST /auth/sign-in on the
 * configured HQ, registering this device with its ECDSA public key). HQ answers with the user
 * (role, branches) and tokens. The laptop then makes a data key (DEK) for this user and wraps it
 * under the same password (Argon2id, shared/security keyring); the wrapped key and the user's
 * profile stay in this profile's localStorage. Afterwards the laptop unlocks offline with the
 * same password (`unlockOffline`); five wrong passwords in a row delay further attempts
 * (shared/security lockout, persisted per user). Each user has their own DEK and database.
 *
 * Tokens are kept in memory only (renderer/src/security/tokens.ts): after an offline unlock
 * the app signs in again in the background when HQ answers.
 */
import {
  INITIAL_LOCKOUT_STATE,
  canAttempt,
  changePassword,
  createKeyring,
  deriveLookupKey,
  deriveRxdbEncryptionPassword,
  importLookupKey,
  recordFailure,
  fromBase64,
  openSealedBytes,
  recordSuccess,
  sealBytes,
  toBase64,
  unlockKeyring,
  utf8Decode,
  utf8Encode,
  upgradeKeyring,
  type DataKey,
  type LockoutState,
} from '../../../shared/security';
import { roles, type Role } from '../../../shared/schema';
import { deviceId as currentDeviceId } from '../state/device';
import { devicePublicJwk, type DevicePublicJwk } from './deviceSigningKey';

const usersKey = 'sila.users';

export interface LocalUser {
  userId: string;
  username: string;
  displayName: string;
  role: Role;
  branchIds: string[];
  /** The HQ this account belongs to. */
  hqUrl: string;
  /** The DEK wrapped under the user's password (shared/security WrappedKeyRecord). */
  keyring: unknown;
  lockout: LockoutState;
  lastSignInAt: string;
  /** The latest HQ refresh token, sealed under the DEK (AES-GCM), base64 — usable only after unlock. */
  sealedRefreshToken?: string;
  /** The association's lookup key from HQ (32 bytes), sealed under the DEK, base64. */
  sealedLookupKey?: string;
  /** HQ's name of that key (not secret): when it changes, the local lookup hashes are redone. */
  lookupKeyId?: string;
  /** The key id the lookup hashes in this user's local database were last made with. */
  lookupHashesKeyId?: string;
}

export interface HqTokens {
  accessToken: string;
  accessTokenExpiresAt: string;
  refreshToken: string;
  refreshTokenExpiresAt: string;
}

/** What the app needs after unlock. */
export interface UnlockedSession {
  user: LocalUser;
  dek: DataKey;
  /** RxDB crypto-js password (derived from the DEK, never the user's password). */
  encryptionPassword: string;
  /**
   * HMAC key for idHash/phoneHash: the association's key from HQ (equal hashes on every laptop),
   * or, until HQ has handed one out, a key derived from this user's DEK (this laptop only).
   */
  lookupKey: CryptoKey;
  /** Which key `lookupKey` is: HQ's key id, or `local-<DEK key id>`. */
  lookupKeyId: string;
  /** Present after an online sign-in. */
  tokens: HqTokens | null;
  deviceId: string;
}

export interface Problem {
  code: string;
  messageAr: string;
  messageEn: string;
}

export type SessionResult = { ok: true; session: UnlockedSession } | ({ ok: false } & Problem);

export interface AccountEnv {
  storage?: Storage;
  fetch?: typeof fetch;
  now?: () => number;
  deviceId?: string;
  publicKey?: () => Promise<DevicePublicJwk>;
  /** Device label shown to HQ administrators. */
  deviceLabel?: string;
  /** How long to wait for HQ's answer to a sign-in (default `SIGN_IN_TIMEOUT_MS`). */
  signInTimeoutMs?: number;
}

/** HQ must answer a sign-in within this time; a slow link still fits, a silent HQ gives an answer to the user. */
export const SIGN_IN_TIMEOUT_MS = 45_000;

// ---- local users ----

function isLocalUser(v: unknown): v is LocalUser {
  const u = v as Partial<LocalUser> | null;
  return (
    !!u &&
    typeof u.userId === 'string' &&
    typeof u.username === 'string' &&
    typeof u.displayName === 'string' &&
    typeof u.role === 'string' &&
    (roles as readonly string[]).includes(u.role) &&
    Array.isArray(u.branchIds) &&
    typeof u.hqUrl === 'string' &&
    u.keyring !== undefined
  );
}

function readUsers(storage: Storage): Record<string, LocalUser> {
  try {
    const raw = storage.getItem(usersKey);
    const parsed = raw ? (JSON.parse(raw) as Record<string, unknown>) : {};
    const out: Record<string, LocalUser> = {};
    for (const [id, u] of Object.entries(parsed)) {
      if (isLocalUser(u)) out[id] = { ...u, lockout: u.lockout ?? INITIAL_LOCKOUT_STATE };
    }
    return out;
  } catch {
    return {};
  }
}

function writeUser(storage: Storage, user: LocalUser): void {
  const all = readUsers(storage);
  all[user.userId] = user;
  storage.setItem(usersKey, JSON.stringify(all));
}

/** Users who signed in on this laptop before (they can unlock offline). */
export function knownUsers(storage: Storage = localStorage): LocalUser[] {
  return Object.values(readUsers(storage)).sort((a, b) => b.lastSignInAt.localeCompare(a.lastSignInAt));
}

export function forgetAllUsers(storage: Storage = localStorage): void {
  storage.removeItem(usersKey);
}

/** The database of one user on this laptop. */
export function databaseNameOf(userId: string): string {
  return `sila-${userId.toLowerCase().replace(/[^a-z0-9_-]/g, '_')}`;
}

async function finish(user: LocalUser, dek: DataKey, tokens: HqTokens | null, deviceId: string): Promise<UnlockedSession> {
  const lookup = (await openLookupKey(user, dek)) ?? { key: await deriveLookupKey(dek), kid: localLookupKeyId(dek) };
  return { user, dek, encryptionPassword: await deriveRxdbEncryptionPassword(dek), lookupKey: lookup.key, lookupKeyId: lookup.kid, tokens, deviceId };
}

/** The id of the per-user fallback lookup key (derived from the DEK). */
export function localLookupKeyId(dek: DataKey): string {
  return `local-${dek.keyId}`;
}

// ---- messages ----

const NETWORK: Problem = {
  code: 'NETWORK',
  messageAr: 'تعذّر الاتصال بالخادم المركزي. أول دخول على هذا الجهاز يحتاج اتصالًا بالمركز الرئيس: تحقّق من الشبكة ومن عنوان الخادم ثم أعد المحاولة.',
  messageEn: 'HQ could not be reached. The first sign-in on this laptop needs a connection to HQ: check the network and the HQ address, then try again.',
};

const NO_ANSWER: Problem = {
  code: 'TIMEOUT',
  messageAr: 'لم يردّ الخادم المركزي في الوقت المعتاد. تحقّق من الشبكة ثم أعد المحاولة؛ وإن تكرر ذلك فتواصل مع مدير النظام، فقد يكون الخادم متوقفًا.',
  messageEn: 'HQ did not answer in time. Check the network and try again; if it keeps happening, contact the HQ administrator — HQ may be down.',
};

const BAD_ANSWER: Problem = {
  code: 'BAD_RESPONSE',
  messageAr: 'ردّ الخادم المركزي بصيغة غير متوقعة. تحقّق من عنوان الخادم، وإن تكرر الخطأ فتواصل مع مدير النظام.',
  messageEn: 'HQ answered in an unexpected format. Check the HQ address; if it keeps happening, contact the HQ administrator.',
};

const PASSWORD_CHANGED: Problem = {
  code: 'LOCAL_PASSWORD_DIFFERS',
  messageAr:
    'قبل المركز كلمة المرور هذه، لكن بيانات هذا الجهاز ما زالت محمية بكلمة مرورك السابقة (غُيّرت من جهاز آخر). اكتب كلمة المرور السابقة في الحقل الذي ظهر ثم سجّل الدخول؛ بياناتك لم تُفقد.',
  messageEn: "HQ accepted this password, but this laptop's data is still protected by your previous one (it was changed on another laptop). Type the previous password in the field below and sign in again; nothing is lost.",
};

const PREVIOUS_PASSWORD_WRONG: Problem = {
  code: 'PREVIOUS_PASSWORD_WRONG',
  messageAr: 'كلمة المرور السابقة غير صحيحة. اكتب كلمة المرور التي كنت تفتح بها هذا الجهاز قبل تغييرها ثم أعد المحاولة.',
  messageEn: 'The previous password is wrong. Type the password you used to unlock this laptop before the change, then try again.',
};

function emptyFields(): Problem {
  return { code: 'MISSING', messageAr: 'اكتب اسم المستخدم وكلمة المرور.', messageEn: 'Enter the user name and the password.' };
}

// ---- HQ calls ----

/** The association's lookup key as HQ hands it out (hq/accounts.ts LookupKey). */
export interface HqLookupKey {
  kid: string;
  key: string;
}

interface SignInAnswer extends HqTokens {
  user: { id: string; username: string; displayName: string; role: Role; branchIds: string[]; active: boolean };
  deviceId: string | null;
  lookupKey?: HqLookupKey;
}

function isHqLookupKey(v: unknown): v is HqLookupKey {
  const k = v as Partial<HqLookupKey> | null;
  return !!k && typeof k.kid === 'string' && /^[A-Za-z0-9_-]{1,64}$/.test(k.kid) && typeof k.key === 'string' && fromBase64(k.key)?.length === 32;
}

function isSignInAnswer(v: unknown): v is SignInAnswer {
  const a = v as Partial<SignInAnswer> | null;
  return (
    !!a &&
    typeof a.accessToken === 'string' &&
    typeof a.refreshToken === 'string' &&
    typeof a.accessTokenExpiresAt === 'string' &&
    !!a.user &&
    typeof a.user.id === 'string' &&
    typeof a.user.role === 'string' &&
    (roles as readonly string[]).includes(a.user.role) &&
    Array.isArray(a.user.branchIds) &&
    (a.lookupKey === undefined || isHqLookupKey(a.lookupKey))
  );
}

async function problemOf(res: Response): Promise<Problem> {
  try {
    const body = (await res.json()) as { error?: { code?: unknown; message?: unknown; messageAr?: unknown } };
    const e = body.error;
    if (e && typeof e.code === 'string' && typeof e.messageAr === 'string') {
      return { code: e.code, messageAr: e.messageAr, messageEn: typeof e.message === 'string' ? e.message : e.code };
    }
  } catch {
    // fall through
  }
  return { ...BAD_ANSWER, code: `HTTP_${res.status}` };
}

export type HqSignInResult = { ok: true; answer: SignInAnswer } | ({ ok: false } & Problem);

/** POST /auth/sign-in with this device's registration. */
export async function requestSignIn(hqUrl: string, username: string, password: string, env: AccountEnv = {}): Promise<HqSignInResult> {
  const doFetch = env.fetch ?? fetch;
  const device = {
    id: env.deviceId ?? currentDeviceId(env.storage ?? localStorage),
    label: env.deviceLabel ?? 'Sila laptop',
    publicKey: await (env.publicKey ?? (() => devicePublicJwk()))(),
  };
  // The whole answer (headers and body) within the time limit: a sign-in never spins for ever.
  const signal = AbortSignal.timeout(env.signInTimeoutMs ?? SIGN_IN_TIMEOUT_MS);
  let res: Response;
  try {
    res = await doFetch(`${hqUrl.replace(/\/+$/, '')}/auth/sign-in`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ username, password, device }),
      signal,
    });
  } catch {
    return { ok: false, ...(signal.aborted ? NO_ANSWER : NETWORK) };
  }
  if (!res.ok) return { ok: false, ...(await problemOf(res)) };
  let body: unknown;
  try {
    body = await res.json();
  } catch {
    return { ok: false, ...(signal.aborted ? NO_ANSWER : BAD_ANSWER) };
  }
  if (!isSignInAnswer(body)) return { ok: false, ...BAD_ANSWER };
  return { ok: true, answer: body };
}

/** POST /auth/refresh (rotates the refresh token). */
export async function requestRefresh(hqUrl: string, refreshToken: string, doFetch: typeof fetch = fetch): Promise<HqSignInResult> {
  let res: Response;
  try {
    res = await doFetch(`${hqUrl.replace(/\/+$/, '')}/auth/refresh`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ refreshToken }),
    });
  } catch {
    return { ok: false, ...NETWORK };
  }
  if (!res.ok) return { ok: false, ...(await problemOf(res)) };
  const body: unknown = await res.json().catch(() => null);
  return isSignInAnswer(body) ? { ok: true, answer: body } : { ok: false, ...BAD_ANSWER };
}

function tokensOf(a: SignInAnswer): HqTokens {
  return {
    accessToken: a.accessToken,
    accessTokenExpiresAt: a.accessTokenExpiresAt,
    refreshToken: a.refreshToken,
    refreshTokenExpiresAt: a.refreshTokenExpiresAt,
  };
}

// ---- sign-in and unlock ----

/**
 * First sign-in on this laptop (or a sign-in of a user the laptop knows): checks the account
 * with HQ, then makes (or unwraps) this user's data key with the same password.
 *
 * When HQ accepts a password this laptop's key is not wrapped under (it was changed on another
 * laptop), the answer is LOCAL_PASSWORD_DIFFERS; sign in again with `previousPassword` (the one
 * this laptop still knows) and the key is re-wrapped under the new password.
 */
export async function signInOnline(
  input: { hqUrl: string; username: string; password: string; previousPassword?: string },
  env: AccountEnv = {},
): Promise<SessionResult> {
  const storage = env.storage ?? localStorage;
  const username = input.username.trim().toLowerCase();
  if (!username || !input.password) return { ok: false, ...emptyFields() };
  const deviceId = env.deviceId ?? currentDeviceId(storage);
  const answer = await requestSignIn(input.hqUrl, username, input.password, { ...env, deviceId });
  if (!answer.ok) return answer;
  const a = answer.answer;
  const now = new Date((env.now ?? Date.now)()).toISOString();
  const existing = readUsers(storage)[a.user.id];
  const profile = {
    userId: a.user.id,
    username: a.user.username,
    displayName: a.user.displayName,
    role: a.user.role,
    branchIds: [...a.user.branchIds],
    hqUrl: input.hqUrl.replace(/\/+$/, ''),
    lastSignInAt: now,
  };
  if (existing) {
    let keyring = existing.keyring;
    let unlocked = await unlockKeyring(keyring, input.password);
    if (!unlocked.ok && input.previousPassword) {
      // HQ has just proven the new password; the previous one re-wraps this laptop's key.
      const rewrapped = await changePassword(existing.keyring, input.previousPassword, input.password);
      if (!rewrapped.ok) return { ok: false, ...(rewrapped.error === 'wrong_password' ? PREVIOUS_PASSWORD_WRONG : { code: rewrapped.error, messageAr: rewrapped.messageAr, messageEn: rewrapped.messageEn }) };
      keyring = rewrapped.record;
      unlocked = await unlockKeyring(keyring, input.password);
    }
    if (!unlocked.ok) return { ok: false, ...PASSWORD_CHANGED };
    writeUser(storage, { ...existing, ...profile, keyring, lockout: recordSuccess() });
    if (a.lookupKey) await storeLookupKey(a.user.id, unlocked.dek, a.lookupKey, storage);
    return { ok: true, session: await finish(readUsers(storage)[a.user.id]!, unlocked.dek, tokensOf(a), deviceId) };
  }
  const created = await createKeyring(input.password);
  const user: LocalUser = { ...profile, keyring: created.wrapped, lockout: INITIAL_LOCKOUT_STATE };
  writeUser(storage, user);
  if (a.lookupKey) await storeLookupKey(a.user.id, created.dek, a.lookupKey, storage);
  return { ok: true, session: await finish(readUsers(storage)[a.user.id]!, created.dek, tokensOf(a), deviceId) };
}

/** Later starts: unwrap the user's data key offline, with the persisted lockout. */
export async function unlockOffline(userId: string, password: string, env: AccountEnv = {}): Promise<SessionResult> {
  const storage = env.storage ?? localStorage;
  const now = (env.now ?? Date.now)();
  const user = readUsers(storage)[userId];
  if (!user) {
    return { ok: false, code: 'UNKNOWN_USER', messageAr: 'هذا المستخدم لم يدخل على هذا الجهاز من قبل. سجّل الدخول متصلًا بالمركز الرئيس أولًا.', messageEn: 'This user has not signed in on this laptop before. Sign in online first.' };
  }
  const allowed = canAttempt(user.lockout, now);
  if (!allowed.ok) return { ok: false, code: 'LOCKED', messageAr: allowed.messageAr, messageEn: allowed.messageEn };
  const result = await unlockKeyring(user.keyring, password);
  if (!result.ok) {
    if (result.error === 'wrong_password') writeUser(storage, { ...user, lockout: recordFailure(user.lockout, now) });
    return { ok: false, code: result.error, messageAr: result.messageAr, messageEn: result.messageEn };
  }
  let next: LocalUser = { ...user, lockout: recordSuccess() };
  if (result.needsUpgrade) {
    const upgraded = await upgradeKeyring(user.keyring, password);
    if (upgraded.ok) next = { ...next, keyring: upgraded.record };
  }
  writeUser(storage, next);
  return { ok: true, session: await finish(next, result.dek, null, env.deviceId ?? currentDeviceId(storage)) };
}

/** Re-wrap the user's data key under a new password (no record is re-encrypted). */
export async function changeLocalPassword(userId: string, oldPassword: string, newPassword: string, storage: Storage = localStorage): Promise<{ ok: true } | ({ ok: false } & Problem)> {
  const user = readUsers(storage)[userId];
  if (!user) return { ok: false, code: 'UNKNOWN_USER', messageAr: 'المستخدم غير معروف على هذا الجهاز.', messageEn: 'Unknown user on this laptop.' };
  const result = await changePassword(user.keyring, oldPassword, newPassword);
  if (!result.ok) return { ok: false, code: result.error, messageAr: result.messageAr, messageEn: result.messageEn };
  writeUser(storage, { ...user, keyring: result.record });
  return { ok: true };
}

/** Update the cached role/branches after HQ answered (a role change takes effect offline too). */
export function rememberProfile(userId: string, profile: Pick<LocalUser, 'role' | 'branchIds' | 'displayName'>, storage: Storage = localStorage): void {
  const user = readUsers(storage)[userId];
  if (user) writeUser(storage, { ...user, ...profile });
}

/** Keep the refresh token for the next offline unlock (sealed: useless without the password). */
export async function saveRefreshToken(userId: string, dek: DataKey, refreshToken: string, storage: Storage = localStorage): Promise<void> {
  const user = readUsers(storage)[userId];
  if (!user) return;
  const sealed = await sealBytes(dek, utf8Encode(refreshToken), `sila.refresh:${userId}`);
  writeUser(storage, { ...readUsers(storage)[userId]!, sealedRefreshToken: toBase64(sealed) });
}

/** The refresh token kept at the last sign-in/refresh, or null. */
export async function openRefreshToken(user: LocalUser, dek: DataKey): Promise<string | null> {
  if (!user.sealedRefreshToken) return null;
  const bytes = fromBase64(user.sealedRefreshToken);
  if (!bytes) return null;
  const opened = await openSealedBytes(dek, bytes, `sila.refresh:${user.userId}`);
  return opened ? utf8Decode(opened) : null;
}

// ---- the association's lookup key ----

const lookupKeyAad = (userId: string) => `sila.lookup-key:${userId}`;

/**
 * Keep the association's lookup key from HQ for this user, sealed under the DEK (like the
 * refresh token: useless without the password). Returns the imported key.
 */
export async function storeLookupKey(userId: string, dek: DataKey, lookupKey: HqLookupKey, storage: Storage = localStorage): Promise<{ key: CryptoKey; kid: string } | null> {
  const raw = fromBase64(lookupKey.key);
  const user = readUsers(storage)[userId];
  if (!raw || raw.length !== 32 || !user) return null;
  const sealed = await sealBytes(dek, raw, lookupKeyAad(userId));
  writeUser(storage, { ...user, sealedLookupKey: toBase64(sealed), lookupKeyId: lookupKey.kid });
  return { key: await importLookupKey(raw), kid: lookupKey.kid };
}

/** The association's lookup key kept for this user, or null (none yet, or it does not open). */
export async function openLookupKey(user: LocalUser, dek: DataKey): Promise<{ key: CryptoKey; kid: string } | null> {
  if (!user.sealedLookupKey || !user.lookupKeyId) return null;
  const bytes = fromBase64(user.sealedLookupKey);
  const raw = bytes ? await openSealedBytes(dek, bytes, lookupKeyAad(user.userId)) : null;
  if (!raw || raw.length !== 32) return null;
  return { key: await importLookupKey(raw), kid: user.lookupKeyId };
}

/** Which key the lookup hashes of this user's local database were made with (undefined: not recorded yet). */
export function lookupHashesKeyIdOf(userId: string, storage: Storage = localStorage): string | undefined {
  return readUsers(storage)[userId]?.lookupHashesKeyId;
}

export function rememberLookupHashesKeyId(userId: string, kid: string, storage: Storage = localStorage): void {
  const user = readUsers(storage)[userId];
  if (user) writeUser(storage, { ...user, lookupHashesKeyId: kid });
}

// ---- password change (online) ----

/** HQ's rule for account passwords (hq/passwords.ts MIN_PASSWORD_LENGTH; HQ has the last word). */
export const ACCOUNT_PASSWORD_MIN_LENGTH = 10;

const CHANGE_OFFLINE: Problem = {
  code: 'NETWORK',
  messageAr:
    'تغيير كلمة المرور يحتاج اتصالًا بالمركز الرئيس، والمركز غير متاح الآن. اتصل بالشبكة ثم أعد المحاولة. لم يتغيّر شيء: كلمة مرورك الحالية ما زالت تعمل، وبياناتك كلها محفوظة على الجهاز.',
  messageEn: 'Changing the password needs a connection to HQ, and HQ cannot be reached now. Connect, then try again. Nothing changed: your current password still works and all your data is kept on this laptop.',
};

const CHANGE_NO_SESSION: Problem = {
  code: 'NO_HQ_SESSION',
  messageAr:
    'هذا الجهاز لم يتصل بالمركز الرئيس منذ فتحه. اتصل بالشبكة وانتظر حتى تظهر حالة المزامنة «متزامن»، ثم أعد المحاولة. لم يتغيّر شيء.',
  messageEn: 'This laptop has not reached HQ since it was unlocked. Connect, wait until the sync state shows it is in sync, then try again. Nothing changed.',
};

/** The current password opens this laptop but HQ refuses it: it was changed elsewhere. */
const HQ_PASSWORD_DIFFERS: Problem = {
  code: 'INVALID_CREDENTIALS',
  messageAr:
    'هذه كلمة المرور التي تفتح هذا الجهاز، لكن المركز الرئيس لا يقبلها: ربما غُيّرت من جهاز آخر. إن كنت غيّرتها هناك فاكتب تلك الكلمة في «كلمة المرور الجديدة»، وإلا فاطلب من مدير النظام إعادة تعيينها. لم يتغيّر شيء.',
  messageEn:
    'This password opens this laptop, but HQ does not accept it: it may have been changed on another laptop. If you changed it there, type that password as the new password; otherwise ask the administrator to reset it. Nothing changed.',
};

export type ChangePasswordResult = { ok: true; answer: SignInAnswer } | ({ ok: false; field?: 'currentPassword' | 'newPassword' | 'confirmation' } & Problem);

/**
 * Change the signed-in user's password: HQ first (POST /auth/change-password with the access
 * token), then this laptop's key is re-wrapped under the new password (`changePassword`, no
 * record re-encrypted). The local re-wrap is prepared before HQ is asked — so a wrong current
 * password is caught here — and written only after HQ accepted: if HQ refuses or cannot be
 * reached, nothing changes on the laptop or at HQ. HQ revokes the user's other sessions (other
 * laptops sign in again online) and answers with fresh tokens for this one.
 *
 * Without a usable access token (unlocked offline, HQ back since) the current password signs in
 * first. If HQ already holds the new password (changed from another laptop), signing in with it
 * proves that, and only this laptop's key is re-wrapped.
 */
export async function changePasswordOnline(
  input: { userId: string; hqUrl: string; accessToken: string | null; currentPassword: string; newPassword: string; confirmation: string },
  env: AccountEnv = {},
): Promise<ChangePasswordResult> {
  const storage = env.storage ?? localStorage;
  const user = readUsers(storage)[input.userId];
  if (!user) return { ok: false, code: 'UNKNOWN_USER', messageAr: 'المستخدم غير معروف على هذا الجهاز. سجّل الدخول من جديد.', messageEn: 'Unknown user on this laptop. Sign in again.' };
  if (!input.currentPassword) return { ok: false, field: 'currentPassword', code: 'MISSING', messageAr: 'اكتب كلمة المرور الحالية.', messageEn: 'Type the current password.' };
  if ([...input.newPassword.normalize('NFC')].length < ACCOUNT_PASSWORD_MIN_LENGTH) {
    return {
      ok: false,
      field: 'newPassword',
      code: 'WEAK_PASSWORD',
      messageAr: `كلمة المرور الجديدة قصيرة: ${ACCOUNT_PASSWORD_MIN_LENGTH} أحرف على الأقل. يمكنك استعمال جملة قصيرة تتذكرها.`,
      messageEn: `The new password is too short: at least ${ACCOUNT_PASSWORD_MIN_LENGTH} characters. A short sentence you remember works well.`,
    };
  }
  if (input.newPassword !== input.confirmation) {
    return { ok: false, field: 'confirmation', code: 'CONFIRMATION_DIFFERS', messageAr: 'تأكيد كلمة المرور لا يطابق كلمة المرور الجديدة. اكتبها مرة أخرى.', messageEn: 'The confirmation does not match the new password. Type it again.' };
  }
  if (input.newPassword.normalize('NFC') === input.currentPassword.normalize('NFC')) {
    return { ok: false, field: 'newPassword', code: 'SAME_PASSWORD', messageAr: 'كلمة المرور الجديدة مطابقة للحالية. اختر كلمة مرور مختلفة.', messageEn: 'The new password is the same as the current one. Choose a different one.' };
  }
  // Prepared, not yet written: proves the current password opens this laptop's key.
  const rewrapped = await changePassword(user.keyring, input.currentPassword, input.newPassword);
  if (!rewrapped.ok) {
    if (rewrapped.error === 'wrong_password') {
      return { ok: false, field: 'currentPassword', code: 'wrong_password', messageAr: 'كلمة المرور الحالية غير صحيحة. اكتب كلمة المرور التي فتحت بها التطبيق الآن.', messageEn: 'The current password is wrong. Type the password you unlocked the app with.' };
    }
    return { ok: false, field: rewrapped.error === 'weak_password' ? 'newPassword' : undefined, code: rewrapped.error, messageAr: rewrapped.messageAr, messageEn: rewrapped.messageEn };
  }
  const commit = (answer: SignInAnswer): ChangePasswordResult => {
    // HQ holds the new password now: this laptop follows (same DEK, new wrapping).
    writeUser(storage, { ...readUsers(storage)[input.userId]!, keyring: rewrapped.record, lockout: recordSuccess() });
    return { ok: true, answer };
  };
  const hqUrl = input.hqUrl.replace(/\/+$/, '');

  let token = input.accessToken;
  for (let attempt = 0; attempt < 2; attempt++) {
    if (!token) {
      const signedIn = await requestSignIn(hqUrl, user.username, input.currentPassword, { ...env, storage });
      if (signedIn.ok) {
        if (signedIn.answer.user.id !== input.userId) return { ok: false, ...BAD_ANSWER };
        token = signedIn.answer.accessToken;
      } else if (signedIn.code === 'NETWORK') {
        return { ok: false, ...CHANGE_OFFLINE };
      } else if (signedIn.code === 'INVALID_CREDENTIALS') {
        const already = await requestSignIn(hqUrl, user.username, input.newPassword, { ...env, storage });
        if (already.ok && already.answer.user.id === input.userId) return commit(already.answer);
        if (!already.ok && already.code === 'NETWORK') return { ok: false, ...CHANGE_OFFLINE };
        return { ok: false, field: 'currentPassword', ...HQ_PASSWORD_DIFFERS };
      } else {
        return signedIn;
      }
    }
    let res: Response;
    try {
      res = await (env.fetch ?? fetch)(`${hqUrl}/auth/change-password`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', authorization: `Bearer ${token}` },
        body: JSON.stringify({ currentPassword: input.currentPassword, newPassword: input.newPassword }),
      });
    } catch {
      return { ok: false, ...CHANGE_OFFLINE };
    }
    if (res.ok) {
      const body: unknown = await res.json().catch(() => null);
      if (!isSignInAnswer(body) || body.user.id !== input.userId) return { ok: false, ...BAD_ANSWER };
      return commit(body);
    }
    const problem = await problemOf(res);
    if ((problem.code === 'UNAUTHENTICATED' || problem.code === 'TOKEN_EXPIRED') && attempt === 0) {
      token = null; // the session lapsed: sign in with the current password, then retry once
      continue;
    }
    if (problem.code === 'INVALID_CREDENTIALS') return { ok: false, field: 'currentPassword', ...HQ_PASSWORD_DIFFERS };
    return { ok: false, field: problem.code === 'MALFORMED_REQUEST' ? 'newPassword' : undefined, ...problem };
  }
  return { ok: false, ...CHANGE_NO_SESSION };
}

export { tokensOf as hqTokensOf };
export type { SignInAnswer };
