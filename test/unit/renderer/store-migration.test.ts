/**
 * Issue 5 §5: a schema version bump migrates existing local data and removes the old storage;
 * a populated v1 database becomes v2 without losing a record or an unsynced change.
 *
 * A test-local pair of collection definitions (contact notes v1 → v2: `phone` becomes
 * `phones[]`, `channel` gains a default) rather than a real registry collection: bumping a real
 * schema would change the HQ's tables and every other helper's fixtures at once. The mechanism
 * is the app's own: renderer/src/data/database.ts `createDatabase` with migration strategies
 * (RxDB migration-schema), Dexie on fake-indexeddb, AES-GCM field encryption.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { z } from 'zod';
import { IDBFactory, IDBKeyRange } from 'fake-indexeddb';
import { getRxStorageDexie } from 'rxdb/plugins/storage-dexie';
import { replicateRxCollection } from 'rxdb/plugins/replication';
import type { RxCollection, RxReplicationWriteToMasterRow, WithDeleted } from 'rxdb';
import { createDatabase, type SilaDatabase } from '../../../renderer/src/data/database';
import { baseFields, defineCollection } from '../../../shared/schema';
import { importDataKey } from '../../../shared/security';

const v1 = defineCollection({
  name: 'contact_notes',
  version: 0, // "v1"
  description: 'test collection, first version',
  schema: z.object({ ...baseFields, note: z.string().max(500), phone: z.string().max(20).optional() }),
  primaryKey: 'id',
  indexes: ['updatedAt'],
  encrypted: ['note', 'phone'],
  writers: ['branch_staff'],
  scope: 'branch',
});

const v2 = defineCollection({
  ...v1,
  version: 1, // "v2"
  description: 'test collection, second version',
  schema: z.object({ ...baseFields, note: z.string().max(500), phones: z.array(z.string().max(20)).max(5), channel: z.enum(['call', 'visit']) }),
  encrypted: ['note', 'phones'],
});

const toV2 = {
  1: (old: Record<string, unknown>) => {
    const { phone, ...rest } = old;
    return { ...rest, phones: typeof phone === 'string' ? [phone] : [], channel: 'call' };
  },
};

type Doc = Record<string, unknown> & { id: string };

async function documentCount(idb: IDBFactory, name: string): Promise<number> {
  const db = await new Promise<IDBDatabase>((ok, fail) => {
    const req = idb.open(name);
    req.onsuccess = () => ok(req.result);
    req.onerror = () => fail(req.error);
  });
  let n = 0;
  for (const store of Array.from(db.objectStoreNames)) {
    n += await new Promise<number>((ok, fail) => {
      const req = db.transaction(store, 'readonly').objectStore(store).count();
      req.onsuccess = () => ok(req.result);
      req.onerror = () => fail(req.error);
    });
  }
  db.close();
  return n;
}

/** A fake HQ: what was pushed, by id. */
function fakeHq() {
  const rows = new Map<string, Doc>();
  let online = true;
  return {
    rows,
    setOnline(v: boolean) {
      online = v;
    },
    replicate(collection: RxCollection, identifier: string) {
      return replicateRxCollection<Doc, { at: number }>({
        collection: collection as unknown as RxCollection<Doc>,
        replicationIdentifier: identifier,
        live: false,
        retryTime: 50,
        push: {
          handler: async (changes: RxReplicationWriteToMasterRow<Doc>[]) => {
            if (!online) throw new Error('offline');
            for (const c of changes) rows.set(c.newDocumentState.id, c.newDocumentState as Doc);
            return [] as WithDeleted<Doc>[];
          },
        },
      });
    },
  };
}

const T = (m: number) => `2025-05-01T10:${String(m).padStart(2, '0')}:00.000Z`;
const dataKey = () => importDataKey(new Uint8Array(32).fill(0xe));
let db: SilaDatabase | null = null;
afterEach(async () => {
  await db?.close();
  db = null;
});

