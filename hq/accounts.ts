/**
 * Accounts (users and their branches), registered devices (laptops), sign-in, access and
 * refresh tokens, sign-in throttling.
 *
 * Tokens:
 *   - access token: `sila1.<kid>.<payload>.<mac>`, payload `{ sub, dev, iat, exp }` (base64url
 *     JSON), HMAC-SHA-256 with a signing key; valid ACCESS_TOKEN_TTL_S (15 min). The user's role,
 *     branches and the device's revocation are read from the database on EVERY request, so a
 *     role change, a deactivated user or a revoked device takes effect at once.
 *   - refresh token: 32 random bytes, given to the client once and stored only as SHA-256;
 *     valid REFRESH_TOKEN_TTL_S (30 days), rotated at every use. Re-using an already rotated
 *     refresh token revokes its whole family (a stolen copy is cut off too).
 * Signing keys: SILA_TOKEN_SIGNING_KEYS (env, `kid:base64secret,...`, first signs) when set;
 * otherwise `hq_signing_keys` in the database (created on first start, shared by every HQ
 * instance, rotated with `hq:admin -- rotate-signing-key`; a retired key still verifies for
 * one access-token lifetime).
 */
import { createHash, createHmac, createPublicKey, randomBytes, randomUUID, timingSafeEqual } from 'node:crypto';
import { z } from 'zod';
import { hqConfig, roles, validateDocument, type Role } from '../shared/schema';
import type { Database, Queryable } from './db';
import { HqError, errors } from './errors';
import { hashPassword, passwordProblem, verifyPassword, type PasswordHashParams } from './passwords';
import { pushChanges } from './store';

export const ACCESS_TOKEN_TTL_S = 15 * 60;
export const REFRESH_TOKEN_TTL_S = 30 * 24 * 3600;

export const THROTTLE = { freeFailures: 5, firstLockMs: 30_000, maxLockMs: 15 * 60_000 } as const;

const ID_PATTERN = /^[A-Za-z0-9_-]{1,64}$/;

export interface UserRecord {
  id: string;
  username: string;
  displayName: string;
  role: Role;
  branchIds: string[];
  active: boolean;
}

export interface DeviceRecord {
  id: string;
  label: string;
  publicKey: unknown;
  registeredBy: string;
  registeredAt: string;
  lastSeenAt: string | null;
  revokedAt: string | null;
}

export interface TokenPair {
  accessToken: string;
  accessTokenExpiresAt: string;
  refreshToken: string;
  refreshTokenExpiresAt: string;
  user: UserRecord;
  deviceId: string | null;
  /**
   * The association-wide lookup key (sign-in and password change of a registered device only):
   * the laptop keeps it sealed under its data key and hashes ID numbers and phones with it.
   */
  lookupKey?: LookupKey;
}

/** The association's lookup-hash key: `kid` names it (laptops re-hash when it changes), `key` is 32 bytes, base64. */
export interface LookupKey {
  kid: string;
  key: string;
}

// ---------- helpers ----------

function b64url(buf: Buffer | string): string {
  return Buffer.from(buf).toString('base64url');
}

function sha256Hex(s: string): string {
  return createHash('sha256').update(s).digest('hex');
}

function bad(message: string, messageAr: string, details?: unknown): HqError {
  return new HqError(400, 'MALFORMED_REQUEST', message, messageAr, details);
}

function requireId(v: unknown, what: string, whatAr: string): string {
  if (typeof v !== 'string' || !ID_PATTERN.test(v)) {
    throw bad(`${what} must be 1-64 characters of A-Z, a-z, 0-9, '-' or '_'.`, `«${whatAr}» مطلوب: أحرف لاتينية وأرقام و - و _ فقط (حتى ٦٤ حرفًا).`, { field: what });
  }
  return v;
}

function requireText(v: unknown, what: string, whatAr: string, max: number): string {
  if (typeof v !== 'string' || v.trim().length === 0 || v.length > max) {
    throw bad(`${what} must be text of 1-${max} characters.`, `«${whatAr}» مطلوب (حتى ${max} حرفًا).`, { field: what });
  }
  return v.trim();
}

function isRole(v: unknown): v is Role {
  return typeof v === 'string' && (roles as readonly string[]).includes(v);
}

function toIso(v: unknown): string | null {
  if (v === null || v === undefined) return null;
  return v instanceof Date ? v.toISOString() : new Date(String(v)).toISOString();
}

function parseJson<T>(v: unknown): T {
  return (typeof v === 'string' ? JSON.parse(v) : v) as T;
}

interface UserRow {
  id: string;
  username: string;
  display_name: string;
  role: string;
  branch_ids: unknown;
  active: boolean;
  password_hash?: string;
}

