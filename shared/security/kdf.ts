/**
 * Password-based key derivation: Argon2id (memory-hard) via hash-wasm, which runs the same
 * WebAssembly in Chromium, Web Workers and Node.
 *
 * Parameters are versioned. A wrapped key record stores the full parameter set it was made
 * with, so raising the parameters later (a new entry here + CURRENT_KDF_PARAMS) keeps old
 * records readable; `unlockKeyring` reports `needsUpgrade` and `upgradeKeyring` re-wraps the
 * data key under the current parameters at the next successful unlock.
 *
 * v1: m = 64 MiB, t = 3, p = 1 (RFC 9106's second recommended option, with p = 1 because WASM
 * runs single-threaded). Measured on the project's build machine (Node 20, 2 cores, hash-wasm
 * 4.13): ≈ 190 ms per derivation; budget ≈ 3–4× that on a slow field laptop, still < 1 s.
 */
import { argon2id } from 'hash-wasm';
import { utf8Encode } from './bytes';

export interface Argon2idParams {
  readonly algorithm: 'argon2id';
  /** Which entry of KDF_PARAMS this set was taken from (informational; the numbers rule). */
  readonly paramsVersion: number;
  /** Memory cost in KiB. */
  readonly memoryKiB: number;
  /** Time cost (passes over memory). */
  readonly iterations: number;
  readonly parallelism: number;
}

export const KDF_PARAMS: Readonly<Record<number, Argon2idParams>> = {
  1: { algorithm: 'argon2id', paramsVersion: 1, memoryKiB: 64 * 1024, iterations: 3, parallelism: 1 },
};

export const CURRENT_KDF_PARAMS: Argon2idParams = KDF_PARAMS[1]!;

/**
 * Bounds a stored record's parameters must respect. The lower bound stops a tampered record
 * from silently weakening the next re-wrap; the upper bound stops it from hanging the app
 * (or exhausting memory) at unlock.
 */
export const KDF_BOUNDS = {
  minMemoryKiB: 19 * 1024, // OWASP's Argon2id floor
  maxMemoryKiB: 1024 * 1024,
  minIterations: 1,
  maxIterations: 20,
  minParallelism: 1,
  maxParallelism: 16,
} as const;

export const SALT_BYTES = 16;
export const KEK_BYTES = 32;

export function isAcceptableKdfParams(p: unknown): p is Argon2idParams {
  if (!p || typeof p !== 'object') return false;
  const q = p as Record<string, unknown>;
  const int = (v: unknown, lo: number, hi: number) =>
    typeof v === 'number' && Number.isInteger(v) && v >= lo && v <= hi;
  return (
    q.algorithm === 'argon2id' &&
    int(q.paramsVersion, 1, 1_000) &&
    int(q.memoryKiB, KDF_BOUNDS.minMemoryKiB, KDF_BOUNDS.maxMemoryKiB) &&
    int(q.iterations, KDF_BOUNDS.minIterations, KDF_BOUNDS.maxIterations) &&
    int(q.parallelism, KDF_BOUNDS.minParallelism, KDF_BOUNDS.maxParallelism)
  );
}

/** True when `p` is weaker than the current parameters (so the record should be re-wrapped). */
export function isOutdatedKdfParams(p: Argon2idParams): boolean {
  const c = CURRENT_KDF_PARAMS;
  return p.memoryKiB < c.memoryKiB || p.iterations < c.iterations || p.paramsVersion < c.paramsVersion;
}

/**
 * Passwords are NFC-normalised before hashing, so the same Arabic password typed on two
 * keyboards (composed vs decomposed hamza forms) unlocks the same keyring.
 */
export function normalisePassword(password: string): string {
  return password.normalize('NFC');
}

/** Derive the raw 256-bit key-encryption key (KEK) from a password. The caller wipes it. */
export async function derivePasswordKey(
  password: string,
  salt: Uint8Array,
  params: Argon2idParams,
): Promise<Uint8Array<ArrayBuffer>> {
  const raw = await argon2id({
    password: utf8Encode(normalisePassword(password)),
    salt,
    iterations: params.iterations,
    parallelism: params.parallelism,
    memorySize: params.memoryKiB,
    hashLength: KEK_BYTES,
    outputType: 'binary',
  });
  return new Uint8Array(raw);
}
