/**
 * Pending local changes (shared/sync/pending.ts) read from a real RxDB replication's own
 * bookkeeping: pulled records are not pending, local edits are until HQ confirms them, and
 * the count survives a restart of the replication (the laptop restarted while offline).
 */
import { afterEach, describe, expect, test } from 'vitest';
import { createRxDatabase, type RxCollection, type RxDatabase } from 'rxdb';
import { getRxStorageMemory } from 'rxdb/plugins/storage-memory';
import { replicateRxCollection, type RxReplicationState } from 'rxdb/plugins/replication';
import { countPendingChanges } from '../../../shared/sync/pending';

interface Item {
  id: string;
  name: string;
}

/** An in-memory master with a sequence, and a switch for "HQ unreachable". */
function master() {
  const rows = new Map<string, { doc: Item & { _deleted: boolean }; seq: number }>();
  let seq = 0;
  const net = { online: true, pushes: 0 };
  return {
    net,
    rows,
    put(doc: Item & { _deleted?: boolean }) {
      rows.set(doc.id, { doc: { ...doc, _deleted: doc._deleted ?? false }, seq: ++seq });
    },
    pull: async (checkpoint: { seq: number } | undefined, batchSize: number) => {
      if (!net.online) throw new Error('offline');
      const after = checkpoint?.seq ?? 0;
      const docs = [...rows.values()].filter((r) => r.seq > after).sort((a, b) => a.seq - b.seq).slice(0, batchSize);
      const last = docs[docs.length - 1];
      return { documents: docs.map((r) => r.doc), checkpoint: last ? { seq: last.seq } : checkpoint };
    },
    push: async (batch: { newDocumentState: Item & { _deleted: boolean } }[]) => {
      if (!net.online) throw new Error('offline');
      net.pushes++;
      for (const row of batch) rows.set(row.newDocumentState.id, { doc: row.newDocumentState, seq: ++seq });
      return [];
    },
  };
}

let db: RxDatabase | null = null;
const replications: RxReplicationState<Item, unknown>[] = [];
afterEach(async () => {
  for (const r of replications.splice(0)) await r.cancel();
  await db?.close();
  db = null;
});

async function until(check: () => Promise<boolean>, what: string): Promise<void> {
  const deadline = Date.now() + 10_000;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 20));
  }
}

function replicate(collection: RxCollection<Item>, hq: ReturnType<typeof master>) {
  const r = replicateRxCollection<Item, unknown>({
    replicationIdentifier: 'pending-test',
    collection,
    live: true,
    retryTime: 30,
    waitForLeadership: false,
    pull: { handler: hq.pull as never, batchSize: 2 },
    push: { handler: hq.push as never, batchSize: 10 },
  });
  r.error$.subscribe(() => {}); // offline errors are expected here
  replications.push(r);
  return r;
}

describe('pending local changes', () => {
  test('pulled records are not pending; local edits are until HQ confirms them, across a restart', async () => {
    const hq = master();
    for (const id of ['a', 'b', 'c']) hq.put({ id, name: `from HQ ${id}` });
    db = await createRxDatabase({ name: `pending${Date.now()}`, storage: getRxStorageMemory(), multiInstance: false });
    await db.addCollections({
      items: {
        schema: {
          version: 0,
          primaryKey: 'id',
          type: 'object',
          properties: { id: { type: 'string', maxLength: 40 }, name: { type: 'string' } },
          required: ['id', 'name'],
        },
      },
    });
    const items = db.collections.items as RxCollection<Item>;
    let replication = replicate(items, hq);
    await replication.awaitInitialReplication();
    expect(await items.count().exec()).toBe(3);
    await until(async () => (await countPendingChanges(replication))?.count === 0, 'nothing pending after the first pull');

    // HQ unreachable: two new records, an edit and a deletion of pulled ones.
    hq.net.online = false;
    await items.insert({ id: 'n1', name: 'new 1' });
    await items.insert({ id: 'n2', name: 'new 2' });
    await (await items.findOne('a').exec())!.incrementalPatch({ name: 'edited offline' });
    await (await items.findOne('b').exec())!.remove();
    await until(async () => (await countPendingChanges(replication))?.count === 4, 'four pending changes');
    expect((await countPendingChanges(replication))!.ids.sort()).toEqual(['a', 'b', 'n1', 'n2']);
    expect(await countPendingChanges(replication, { limit: 2 })).toMatchObject({ count: 2, complete: false });

    // The laptop restarts, still offline: the same four are pending (RxDB's bookkeeping is stored).
    await replication.cancel();
    expect(await countPendingChanges(replication)).toBeNull(); // a cancelled replication has no answer
    replication = replicate(items, hq);
    await until(async () => (await countPendingChanges(replication))?.count === 4, 'the four after the restart');

    // HQ answers: pushed and confirmed, nothing pending; HQ has them.
    hq.net.online = true;
    replication.reSync();
    await until(async () => (await countPendingChanges(replication))?.count === 0, 'everything confirmed');
    expect(hq.rows.get('a')!.doc.name).toBe('edited offline');
    expect(hq.rows.get('b')!.doc._deleted).toBe(true);
    expect(hq.rows.has('n2')).toBe(true);

    // A change arriving from HQ is not a local change.
    hq.put({ id: 'c', name: 'changed at HQ' });
    replication.reSync();
    await until(async () => (await items.findOne('c').exec())?.name === 'changed at HQ', 'the change from HQ');
    expect((await countPendingChanges(replication))!.count).toBe(0);
  });
});