function toUser(r: UserRow): UserRecord {
  return {
    id: r.id,
    username: r.username,
    displayName: r.display_name,
    role: r.role as Role,
    branchIds: parseJson<string[]>(r.branch_ids),
    active: r.active,
  };
}

/** An ECDSA P-256 public key as a JWK (what Web Crypto exports on the laptop). */
export function checkDevicePublicKey(v: unknown): { kty: 'EC'; crv: 'P-256'; x: string; y: string } {
  const k = v as Record<string, unknown> | null;
  const b64 = /^[A-Za-z0-9_-]{43}$/; // 32 bytes, base64url without padding
  if (!k || typeof k !== 'object' || k.kty !== 'EC' || k.crv !== 'P-256' || typeof k.x !== 'string' || typeof k.y !== 'string' || !b64.test(k.x) || !b64.test(k.y)) {
    throw bad(
      'device.publicKey must be an ECDSA P-256 public JWK { kty: "EC", crv: "P-256", x, y }.',
      'المفتاح العام للجهاز غير صالح. حدّث التطبيق ثم أعد تسجيل الدخول.',
      { field: 'device.publicKey' },
    );
  }
  const key = { kty: 'EC' as const, crv: 'P-256' as const, x: k.x, y: k.y };
  try {
    createPublicKey({ key, format: 'jwk' }); // the point must lie on the curve
  } catch {
    throw bad('device.publicKey is not a point on the P-256 curve.', 'المفتاح العام للجهاز غير صالح. حدّث التطبيق ثم أعد تسجيل الدخول.', {
      field: 'device.publicKey',
    });
  }
  return key;
}

// ---------- signing keys and access tokens ----------

interface SigningKey {
  kid: string;
  secret: Buffer;
  retiredAt: number | null;
}

export interface AccessClaims {
  sub: string;
  dev: string | null;
  iat: number;
  exp: number;
}

export class TokenSigner {
  private keys: SigningKey[] = [];
  private loadedAt = 0;

  constructor(
    private readonly db: Queryable,
    private readonly envKeys: string | undefined,
    private readonly now: () => number = Date.now,
  ) {}

  /** Load keys (creating the first one in the database when there is none). */
  async load(): Promise<void> {
    if (this.envKeys) {
      this.keys = this.envKeys.split(',').map((entry, i) => {
        const [kid, secret] = entry.trim().split(':');
        const buf = Buffer.from(secret ?? '', 'base64');
        if (!kid || !ID_PATTERN.test(kid) || buf.length < 32) {
          throw new Error('SILA_TOKEN_SIGNING_KEYS must be kid:base64secret[,kid:base64secret…] with secrets of at least 32 bytes.');
        }
        return { kid, secret: buf, retiredAt: i === 0 ? null : 0 };
      });
      this.loadedAt = this.now();
      return;
    }
    let rows = await this.readRows();
    if (!rows.some((r) => r.retired_at === null)) {
      await this.db.query('INSERT INTO hq_signing_keys (kid, secret) VALUES ($1, $2) ON CONFLICT DO NOTHING', [
        `k${Date.now().toString(36)}${randomBytes(3).toString('hex')}`,
        randomBytes(32).toString('base64'),
      ]);
      rows = await this.readRows();
    }
    this.keys = rows.map((r) => ({ kid: r.kid, secret: Buffer.from(r.secret, 'base64'), retiredAt: r.retired_at === null ? null : new Date(r.retired_at).getTime() }));
    this.loadedAt = this.now();
  }

  private async readRows() {
    const { rows } = await this.db.query<{ kid: string; secret: string; retired_at: string | Date | null }>(
      'SELECT kid, secret, retired_at FROM hq_signing_keys ORDER BY created_at DESC, kid DESC',
    );
    return rows;
  }

  private async fresh(): Promise<void> {
    if (this.now() - this.loadedAt > 60_000) await this.load();
  }

  async sign(userId: string, deviceId: string | null): Promise<{ token: string; expiresAt: number }> {
    await this.fresh();
    const key = this.keys.find((k) => k.retiredAt === null);
    if (!key) throw new Error('no active signing key');
    const iat = Math.floor(this.now() / 1000);
    const claims: AccessClaims = { sub: userId, dev: deviceId, iat, exp: iat + ACCESS_TOKEN_TTL_S };
    const head = `sila1.${key.kid}.${b64url(JSON.stringify(claims))}`;
    const mac = createHmac('sha256', key.secret).update(head).digest();
    return { token: `${head}.${b64url(mac)}`, expiresAt: claims.exp * 1000 };
  }