describe('schema migration v1 → v2', () => {
  it('migrates every record, keeps the unsynced change (it reaches HQ after the upgrade) and removes the old storage', async () => {
    const idb = new IDBFactory();
    const storage = () => getRxStorageDexie({ indexedDB: idb, IDBKeyRange });
    const hq = fakeHq();

    // --- v1: 50 records, synced; then one edited and one added while offline ---
    db = await createDatabase({ name: 'migr', dataKey: await dataKey(), storage: storage(), definitions: [v1], migrationStrategies: {} });
    const c1 = db.collections.contact_notes as RxCollection;
    await c1.bulkInsert(Array.from({ length: 50 }, (_, i) => ({ id: `n${i}`, branchId: 'main', createdAt: T(0), updatedAt: T(0), updatedBy: 'u1', note: `ملاحظة ${i}`, ...(i % 2 ? { phone: `+9665000000${String(i).padStart(2, '0')}` } : {}) })));
    const first = hq.replicate(c1, 'hq-contact-notes');
    await first.awaitInitialReplication();
    await first.cancel();
    expect(hq.rows.size).toBe(50);

    // Offline now: these two changes are written locally after the last push (unsynced).
    hq.setOnline(false);
    await (await c1.findOne('n7').exec())!.incrementalPatch({ note: 'تعديل لم يصل المركز', updatedAt: T(5) });
    await c1.insert({ id: 'n-new', branchId: 'main', createdAt: T(6), updatedAt: T(6), updatedBy: 'u1', note: 'سجل جديد لم يصل المركز' });
    expect(hq.rows.get('n7')?.note).toBe('ملاحظة 7');
    expect(hq.rows.has('n-new')).toBe(false);
    await db.close();
    const before = (await idb.databases()).map((d) => d.name!).filter((n) => n.includes('contact_notes') || n.includes('contact-notes'));
    expect(before.some((n) => /--0--/.test(n))).toBe(true);
    for (const name of before.filter((n) => /--0--contact_notes$/.test(n))) expect(await documentCount(idb, name)).toBeGreaterThan(0);

    // --- v2: the app opens with the new schema and its migration strategy ---
    db = await createDatabase({ name: 'migr', dataKey: await dataKey(), storage: storage(), definitions: [v2], migrationStrategies: { contact_notes: toV2 } });
    const c2 = db.collections.contact_notes as RxCollection;
    expect(c2.schema.version).toBe(1);
    const all = (await c2.find().exec()).map((d) => d.toJSON() as Doc);
    expect(all.length).toBe(51);
    expect(all.find((d) => d.id === 'n3')).toMatchObject({ phones: ['+966500000003'], channel: 'call', note: 'ملاحظة 3' });
    expect(all.find((d) => d.id === 'n4')).toMatchObject({ phones: [], channel: 'call' });
    expect(all.find((d) => d.id === 'n7')).toMatchObject({ note: 'تعديل لم يصل المركز' });
    expect(all.every((d) => !('phone' in d))).toBe(true);

    // The old version's storage is removed: RxDB deletes its documents (Dexie may keep the empty
    // IndexedDB database file until the last connection closes).
    const oldStores = (await idb.databases()).map((d) => d.name!).filter((n) => /--0--contact_notes$/.test(n));
    for (const name of oldStores) expect(await documentCount(idb, name)).toBe(0);

    // Back online: the change made before the upgrade reaches HQ (nothing lost).
    hq.setOnline(true);
    const again = hq.replicate(c2, 'hq-contact-notes');
    await again.awaitInitialReplication();
    await again.awaitInSync();
    await again.cancel();
    expect(hq.rows.get('n7')).toMatchObject({ note: 'تعديل لم يصل المركز', channel: 'call' });
    expect(hq.rows.get('n-new')).toMatchObject({ note: 'سجل جديد لم يصل المركز', phones: [] });
    expect(hq.rows.size).toBe(51);
  });
});
