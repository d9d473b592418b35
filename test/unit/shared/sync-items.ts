/**
 * A tiny RxDB collection (`items`: id, name, updatedAt) on memory storage for the unit tests that
 * replicate through `startCollectionReplication` against an in-memory HQ behind `fetch`.
 */
import { createRxDatabase, type RxCollection, type RxDatabase } from 'rxdb';
import { getRxStorageMemory } from 'rxdb/plugins/storage-memory';

export interface Item {
  id: string;
  name: string;
  updatedAt: string;
}

export async function createItemsDatabase(prefix: string): Promise<{ db: RxDatabase; items: RxCollection }> {
  const db = await createRxDatabase({ name: `${prefix}-${Date.now()}`, storage: getRxStorageMemory(), multiInstance: false });
  await db.addCollections({
    items: {
      schema: {
        version: 0,
        primaryKey: 'id',
        type: 'object',
        properties: { id: { type: 'string', maxLength: 64 }, name: { type: 'string' }, updatedAt: { type: 'string' } },
        required: ['id', 'name', 'updatedAt'],
      },
    },
  });
  return { db, items: db.collections.items! };
}
