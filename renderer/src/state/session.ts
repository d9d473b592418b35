/**
 * Session and UI state only (locale, device settings, sync status). No business rules live
 * here: records are in RxDB, rules are in shared/.
 */
import { create } from 'zustand';
import { persist, createJSONStorage } from 'zustand/middleware';
import { defaultLocale, isLocale, type Locale } from '../i18n';

export const defaultHqUrl = 'http://127.0.0.1:8787';
export const defaultBranchId = 'main';
/** The shipped policy profile used until HQ publishes one (see state/profile.ts). */
export const defaultProfileId = 'yusr';

export type SyncPhase =
  | 'idle' // not started (no database yet, or stopped)
  | 'starting' // waiting for leadership / first contact
  | 'active' // a push or pull is running
  | 'inSync' // the last cycle finished without error
  | 'error' // the last attempt failed; the replication retries on its own
  | 'follower' // another window of this profile is the leader and replicates
  | 'unavailable'; // this build has no sync client

export interface SyncError {
  at: string;
  collection: string;
  /** HQ error code, NETWORK, HTTP_<status>, … (from shared/sync/client). */
  code: string;
  messageAr: string;
  messageEn: string;
  /** How many times in a row this same problem was reported (shown once, with a count). */
  count?: number;
  /** The record concerned (e.g. a pulled document that failed validation), when known. */
  documentId?: string | null;
  /** The fields at fault and why (schema issues, HQ's INVALID_DOCUMENT details). */
  issues?: { path: string; message: string }[];
}

/** Local changes not yet confirmed by HQ (shared/sync/pending.ts), per collection. */
export interface PendingCount {
  total: number;
  byCollection: Record<string, number>;
  /** False when counting stopped early (there are at least `total`). */
  complete: boolean;
  /** ISO time of the count. */
  at: string;
}

/** A long first sync: documents received so far against HQ's count. */
export interface FirstSyncProgress {
  received: number;
  expected: number;
  done: boolean;
}

export interface SyncStatus {
  phase: SyncPhase;
  /** ISO time of the last cycle that finished in sync (this device's clock, display only). */
  lastSyncAt: string | null;
  /** Newest first, at most `maxSyncErrors`. */
  errors: SyncError[];
  /** The live change stream from HQ is connected. */
  streamConnected: boolean;
  /** Null until counted (the replication has not started yet). */
  pending: PendingCount | null;
  /** Null unless this laptop is pulling a large amount for the first time. */
  firstSync: FirstSyncProgress | null;
}

export const maxSyncErrors = 20;

export interface SessionState {
  locale: Locale;
  hqUrl: string;
  branchId: string;
  /** The association's policy profile id (shared/policy). */
  profileId: string;
  /** The browser's own network state (navigator.onLine). */
  online: boolean;
  /** Whether the last request to HQ got an answer; null before the first attempt. */
  hqReachable: boolean | null;
  sync: SyncStatus;
  setLocale(locale: Locale): void;
  setSettings(settings: { hqUrl: string; branchId: string }): void;
  setProfileId(profileId: string): void;
  setOnline(online: boolean): void;
  setHqReachable(reachable: boolean | null): void;
  setSyncPhase(phase: SyncPhase): void;
  markInSync(at: string): void;
  addSyncError(error: SyncError): void;
  setStreamConnected(connected: boolean): void;
  setPending(pending: PendingCount | null): void;
  setFirstSync(progress: FirstSyncProgress | null): void;
}

const initialSync: SyncStatus = { phase: 'idle', lastSyncAt: null, errors: [], streamConnected: false, pending: null, firstSync: null };

export const useSession = create<SessionState>()(
  persist(
    (set) => ({
      locale: defaultLocale,
      hqUrl: defaultHqUrl,
      branchId: defaultBranchId,
      profileId: defaultProfileId,
      online: typeof navigator === 'undefined' ? true : navigator.onLine,
      hqReachable: null,
      sync: initialSync,
      setLocale: (locale) => set({ locale }),
      setSettings: ({ hqUrl, branchId }) =>
        set((s) =>
          // Another HQ has none of this device's records yet: nothing counts as synced until it answers.
          hqUrl === s.hqUrl ? { branchId } : { hqUrl, branchId, hqReachable: null, sync: { ...initialSync, phase: s.sync.phase } },
        ),
      setProfileId: (profileId) => set({ profileId }),
      setOnline: (online) => set({ online }),
      setHqReachable: (hqReachable) => set({ hqReachable }),
      setSyncPhase: (phase) => set((s) => ({ sync: { ...s.sync, phase } })),
      markInSync: (at) => set((s) => ({ sync: { ...s.sync, phase: 'inSync', lastSyncAt: at } })),
      addSyncError: (error) =>
        set((s) => {
          // One entry per problem (and per record, for problems with one record).
          const same = s.sync.errors.find((e) => e.code === error.code && e.messageAr === error.messageAr && (e.documentId ?? null) === (error.documentId ?? null));
          const merged = same ? { ...error, count: (same.count ?? 1) + 1 } : { ...error, count: 1 };
          const rest = s.sync.errors.filter((e) => e !== same);
          return { sync: { ...s.sync, phase: 'error', errors: [merged, ...rest].slice(0, maxSyncErrors) } };
        }),
      setStreamConnected: (streamConnected) => set((s) => (s.sync.streamConnected === streamConnected ? s : { sync: { ...s.sync, streamConnected } })),
      setPending: (pending) => set((s) => ({ sync: { ...s.sync, pending } })),
      setFirstSync: (firstSync) => set((s) => ({ sync: { ...s.sync, firstSync } })),
    }),
    {
      name: 'sila.session',
      version: 1,
      storage: createJSONStorage(() => localStorage),
      // Only device settings persist; sync status is per session. lastSyncAt is kept so the sync
      // screen can say when this device last reached HQ even after a restart.
      partialize: (s) => ({ locale: s.locale, hqUrl: s.hqUrl, branchId: s.branchId, profileId: s.profileId, sync: { ...initialSync, lastSyncAt: s.sync.lastSyncAt } }),
      merge: (persisted, current) => {
        const p = (persisted ?? {}) as Partial<SessionState>;
        return {
          ...current,
          locale: isLocale(p.locale) ? p.locale : current.locale,
          hqUrl: typeof p.hqUrl === 'string' && p.hqUrl ? p.hqUrl : current.hqUrl,
          branchId: typeof p.branchId === 'string' && p.branchId ? p.branchId : current.branchId,
          profileId: typeof p.profileId === 'string' && p.profileId ? p.profileId : current.profileId,
          sync: { ...current.sync, lastSyncAt: typeof p.sync?.lastSyncAt === 'string' ? p.sync.lastSyncAt : null },
        };
      },
    },
  ),
);

/** Settings validation (device configuration, not a business rule). */
export function isValidHqUrl(value: string): boolean {
  try {
    const url = new URL(value.trim());
    return (url.protocol === 'http:' || url.protocol === 'https:') && url.username === '' && url.password === '';
  } catch {
    return false;
  }
}

export function isValidBranchId(value: string): boolean {
  return /^[A-Za-z0-9_-]{1,64}$/.test(value.trim());
}

/** HQ base URL without a trailing slash. */
export function normaliseHqUrl(value: string): string {
  return value.trim().replace(/\/+$/, '');
}
