/**
 * The laptop's sync manager: replicates every collection the signed-in user may see (or
 * write) with HQ, records conflicts, and aggregates one status for the UI.
 *
 *   const sync = startSync({ db, hqUrl, user, getAccessToken, onWipe });
 *   sync.status$.subscribe(s => …)   // online, pending, lastSyncAt, errors, conflicts, progress
 *   await sync.stop();
 *
 * Collections: every collection of `db` that is in the shared registry. Direction from the
 * access table (shared/access): pull when the role may read it, push when it may write it
 * (audit entries are push-only for branch roles; configuration is pull-only).
 *
 * Conflicts: create the database's collections with `conflictHandler: syncConflictHandler(name)`
 * (a three-way merge, shared/sync/merge.ts). Same-field conflicts are written to the
 * `sync_conflicts` collection by the running manager.
 *
 * Device revoked: HQ answers DEVICE_REVOKED (wipe: true); the manager stops every replication,
 * sets state 'wiped' and calls `onWipe` once (default: remove the local database).
 */
import { BehaviorSubject, type Observable, type Subscription } from 'rxjs';
import type { RxCollection, RxConflictHandler, RxDatabase } from 'rxdb';
import { ACCESS_TABLE, can } from '../access';
import { collectionsByName, type Role, type SyncConflict } from '../schema';
import { startCollectionReplication, type CollectionReplication, type SyncProblem } from './client';
import { conflictRecordId, createMergeConflictHandler, type ConflictSink, type DetectedConflict } from './merge';

export interface SyncUser {
  userId: string;
  role: Role;
  branchIds: readonly string[];
  deviceId: string;
}

export interface StartSyncOptions {
  db: RxDatabase;
  hqUrl: string;
  user: SyncUser;
  /** The current access token (refresh it here when it is about to expire); null when signed out. */
  getAccessToken: () => Promise<string | null> | string | null;
  /** HQ revoked this device: wipe local data. Default: remove the local database. */
  onWipe?: (info: { deviceId: string; messageAr: string }) => void | Promise<void>;
  fetch?: typeof fetch;
  retryTime?: number;
  reconnect?: { initialDelayMs?: number; maxDelayMs?: number };
  waitForLeadership?: boolean;
  pullBatchSize?: number;
  pushBatchSize?: number;
}

export type SyncState = 'starting' | 'first_sync' | 'in_sync' | 'offline' | 'needs_sign_in' | 'wiped' | 'stopped';

export type SyncProblemSummary = Omit<SyncProblem, 'cause'> & { collection: string };

export interface SyncStatus {
  state: SyncState;
  /** HQ answered the last request (per collection, all of them). */
  online: boolean;
  /** Live streams connected / collections pulled live. */
  streamsConnected: number;
  streamsExpected: number;
  /** Local changes not yet accepted by HQ (since this manager started). */
  pendingChanges: number;
  /** ISO time of the last successful request to HQ. */
  lastSyncAt: string | null;
  /** The most recent problems (newest last, at most 50). */
  errors: SyncProblemSummary[];
  /** Pulled documents that failed the schema and were NOT stored (reported, not skipped silently). */
  invalidPulledDocuments: number;
  /** Conflicts waiting for a person to resolve (status 'open' in sync_conflicts). */
  openConflicts: number;
  firstSync: {
    done: boolean;
    collectionsDone: number;
    collectionsTotal: number;
    documentsPulled: number;
    /** HQ's count of documents to fetch, once known (for a progress bar). */
    documentsExpected: number | null;
  };
  /** Which collections replicate and how. */
  collections: { name: string; pull: boolean; push: boolean }[];
}

export interface SyncManager {
  readonly status$: Observable<SyncStatus>;
  readonly status: SyncStatus;
  /** Resolves when every collection finished its first pull (or rejects when stopped first). */
  awaitInitialSync(): Promise<void>;
  /** Resolves when nothing is left to push or pull right now. */
  awaitInSync(): Promise<void>;
  /** Pull every collection from its checkpoint now. */
  reSync(): void;
  /** Stop talking to HQ for now (local writes continue and stay pending). */
  pause(): Promise<void>;
  resume(): Promise<void>;
  stop(): Promise<void>;
}

