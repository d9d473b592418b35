/**
 * The laptop's sync manager: replicates every collection the signed-in user may see (or
 * write) with HQ, records conflicts, and aggregates one status for the UI.
 *
 *   const sync = startSync({ db, hqUrl, user, getAccessToken, onWipe });
 *   sync.status$.subscribe(s => …)   // online, pending, lastSyncAt, errors, conflicts, progress
 *   await sync.stop();
 *
 * Every pulled collection is live through ONE change stream (shared/sync/stream-hub.ts).
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
import { createStreamHub } from './stream-hub';
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

/**
 * Where same-field conflicts go while a sync other than `startSync` runs (the renderer's
 * controller records them through its audited write path). Null: none is running — the
 * merge then keeps HQ's values and records nothing, so set it before replication starts.
 */
export function setSyncConflictSink(sink: ConflictSink | null): void {
  activeSink = sink;
}

function json(v: unknown): string {
  return v === undefined ? '' : JSON.stringify(v);
}

function stamp(doc: Record<string, unknown>, field: 'updatedBy' | 'updatedAt'): string | undefined {
  const v = doc[field];
  return typeof v === 'string' && v !== '' ? v : undefined;
}

/** Build the sync_conflicts record of a detected conflict. */
export function conflictRecord(c: DetectedConflict, user: SyncUser, at: string): SyncConflict {
  const branchId = c.branchId ?? user.branchIds[0] ?? 'hq';
  const who = {
    oursUpdatedBy: stamp(c.ours, 'updatedBy'),
    oursUpdatedAt: stamp(c.ours, 'updatedAt'),
    theirsUpdatedBy: stamp(c.theirs, 'updatedBy'),
    theirsUpdatedAt: stamp(c.theirs, 'updatedAt'),
  };
  return {
    ...(Object.fromEntries(Object.entries(who).filter(([, v]) => v !== undefined)) as Partial<typeof who>),
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
    hub.stop();
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

  // Every pulled collection is live through one connection (shared/sync/stream-hub.ts).
  const hub = createStreamHub({
    hqUrl: opts.hqUrl,
    collections: plan.filter((p) => p.pull).map((p) => p.name),
    fetch: opts.fetch,
    headers,
    reconnect: opts.reconnect,
  });
  subs.push(hub.error$.subscribe((problem) => onProblem('', problem)));

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
      ...(p.pull ? { streamSource: hub.source(p.name) } : {}),
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
  hub.start();
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
      hub.stop();
      await Promise.all([...replications.values()].map((r) => r.cancel()));
      for (const s of subs) s.unsubscribe();
      if (activeSink && !wiped) activeSink = null;
      status.complete();
    },
  };
}

/** What one side of a conflicting field held (undefined: the field was absent there). */
export function conflictValue(field: SyncConflict['fields'][number], side: 'ours' | 'theirs' | 'base'): unknown {
  const raw = field[side];
  return raw === '' ? undefined : (JSON.parse(raw) as unknown);
}

/** For each conflicting field: keep the value in the record ('theirs') or restore the losing one ('ours'). */
export type ConflictChoices = Readonly<Record<string, 'ours' | 'theirs'>>;

export type ConflictResolutionPlan =
  | {
      ok: true;
      resolution: 'kept_theirs' | 'kept_ours' | 'edited';
      /** The record to write (the current one with the chosen values), or null: it stays as it is. */
      document: Record<string, unknown> | null;
      /** The losing version was a deletion and it was chosen: delete the record. */
      deleteDocument: boolean;
      /** The conflict record, marked resolved. */
      conflict: SyncConflict;
    }
  | {
      ok: false;
      /** record_missing: the record is not on this laptop (deleted, or not replicated yet). */
      reason: 'record_missing';
      messageAr: string;
      messageEn: string;
    };

