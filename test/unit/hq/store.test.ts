import { randomBytes } from 'node:crypto';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { openPglite, openPostgres, type Database } from '../../../hq/db';
import { runMigrations } from '../../../hq/migrations';
import { CHANGES_CHANNEL, pullChanges, pushChanges, validatePushBody } from '../../../hq/store';
import { beneficiaries } from '../../../shared/schema';
import type { SyncCheckpoint, SyncDocument } from '../../../shared/sync/protocol';

const ADMIN_URL = process.env.SILA_TEST_POSTGRES_URL ?? 'postgres://postgres@127.0.0.1:5432/test';

function doc(id: string, fields: Record<string, unknown> = {}): SyncDocument {
  return {
    id,
    branchId: 'branch-jeddah',
    createdAt: '2026-11-21T08:00:00.000Z',
    updatedAt: '2026-11-21T08:00:00.000Z',
    updatedBy: 'user-1',
    fullName: 'نورة محمد الحربي',
    nationalId: '1000000016',
    idHash: '',
    phoneHash: '',
    _deleted: false,
    ...fields,
  };
}
const ids = (docs: SyncDocument[]) => docs.map((d) => d.id);

describe('replication store on PGlite', () => {
  let db: Database;
  beforeAll(async () => {
    db = await openPglite();
    await runMigrations(db);
  });
  afterAll(async () => {
    await db.close();
  });

  test('pull follows the server sequence; the same checkpoint comes back when nothing is new', async () => {
    const empty = await pullChanges(db, beneficiaries, null, 10);
    expect(empty).toEqual({ documents: [], checkpoint: null });

    // Client clocks say c is oldest: order must still be the server's write order.
    await pushChanges(db, beneficiaries, [{ newDocumentState: doc('b', { updatedAt: '2030-01-01T00:00:00Z' }) }]);
    await pushChanges(db, beneficiaries, [{ newDocumentState: doc('a') }, { newDocumentState: doc('c', { updatedAt: '2001-01-01T00:00:00Z' }) }]);

    const all = await pullChanges(db, beneficiaries, null, 10);
    expect(ids(all.documents)).toEqual(['b', 'a', 'c']);
    const end = all.checkpoint!;
    expect(end.id).toBe('c');

    const first = await pullChanges(db, beneficiaries, null, 2);
    expect(ids(first.documents)).toEqual(['b', 'a']);
    const rest = await pullChanges(db, beneficiaries, first.checkpoint, 2);
    expect(ids(rest.documents)).toEqual(['c']);
    expect(rest.checkpoint).toEqual(end);

    const none = await pullChanges(db, beneficiaries, end, 10);
    expect(none).toEqual({ documents: [], checkpoint: end });

    // An update moves the document to the end of the feed with a higher sequence.
    const b = all.documents[0]!;
    const b2 = { ...b, fullName: 'نورة محمد سعد الحربي' };
    expect((await pushChanges(db, beneficiaries, [{ newDocumentState: b2, assumedMasterState: b }])).conflicts).toEqual([]);
    const after = await pullChanges(db, beneficiaries, end, 10);
    expect(after.documents).toEqual([b2]);
    expect(after.checkpoint!.seq).toBeGreaterThan(end.seq);
    expect(ids((await pullChanges(db, beneficiaries, null, 10)).documents)).toEqual(['a', 'c', 'b']);
  });

  test('first-sync progress: the total on a first full pull, and what is left after a checkpoint when asked, within the branch scope', async () => {
    const own = await openPglite();
    try {
      await runMigrations(own);
      const jeddah = Array.from({ length: 7 }, (_, i) => doc(`j${i}`));
      const riyadh = Array.from({ length: 4 }, (_, i) => doc(`r${i}`, { branchId: 'branch-riyadh' }));
      await pushChanges(own, beneficiaries, [...jeddah, ...riyadh].map((d) => ({ newDocumentState: d })));
      const scope = ['branch-jeddah'];

      const first = await pullChanges(own, beneficiaries, null, 3, scope);
      expect(first.total).toBe(7); // every record of the branch, none of the other's
      expect((await pullChanges(own, beneficiaries, null, 3)).total).toBe(11); // unscoped (HQ roles)
      expect((await pullChanges(own, beneficiaries, null, 10, scope)).total).toBeUndefined(); // one batch holds all

      // Resumed: after the first batch, 4 of the branch's 7 are left.
      expect((await pullChanges(own, beneficiaries, first.checkpoint, 3, scope, { count: true })).total).toBe(4);
      expect((await pullChanges(own, beneficiaries, first.checkpoint, 3, scope)).total).toBeUndefined(); // not asked
      expect((await pullChanges(own, beneficiaries, first.checkpoint, 5, scope, { count: true })).total).toBeUndefined(); // the rest fits
    } finally {
      await own.close();
    }
  });

  test('push: compare-and-set against the stored document, key order irrelevant', async () => {
    const x = doc('x');
    expect(await pushChanges(db, beneficiaries, [{ newDocumentState: x }])).toMatchObject({ conflicts: [], written: 1 });
    // Insert of an existing document → conflict with the master, nothing written.
    const again = await pushChanges(db, beneficiaries, [{ newDocumentState: { ...x, fullName: 'اسم مختلف تماما' } }]);
    expect(again).toMatchObject({ conflicts: [x], written: 0 });
    // Assumed state equal except for key order → accepted.
    const reordered = Object.fromEntries(Object.entries(x).reverse()) as SyncDocument;
    const x2 = { ...x, phone: '+966551112223' };
    expect((await pushChanges(db, beneficiaries, [{ newDocumentState: x2, assumedMasterState: reordered }])).written).toBe(1);
    // Stale assumed state → conflict returns the current master.
    const stale = await pushChanges(db, beneficiaries, [{ newDocumentState: { ...x, _deleted: true }, assumedMasterState: x }]);
    expect(stale.conflicts).toEqual([x2]);
    // Two rows for one id in a batch: the second is compared with the first's new state.
    const x3 = { ...x2, city: 'جدة' };
    const chained = await pushChanges(db, beneficiaries, [
      { newDocumentState: { ...x2, _deleted: true }, assumedMasterState: x2 },
      { newDocumentState: x3, assumedMasterState: x2 },
    ]);
    expect(chained.conflicts).toEqual([{ ...x2, _deleted: true }]);
    // The tombstone is kept and pulled.
    const tail = await pullChanges(db, beneficiaries, null, 1000);
    expect(tail.documents.find((d) => d.id === 'x')).toEqual({ ...x2, _deleted: true });
  });

  test('append-only collections keep the first stored version', async () => {
    const appendOnly = { ...beneficiaries, name: 'beneficiaries_append_only_probe', appendOnly: true };
    const first = doc('ao-1');
    expect((await pushChanges(db, appendOnly, [{ newDocumentState: first }])).written).toBe(1);
    const edit = await pushChanges(db, appendOnly, [{ newDocumentState: { ...first, city: 'أبها' }, assumedMasterState: first }]);
    expect(edit).toMatchObject({ conflicts: [first], written: 0 });
    const removal = await pushChanges(db, appendOnly, [{ newDocumentState: { ...first, _deleted: true }, assumedMasterState: first }]);
    expect(removal.conflicts).toEqual([first]);
    expect((await pullChanges(db, appendOnly, null, 10)).documents).toEqual([first]);
  });

  test('a write notifies listeners after commit with the collection and sequence', async () => {
    const payloads: string[] = [];
    const stop = await db.listen(CHANGES_CHANNEL, (p) => payloads.push(p));
    const { lastSeq } = await pushChanges(db, beneficiaries, [{ newDocumentState: doc('n1') }]);
    await new Promise((r) => setTimeout(r, 50));
    await stop();
    expect(payloads.map((p) => JSON.parse(p) as unknown)).toEqual([{ collection: 'beneficiaries', seq: lastSeq }]);
  });

  test('validatePushBody rejects the whole batch, naming the row, id, field and reason', () => {
    expect(() => validatePushBody(beneficiaries, {})).toThrow(/JSON array/);
    const attempt = (body: unknown) => {
      try {
        validatePushBody(beneficiaries, body);
        return null;
      } catch (e) {
        return (e as { details?: unknown; statusCode?: number }).details;
      }
    };
    expect(attempt([{ newDocumentState: doc('ok') }, { newDocumentState: doc('bad', { nationalId: '1000000015' }) }])).toMatchObject({
      index: 1,
      documentId: 'bad',
      issues: [{ path: 'nationalId' }],
    });
    expect(attempt([{ newDocumentState: doc('ok'), assumedMasterState: doc('other') }])).toMatchObject({
      issues: [{ path: 'assumedMasterState.id' }],
    });
    expect(attempt([{ newDocumentState: { ...doc('nd'), _deleted: 'no' } }])).toMatchObject({ issues: [{ path: '_deleted' }] });
    expect(attempt([{ newDocumentState: doc('ok'), extra: 1 }])).toMatchObject({ issues: [{ path: 'extra' }] });
    expect(attempt([doc('not-a-row')])).toMatchObject({ index: 0 });
    expect(attempt([{ newDocumentState: doc('ok') }])).toBeNull();
  });
});

