/**
 * PDPL destruction on the laptop (issue 5 §7): when HQ's destruction tombstones arrive, the
 * records' files are dropped, the rows are purged from storage once the replication is in
 * sync (shared/sync/purge.ts), the search index forgets the person — also when it starts from
 * a sealed snapshot taken before the purge — and nothing of them is left in IndexedDB.
 * The tombstones are written the way RxDB's replication writes pulled documents (a storage
 * bulkWrite over the current row); the real replication is exercised in
 * test/integration/pdpl-destruction.test.ts.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { createRevision, now, type RxCollection } from 'rxdb';
import type { SilaDatabase } from '../../../renderer/src/data/database';
import { attachFile } from '../../../renderer/src/data/attachments';
import { searchBeneficiaries, startBeneficiarySearch, stopBeneficiarySearch, type SearchCache, type SearchSnapshot } from '../../../renderer/src/data/search';
import { collectionsByName } from '../../../shared/schema';
import { destructionTombstone, isDestructionTombstone } from '../../../shared/privacy';
import { hasDestructionTombstones, watchDestructionPurge } from '../../../shared/sync/purge';
import { samples } from './store-fixtures';
import { dumpIndexedDb, openTestDatabase } from './store-helpers';

let db: SilaDatabase | null = null;
afterEach(async () => {
  stopBeneficiarySearch();
  await db?.close();
  db = null;
});

const NAME = 'ميمونة زايد الشهراني';
const NATIONAL_ID = '1098765430';
const PHONE = '+966559871234';
const MARKER = 'SCAN-MARKER-ميمونة-7781';

function png(marker: string): Uint8Array {
  const head = [0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a];
  const text = new TextEncoder().encode(`Comment\u0000${marker}`);
  const chunk = (type: string, data: Uint8Array) => {
    const len = data.length;
    return [(len >>> 24) & 255, (len >>> 16) & 255, (len >>> 8) & 255, len & 255, ...new TextEncoder().encode(type), ...data, 0, 0, 0, 0];
  };
  return new Uint8Array([...head, ...chunk('IHDR', new Uint8Array([0, 0, 0, 1, 0, 0, 0, 1, 8, 2, 0, 0, 0])), ...chunk('tEXt', text), ...chunk('IEND', new Uint8Array())]);
}

/** Write HQ's destruction tombstone over a stored record, as the replication's downstream does. */
async function applyTombstone(database: SilaDatabase, collection: string, id: string) {
  const c = database.collections[collection] as RxCollection;
  const [previous] = await c.storageInstance.findDocumentsById([id], false);
  if (!previous) throw new Error(`no ${collection}/${id}`);
  const tombstone = destructionTombstone(collectionsByName.get(collection)!, previous as Record<string, unknown>, new Date().toISOString());
  const document = { ...tombstone, _meta: { lwt: now() }, _rev: createRevision(database.token, previous), _attachments: {} };
  const result = await c.storageInstance.bulkWrite([{ previous, document: document as never }], 'replication-downstream-test');
  expect(result.error).toEqual([]);
}

const inSync = { awaitInSync: async () => true as const, awaitInitialReplication: async () => {}, isStopped: () => false };

async function seed(database: SilaDatabase) {
  const ben = { ...samples.beneficiaries!.valid, id: 'ben-gone', fullName: NAME, nameParts: { first: 'ميمونة', family: 'الشهراني' }, nationalId: NATIONAL_ID, phone: PHONE };
  const kept = { ...samples.beneficiaries!.valid, id: 'ben-kept', fullName: 'نورة سعد العتيبي' };
  await database.collections.beneficiaries.bulkInsert([ben as never, kept as never]);
  await (database.collections.interviews as RxCollection).insert({ ...samples.interviews!.valid, id: 'int-gone', beneficiaryId: 'ben-gone', requestId: 'req-gone' });
  const doc = await (database.collections.documents as RxCollection).insert({ ...samples.documents!.valid, id: 'doc-gone', beneficiaryId: 'ben-gone', requestId: 'req-gone' });
  const stored = await attachFile(doc, png(MARKER));
  if (!stored.ok) throw new Error(stored.messageEn);
}

async function destroy(database: SilaDatabase) {
  const watches = ['beneficiaries', 'interviews', 'documents'].map((name) => watchDestructionPurge(database.collections[name] as RxCollection, inSync, { debounceMs: 0 }));
  const purged = watches.map((w) => new Promise<void>((resolve) => w.purged$.subscribe(() => resolve())));
  await applyTombstone(database, 'beneficiaries', 'ben-gone');
  await applyTombstone(database, 'interviews', 'int-gone');
  await applyTombstone(database, 'documents', 'doc-gone');
  await Promise.all(purged);
  for (const w of watches) w.subscription.unsubscribe();
}