  /** The claims of a genuine, unexpired token; throws 401 otherwise. */
  async verify(token: string): Promise<AccessClaims> {
    const parts = token.split('.');
    if (parts.length !== 4 || parts[0] !== 'sila1' || token.length > 2048) throw errors.unauthenticated('malformed token');
    const [, kid, payload, mac] = parts as [string, string, string, string];
    await this.fresh();
    let key = this.keys.find((k) => k.kid === kid);
    if (!key && !this.envKeys) {
      await this.load(); // a key created by another instance since our last load
      key = this.keys.find((k) => k.kid === kid);
    }
    if (!key) throw errors.unauthenticated('unknown signing key');
    if (key.retiredAt !== null && this.now() - key.retiredAt > ACCESS_TOKEN_TTL_S * 1000) throw errors.unauthenticated('retired signing key');
    const expected = createHmac('sha256', key.secret).update(`sila1.${kid}.${payload}`).digest();
    const given = Buffer.from(mac, 'base64url');
    if (given.length !== expected.length || !timingSafeEqual(given, expected)) throw errors.unauthenticated('bad signature');
    let claims: AccessClaims;
    try {
      claims = JSON.parse(Buffer.from(payload, 'base64url').toString('utf8')) as AccessClaims;
    } catch {
      throw errors.unauthenticated('bad payload');
    }
    if (typeof claims.sub !== 'string' || typeof claims.exp !== 'number') throw errors.unauthenticated('bad payload');
    if (claims.exp * 1000 <= this.now()) throw errors.tokenExpired();
    return claims;
  }
}

/** Add a new signing key and retire the others (they keep verifying for one token lifetime). */
export async function rotateSigningKey(db: Database): Promise<string> {
  const kid = `k${Date.now().toString(36)}${randomBytes(3).toString('hex')}`;
  await db.transaction(async (tx) => {
    await tx.query('UPDATE hq_signing_keys SET retired_at = now() WHERE retired_at IS NULL');
    await tx.query('INSERT INTO hq_signing_keys (kid, secret) VALUES ($1, $2)', [kid, randomBytes(32).toString('base64')]);
  });
  return kid;
}

// ---------- the association-wide lookup key ----------

/**
 * The association's current lookup-hash key, created on first start. One key for every
 * branch and laptop, so the keyed hashes of the same ID number or phone are equal everywhere
 * (duplicate detection across branches once records sync). Concurrent starts of several HQ
 * instances agree: at most one current key (unique partial index), the loser re-reads.
 */
export async function ensureLookupKey(db: Queryable): Promise<LookupKey> {
  const existing = await currentLookupKey(db);
  if (existing) return existing;
  await db.query('INSERT INTO hq_lookup_keys (kid, secret) VALUES ($1, $2) ON CONFLICT DO NOTHING', [
    `lk${Date.now().toString(36)}${randomBytes(4).toString('hex')}`,
    randomBytes(32).toString('base64'),
  ]);
  const created = await currentLookupKey(db);
  if (!created) throw new Error('the lookup key could not be created');
  return created;
}

export async function currentLookupKey(db: Queryable): Promise<LookupKey | null> {
  const { rows } = await db.query<{ kid: string; secret: string }>(
    'SELECT kid, secret FROM hq_lookup_keys WHERE retired_at IS NULL ORDER BY created_at DESC LIMIT 1',
  );
  const r = rows[0];
  return r ? { kid: r.kid, key: r.secret } : null;
}

// ---------- branches and users (admin operations) ----------

export async function createBranch(db: Queryable, input: unknown): Promise<{ id: string; name: string; nameEn: string; city: string }> {
  const b = (input ?? {}) as Record<string, unknown>;
  const id = requireId(b.id, 'id', 'رمز الفرع');
  const name = requireText(b.name, 'name', 'اسم الفرع', 200);
  const nameEn = b.nameEn === undefined || b.nameEn === '' ? '' : requireText(b.nameEn, 'nameEn', 'اسم الفرع بالإنجليزية', 200);
  const city = b.city === undefined ? '' : requireText(b.city, 'city', 'المدينة', 80);
  const { rows } = await db.query<{ id: string }>(
    'INSERT INTO hq_branches (id, name, name_en, city) VALUES ($1, $2, $3, $4) ON CONFLICT (id) DO NOTHING RETURNING id',
    [id, name, nameEn, city],
  );
  if (rows.length === 0) throw errors.alreadyExists('Branch', id);
  return { id, name, nameEn, city };
}

export async function listBranches(db: Queryable) {
  const { rows } = await db.query<{ id: string; name: string; nameEn: string; city: string; active: boolean }>(
    'SELECT id, name, name_en AS "nameEn", city, active FROM hq_branches ORDER BY id',
  );
  return rows;
}

