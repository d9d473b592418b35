/**
 * User passwords at HQ: Argon2id (memory-hard) via hash-wasm, stored as a PHC string
 * (`$argon2id$v=19$m=65536,t=3,p=1$<salt>$<hash>`), so the parameters travel with each hash
 * and can be raised later without breaking old accounts.
 *
 * Parameters: m = 64 MiB, t = 3, p = 1, 16-byte random salt, 32-byte output (RFC 9106's second
 * recommended option with p = 1; ≈ 0.2 s per hash on the build machine). At most two hashes
 * run at once, so a burst of sign-ins cannot exhaust the HQ's memory.
 */
import { randomBytes } from 'node:crypto';
import { argon2Verify, argon2id } from 'hash-wasm';

export interface PasswordHashParams {
  memoryKiB: number;
  iterations: number;
  parallelism: number;
}

export const PASSWORD_HASH_PARAMS: PasswordHashParams = { memoryKiB: 64 * 1024, iterations: 3, parallelism: 1 };

/** Minimum length for a new password (Arabic or Latin). */
export const MIN_PASSWORD_LENGTH = 10;
export const MAX_PASSWORD_LENGTH = 256;

const MAX_CONCURRENT = 2;
let running = 0;
const waiting: (() => void)[] = [];

async function limited<T>(fn: () => Promise<T>): Promise<T> {
  if (running >= MAX_CONCURRENT) await new Promise<void>((resolve) => waiting.push(resolve));
  running++;
  try {
    return await fn();
  } finally {
    running--;
    waiting.shift()?.();
  }
}

export function normalisePassword(password: string): string {
  return password.normalize('NFC');
}

/** Why a new password is refused (Arabic, for the admin), or null when acceptable. */
export function passwordProblem(password: unknown): string | null {
  if (typeof password !== 'string') return 'كلمة المرور مطلوبة.';
  const n = normalisePassword(password);
  if ([...n].length < MIN_PASSWORD_LENGTH) return `كلمة المرور قصيرة: ${MIN_PASSWORD_LENGTH} أحرف على الأقل.`;
  if (n.length > MAX_PASSWORD_LENGTH) return 'كلمة المرور أطول من المسموح.';
  return null;
}

export function hashPassword(password: string, params: PasswordHashParams = PASSWORD_HASH_PARAMS): Promise<string> {
  return limited(() =>
    argon2id({
      password: normalisePassword(password),
      salt: randomBytes(16),
      memorySize: params.memoryKiB,
      iterations: params.iterations,
      parallelism: params.parallelism,
      hashLength: 32,
      outputType: 'encoded',
    }),
  );
}

/** A valid hash of a random password: verified against when the user does not exist, so the
 *  answer takes as long as for a real account (no user enumeration by timing). */
let dummyHash: Promise<string> | null = null;

export async function verifyPassword(password: string, hash: string | null): Promise<boolean> {
  if (typeof password !== 'string' || password.length > MAX_PASSWORD_LENGTH * 4) return false;
  const target = hash ?? (await (dummyHash ??= hashPassword(randomBytes(18).toString('base64'))));
  try {
    const ok = await limited(() => argon2Verify({ password: normalisePassword(password), hash: target }));
    return ok && hash !== null;
  } catch {
    return false;
  }
}