/**
 * Decide how to resolve a conflict, without writing anything. `current` is the record as it is
 * now on this laptop (null when it is not here or deleted); `choices` says per field path which
 * value to keep (missing: the one in the record); `values` (path → value) writes other values
 * instead ("edited"). Every field not chosen keeps the record's current value — a change made
 * since the conflict is never overwritten by a field nobody chose.
 */
export function planConflictResolution(
  conflict: SyncConflict,
  current: Record<string, unknown> | null,
  choices: ConflictChoices,
  by: string,
  at: string,
  values: Readonly<Record<string, unknown>> = {},
): ConflictResolutionPlan {
  const fields = conflict.fields;
  const edited = Object.keys(values).filter((p) => fields.some((f) => f.path === p));
  const restored = fields.filter((f) => choices[f.path] === 'ours' && !edited.includes(f.path));
  const resolution: 'kept_theirs' | 'kept_ours' | 'edited' =
    edited.length > 0 ? 'edited' : restored.length === 0 ? 'kept_theirs' : restored.length === fields.length ? 'kept_ours' : 'edited';
  const resolved: SyncConflict = { ...conflict, status: 'resolved', resolution, resolvedBy: by, resolvedAt: at, updatedAt: at, updatedBy: by };
  if (restored.length === 0 && edited.length === 0) return { ok: true, resolution, document: null, deleteDocument: false, conflict: resolved };

  const deletion = restored.find((f) => f.path === '_deleted');
  if (deletion && conflictValue(deletion, 'ours') === true) {
    // This laptop had deleted the record; the person chose the deletion.
    return current
      ? { ok: true, resolution, document: null, deleteDocument: true, conflict: resolved }
      : { ok: true, resolution, document: null, deleteDocument: false, conflict: resolved }; // already gone
  }
  if (!current) {
    return {
      ok: false,
      reason: 'record_missing',
      messageAr: 'السجل غير موجود على هذا الجهاز (قد يكون حُذف)، فلا يمكن استعادة القيمة الأخرى فيه. القيمتان محفوظتان في هذا التعارض؛ أعد إدخال ما يلزم في سجل جديد أو تواصل مع مدير النظام.',
      messageEn: 'The record is not on this laptop (it may have been deleted), so the other value cannot be restored into it. Both values stay in this conflict; re-enter what is needed in a new record or contact the HQ administrator.',
    };
  }
  const next = structuredClone(current);
  for (const f of restored) if (f.path !== '_deleted') setPath(next, f.path, conflictValue(f, 'ours'));
  for (const path of edited) setPath(next, path, values[path]);
  next.updatedAt = at;
  next.updatedBy = by;
  return { ok: true, resolution, document: next, deleteDocument: false, conflict: resolved };
}

/**
 * Resolve an open conflict: `kept_theirs` leaves the record as it is (HQ's values);
 * `kept_ours` writes this laptop's values back into the record; `edited` writes `values`
 * (path → value). Then marks the conflict resolved. Both are normal synced writes.
 * (The renderer resolves through its audited write path instead: planConflictResolution.)
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
  const target = db.collections[c.collectionName] as RxCollection | undefined;
  const doc = target ? await target.findOne(c.documentId).exec() : null;
  const choices: Record<string, 'ours' | 'theirs'> = {};
  if (resolution === 'kept_ours') for (const f of c.fields) if (f.path !== '_deleted') choices[f.path] = 'ours';
  const plan = planConflictResolution(c, doc ? (doc.toJSON() as Record<string, unknown>) : null, choices, by, new Date().toISOString(), resolution === 'edited' ? values : {});
  if (!plan.ok) throw new Error(`The record ${c.collectionName}/${c.documentId} is not on this laptop.`);
  if (plan.document && doc) {
    const written = plan.document;
    await doc.incrementalModify(() => written);
  }
  const r = plan.conflict;
  await conflict.incrementalPatch({ status: r.status, resolution: plan.resolution, resolvedBy: r.resolvedBy, resolvedAt: r.resolvedAt, updatedAt: r.updatedAt, updatedBy: r.updatedBy });
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