export interface CreateUserInput {
  id?: string;
  username: string;
  displayName: string;
  role: Role;
  branchIds: string[];
  password: string;
}

export async function createUser(db: Queryable, input: unknown, hashParams?: PasswordHashParams): Promise<UserRecord> {
  const u = (input ?? {}) as Record<string, unknown>;
  const username = requireText(u.username, 'username', 'اسم المستخدم', 64).toLowerCase();
  if (!/^[a-z0-9._@-]{3,64}$/.test(username)) {
    throw bad('username must be 3-64 characters of a-z, 0-9, ".", "_", "@" or "-".', '«اسم المستخدم» من ٣ إلى ٦٤ حرفًا لاتينيًا أو رقمًا.', { field: 'username' });
  }
  const id = u.id === undefined ? `u_${randomUUID().replace(/-/g, '').slice(0, 20)}` : requireId(u.id, 'id', 'معرّف المستخدم');
  const displayName = requireText(u.displayName, 'displayName', 'اسم المستخدم الظاهر', 200);
  if (!isRole(u.role)) throw bad(`role must be one of ${roles.join(', ')}.`, '«الصفة» غير صحيحة. اختر من القائمة.', { field: 'role' });
  const role = u.role;
  if (!Array.isArray(u.branchIds) || u.branchIds.length > 50) {
    throw bad('branchIds must be an array of branch ids.', '«الفروع» مطلوبة.', { field: 'branchIds' });
  }
  const branchIds = [...new Set(u.branchIds.map((b) => requireId(b, 'branchIds', 'الفرع')))];
  if (role !== 'hq_admin' && branchIds.length === 0) {
    throw bad('A branch user needs at least one branch.', 'اختر فرعًا واحدًا على الأقل لهذا المستخدم.', { field: 'branchIds' });
  }
  const problem = passwordProblem(u.password);
  if (problem) throw bad('The password is too weak.', problem, { field: 'password' });
  if (branchIds.length > 0) {
    const { rows } = await db.query<{ id: string }>('SELECT id FROM hq_branches WHERE id = ANY($1::text[])', [branchIds]);
    const missing = branchIds.filter((b) => !rows.some((r) => r.id === b));
    if (missing.length > 0) {
      throw bad(`Unknown branches: ${missing.join(', ')}.`, `الفرع غير موجود: ${missing.join('، ')}. أنشئ الفرع أولًا.`, { field: 'branchIds', missing });
    }
  }
  const hash = await hashPassword(String(u.password), hashParams);
  const { rows } = await db.query<UserRow>(
    `INSERT INTO hq_users (id, username, display_name, role, branch_ids, password_hash)
     VALUES ($1, $2, $3, $4, $5::jsonb, $6) ON CONFLICT DO NOTHING
     RETURNING id, username, display_name, role, branch_ids, active`,
    [id, username, displayName, role, JSON.stringify(branchIds), hash],
  );
  const row = rows[0];
  if (!row) throw errors.alreadyExists('User', username);
  return toUser(row);
}

/** Every account, or those named by id. */
export async function listUsers(db: Queryable, only?: readonly string[]): Promise<UserRecord[]> {
  const { rows } = await db.query<UserRow>(
    only
      ? 'SELECT id, username, display_name, role, branch_ids, active FROM hq_users WHERE id = ANY($1::text[]) ORDER BY username'
      : 'SELECT id, username, display_name, role, branch_ids, active FROM hq_users ORDER BY username',
    only ? [[...only]] : [],
  );
  return rows.map(toUser);
}

export async function countAdmins(db: Queryable): Promise<number> {
  const { rows } = await db.query<{ n: number }>("SELECT count(*)::int AS n FROM hq_users WHERE role = 'hq_admin' AND active");
  return Number(rows[0]?.n ?? 0);
}

export async function setUserActive(db: Queryable, userId: string, active: boolean): Promise<void> {
  const { rows } = await db.query<{ id: string }>('UPDATE hq_users SET active = $2, updated_at = now() WHERE id = $1 RETURNING id', [userId, active]);
  if (rows.length === 0) throw new HqError(404, 'NOT_FOUND', `No user ${userId}.`, 'المستخدم غير موجود.');
  if (!active) await db.query('UPDATE hq_refresh_tokens SET revoked_at = now() WHERE user_id = $1 AND revoked_at IS NULL', [userId]);
}

// ---------- devices ----------

interface DeviceRow {
  id: string;
  label: string;
  public_key: unknown;
  registered_by: string;
  registered_at: unknown;
  last_seen_at: unknown;
  revoked_at: unknown;
}

