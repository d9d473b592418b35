/**
 * Replication of every local collection to HQ (shared/sync/client), in the leader window only.
 * Reports status into the session store (phase, last sync, errors) and marks the records it
 * sees going to or coming from HQ, for the per-record sync badge.
 */
import { combineLatest, distinctUntilChanged, map, type Subscription } from 'rxjs';
import type { RxCollection } from 'rxdb';
import {
  startCollectionReplication,
  type CollectionReplication,
  type ReplicationStatus,
  type StartCollectionReplicationOptions,
} from '../../../shared/sync/client';
import { pullableCollections } from '../../../shared/access';
import type { Role } from '../../../shared/schema';
import { useSession } from '../state/session';
import { useSyncMarks } from '../state/syncMarks';
import type { SilaDatabase } from './database';

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
  /** Cancels and starts again (the "retry now" button; also after going back online). */
  restart(): void;
  stop(): Promise<void>;
}

type Start = (opts: StartCollectionReplicationOptions<unknown>) => CollectionReplication<unknown>;

/**
 * Chromium allows six HTTP/1.1 connections per HQ origin and every change stream holds one
 * open. The first collections of the registry (beneficiaries first) stream; the rest push
 * live and pull every `pollIntervalMs`, so pulls and pushes always find a free connection.
 */
export const maxLiveStreams = 3;
export const pollIntervalMs = 30_000;

/**
 * Until sign-in exists (issue 6 supplies the user's role and token), this window replicates as
 * a branch's staff: collections the role may pull replicate both ways; the others (e.g. the
 * write-only audit log) only push.
 */
export const assumedRole: Role = 'branch_staff';

export interface SyncControllerOptions {
  start?: Start;
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

export function createSyncController(options: SyncControllerOptions = {}): SyncController {
  const start: Start = options.start ?? ((opts) => startCollectionReplication(opts));
  const win = options.win ?? window;
  const session = useSession;
  let db: SilaDatabase | null = null;
  let isLeader = false;
  let generation = 0;
  let replications: CollectionReplication<unknown>[] = [];
  let subscriptions: Subscription[] = [];
  let unsubscribeSession: (() => void) | null = null;
  let pollTimer: number | null = null;
  let auth: SyncAuth | null = null;
  let wiped = false;

  async function teardown(): Promise<void> {
    const current = replications;
    replications = [];
    for (const s of subscriptions) s.unsubscribe();
    subscriptions = [];
    if (pollTimer !== null) win.clearInterval(pollTimer);
    pollTimer = null;
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
      const all = Object.values(database.collections);
      // Pulled collections first (registry order), so the streams go to the ones people read.
      const ordered = [...all.filter((c) => pullable.has(c.name)), ...all.filter((c) => !pullable.has(c.name))];
      const started = ordered.map((collection, index) => {
        const pull = pullable.has(collection.name);
        const streamed = pull && index < maxLiveStreams;
        return {
          name: collection.name,
          pull,
          streamed,
          replication: start({
            collection: collection as RxCollection<unknown>,
            hqUrl,
            waitForLeadership: false,
            pull,
            stream: streamed,
            ...(headers ? { headers } : {}),
          }),
        };
      });
      replications = started.map((s) => s.replication);
      const polled = started.filter((s) => s.pull && !s.streamed).map((s) => s.replication);
      if (polled.length > 0) pollTimer = win.setInterval(() => polled.forEach((r) => r.reSync()), pollIntervalMs);

      let cycleStartedAt: string | null = null;

      for (const { name, replication } of started) {
        subscriptions.push(
          replication.error$.subscribe((problem) => {
            if (problem.code === 'DEVICE_REVOKED' && current && !wiped) {
              wiped = true;
              void teardown();
              current.onWipe(problem.messageAr);
              return;
            }
            session.getState().addSyncError({
              at: problem.at,
              collection: name,
              code: problem.code,
              messageAr: problem.messageAr,
              messageEn: problem.message,
            });
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
      );
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
        for (const r of replications) r.reSync();
      });
      win.addEventListener('offline', () => session.getState().setOnline(false));
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