// ---- conflict handler registration (collections are created before sync starts) ----

let activeSink: ConflictSink | null = null;

/** The conflict handler to pass as `conflictHandler` when creating collection `name`. */
export function syncConflictHandler<T = unknown>(collectionName: string): RxConflictHandler<T> {
  return createMergeConflictHandler<T>(collectionName, () => activeSink);
}

function json(v: unknown): string {
  return v === undefined ? '' : JSON.stringify(v);
}

/** Build the sync_conflicts record of a detected conflict. */
export function conflictRecord(c: DetectedConflict, user: SyncUser, at: string): SyncConflict {
  const branchId = c.branchId ?? user.branchIds[0] ?? 'hq';
  return {
    id: conflictRecordId(c),
    branchId,
    createdAt: at,
    updatedAt: at,
    updatedBy: user.userId,
    collectionName: c.collectionName,
    documentId: c.documentId,
    fields: c.fields.slice(0, 200).map((f) => ({ path: f.path, ours: json(f.ours), theirs: json(f.theirs), base: json(f.base) })),
    detectedAt: at,
    detectedBy: user.userId,
    detectedOnDevice: user.deviceId,
    status: 'open',
  };
}

function isDuplicate(err: unknown): boolean {
  const e = err as { code?: string; status?: number; rxdb?: boolean; parameters?: { writeError?: { status?: number } } };
  return e?.code === 'CONFLICT' || e?.parameters?.writeError?.status === 409 || /conflict/i.test(String((err as Error)?.message));
}

