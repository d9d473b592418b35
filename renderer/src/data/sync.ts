/**
 * Replication of every local collection to HQ (shared/sync/client), in the leader window only.
 * Every collection the user may read is live through ONE change stream (shared/sync/stream-hub:
 * a browser has six connections per HQ origin, so one stream per collection cannot work);
 * the others only push. Reports status into the session store (phase, stream, last sync,
 * errors with the record and field concerned, pending local changes, first-sync progress),
 * records same-field conflicts in `sync_conflicts` (data/conflicts.ts), and marks the records
 * it sees going to or coming from HQ, for the per-record sync badge.
 */
import { EMPTY, asyncScheduler, combineLatest, distinctUntilChanged, map, merge, throttleTime, type Observable, type Subscription } from 'rxjs';
import type { RxCollection } from 'rxdb';
import {
  startCollectionReplication,
  type CollectionReplication,
  type ReplicationStatus,
  type StartCollectionReplicationOptions,
  type SyncProblem,
} from '../../../shared/sync/client';
import { createStreamHub, type StreamHub, type StreamHubOptions } from '../../../shared/sync/stream-hub';
import { countPendingChanges, type PendingChanges } from '../../../shared/sync/pending';
import { isResyncRequired } from '../../../shared/sync/resync';
import { setSyncConflictSink } from '../../../shared/sync/manager';
import { pullableCollections } from '../../../shared/access';
import type { Role } from '../../../shared/schema';
import { useSession, type PendingCount, type SyncError } from '../state/session';
import { useSyncMarks } from '../state/syncMarks';
import type { SilaDatabase } from './database';
import { createConflictRecorder } from './conflicts';

/** The signed-in user's credentials for HQ (renderer/src/security/tokens.ts). */
export interface SyncAuth {
  /** Bearer token for every request (null: none yet — e.g. offline unlock; HQ will refuse). */
  getAccessToken(): Promise<string | null>;
  /** The user's role (decides which collections pull and push). */
  role: Role;
  /** HQ revoked this device (DEVICE_REVOKED): wipe local data. Called once. */
  onWipe(messageAr: string): void;
}

export interface SyncController {
  /** Starts once the window holds leadership; follows HQ URL changes from the settings. */
  attach(db: SilaDatabase, auth?: SyncAuth): void;
  /** Cancels and starts again (the "sync now" button; also after going back online). */
  restart(): void;
  stop(): Promise<void>;
}

type Start = (opts: StartCollectionReplicationOptions<unknown>) => CollectionReplication<unknown>;
type CreateHub = (opts: StreamHubOptions) => StreamHub;
type CountPending = (replication: CollectionReplication<unknown>) => Promise<PendingChanges | null>;

/**
 * Until sign-in exists (issue 6 supplies the user's role and token), this window replicates as
 * a branch's staff: collections the role may pull replicate both ways; the others (e.g. the
 * write-only audit log) only push.
 */
export const assumedRole: Role = 'branch_staff';

/** Recount pending local changes at most this often while writes or cycles happen (and once after the last). */
export const pendingRecountDelayMs = 400;

export interface SyncControllerOptions {
  start?: Start;
  /** The one change stream (tests pass a fake). */
  createHub?: CreateHub;
  /** Pending local changes of one replication (default shared/sync/pending.ts). */
  countPending?: CountPending;
  /** The signed-in user's role (decides which collections replicate). */
  role?: Role;
  /** How long to wait for leadership before saying another window syncs. */
  followerAfterMs?: number;
  win?: Window;
}

function hasIdAndTime(doc: unknown): doc is { id: string; updatedAt: string } {
  if (!doc || typeof doc !== 'object') return false;
  const d = doc as Record<string, unknown>;
  return typeof d.id === 'string' && typeof d.updatedAt === 'string';
}

/**
 * True when the replication's latest request to HQ got a good answer. A push-only replication
 * with nothing to push may never have asked HQ anything: then "no problem" is good enough.
 */
export function lastRequestSucceeded(status: ReplicationStatus, pulls = true): boolean {
  if (status.lastSyncAt === null) return !pulls && status.lastProblem === null;
  if (!status.online) return false;
  return status.lastProblem === null || Date.parse(status.lastProblem.at) <= Date.parse(status.lastSyncAt);
}

/** A sync problem as the session lists it: which record and which fields, when the problem names them. */
export function syncErrorOf(collection: string, problem: SyncProblem): SyncError {
  const details = (problem.details ?? {}) as { documentId?: unknown; issues?: unknown };
  const issues = Array.isArray(details.issues)
    ? details.issues
        .filter((i): i is { path: string; message: string } => !!i && typeof (i as { path?: unknown }).path === 'string' && typeof (i as { message?: unknown }).message === 'string')
        .slice(0, 10)
        .map((i) => ({ path: i.path, message: i.message }))
    : undefined;
  return {
    at: problem.at,
    collection,
    code: problem.code,
    messageAr: problem.messageAr,
    messageEn: problem.message,
    ...(typeof details.documentId === 'string' || details.documentId === null ? { documentId: details.documentId } : {}),
    ...(issues && issues.length > 0 ? { issues } : {}),
  };
}

