/**
 * A streamed echo of this laptop's own earlier write that arrives after a newer write must not
 * put the older state back (shared/sync/client.ts `olderThanLocal`): a real RxDB collection
 * replicating through `startCollectionReplication` against an in-memory HQ behind `fetch`, fed by
 * an external stream source.
 */
import { afterEach, expect, test } from 'vitest';
import { BehaviorSubject, Subject } from 'rxjs';
import type { RxDatabase } from 'rxdb';
import { isStaleEcho, startCollectionReplication, type CollectionReplication } from '../../../shared/sync/client';
import { createItemsDatabase, type Item } from './sync-items';

let db: RxDatabase | null = null;
let replication: CollectionReplication<Item> | null = null;
afterEach(async () => {
  await replication?.cancel();
  await db?.close();
  replication = null;
  db = null;
});

test('an older echo from the stream is not applied; the laptop pulls the current state instead', async () => {
  const rows = new Map<string, { doc: Item & { _deleted: boolean }; seq: number }>();
  let seq = 0;
  const requests: string[] = [];
  const fakeFetch: typeof fetch = async (input, init) => {
    const url = new URL(String(input));
    requests.push(`${init?.method ?? 'GET'} ${url.pathname}`);
    if (url.pathname.endsWith('/push')) {
      for (const row of JSON.parse(String(init?.body)) as { newDocumentState: Item & { _deleted: boolean } }[]) {
        rows.set(row.newDocumentState.id, { doc: row.newDocumentState, seq: ++seq });
      }
      return new Response('[]', { status: 200 });
    }
    const after = Number(url.searchParams.get('seq') ?? 0);
    const docs = [...rows.values()].filter((r) => r.seq > after).sort((a, b) => a.seq - b.seq);
    const last = docs[docs.length - 1];
    return Response.json({ documents: docs.map((r) => r.doc), checkpoint: last ? { id: last.doc.id, seq: last.seq } : after ? { id: '', seq: after } : null });
  };

  const created = await createItemsDatabase('stale-echo');
  db = created.db;
  const items = created.items;
  const data$ = new Subject<string>();
  replication = startCollectionReplication<Item>({
    collection: items as never,
    hqUrl: 'http://hq.test',
    fetch: fakeFetch,
    waitForLeadership: false,
    retryTime: 50,
    streamSource: { data$, connected$: new BehaviorSubject(true) },
  });
  await replication.awaitInSync();

  // Saved, then changed right away (as a document is saved, then gets its scan); both reach HQ.
  const doc = await items.insert({ id: 'd1', name: 'without scan', updatedAt: '2026-11-22T01:00:00.000Z' });
  await doc.incrementalPatch({ name: 'with scan', updatedAt: '2026-11-22T01:00:01.000Z' });
  await replication.awaitInSync();
  expect(rows.get('d1')?.doc.name).toBe('with scan');

  // Now the stream delivers the echo of the FIRST write (HQ sent it before the second arrived).
  const seen: string[] = [];
  const sub = items.findOne('d1').$.subscribe((d) => d && seen.push((d.toJSON() as Item).name));
  const pullsBefore = requests.filter((r) => r.startsWith('GET')).length;
  data$.next(JSON.stringify({ documents: [{ id: 'd1', name: 'without scan', updatedAt: '2026-11-22T01:00:00.000Z', _deleted: false }], checkpoint: { id: 'd1', seq: 1 } }));
  await expect.poll(() => requests.filter((r) => r.startsWith('GET')).length, { timeout: 5_000 }).toBeGreaterThan(pullsBefore);
  await replication.awaitInSync();
  await new Promise((r) => setTimeout(r, 200));
  sub.unsubscribe();
  // The older state never showed, and the laptop still holds what HQ holds.
  expect(seen).not.toContain('without scan');
  expect(((await items.findOne('d1').exec())?.toJSON() as Item).name).toBe('with scan');

  // A genuinely newer state from the stream (another laptop's edit) is applied as before.
  rows.set('d1', { doc: { id: 'd1', name: 'edited elsewhere', updatedAt: '2026-11-22T01:00:05.000Z', _deleted: false }, seq: ++seq });
  data$.next(JSON.stringify({ documents: [rows.get('d1')!.doc], checkpoint: { id: 'd1', seq } }));
  await expect.poll(async () => ((await items.findOne('d1').exec())?.toJSON() as Item).name, { timeout: 5_000 }).toBe('edited elsewhere');
});

test('an echo with the same time but other files is stale (a scan attached after the save); equal or newer states are not', async () => {
  const saved = { id: 'doc1', number: '1012345678', updatedAt: '2026-11-22T01:00:00.000Z', _attachments: {} };
  const scanned = { ...saved, _attachments: { 'file-ab12': { digest: 'ab12'.repeat(16), length: 2048, type: 'image/png' } } };
  // The echo of the save arrives after the scan was attached (RxDB putAttachment keeps updatedAt).
  expect(isStaleEcho(scanned, saved)).toBe(true);
  // A scan replaced by another at the same time, too.
  expect(isStaleEcho(scanned, { ...saved, _attachments: { 'file-cd34': { digest: 'cd34'.repeat(16), length: 2048, type: 'image/png' } } })).toBe(true);
  // Older by time (the rule before), whatever the files.
  expect(isStaleEcho({ ...saved, updatedAt: '2026-11-22T01:00:01.000Z' }, scanned)).toBe(true);
  // The echo of exactly what the laptop holds (files compared by digest, not by stored length), or a newer state: applied.
  expect(isStaleEcho(scanned, { ...scanned, _attachments: { 'file-ab12': { digest: 'ab12'.repeat(16), length: 2077, type: 'image/png' } } })).toBe(false);
  expect(isStaleEcho(saved, saved)).toBe(false);
  expect(isStaleEcho(saved, { ...scanned, updatedAt: '2026-11-22T01:00:02.000Z' })).toBe(false);
  // Records without a time are never held back.
  expect(isStaleEcho({ id: 'x' }, { id: 'x' })).toBe(false);
});
