/**
 * Lockout after wrong passwords at the unlock screen.
 *
 * Policy: the first FREE_ATTEMPTS − 1 wrong passwords cost nothing; the FREE_ATTEMPTS-th
 * (fifth) wrong password in a row locks for 30 s, and every further wrong password doubles
 * the delay (60 s, 120 s, …) up to 15 minutes. A correct password resets everything.
 *
 * This protects against someone guessing at the keyboard. It cannot stop an attacker who
 * copies the disk and attacks the wrapped key offline: against that, the memory-hard Argon2id
 * derivation (kdf.ts) is the protection. The state is persisted by the caller, and times are
 * the laptop's clock (milliseconds since the epoch): a clock set backwards never extends a
 * lock beyond the cap.
 */

export interface LockoutState {
  /** Wrong passwords in a row since the last success. */
  readonly failures: number;
  /** Epoch ms until which unlocking is refused, or null. */
  readonly lockedUntil: number | null;
}

export const LOCKOUT_POLICY = {
  freeAttempts: 5,
  firstDelayMs: 30_000,
  maxDelayMs: 15 * 60_000,
} as const;

export const INITIAL_LOCKOUT_STATE: LockoutState = { failures: 0, lockedUntil: null };

/** Delay imposed after the given number of consecutive failures (0 while under the limit). */
export function lockoutDelayMs(failures: number): number {
  const over = failures - LOCKOUT_POLICY.freeAttempts;
  if (over < 0) return 0;
  // 2 ** over can overflow to Infinity for huge counts; Math.min keeps the cap.
  return Math.min(LOCKOUT_POLICY.firstDelayMs * 2 ** Math.min(over, 30), LOCKOUT_POLICY.maxDelayMs);
}

export function recordFailure(state: LockoutState, now: number): LockoutState {
  const failures = sanitiseFailures(state.failures) + 1;
  const delay = lockoutDelayMs(failures);
  return { failures, lockedUntil: delay > 0 ? now + delay : null };
}

export function recordSuccess(): LockoutState {
  return INITIAL_LOCKOUT_STATE;
}

export type AttemptDecision =
  | { readonly ok: true; readonly attemptsBeforeLock: number }
  | { readonly ok: false; readonly retryAt: number; readonly waitMs: number; readonly messageAr: string; readonly messageEn: string };

export function canAttempt(state: LockoutState, now: number): AttemptDecision {
  const failures = sanitiseFailures(state.failures);
  const until = state.lockedUntil;
  if (typeof until === 'number' && Number.isFinite(until) && until > now) {
    // Never wait longer than the cap, even if the clock was set back after the failure.
    const retryAt = Math.min(until, now + LOCKOUT_POLICY.maxDelayMs);
    const waitMs = retryAt - now;
    return { ok: false, retryAt, waitMs, messageAr: lockedMessageAr(waitMs), messageEn: lockedMessageEn(waitMs) };
  }
  return { ok: true, attemptsBeforeLock: Math.max(LOCKOUT_POLICY.freeAttempts - failures, 0) };
}

function sanitiseFailures(n: unknown): number {
  return typeof n === 'number' && Number.isInteger(n) && n > 0 ? n : 0;
}

const ARABIC_INDIC = '٠١٢٣٤٥٦٧٨٩';
function arabicDigits(n: number): string {
  return String(n).replace(/\d/g, (d) => ARABIC_INDIC[Number(d)]!);
}

function lockedMessageAr(waitMs: number): string {
  const seconds = Math.ceil(waitMs / 1000);
  const wait =
    seconds < 60
      ? `${arabicDigits(seconds)} ثانية`
      : `${arabicDigits(Math.ceil(seconds / 60))} دقيقة`;
  return `أُدخلت كلمة مرور خاطئة عدة مرات متتالية، فأُوقف فتح التطبيق مؤقتًا. أعد المحاولة بعد ${wait}. إن نسيت كلمة المرور فتواصل مع مدير النظام في المركز الرئيس.`;
}

function lockedMessageEn(waitMs: number): string {
  const seconds = Math.ceil(waitMs / 1000);
  const wait = seconds < 60 ? `${seconds} s` : `${Math.ceil(seconds / 60)} min`;
  return `Too many wrong passwords in a row; unlocking is paused. Try again in ${wait}. If you forgot your password, contact the HQ administrator.`;
}