export function startSync(opts: StartSyncOptions): SyncManager {
  const { db, user } = opts;
  const replications = new Map<string, CollectionReplication<unknown>>();
  const subs: Subscription[] = [];
  const pending = new Map<string, Set<string>>();
  const initial = new Set<string>();
  const expected = new Map<string, number>();
  let pulledDuringFirstSync = 0;
  let stopped = false;
  let wiped = false;

  const plan: { name: string; pull: boolean; push: boolean; collection: RxCollection }[] = [];
  for (const [name, collection] of Object.entries(db.collections)) {
    if (!collectionsByName.has(name) || !(name in ACCESS_TABLE)) continue;
    const access = ACCESS_TABLE[name as keyof typeof ACCESS_TABLE].roles[user.role];
    const pull = access.read !== 'none';
    const push = access.write !== 'none';
    if (pull || push) plan.push({ name, pull, push, collection: collection as RxCollection });
  }

  const status = new BehaviorSubject<SyncStatus>({
    state: 'starting',
    online: false,
    streamsConnected: 0,
    streamsExpected: plan.filter((p) => p.pull).length,
    pendingChanges: 0,
    lastSyncAt: null,
    errors: [],
    invalidPulledDocuments: 0,
    openConflicts: 0,
    firstSync: { done: false, collectionsDone: 0, collectionsTotal: plan.filter((p) => p.pull).length, documentsPulled: 0, documentsExpected: null },
    collections: plan.map(({ name, pull, push }) => ({ name, pull, push })),
  });
  const patch = (p: Partial<SyncStatus>) => {
    if (!status.closed) status.next({ ...status.value, ...p });
  };
  const recompute = () => {
    if (status.closed) return;
    const all = [...replications.values()].map((r) => r.status);
    const s = status.value;
    const lastSyncAt = all.map((x) => x.lastSyncAt).filter((x): x is string => x !== null).sort().pop() ?? s.lastSyncAt;
    const online = all.length > 0 && all.every((x) => x.online);
    const pendingChanges = [...pending.values()].reduce((n, set) => n + set.size, 0);
    const firstDone = s.firstSync.collectionsDone >= s.firstSync.collectionsTotal;
    const documentsExpected = expected.size > 0 ? [...expected.values()].reduce((a, b) => a + b, 0) : null;
    let state: SyncState = s.state;
    if (wiped) state = 'wiped';
    else if (stopped) state = 'stopped';
    else if (s.state === 'needs_sign_in') state = 'needs_sign_in';
    else if (!online) state = lastSyncAt === null && !firstDone ? 'starting' : 'offline';
    else state = firstDone ? 'in_sync' : 'first_sync';
    status.next({
      ...s,
      state,
      online,
      lastSyncAt,
      pendingChanges,
      streamsConnected: all.filter((x) => x.streamConnected).length,
      firstSync: { ...s.firstSync, done: firstDone, documentsPulled: pulledDuringFirstSync, documentsExpected },
    });
  };

  const wipe = (problem: SyncProblem) => {
    if (wiped) return;
    wiped = true;
    recompute();
    const info = { deviceId: user.deviceId, messageAr: problem.messageAr };
    void (async () => {
      await Promise.all([...replications.values()].map((r) => r.cancel().catch(() => {})));
      activeSink = null;
      if (opts.onWipe) await opts.onWipe(info);
      else await db.remove();
    })().catch(() => {});
  };

  const onProblem = (collection: string, p: SyncProblem) => {
    const { cause: _cause, ...plain } = p;
    const errors = [...status.value.errors, { ...plain, collection }].slice(-50);
    const invalid = status.value.invalidPulledDocuments + (p.code === 'INVALID_PULLED_DOCUMENT' ? 1 : 0);
    patch({ errors, invalidPulledDocuments: invalid });
    if (p.code === 'DEVICE_REVOKED') return wipe(p);
    if (p.code === 'UNAUTHENTICATED' || p.code === 'TOKEN_EXPIRED') patch({ state: 'needs_sign_in' });
    else if (status.value.state === 'needs_sign_in' && p.status !== null && p.status < 400) patch({ state: 'offline' });
    recompute();
  };

  // Conflicts detected by the merge handler → sync_conflicts (when the role may write them).
  const conflictsCollection = db.collections.sync_conflicts as RxCollection<SyncConflict> | undefined;
  activeSink = async (c) => {
    const record = conflictRecord(c, user, new Date().toISOString());
    if (!conflictsCollection || !can(user, 'insert', 'sync_conflicts', { branchId: record.branchId }).allowed) {
      onProblem(c.collectionName, {
        source: 'replication',
        code: 'CONFLICT_NOT_RECORDED',
        message: `Conflict on ${c.collectionName}/${c.documentId} (${c.fields.map((f) => f.path).join(', ')}) could not be recorded; HQ's values were kept.`,
        messageAr: 'عُدّل السجل نفسه على جهازين في الوقت نفسه واحتُفظ بنسخة المركز، ولم يمكن حفظ نسختك للمقارنة. راجع السجل وأعد إدخال تعديلك إن لزم.',
        status: null,
        details: { documentId: c.documentId, fields: c.fields.map((f) => f.path), ours: c.ours },
        at: new Date().toISOString(),
      });
      return;
    }
    try {
      await conflictsCollection.insert(record);
    } catch (err) {
      if (!isDuplicate(err)) throw err;
    }
  };

  if (conflictsCollection) {
    subs.push(
      conflictsCollection.find({ selector: { status: 'open' } }).$.subscribe((docs) => {
        patch({ openConflicts: docs.length });
      }),
    );
  }

  const headers = async (): Promise<Record<string, string>> => {
    const token = await opts.getAccessToken();
    return token ? { authorization: `Bearer ${token}` } : {};
  };

  for (const p of plan) {
    const ids = new Set<string>();
    pending.set(p.name, ids);
    if (p.push) {
      subs.push(
        p.collection.eventBulks$.subscribe((bulk) => {
          if (bulk.isLocal || String(bulk.context).startsWith('replication-downstream')) return;
          for (const e of bulk.events) ids.add(e.documentId);
          recompute();
        }),
      );
    }
    const r = startCollectionReplication<unknown>({
      collection: p.collection,
      hqUrl: opts.hqUrl,
      fetch: opts.fetch,
      headers,
      pull: p.pull,
      push: p.push,
      retryTime: opts.retryTime,
      reconnect: opts.reconnect,
      waitForLeadership: opts.waitForLeadership,
      pullBatchSize: opts.pullBatchSize,
      pushBatchSize: opts.pushBatchSize,
      onPulled: (count, total) => {
        if (!initial.has(p.name)) {
          pulledDuringFirstSync += count;
          if (total !== undefined) expected.set(p.name, total);
          else if (!expected.has(p.name)) expected.set(p.name, count);
        }
        recompute();
      },
      onPushed: (pushed) => {
        for (const id of pushed) ids.delete(id);
        recompute();
      },
    });
    replications.set(p.name, r);
    subs.push(r.error$.subscribe((problem) => onProblem(p.name, problem)));
    subs.push(r.status$.subscribe(() => recompute()));
    if (p.pull) {
      void r.replicationState.awaitInitialReplication().then(
        () => {
          initial.add(p.name);
          const fs = status.value.firstSync;
          patch({ firstSync: { ...fs, collectionsDone: initial.size } });
          recompute();
        },
        () => {},
      );
    }
  }
  recompute();

  return {
    status$: status.asObservable(),
    get status() {
      return status.value;
    },
    async awaitInitialSync() {
      await Promise.all(plan.filter((p) => p.pull).map((p) => replications.get(p.name)!.replicationState.awaitInitialReplication()));
    },
    async awaitInSync() {
      await Promise.all([...replications.values()].map((r) => r.awaitInSync()));
    },
    reSync() {
      for (const r of replications.values()) r.reSync();
    },
    async pause() {
      await Promise.all([...replications.values()].map((r) => r.replicationState.pause()));
    },
    async resume() {
      if (stopped || wiped) return;
      await Promise.all([...replications.values()].map((r) => r.replicationState.start()));
    },
    async stop() {
      if (stopped) return;
      stopped = true;
      recompute();
      await Promise.all([...replications.values()].map((r) => r.cancel()));
      for (const s of subs) s.unsubscribe();
      if (activeSink && !wiped) activeSink = null;
      status.complete();
    },
  };
}

