/**
 * A first sync interrupted half-way (app closed, laptop asleep) shows its progress again when it
 * resumes: the first pull of each start that already has a checkpoint asks HQ how much is left
 * (`count=1`, shared/sync/client.ts), later pulls do not, and the count reaches `onPulled`. A real
 * RxDB collection replicating through `startCollectionReplication` against an in-memory HQ behind
 * `fetch` that answers like hq/store.ts `pullChanges`.
 */
import { afterEach, expect, test } from 'vitest';
import type { RxDatabase } from 'rxdb';
import { startCollectionReplication, type CollectionReplication } from '../../../shared/sync/client';
import { createItemsDatabase, type Item } from './sync-items';

let db: RxDatabase | null = null;
let replication: CollectionReplication<Item> | null = null;
afterEach(async () => {
  await replication?.cancel();
  await db?.close();
  replication = null;
  db = null;
});

test('the first pull of a resumed sync asks how much is left; the answer reaches the progress', async () => {
  const rows: { doc: Item & { _deleted: boolean }; seq: number }[] = [];
  const add = (n: number) => {
    for (let i = 0; i < n; i++) {
      const seq = rows.length + 1;
      rows.push({ doc: { id: `i${String(seq).padStart(3, '0')}`, name: `سجل ${seq}`, updatedAt: '2026-11-22T01:00:00.000Z', _deleted: false }, seq });
    }
  };
  const pulls: URLSearchParams[] = [];
  const fakeFetch: typeof fetch = async (input) => {
    const url = new URL(String(input));
    if (!url.pathname.endsWith('/pull')) return new Response('[]', { status: 200 });
    pulls.push(url.searchParams);
    const after = Number(url.searchParams.get('seq') ?? 0);
    const batchSize = Number(url.searchParams.get('batchSize'));
    const left = rows.filter((r) => r.seq > after);
    const batch = left.slice(0, batchSize);
    const last = batch[batch.length - 1];
    const asked = !url.searchParams.has('seq') || url.searchParams.get('count') === '1';
    return Response.json({
      documents: batch.map((r) => r.doc),
      checkpoint: last ? { id: last.doc.id, seq: last.seq } : after ? { id: '', seq: after } : null,
      ...(asked && batch.length === batchSize ? { total: left.length } : {}),
    });
  };

  const created = await createItemsDatabase('resumed-progress');
  db = created.db;
  const items = created.items;
  const start = (progress: Array<[number, number | undefined]>) =>
    startCollectionReplication<Item>({
      collection: items as never,
      hqUrl: 'http://hq.test',
      fetch: fakeFetch,
      waitForLeadership: false,
      retryTime: 50,
      live: false,
      pullBatchSize: 10,
      onPulled: (count, total) => progress.push([count, total]),
    });

  // First start: 15 records, fetched from the beginning (HQ gives the total on a first pull).
  add(15);
  const first: Array<[number, number | undefined]> = [];
  replication = start(first);
  await replication.replicationState.awaitInitialReplication();
  expect(first).toEqual([
    [10, 15],
    [5, undefined],
  ]);
  expect(pulls.map((p) => p.get('count'))).toEqual([null, null]);
  await replication.cancel();

  // The app is closed; HQ receives 25 more. The next start resumes from its checkpoint and asks once.
  add(25);
  pulls.length = 0;
  const resumed: Array<[number, number | undefined]> = [];
  replication = start(resumed);
  await replication.replicationState.awaitInitialReplication();
  expect(pulls.map((p) => [p.get('seq'), p.get('count')])).toEqual([
    ['15', '1'],
    ['25', null],
    ['35', null],
  ]);
  expect(resumed).toEqual([
    [10, 25],
    [10, undefined],
    [5, undefined],
  ]);
  expect(await items.count().exec()).toBe(40);
});
