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
  /** HMAC key for idHash/phoneHash (derived from this user's DEK on this laptop). */
  lookupKey: CryptoKey;
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
}

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
  return { user, dek, encryptionPassword: await deriveRxdbEncryptionPassword(dek), lookupKey: await deriveLookupKey(dek), tokens, deviceId };
}

// ---- messages ----

const NETWORK: Problem = {
  code: 'NETWORK',
  messageAr: 'تعذّر الاتصال بالخادم المركزي. أول دخول على هذا الجهاز يحتاج اتصالًا بالمركز الرئيس: تحقّق من الشبكة ومن عنوان الخادم ثم أعد المحاولة.',
  messageEn: 'HQ could not be reached. The first sign-in on this laptop needs a connection to HQ: check the network and the HQ address, then try again.',
};

const BAD_ANSWER: Problem = {
  code: 'BAD_RESPONSE',
  messageAr: 'ردّ الخادم المركزي بصيغة غير متوقعة. تحقّق من عنوان الخادم، وإن تكرر الخطأ فتواصل مع مدير النظام.',
  messageEn: 'HQ answered in an unexpected format. Check the HQ address; if it keeps happening, contact the HQ administrator.',
};

const PASSWORD_CHANGED: Problem = {
  code: 'LOCAL_PASSWORD_DIFFERS',
  messageAr:
    'قبل المركز كلمة المرور هذه، لكن بيانات هذا الجهاز محمية بكلمة مرورك السابقة. افتح الجهاز بكلمة المرور السابقة ثم غيّرها من الإعدادات.',
  messageEn: "HQ accepted this password, but this laptop's data is protected by your previous one. Unlock with the previous password, then change it in the settings.",
};

function emptyFields(): Problem {
  return { code: 'MISSING', messageAr: 'اكتب اسم المستخدم وكلمة المرور.', messageEn: 'Enter the user name and the password.' };
}

// ---- HQ calls ----

interface SignInAnswer extends HqTokens {
  user: { id: string; username: string; displayName: string; role: Role; branchIds: string[]; active: boolean };
  deviceId: string | null;
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
    Array.isArray(a.user.branchIds)
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
  let res: Response;
  try {
    res = await doFetch(`${hqUrl.replace(/\/+$/, '')}/auth/sign-in`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ username, password, device }),
    });
  } catch {
    return { ok: false, ...NETWORK };
  }
  if (!res.ok) return { ok: false, ...(await problemOf(res)) };
  let body: unknown;
  try {
    body = await res.json();
  } catch {
    return { ok: false, ...BAD_ANSWER };
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
 */
export async function signInOnline(input: { hqUrl: string; username: string; password: string }, env: AccountEnv = {}): Promise<SessionResult> {
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
    const unlocked = await unlockKeyring(existing.keyring, input.password);
    if (!unlocked.ok) return { ok: false, ...PASSWORD_CHANGED };
    const user: LocalUser = { ...existing, ...profile, lockout: recordSuccess() };
    writeUser(storage, user);
    return { ok: true, session: await finish(user, unlocked.dek, tokensOf(a), deviceId) };
  }
  const created = await createKeyring(input.password);
  const user: LocalUser = { ...profile, keyring: created.wrapped, lockout: INITIAL_LOCKOUT_STATE };
  writeUser(storage, user);
  return { ok: true, session: await finish(user, created.dek, tokensOf(a), deviceId) };
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

export { tokensOf as hqTokensOf };
export type { SignInAnswer };