function toDevice(r: DeviceRow): DeviceRecord {
  return {
    id: r.id,
    label: r.label,
    publicKey: parseJson(r.public_key),
    registeredBy: r.registered_by,
    registeredAt: toIso(r.registered_at) ?? '',
    lastSeenAt: toIso(r.last_seen_at),
    revokedAt: toIso(r.revoked_at),
  };
}

export async function listDevices(db: Queryable): Promise<DeviceRecord[]> {
  const { rows } = await db.query<DeviceRow>('SELECT * FROM hq_devices ORDER BY registered_at');
  return rows.map(toDevice);
}

export async function getDevice(db: Queryable, id: string): Promise<DeviceRecord | null> {
  const { rows } = await db.query<DeviceRow>('SELECT * FROM hq_devices WHERE id = $1', [id]);
  return rows[0] ? toDevice(rows[0]) : null;
}

/** Revoke a device: refused from now on (on every HQ instance) and told to wipe at its next contact. */
export async function revokeDevice(db: Database, deviceId: string, by: string): Promise<DeviceRecord> {
  return db.transaction(async (tx) => {
    const { rows } = await tx.query<DeviceRow>(
      'UPDATE hq_devices SET revoked_at = COALESCE(revoked_at, now()), revoked_by = COALESCE(revoked_by, $2) WHERE id = $1 RETURNING *',
      [deviceId, by],
    );
    const row = rows[0];
    if (!row) throw new HqError(404, 'NOT_FOUND', `No device ${deviceId}.`, 'الجهاز غير موجود. تحقّق من رقم الجهاز في قائمة الأجهزة.');
    await tx.query('UPDATE hq_refresh_tokens SET revoked_at = now() WHERE device_id = $1 AND revoked_at IS NULL', [deviceId]);
    return toDevice(row);
  });
}

/** Register the device at sign-in, or check it against its registration. */
async function ensureDevice(db: Queryable, userId: string, device: unknown): Promise<string | null> {
  if (device === undefined || device === null) return null;
  const d = device as Record<string, unknown>;
  const id = requireId(d.id, 'device.id', 'رقم الجهاز');
  const label = d.label === undefined ? id : requireText(d.label, 'device.label', 'اسم الجهاز', 100);
  const key = checkDevicePublicKey(d.publicKey);
  await db.query('INSERT INTO hq_devices (id, label, public_key, registered_by) VALUES ($1, $2, $3::jsonb, $4) ON CONFLICT (id) DO NOTHING', [
    id,
    label,
    JSON.stringify(key),
    userId,
  ]);
  const existing = await getDevice(db, id);
  if (!existing) throw errors.internal();
  if (existing.revokedAt) throw errors.deviceRevoked(id);
  const stored = existing.publicKey as Record<string, unknown>;
  if (stored.x !== key.x || stored.y !== key.y) throw errors.deviceKeyMismatch(id);
  return id;
}

// ---------- sign-in throttling ----------

export function lockDelayMs(failures: number, freeFailures: number = THROTTLE.freeFailures): number {
  const over = failures - freeFailures;
  if (over < 0) return 0;
  return Math.min(THROTTLE.firstLockMs * 2 ** Math.min(over, 20), THROTTLE.maxLockMs);
}

async function throttleCheck(db: Queryable, key: string, now: number) {
  const { rows } = await db.query<{ locked_until: unknown }>('SELECT locked_until FROM hq_signin_throttle WHERE key = $1', [key]);
  const until = rows[0]?.locked_until ? new Date(String(rows[0].locked_until instanceof Date ? rows[0].locked_until.toISOString() : rows[0].locked_until)).getTime() : 0;
  if (until > now) throw errors.rateLimited(Math.ceil((until - now) / 1000));
}

async function throttleFailure(db: Queryable, key: string, now: number, freeFailures: number = THROTTLE.freeFailures): Promise<number> {
  const { rows } = await db.query<{ failures: number }>(
    `INSERT INTO hq_signin_throttle (key, failures, updated_at) VALUES ($1, 1, now())
     ON CONFLICT (key) DO UPDATE SET failures = hq_signin_throttle.failures + 1, updated_at = now()
     RETURNING failures`,
    [key],
  );
  const failures = Number(rows[0]?.failures ?? 1);
  const delay = lockDelayMs(failures, freeFailures);
  if (delay > 0) await db.query('UPDATE hq_signin_throttle SET locked_until = $2 WHERE key = $1', [key, new Date(now + delay).toISOString()]);
  return failures;
}

// ---------- sign-in, refresh, sign-out ----------