describe('PDPL destruction on the laptop', () => {
  it('drops the files, purges the rows, and the search forgets the person; nothing of them stays in IndexedDB', async () => {
    let idb;
    ({ db, idb } = await openTestDatabase(undefined, 'pdpl-purge'));
    await seed(db);
    await startBeneficiarySearch(db);
    expect(searchBeneficiaries('ميمونة').map((r) => r.beneficiary.id)).toEqual(['ben-gone']);

    // What the person's rows hold at rest before (encrypted values, the scan's stored bytes):
    // every long value of their rows, whatever the storage format.
    const before = JSON.parse(await dumpIndexedDb(idb)) as Record<string, unknown>[];
    const strings = (v: unknown, out: string[] = []): string[] => {
      if (typeof v === 'string') out.push(v);
      else if (Array.isArray(v)) for (const x of v) strings(x, out);
      else if (v && typeof v === 'object') for (const x of Object.values(v)) strings(x, out);
      return out;
    };
    const gone = ['ben-gone', 'int-gone', 'doc-gone'];
    const theirs = before.filter((r) => r && typeof r === 'object' && gone.some((id) => String((r as { id?: unknown }).id ?? '').split('||')[0] === id));
    const secrets = [...new Set(theirs.flatMap((r) => strings(r)).filter((x) => x.length >= 20 && !/^[0-9a-f]{64}$/.test(x) && !/^\d+-[A-Za-z0-9_]+$/.test(x) && !/^\d{4}-\d{2}-\d{2}T/.test(x)))];
    expect(secrets.length).toBeGreaterThan(2);
    expect(JSON.stringify(theirs)).not.toContain(NAME); // encrypted at rest
    expect(theirs.filter((r) => String((r as { id?: unknown }).id).startsWith('doc-gone||')).length).toBe(1); // the scan

    await destroy(db);

    // The search index forgot the person through the change stream; the other one stays.
    expect(searchBeneficiaries('ميمونة')).toEqual([]);
    expect(searchBeneficiaries(NATIONAL_ID)).toEqual([]);
    expect(searchBeneficiaries('نورة').map((r) => r.beneficiary.id)).toEqual(['ben-kept']);
    expect(await db.collections.beneficiaries.findOne('ben-gone').exec()).toBeNull();
    expect(await hasDestructionTombstones(db.collections.beneficiaries as RxCollection)).toBe(false);

    const raw = await dumpIndexedDb(idb);
    for (const value of ['"ben-gone"', '"int-gone"', '"doc-gone"', NAME, NATIONAL_ID, PHONE, MARKER, ...secrets]) {
      expect(raw, value.slice(0, 40)).not.toContain(value);
    }
    expect(raw).not.toContain('doc-gone||'); // the attachment row (documentId||attachmentId)
    expect(raw).toContain('"ben-kept"');
  });

  it('a tombstone left from an earlier session is found and purged at start', async () => {
    let idb;
    ({ db, idb } = await openTestDatabase(undefined, 'pdpl-left'));
    await seed(db);
    await applyTombstone(db, 'beneficiaries', 'ben-gone');
    const c = db.collections.beneficiaries as RxCollection;
    expect(await hasDestructionTombstones(c)).toBe(true);
    const watch = watchDestructionPurge(c, inSync, { debounceMs: 0 });
    await new Promise<void>((resolve) => watch.purged$.subscribe(() => resolve()));
    watch.subscription.unsubscribe();
    expect(await hasDestructionTombstones(c)).toBe(false);
    expect(await dumpIndexedDb(idb)).not.toContain('"id":"ben-gone"');
  });

  it('does not purge while the replication is not in sync (a local deletion HQ has not received stays)', async () => {
    ({ db } = await openTestDatabase(undefined, 'pdpl-offline'));
    await seed(db);
    const c = db.collections.beneficiaries as RxCollection;
    await (await c.findOne('ben-kept').exec())!.remove(); // a local deletion, not yet sent
    const never = { awaitInSync: () => new Promise<true>(() => {}), awaitInitialReplication: async () => {}, isStopped: () => false };
    const watch = watchDestructionPurge(c, never, { debounceMs: 0, inSyncTimeoutMs: 200 });
    await applyTombstone(db, 'beneficiaries', 'ben-gone');
    await new Promise((r) => setTimeout(r, 600));
    watch.subscription.unsubscribe();
    const deleted = await c.storageInstance.findDocumentsById(['ben-kept', 'ben-gone'], true);
    expect(deleted.map((d) => d.id).sort()).toEqual(['ben-gone', 'ben-kept']);
    expect(isDestructionTombstone(deleted.find((d) => d.id === 'ben-gone'))).toBe(true);
  });

  it('a search snapshot taken before the purge does not bring the person back', async () => {
    ({ db } = await openTestDatabase(undefined, 'pdpl-snapshot'));
    await seed(db);
    let saved: SearchSnapshot | null = null;
    const cache: SearchCache = {
      load: async () => saved,
      save: async (s) => {
        saved = JSON.parse(JSON.stringify(s)) as SearchSnapshot;
      },
    };
    await startBeneficiarySearch(db, { cache, saveDelayMs: 0 });
    await new Promise((r) => setTimeout(r, 50));
    expect(saved!.records.map((r) => r.id).sort()).toEqual(['ben-gone', 'ben-kept']);
    const stale = saved;
    stopBeneficiarySearch();

    // The app was closed: the tombstones arrive and are purged while no search runs.
    await destroy(db);
    saved = stale;
    await startBeneficiarySearch(db, { cache, saveDelayMs: 0 });
    expect(searchBeneficiaries('ميمونة')).toEqual([]);
    expect(searchBeneficiaries('نورة').map((r) => r.beneficiary.id)).toEqual(['ben-kept']);
  });
});
