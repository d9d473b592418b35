/**
 * How many local changes have not reached HQ yet — read from RxDB's own replication
 * bookkeeping, so it survives restarts and counts exactly what the next push would send.
 *
 * RxDB keeps, per replication, an upstream checkpoint in the local store (the point up to
 * which local changes were pushed and confirmed) and, per document, the "assumed master
 * state" (the version HQ last confirmed). A document is pending when it changed after the
 * upstream checkpoint AND differs from its assumed master state — the same test RxDB's
 * upstream uses to decide what to push (rxdb/src/replication-protocol/upstream.ts). Records
 * received from HQ are not pending (their state equals the assumed master state); a change
 * HQ refused (4xx) stays pending until it is pushed.
 */
import {
  getAssumedMasterState,
  getChangedDocumentsSince,
  getLastCheckpointDoc,
  stackCheckpoints,
  writeDocToDocState,
  type RxDocumentData,
  type WithDeleted,
} from 'rxdb';
import type { RxReplicationState } from 'rxdb/plugins/replication';

export interface PendingChanges {
  /** Documents with changes HQ has not confirmed (at most `limit`). */
  count: number;
  /** Their ids (at most `limit`). */
  ids: string[];
  /** False when counting stopped at `limit` (there may be more). */
  complete: boolean;
}

/**
 * Count the pending local changes of one replication. Null when the replication has not
 * started (no bookkeeping yet) or was cancelled. Reads only the documents changed since the
 * last confirmed push (normally a handful), in batches of `batchSize`.
 */
export async function countPendingChanges<T, C>(
  replication: RxReplicationState<T, C>,
  options: { limit?: number; batchSize?: number } = {},
): Promise<PendingChanges | null> {
  const state = replication.internalReplicationState;
  if (!state || state.events.canceled.getValue()) return null;
  const limit = options.limit ?? 10_000;
  const batchSize = options.batchSize ?? 200;
  const primaryPath = state.primaryPath as string;
  let checkpoint: unknown = await getLastCheckpointDoc(state, 'up');
  const ids: string[] = [];
  for (;;) {
    const changed = await getChangedDocumentsSince(state.input.forkInstance, batchSize, checkpoint);
    if (changed.documents.length === 0) return { count: ids.length, ids, complete: true };
    checkpoint = stackCheckpoints([checkpoint, changed.checkpoint]);
    const docs = changed.documents as RxDocumentData<T>[];
    const assumed = await getAssumedMasterState(
      state,
      docs.map((d) => String((d as Record<string, unknown>)[primaryPath])),
    );
    for (const doc of docs) {
      const id = String((doc as Record<string, unknown>)[primaryPath]);
      const master = assumed[id];
      const docState = writeDocToDocState(doc, state.hasAttachments, !!state.input.keepMeta) as WithDeleted<T>;
      const confirmed =
        master !== undefined &&
        master.metaDocument.isResolvedConflict !== doc._rev &&
        state.input.conflictHandler.isEqual(master.docData, docState, 'upstream-check-if-equal');
      if (confirmed) continue;
      ids.push(id);
      if (ids.length >= limit) return { count: ids.length, ids, complete: false };
    }
    if (docs.length < batchSize) return { count: ids.length, ids, complete: true };
  }
}