export interface AuthContext {
  db: Database;
  signer: TokenSigner;
  now?: () => number;
}

async function issueTokens(ctx: AuthContext, tx: Queryable, user: UserRecord, deviceId: string | null, family: string): Promise<TokenPair> {
  const now = (ctx.now ?? Date.now)();
  const access = await ctx.signer.sign(user.id, deviceId);
  const refresh = b64url(randomBytes(32));
  const refreshExpires = now + REFRESH_TOKEN_TTL_S * 1000;
  await tx.query('INSERT INTO hq_refresh_tokens (token_hash, user_id, device_id, family, expires_at) VALUES ($1, $2, $3, $4, $5)', [
    sha256Hex(refresh),
    user.id,
    deviceId,
    family,
    new Date(refreshExpires).toISOString(),
  ]);
  return {
    accessToken: access.token,
    accessTokenExpiresAt: new Date(access.expiresAt).toISOString(),
    refreshToken: refresh,
    refreshTokenExpiresAt: new Date(refreshExpires).toISOString(),
    user,
    deviceId,
  };
}

export async function signIn(ctx: AuthContext, body: unknown, ip: string): Promise<TokenPair> {
  const b = (body ?? {}) as Record<string, unknown>;
  if (typeof b.username !== 'string' || typeof b.password !== 'string' || b.username.length > 200 || b.password.length > 1024) {
    throw bad('username and password are required strings.', 'اكتب اسم المستخدم وكلمة المرور.');
  }
  const username = b.username.trim().toLowerCase();
  const now = (ctx.now ?? Date.now)();
  const keys = [`u:${username}|ip:${ip}`, `u:${username}`];
  // Per account+IP (someone guessing from one place) and per account from anywhere (a
  // distributed guess); the per-account lock uses a higher threshold (x4).
  await throttleCheck(ctx.db, keys[0]!, now);
  await throttleCheck(ctx.db, keys[1]!, now);
  const { rows } = await ctx.db.query<UserRow>(
    'SELECT id, username, display_name, role, branch_ids, active, password_hash FROM hq_users WHERE username = $1',
    [username],
  );
  const row = rows[0];
  const ok = await verifyPassword(b.password, row?.password_hash ?? null);
  if (!ok || !row || !row.active) {
    await throttleFailure(ctx.db, keys[0]!, now);
    await throttleFailure(ctx.db, keys[1]!, now, THROTTLE.freeFailures * 4);
    // A small growing delay on every failure slows scripted guessing further.
    await new Promise((r) => setTimeout(r, 200 + Math.floor(Math.random() * 200)));
    throw errors.invalidCredentials();
  }
  await ctx.db.query('DELETE FROM hq_signin_throttle WHERE key = ANY($1::text[])', [keys]);
  const user = toUser(row);
  const tokens = await ctx.db.transaction(async (tx) => {
    const deviceId = await ensureDevice(tx, user.id, b.device);
    return issueTokens(ctx, tx, user, deviceId, randomUUID());
  });
  if (tokens.deviceId) {
    await publishDeviceKey(ctx.db, tokens.deviceId, user);
    // Only laptops get the association's lookup key (an admin's tool without a device does not).
    tokens.lookupKey = await ensureLookupKey(ctx.db);
  }
  return tokens;
}

/**
 * Publishes a registered device's public key to every laptop as an `hq_config` entry of kind
 * `device`, so any office can verify the declarations that device signed (shared/declaration
 * `verifyDeclaration` with the known device keys). Insert-only: an existing entry is kept.
 */
export async function publishDeviceKey(db: Database, deviceId: string, user: UserRecord): Promise<void> {
  const device = await getDevice(db, deviceId);
  if (!device) return;
  const spki = createPublicKey({ key: { ...(device.publicKey as Record<string, string>) }, format: 'jwk' })
    .export({ type: 'spki', format: 'der' })
    .toString('base64url');
  const now = new Date().toISOString();
  const entry = {
    id: `device-${deviceId}`.slice(0, 64),
    createdAt: now,
    updatedAt: now,
    updatedBy: 'hq',
    kind: 'device',
    ...(user.branchIds[0] ? { branchId: user.branchIds[0] } : {}),
    device: { deviceId, label: device.label, publicKey: spki, enrolledAt: now },
    _deleted: false,
  };
  const checked = validateDocument(hqConfig, entry);
  if (!checked.ok) throw errors.internal();
  await pushChanges(db, hqConfig, [{ newDocumentState: entry }]);
}

