/**
 * A laptop offline longer than HQ's tombstone retention: restart the collection from zero.
 *
 * HQ purges tombstones after a retention period and records the purge horizon. A pull from a
 * checkpoint older than that horizon is refused with 410 RESYNC_REQUIRED (hq/store.ts
 * `checkPurgeHorizon`): deletions may have been missed. The wrapped pull handler then:
 *   1. pulls the collection again from the start (no checkpoint), in the same replication, so
 *      RxDB's record of what HQ last sent (its metadata) stays: records unchanged since are
 *      recognised as such (no spurious conflicts), changed ones update, and local edits not yet
 *      sent are kept and merged as usual;
 *   2. at the end of that pass, finds the records this laptop had received from HQ that HQ no
 *      longer has (deleted, tombstone purged) and hands RxDB a bare tombstone for each. RxDB
 *      applies it only where the laptop has no unsent change (an unsent edit wins: it is sent
 *      to HQ, nothing typed is lost); records created here and never sent are untouched.
 * A record HQ changes during the pass arrives again with the next pull or stream event, so
 * nothing is lost to a race.
 */
import { getComposedPrimaryKeyOfDocumentData, type ReplicationPullHandler, type ReplicationPullHandlerResult, type RxCollection, type WithDeleted } from 'rxdb';
import type { RxReplicationState } from 'rxdb/plugins/replication';
import type { SyncCheckpoint } from './protocol';

export type PullResult<T> = ReplicationPullHandlerResult<T, SyncCheckpoint>;
export type PullFn<T> = ReplicationPullHandler<T, SyncCheckpoint>;
/** What is read of the replication: RxDB's record of the master states it received. */
// eslint-disable-next-line @typescript-eslint/no-explicit-any
export type MetaHolder = { readonly metaInstance?: RxReplicationState<any, any>['metaInstance'] };

export const RESYNC_REQUIRED = 'RESYNC_REQUIRED';

/** An error or sync problem saying HQ wants this collection pulled again from the start. */
export function isResyncRequired(err: unknown): boolean {
  return !!err && typeof err === 'object' && (err as { code?: unknown }).code === RESYNC_REQUIRED;
}

/**
 * Records of `collection` the laptop received from HQ (RxDB has a master state for them), not
 * deleted there as far as it knows, whose ids are not in `seen`.
 */
export async function vanishedRecords<T>(collection: RxCollection<T>, replicationState: MetaHolder | undefined, seen: ReadonlySet<string>): Promise<string[]> {
  const meta = replicationState?.metaInstance;
  if (!meta) return [];
  const local = (await collection.find().exec()).map((d) => String(d.primary)).filter((id) => !seen.has(id));
  if (local.length === 0) return [];
  const metaIds = local.map((id) => getComposedPrimaryKeyOfDocumentData(meta.schema, { itemId: id, isCheckpoint: '0' } as never));
  const metaDocs = await meta.findDocumentsById(metaIds, false);
  const received = new Set(
    metaDocs.filter((m) => m.docData && (m.docData as { _deleted?: boolean })._deleted !== true).map((m) => m.itemId),
  );
  return local.filter((id) => received.has(id));
}

export interface RestartFromZero<T> {
  pull: PullFn<T>;
  /** True while a from-zero pass is running. */
  readonly restarting: boolean;
}

/**
 * Wrap a pull handler: on RESYNC_REQUIRED pull from zero and remove what HQ no longer has (see
 * the module note). `replicationState` is read lazily (the handler is built before it).
 */
export function restartFromZeroOnResync<T>(
  pull: PullFn<T>,
  ctx: {
    collection: RxCollection<T>;
    replicationState: () => MetaHolder | undefined;
    /** Called when a restart begins and when it ends (with how many records HQ no longer had). */
    onRestart?: (phase: 'started' | 'finished', removed: number) => void;
  },
): RestartFromZero<T> {
  let pass: { seen: Set<string> } | null = null;
  const wrapped: PullFn<T> = async (checkpoint, batchSize) => {
    let result: PullResult<T>;
    try {
      result = await pull(checkpoint, batchSize);
    } catch (err) {
      if (!isResyncRequired(err) || checkpoint === undefined) throw err;
      pass = { seen: new Set() };
      ctx.onRestart?.('started', 0);
      result = await pull(undefined, batchSize);
    }
    const current = pass;
    if (!current) return result;
    for (const d of result.documents) current.seen.add(String((d as { id?: unknown }).id));
    if (result.documents.length >= batchSize) return result; // more to come
    pass = null;
    const gone = await vanishedRecords(ctx.collection, ctx.replicationState(), current.seen);
    ctx.onRestart?.('finished', gone.length);
    if (gone.length === 0) return result;
    const tombstones = gone.map((id) => ({ id, _deleted: true }) as unknown as WithDeleted<T>);
    return { ...result, documents: [...result.documents, ...tombstones] };
  };
  return {
    pull: wrapped,
    get restarting() {
      return pass !== null;
    },
  };
}
