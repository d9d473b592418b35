/**
 * Destruction tombstones leave nothing behind on the laptop.
 *
 * RxDB keeps a deleted document's row in storage (the tombstone) until it is cleaned up. When
 * HQ carries out a PDPL destruction (shared/privacy/destruction.ts) the pulled tombstones carry
 * no personal field, and RxDB already dropped the records' files (attachments) when it wrote the
 * deletion; the rows, and any earlier body still stored, must go too. So when a destruction
 * tombstone is written to a collection (pulled, streamed, or chosen by the conflict handler),
 * and once at start when one is still stored (the app closed before the purge), this:
 *   1. waits until the collection's replication is in sync, so no local deletion that HQ has
 *      not received yet is purged (it would never reach HQ);
 *   2. removes from storage every deleted row written before that wait began (RxStorage
 *      `cleanup`, what RxDB's cleanup plugin calls).
 * Purged rows need no replacement: HQ holds the tombstones and the replication's metadata
 * holds the destruction tombstone (no personal field) as the master state.
 */
import { Subject, Subscription, filter, type Observable } from 'rxjs';
import { normalizeMangoQuery, prepareQuery, type RxCollection } from 'rxdb';
import type { RxReplicationState } from 'rxdb/plugins/replication';
import { isDestructionTombstone } from '../privacy/destruction';

export interface DestructionPurge {
  /** Emits the number of purge runs completed (for tests and diagnostics). */
  readonly purged$: Observable<number>;
  /** Purge now (after the replication is in sync); resolves when done. */
  purge(): Promise<void>;
  /** Unsubscribing stops the watch. */
  readonly subscription: Subscription;
}

export interface DestructionPurgeOptions {
  /** Wait this long for the replication to be in sync before trying again later. Default 120 s. */
  inSyncTimeoutMs?: number;
  /** Debounce of tombstones arriving together. Default 300 ms. */
  debounceMs?: number;
  onError?: (err: unknown) => void;
}

/** Whether the collection's storage still holds a destruction tombstone (indexed on `_deleted`). */
export async function hasDestructionTombstones(collection: RxCollection): Promise<boolean> {
  const schema = collection.schema.jsonSchema;
  const query = prepareQuery(schema, normalizeMangoQuery(schema, { selector: { _deleted: { $eq: true } } as never, skip: 0, limit: 10_000 } as never));
  const result = await collection.storageInstance.query(query);
  return result.documents.some((d) => isDestructionTombstone(d));
}

export function watchDestructionPurge<T>(
  collection: RxCollection<T>,
  replicationState: Pick<RxReplicationState<T, unknown>, 'awaitInSync' | 'awaitInitialReplication' | 'isStopped'>,
  options: DestructionPurgeOptions = {},
): DestructionPurge {
  const debounceMs = options.debounceMs ?? 300;
  const inSyncTimeoutMs = options.inSyncTimeoutMs ?? 120_000;
  const report = options.onError ?? (() => {});
  const purged = new Subject<number>();
  let runs = 0;
  let stopped = false;
  let timer: ReturnType<typeof setTimeout> | null = null;
  let running: Promise<void> | null = null;
  let again = false;

  const run = async (): Promise<void> => {
    const since = Date.now();
    let timeout: ReturnType<typeof setTimeout> | null = null;
    const inSync = await Promise.race([
      replicationState.awaitInSync().then(() => true),
      new Promise<boolean>((resolve) => {
        timeout = setTimeout(() => resolve(false), inSyncTimeoutMs);
      }),
    ]).finally(() => {
      if (timeout) clearTimeout(timeout);
    });
    if (stopped || collection.closed) return;
    if (!inSync) {
      // Not in sync (offline, or a push HQ refuses): try again later; nothing is purged that
      // HQ may not have.
      schedule(inSyncTimeoutMs);
      return;
    }
    // Rows deleted before `since` are at HQ (the replication was in sync after it).
    await collection.storageInstance.cleanup(Math.max(0, Date.now() - since));
    runs += 1;
    purged.next(runs);
  };

  const purge = (): Promise<void> => {
    if (running) {
      again = true;
      return running;
    }
    running = run()
      .catch((err: unknown) => report(err))
      .finally(() => {
        running = null;
        if (again && !stopped) {
          again = false;
          schedule(0);
        }
      });
    return running;
  };

  function schedule(delay = debounceMs) {
    if (stopped) return;
    if (timer) clearTimeout(timer);
    timer = setTimeout(() => {
      timer = null;
      void purge();
    }, delay);
  }

  const subs: Subscription[] = [
    collection.$.pipe(filter((e) => e.operation === 'DELETE' && isDestructionTombstone({ ...(e.documentData as object), _deleted: true }))).subscribe(() => schedule()),
  ];
  // A tombstone left from an earlier session (the app closed before its purge).
  void replicationState
    .awaitInitialReplication()
    .then(async () => {
      if (!stopped && !collection.closed && (await hasDestructionTombstones(collection as RxCollection))) schedule();
    })
    .catch((err: unknown) => {
      if (!stopped && !replicationState.isStopped()) report(err);
    });

  return {
    purged$: purged.asObservable(),
    purge,
    subscription: new Subscription(() => {
      stopped = true;
      if (timer) clearTimeout(timer);
      for (const s of subs) s.unsubscribe();
      purged.complete();
    }),
  };
}