export async function refreshTokens(ctx: AuthContext, body: unknown): Promise<TokenPair> {
  const token = (body as { refreshToken?: unknown } | null)?.refreshToken;
  if (typeof token !== 'string' || token.length > 200) throw errors.unauthenticated('refresh token missing');
  const now = (ctx.now ?? Date.now)();
  return ctx.db.transaction(async (tx) => {
    const { rows } = await tx.query<{ user_id: string; device_id: string | null; family: string; expires_at: unknown; revoked_at: unknown }>(
      'SELECT user_id, device_id, family, expires_at, revoked_at FROM hq_refresh_tokens WHERE token_hash = $1 FOR UPDATE',
      [sha256Hex(token)],
    );
    const r = rows[0];
    if (!r) throw errors.unauthenticated('unknown refresh token');
    if (r.revoked_at) {
      // Re-use of a rotated token: someone else may hold a copy. The whole family is cut
      // off below (after this transaction rolls back).
      throw errors.unauthenticated('refresh token already used');
    }
    if (new Date(toIso(r.expires_at) ?? 0).getTime() <= now) throw errors.unauthenticated('refresh token expired');
    if (r.device_id) {
      const dev = await getDevice(tx, r.device_id);
      if (dev?.revokedAt) throw errors.deviceRevoked(r.device_id);
    }
    const { rows: users } = await tx.query<UserRow>('SELECT id, username, display_name, role, branch_ids, active FROM hq_users WHERE id = $1', [r.user_id]);
    const u = users[0];
    if (!u || !u.active) throw errors.unauthenticated('user inactive');
    await tx.query('UPDATE hq_refresh_tokens SET revoked_at = now() WHERE token_hash = $1', [sha256Hex(token)]);
    return issueTokens(ctx, tx, toUser(u), r.device_id, r.family);
  }).catch(async (err: unknown) => {
    // The family revocation above must survive the rejection: redo it outside the rolled-back transaction.
    if (err instanceof HqError && err.message.includes('already used')) {
      await ctx.db.query(
        'UPDATE hq_refresh_tokens SET revoked_at = now() WHERE family = (SELECT family FROM hq_refresh_tokens WHERE token_hash = $1) AND revoked_at IS NULL',
        [sha256Hex(token)],
      );
    }
    throw err;
  });
}

export async function signOut(db: Queryable, body: unknown): Promise<void> {
  const token = (body as { refreshToken?: unknown } | null)?.refreshToken;
  if (typeof token !== 'string' || token.length > 200) return;
  await db.query('UPDATE hq_refresh_tokens SET revoked_at = now() WHERE token_hash = $1 AND revoked_at IS NULL', [sha256Hex(token)]);
}

// ---------- password change ----------

const changePasswordBody = z
  .object({
    currentPassword: z.string().min(1).max(1024),
    newPassword: z.string().max(1024),
  })
  .strict();

function wrongCurrentPassword(): HqError {
  return new HqError(
    403,
    'INVALID_CREDENTIALS',
    'The current password is wrong; nothing was changed.',
    'كلمة المرور الحالية غير صحيحة، ولم يتغيّر شيء. اكتب كلمة المرور التي تفتح بها التطبيق الآن ثم أعد المحاولة.',
    { field: 'currentPassword' },
  );
}

function passwordChangeLocked(retryAfterSeconds: number): HqError {
  return new HqError(
    429,
    'RATE_LIMITED',
    `Too many wrong current passwords; try again in ${retryAfterSeconds} s.`,
    `أُدخلت كلمة المرور الحالية خطأً مرات كثيرة. انتظر ${retryAfterSeconds} ثانية ثم أعد المحاولة، أو اطلب من مدير النظام إعادة تعيين كلمة المرور.`,
    { retryAfterSeconds },
  );
}

/**
 * POST /auth/change-password: the signed-in user (access token) proves the current password
 * and sets a new one (same rules as account creation). Every refresh token of the user is
 * revoked — other laptops must sign in again online — and this caller gets a fresh token pair
 * (a new family) so it stays signed in. Wrong current passwords are throttled like sign-ins.
 *
 * A retry after a lost answer (HQ already holds the new password) succeeds: proving the new
 * password is proving the account's current password. Nothing of either password is logged.
 */