/**
 * Resolve an open conflict: `kept_theirs` leaves the record as it is (HQ's values);
 * `kept_ours` writes this laptop's values back into the record; `edited` writes `values`
 * (path → value). Then marks the conflict resolved. Both are normal synced writes.
 */
export async function resolveSyncConflict(
  db: RxDatabase,
  conflictId: string,
  resolution: 'kept_theirs' | 'kept_ours' | 'edited',
  by: string,
  values: Record<string, unknown> = {},
): Promise<void> {
  const conflicts = db.collections.sync_conflicts as RxCollection<SyncConflict> | undefined;
  if (!conflicts) throw new Error('This database has no sync_conflicts collection.');
  const conflict = await conflicts.findOne(conflictId).exec();
  if (!conflict) throw new Error(`No conflict ${conflictId}.`);
  const c = conflict.toJSON() as SyncConflict;
  if (c.status === 'resolved') return;
  const at = new Date().toISOString();
  if (resolution !== 'kept_theirs') {
    const target = db.collections[c.collectionName] as RxCollection | undefined;
    const doc = target ? await target.findOne(c.documentId).exec() : null;
    if (!target || !doc) throw new Error(`The record ${c.collectionName}/${c.documentId} is not on this laptop.`);
    const chosen: Record<string, unknown> = {};
    for (const f of c.fields) {
      if (f.path === '_deleted') continue;
      if (resolution === 'kept_ours') chosen[f.path] = f.ours === '' ? undefined : (JSON.parse(f.ours) as unknown);
      else if (Object.prototype.hasOwnProperty.call(values, f.path)) chosen[f.path] = values[f.path];
    }
    await doc.incrementalModify((data: Record<string, unknown>) => {
      const next = structuredClone(data);
      for (const [path, value] of Object.entries(chosen)) setPath(next, path, value);
      next.updatedAt = at;
      next.updatedBy = by;
      return next;
    });
  }
  await conflict.incrementalPatch({ status: 'resolved', resolution, resolvedBy: by, resolvedAt: at, updatedAt: at, updatedBy: by });
}

function setPath(target: Record<string, unknown>, path: string, value: unknown) {
  const parts = path.split('.');
  let node: Record<string, unknown> = target;
  for (const part of parts.slice(0, -1)) {
    const next = node[part];
    if (typeof next !== 'object' || next === null || Array.isArray(next)) node[part] = {};
    node = node[part] as Record<string, unknown>;
  }
  const last = parts[parts.length - 1]!;
  if (value === undefined) delete node[last];
  else node[last] = value;
}
