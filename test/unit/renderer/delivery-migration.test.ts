/**
 * service_deliveries v0 → v1 (optional `evaluationLinks`, the printed evaluation QR codes): a
 * laptop's existing deliveries open unchanged under the new schema with the app's own migration
 * step (renderer/src/data/migrations.ts), and a link can then be added to one of them.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { IDBFactory, IDBKeyRange } from 'fake-indexeddb';
import { getRxStorageDexie } from 'rxdb/plugins/storage-dexie';
import type { RxCollection } from 'rxdb';
import { createDatabase, type SilaDatabase } from '../../../renderer/src/data/database';
import { migrationStrategies } from '../../../renderer/src/data/migrations';
import { defineCollection, serviceDeliveries, serviceDeliverySchema, validateDocument } from '../../../shared/schema';
import { importDataKey } from '../../../shared/security';
import { issueEvaluationLink, withEvaluationLink } from '../../../shared/casefile';

/** The collection as it was before evaluation links. */
const deliveriesV0 = defineCollection({ ...serviceDeliveries, version: 0, schema: serviceDeliverySchema.omit({ evaluationLinks: true }) });

let db: SilaDatabase | null = null;
afterEach(async () => {
  await db?.close();
  db = null;
});

describe('service deliveries v0 → v1', () => {
  it('keeps every stored delivery and accepts evaluation links afterwards', async () => {
    expect(serviceDeliveries.version).toBe(1);
    const idb = new IDBFactory();
    const storage = () => getRxStorageDexie({ indexedDB: idb, IDBKeyRange });
    const dataKey = await importDataKey(new Uint8Array(32).fill(0x3));
    const at = '2026-03-10T10:00:00.000Z';
    const delivery = (i: number) => ({ id: `del${i}`, branchId: 'main', createdAt: at, updatedAt: at, updatedBy: 'u1', requestId: `req${i}`, beneficiaryId: `ben${i}`, serviceId: 'consultations', deliveredAt: at, deliveredBy: 'u1', mode: 'office', notes: `جلسة ${i}` });

    db = await createDatabase({ name: 'deliveries', dataKey, storage: storage(), definitions: [deliveriesV0], migrationStrategies: {} });
    await (db.collections.service_deliveries as RxCollection).bulkInsert([1, 2, 3].map(delivery));
    await db.close();

    db = await createDatabase({ name: 'deliveries', dataKey, storage: storage(), definitions: [serviceDeliveries], migrationStrategies });
    const c = db.collections.service_deliveries as RxCollection;
    expect(c.schema.version).toBe(1);
    const all = (await c.find({ sort: [{ id: 'asc' }] }).exec()).map((d) => d.toJSON() as Record<string, unknown>);
    expect(all.map((d) => [d.id, d.notes])).toEqual([
      ['del1', 'جلسة 1'],
      ['del2', 'جلسة 2'],
      ['del3', 'جلسة 3'],
    ]);
    const { link } = await issueEvaluationLink('yusr', new Date(at));
    const updated = withEvaluationLink(all[0] as never, link);
    expect(validateDocument(serviceDeliveries, updated).ok).toBe(true);
    await c.upsert(updated);
    expect(((await c.findOne('del1').exec())!.toJSON() as { evaluationLinks: unknown[] }).evaluationLinks).toEqual([link]);
  });
});