describe('replication store on PostgreSQL under concurrent writers', () => {
  const name = `sila_unit_${process.pid}_${randomBytes(4).toString('hex')}`;
  let admin: pg.Client;
  let db: Database;
  beforeAll(async () => {
    admin = new pg.Client({ connectionString: ADMIN_URL });
    await admin.connect();
    await admin.query(`CREATE DATABASE ${name}`);
    const url = new URL(ADMIN_URL);
    url.pathname = `/${name}`;
    db = await openPostgres(url.toString());
    await runMigrations(db);
  });
  afterAll(async () => {
    await db?.close();
    await admin.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
    await admin.end();
  });

  test('a puller following checkpoints during parallel pushes never skips a document', async () => {
    // Sequence values are assigned before commit; without serialised writers a puller can see
    // seq N+1 committed while N is in flight, move its checkpoint past N and lose it forever.
    // The race is timing dependent, so several rounds.
    let checkpoint: SyncCheckpoint | null = null;
    for (let round = 0; round < 5; round++) {
      const seen = new Set<string>();
      let writing = true;
      const puller = (async () => {
        for (;;) {
          const stillWriting = writing;
          const r: { documents: SyncDocument[]; checkpoint: SyncCheckpoint | null } = await pullChanges(db, beneficiaries, checkpoint, 7);
          for (const d of r.documents) seen.add(d.id);
          checkpoint = r.checkpoint;
          if (!stillWriting && r.documents.length === 0) return;
        }
      })();
      const writers = Array.from({ length: 24 }, (_, w) =>
        pushChanges(
          db,
          beneficiaries,
          Array.from({ length: 5 }, (_, i) => ({ newDocumentState: doc(`r${round}-w${w}-d${i}`) })),
        ),
      );
      await Promise.all(writers);
      writing = false;
      await puller;
      expect(seen.size).toBe(120);
    }
    const seqs = (await db.query<{ seq: string }>('SELECT seq FROM sync_documents ORDER BY seq')).rows.map((r) => Number(r.seq));
    expect(new Set(seqs).size).toBe(600);
  });
});