/**
 * First-sync progress over several collections: each reports the documents it received and,
 * when HQ said so on its first pull, how many there are. Collections without a count add what
 * they received to both sides; a collection that finished counts as complete.
 */
export function firstSyncProgress(perCollection: ReadonlyMap<string, { received: number; expected: number | null; done: boolean }>): { received: number; expected: number; done: boolean } | null {
  const all = [...perCollection.values()];
  if (!all.some((c) => c.expected !== null)) return null; // nothing large to show
  let received = 0;
  let expected = 0;
  for (const c of all) {
    const e = c.expected ?? c.received;
    const r = c.done ? Math.max(c.received, e) : Math.min(c.received, e);
    received += r;
    expected += Math.max(e, r);
  }
  return { received, expected, done: all.every((c) => c.done) };
}

export function createSyncController(options: SyncControllerOptions = {}): SyncController {
  const start: Start = options.start ?? ((opts) => startCollectionReplication(opts));
  const createHub: CreateHub = options.createHub ?? ((opts) => createStreamHub(opts));
  const countPending: CountPending = options.countPending ?? ((r) => countPendingChanges(r.replicationState));
  const win = options.win ?? window;
  const session = useSession;
  let db: SilaDatabase | null = null;
  let isLeader = false;
  let generation = 0;
  let replications: CollectionReplication<unknown>[] = [];
  let hub: StreamHub | null = null;
  let subscriptions: Subscription[] = [];
  let unsubscribeSession: (() => void) | null = null;
  let auth: SyncAuth | null = null;
  let wiped = false;

  async function teardown(): Promise<void> {
    const current = replications;
    replications = [];
    for (const s of subscriptions) s.unsubscribe();
    subscriptions = [];
    hub?.stop();
    hub = null;
    setSyncConflictSink(null);
    session.getState().setStreamConnected(false);
    await Promise.allSettled(current.map((r) => r.cancel()));
  }

  function run(): void {
    if (!db || !isLeader) return;
    const gen = ++generation;
    const database = db;
    void teardown().then(() => {
      if (gen !== generation) return; // a newer restart won
      const { hqUrl } = session.getState();
      session.getState().setSyncPhase('starting');
      const pullable = new Set<string>(pullableCollections(auth?.role ?? options.role ?? assumedRole));
      const current = auth;
      const headers = current
        ? async (): Promise<Record<string, string>> => {
            const token = await current.getAccessToken();
            return token ? { authorization: `Bearer ${token}` } : {};
          }
        : undefined;
      const wipe = (problem: SyncProblem): boolean => {
        if (problem.code !== 'DEVICE_REVOKED' || !current || wiped) return false;
        wiped = true;
        void teardown();
        current.onWipe(problem.messageAr);
        return true;
      };
      const all = Object.values(database.collections);
      // Pulled collections first (registry order).
      const ordered = [...all.filter((c) => pullable.has(c.name)), ...all.filter((c) => !pullable.has(c.name))];
      const liveHub = createHub({
        hqUrl,
        collections: ordered.filter((c) => pullable.has(c.name)).map((c) => c.name),
        ...(headers ? { headers } : {}),
      });
      hub = liveHub;

      // Same-field conflicts found while pushing are recorded for a person to resolve.
      setSyncConflictSink(
        createConflictRecorder(database, {
          onProblem: (collection, problem) => session.getState().addSyncError(syncErrorOf(collection, problem)),
        }),
      );

      // First sync: what each pulling collection received against HQ's count.
      const progress = new Map<string, { received: number; expected: number | null; done: boolean }>();
      const showProgress = () => {
        if (gen === generation) session.getState().setFirstSync(firstSyncProgress(progress));
      };

      const started = ordered.map((collection) => {
        const pull = pullable.has(collection.name);
        if (pull) progress.set(collection.name, { received: 0, expected: null, done: false });
        const replication = start({
          collection: collection as RxCollection<unknown>,
          hqUrl,
          waitForLeadership: false,
          pull,
          ...(pull ? { streamSource: liveHub.source(collection.name) } : {}),
          ...(headers ? { headers } : {}),
          onPulled: (count, total) => {
            const p = progress.get(collection.name);
            if (!p || p.done) return;
            p.received += count;
            if (total !== undefined && p.expected === null) p.expected = total;
            showProgress();
          },
        });
        if (pull) {
          void replication.replicationState.awaitInitialReplication().then(
            () => {
              const p = progress.get(collection.name);
              if (p) p.done = true;
              showProgress();
            },
            () => {},
          );
        }
        return { name: collection.name, pull, replication };
      });
      replications = started.map((s) => s.replication);
      session.getState().setFirstSync(null);
      liveHub.start();

      // Pending local changes, from each pushing replication's own bookkeeping.
      const recountPending = async () => {
        const counts = await Promise.all(started.map(async (s) => [s.name, await countPending(s.replication).catch(() => null)] as const));
        if (gen !== generation) return;
        if (counts.every(([, c]) => c === null)) return; // not started yet
        const byCollection: Record<string, number> = {};
        let total = 0;
        let complete = true;
        for (const [name, c] of counts) {
          if (!c) continue;
          if (c.count > 0) byCollection[name] = c.count;
          total += c.count;
          complete &&= c.complete;
        }
        const pending: PendingCount = { total, byCollection, complete, at: new Date().toISOString() };
        session.getState().setPending(pending);
      };
      let cycleStartedAt: string | null = null;

      for (const { name, replication } of started) {
        subscriptions.push(
          replication.error$.subscribe((problem) => {
            if (wipe(problem)) return;
            // HQ no longer keeps the deletions this laptop's checkpoint needs: the replication pulls
            // that record type again from the start by itself (shared/sync/resync.ts) — nothing
            // for the user to do, so it is not listed as an error.
            if (isResyncRequired(problem)) return;
            session.getState().addSyncError(syncErrorOf(name, problem));
          }),
          replication.replicationState.received$.subscribe((doc) => {
            if (hasIdAndTime(doc)) useSyncMarks.getState().markSeen([doc]);
          }),
          replication.replicationState.sent$.subscribe((doc) => {
            if (hasIdAndTime(doc)) useSyncMarks.getState().markSeen([doc]);
          }),
        );
      }

      subscriptions.push(
        liveHub.error$.subscribe((problem) => {
          if (wipe(problem)) return;
          session.getState().addSyncError(syncErrorOf('', problem));
        }),
        liveHub.status$.pipe(map((s) => s.connected), distinctUntilChanged()).subscribe((connected) => session.getState().setStreamConnected(connected)),
        // Push-only replications may never contact HQ; the pulling ones always do.
        combineLatest(started.filter((s) => s.pull).map((s) => s.replication.status$.pipe(map((st) => st.online))))
          .pipe(
            map((all) => all.every(Boolean)),
            distinctUntilChanged(),
          )
          .subscribe((reachable) => {
            const state = session.getState();
            state.setHqReachable(reachable);
            if (reachable && state.sync.phase === 'error') state.setSyncPhase('active');
          }),
        // A cycle runs while any collection is busy. When all are idle and each one's last
        // request to HQ succeeded, everything written before the cycle began is at HQ.
        combineLatest(replications.map((r) => r.replicationState.active$))
          .pipe(
            map((all) => all.some(Boolean)),
            distinctUntilChanged(),
          )
          .subscribe((active) => {
            const state = session.getState();
            if (active) {
              cycleStartedAt = new Date().toISOString();
              if (state.sync.phase !== 'error') state.setSyncPhase('active');
            } else if (cycleStartedAt && started.every((s) => lastRequestSucceeded(s.replication.status, s.pull))) {
              state.markInSync(cycleStartedAt);
            }
          }),
        // Recount after local writes and after every cycle (a push confirmed, or failed).
        merge((database.$ as Observable<unknown> | undefined) ?? EMPTY, ...replications.map((r) => r.replicationState.active$))
          .pipe(throttleTime(pendingRecountDelayMs, asyncScheduler, { leading: false, trailing: true }))
          .subscribe(() => void recountPending()),
      );
      void recountPending();
    });
  }

  return {
    attach(database, credentials) {
      if (db) return;
      db = database;
      auth = credentials ?? null;
      session.getState().setSyncPhase('starting');
      const followerTimer = win.setTimeout(() => {
        if (!isLeader) session.getState().setSyncPhase('follower');
      }, options.followerAfterMs ?? 3_000);
      database.waitForLeadership().then(
        () => {
          win.clearTimeout(followerTimer);
          isLeader = true;
          run();
        },
        (err: unknown) => console.error('leader election failed', err),
      );
      unsubscribeSession = session.subscribe((state, previous) => {
        if (state.hqUrl !== previous.hqUrl) run();
      });
      win.addEventListener('online', () => {
        session.getState().setOnline(true);
        hub?.reconnectNow();
        for (const r of replications) r.reSync();
      });
      win.addEventListener('offline', () => {
        session.getState().setOnline(false);
        // A connection the network lost can look open for a while: say so now, retry with backoff.
        hub?.dropConnection();
      });
    },
    restart: run,
    async stop() {
      generation++;
      unsubscribeSession?.();
      unsubscribeSession = null;
      await teardown();
    },
  };
}
