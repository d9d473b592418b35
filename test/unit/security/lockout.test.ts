import { describe, expect, it } from 'vitest';
import { INITIAL_LOCKOUT_STATE, canAttempt, recordFailure, recordSuccess, type LockoutState } from '../../../shared/security';

const T0 = Date.UTC(2026, 10, 21, 9, 0, 0);

function fail(times: number, start: LockoutState = INITIAL_LOCKOUT_STATE, now = T0): LockoutState {
  let s = start;
  for (let i = 0; i < times; i++) s = recordFailure(s, now);
  return s;
}

describe('lockout policy', () => {
  it('allows four wrong passwords freely and locks at the fifth for 30 s', () => {
    const four = fail(4);
    expect(canAttempt(four, T0)).toEqual({ ok: true, attemptsBeforeLock: 1 });
    const five = recordFailure(four, T0);
    expect(five).toEqual({ failures: 5, lockedUntil: T0 + 30_000 });
    const d = canAttempt(five, T0 + 1_000);
    expect(d.ok).toBe(false);
    if (d.ok) return;
    expect(d.retryAt).toBe(T0 + 30_000);
    expect(d.waitMs).toBe(29_000);
    expect(d.messageAr).toContain('٢٩ ثانية');
    expect(d.messageAr).toContain('أعد المحاولة');
    expect(d.messageEn).toContain('29 s');
    expect(canAttempt(five, T0 + 30_000).ok).toBe(true);
  });

  it('doubles the delay with every further failure, capped at 15 minutes', () => {
    const delays: number[] = [];
    let s = fail(4);
    let now = T0;
    for (let i = 0; i < 8; i++) {
      s = recordFailure(s, now);
      delays.push(s.lockedUntil! - now);
      now = s.lockedUntil!; // wait it out, then fail again
    }
    expect(delays).toEqual([30_000, 60_000, 120_000, 240_000, 480_000, 900_000, 900_000, 900_000]);
    const d = canAttempt(recordFailure(s, now), now + 1);
    expect(!d.ok && d.messageAr).toContain('١٥ دقيقة');
  });

  it('resets after a correct password', () => {
    const locked = fail(7);
    expect(recordSuccess()).toEqual({ failures: 0, lockedUntil: null });
    expect(canAttempt(recordSuccess(), T0)).toEqual({ ok: true, attemptsBeforeLock: 5 });
    expect(fail(5, recordSuccess()).lockedUntil).toBe(T0 + 30_000);
    expect(locked.failures).toBe(7);
  });

  it('does not lock longer than the cap when the clock was set back', () => {
    const s = fail(5, INITIAL_LOCKOUT_STATE, T0);
    const back = T0 - 24 * 3600_000;
    const d = canAttempt(s, back);
    expect(d.ok).toBe(false);
    if (!d.ok) expect(d.waitMs).toBeLessThanOrEqual(15 * 60_000);
  });

  it('tolerates a corrupted persisted state', () => {
    const bad = { failures: -3, lockedUntil: Number.NaN } as LockoutState;
    expect(canAttempt(bad, T0).ok).toBe(true);
    expect(recordFailure(bad, T0)).toEqual({ failures: 1, lockedUntil: null });
  });
});
