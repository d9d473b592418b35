/**
 * Locking after a period without use (default 10 minutes, configurable 1–120 in the settings)
 * and when the OS locks or sleeps. Locking reloads the window: every key, decrypted record and
 * search index in memory is dropped with the page, and the start screen shows nothing personal.
 */
const minutesKey = 'sila.idleLockMinutes';
const noticeKey = 'sila.lockNotice';

export const defaultIdleLockMinutes = 10;
export const idleLockBounds = { min: 1, max: 120 } as const;

export function getIdleLockMinutes(storage: Storage = localStorage): number {
  const n = Number(storage.getItem(minutesKey));
  return Number.isInteger(n) && n >= idleLockBounds.min && n <= idleLockBounds.max ? n : defaultIdleLockMinutes;
}

export function setIdleLockMinutes(minutes: number, storage: Storage = localStorage): boolean {
  if (!Number.isInteger(minutes) || minutes < idleLockBounds.min || minutes > idleLockBounds.max) return false;
  storage.setItem(minutesKey, String(minutes));
  return true;
}

/** Lock now: leave a notice for the start screen and reload (drops all secrets from memory). */
export function lockNow(reason: 'idle' | 'os' | 'user', win: Window = window): void {
  try {
    win.sessionStorage.setItem(noticeKey, reason);
  } catch {
    // a notice is a courtesy; locking must not depend on it
  }
  win.location.reload();
}

/** The reason of the last lock in this tab (read once, then forgotten). */
export function takeLockNotice(win: Window = window): string | null {
  try {
    const v = win.sessionStorage.getItem(noticeKey);
    win.sessionStorage.removeItem(noticeKey);
    return v;
  } catch {
    return null;
  }
}

const activityEvents = ['pointerdown', 'pointermove', 'keydown', 'wheel', 'touchstart', 'focus'] as const;

/** Calls `onIdle` after `minutes()` without keyboard/pointer activity. Returns a stop function. */
export function watchIdle(onIdle: () => void, minutes: () => number = getIdleLockMinutes, win: Window = window): () => void {
  let timer: number | null = null;
  let last = 0;
  const arm = () => {
    if (timer !== null) win.clearTimeout(timer);
    timer = win.setTimeout(onIdle, minutes() * 60_000);
  };
  const onActivity = () => {
    const now = Date.now();
    if (now - last < 1000) return; // pointermove fires a lot
    last = now;
    arm();
  };
  for (const e of activityEvents) win.addEventListener(e, onActivity, { passive: true, capture: true });
  arm();
  return () => {
    if (timer !== null) win.clearTimeout(timer);
    for (const e of activityEvents) win.removeEventListener(e, onActivity, { capture: true });
  };
}