export async function changeUserPassword(
  ctx: AuthContext,
  caller: { userId: string; deviceId: string | null },
  body: unknown,
  ip: string,
  hashParams?: PasswordHashParams,
): Promise<TokenPair & { revokedRefreshTokens: number }> {
  const parsed = changePasswordBody.safeParse(body);
  if (!parsed.success) {
    const field = String(parsed.error.issues[0]?.path[0] ?? 'body');
    throw bad(
      'The body must be { currentPassword, newPassword } (strings).',
      'اكتب كلمة المرور الحالية وكلمة المرور الجديدة ثم أعد المحاولة.',
      { field },
    );
  }
  const { currentPassword, newPassword } = parsed.data;
  if (newPassword.normalize('NFC') === currentPassword.normalize('NFC')) {
    throw bad('The new password must differ from the current one.', 'كلمة المرور الجديدة مطابقة للحالية. اختر كلمة مرور مختلفة.', { field: 'newPassword' });
  }
  const problem = passwordProblem(newPassword);
  if (problem) throw bad('The new password is too weak.', `${problem} اختر كلمة مرور أطول.`, { field: 'newPassword' });

  const now = (ctx.now ?? Date.now)();
  const keys = [`pw:${caller.userId}|ip:${ip}`, `pw:${caller.userId}`];
  for (const key of keys) {
    try {
      await throttleCheck(ctx.db, key, now);
    } catch (err) {
      if (err instanceof HqError && err.code === 'RATE_LIMITED') throw passwordChangeLocked((err.details as { retryAfterSeconds: number }).retryAfterSeconds);
      throw err;
    }
  }
  const { rows } = await ctx.db.query<UserRow>(
    'SELECT id, username, display_name, role, branch_ids, active, password_hash FROM hq_users WHERE id = $1',
    [caller.userId],
  );
  const row = rows[0];
  if (!row || !row.active) throw errors.unauthenticated('user inactive');
  const ok = (await verifyPassword(currentPassword, row.password_hash ?? null)) || (await verifyPassword(newPassword, row.password_hash ?? null));
  if (!ok) {
    // Both fields were checked against the stored hash: two wrong guesses.
    for (let i = 0; i < 2; i++) {
      await throttleFailure(ctx.db, keys[0]!, now);
      await throttleFailure(ctx.db, keys[1]!, now, THROTTLE.freeFailures * 4);
    }
    await new Promise((r) => setTimeout(r, 200 + Math.floor(Math.random() * 200)));
    throw wrongCurrentPassword();
  }
  const hash = await hashPassword(newPassword, hashParams);
  await ctx.db.query('DELETE FROM hq_signin_throttle WHERE key = ANY($1::text[])', [keys]);
  const user = toUser(row);
  const result = await ctx.db.transaction(async (tx) => {
    await tx.query('UPDATE hq_users SET password_hash = $2, updated_at = now() WHERE id = $1', [user.id, hash]);
    const { rows: revoked } = await tx.query<{ token_hash: string }>(
      'UPDATE hq_refresh_tokens SET revoked_at = now() WHERE user_id = $1 AND revoked_at IS NULL RETURNING token_hash',
      [user.id],
    );
    const tokens = await issueTokens(ctx, tx, user, caller.deviceId, randomUUID());
    return { ...tokens, revokedRefreshTokens: revoked.length };
  });
  if (result.deviceId) result.lookupKey = await ensureLookupKey(ctx.db);
  return result;
}

// ---------- per-request caller ----------

export interface AuthenticatedCaller {
  kind: 'user';
  userId: string;
  role: Role;
  branchIds: string[];
  deviceId: string | null;
}

/** Verify the bearer token and load the user and device as they are NOW. */
export async function callerFromToken(ctx: AuthContext, authorization: string | undefined): Promise<AuthenticatedCaller | null> {
  if (!authorization) return null;
  const m = /^Bearer ([A-Za-z0-9._-]{1,2048})$/.exec(authorization);
  if (!m) throw errors.unauthenticated('malformed Authorization header');
  const claims = await ctx.signer.verify(m[1]!);
  const { rows } = await ctx.db.query<{ role: string; branch_ids: unknown; active: boolean; revoked_at: unknown; last_seen_at: unknown }>(
    `SELECT u.role, u.branch_ids, u.active, d.revoked_at, d.last_seen_at
       FROM hq_users u LEFT JOIN hq_devices d ON d.id = $2
      WHERE u.id = $1`,
    [claims.sub, claims.dev ?? ''],
  );
  const r = rows[0];
  if (!r || !r.active) throw errors.unauthenticated('user inactive');
  if (claims.dev && r.revoked_at) throw errors.deviceRevoked(claims.dev);
  if (claims.dev) {
    const seen = r.last_seen_at ? new Date(toIso(r.last_seen_at) ?? 0).getTime() : 0;
    if ((ctx.now ?? Date.now)() - seen > 5 * 60_000) {
      await ctx.db.query('UPDATE hq_devices SET last_seen_at = now() WHERE id = $1', [claims.dev]);
    }
  }
  return { kind: 'user', userId: claims.sub, role: r.role as Role, branchIds: parseJson<string[]>(r.branch_ids), deviceId: claims.dev };
}
