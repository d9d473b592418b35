/** Opening the renderer's database in Node (Dexie on a private fake-indexeddb), for the store tests. */
import { IDBFactory, IDBKeyRange } from 'fake-indexeddb';
import { getRxStorageDexie } from 'rxdb/plugins/storage-dexie';
import { createDatabase, type SilaDatabase } from '../../../renderer/src/data/database';
import { importDataKey, type DataKey } from '../../../shared/security';

export class MemoryStorage implements Storage {
  private map = new Map<string, string>();
  get length() {
    return this.map.size;
  }
  clear() {
    this.map.clear();
  }
  getItem(k: string) {
    return this.map.get(k) ?? null;
  }
  key(i: number) {
    return [...this.map.keys()][i] ?? null;
  }
  removeItem(k: string) {
    this.map.delete(k);
  }
  setItem(k: string, v: string) {
    this.map.set(k, String(v));
  }
}

/** A fixed data key for the store tests (the app's comes from the unlocked keyring). */
export function testDataKey(fill = 0xf): Promise<DataKey> {
  return importDataKey(new Uint8Array(32).fill(fill));
}

export async function openTestDatabase(idb = new IDBFactory(), name = 'sila-store-test', dataKey?: DataKey): Promise<{ db: SilaDatabase; idb: IDBFactory }> {
  const db = await createDatabase({ name, dataKey: dataKey ?? (await testDataKey()), storage: getRxStorageDexie({ indexedDB: idb, IDBKeyRange }) });
  return { db, idb };
}

/** Every record of every object store of a fake IndexedDB, as one JSON string. */
export async function dumpIndexedDb(idb: IDBFactory): Promise<string> {
  const out: unknown[] = [];
  for (const info of await idb.databases()) {
    const db = await new Promise<IDBDatabase>((ok, fail) => {
      const req = idb.open(info.name!);
      req.onsuccess = () => ok(req.result);
      req.onerror = () => fail(req.error);
    });
    for (const store of Array.from(db.objectStoreNames)) {
      const rows = await new Promise<unknown[]>((ok, fail) => {
        const req = db.transaction(store, 'readonly').objectStore(store).getAll();
        req.onsuccess = () => ok(req.result);
        req.onerror = () => fail(req.error);
      });
      out.push(...rows);
    }
    db.close();
  }
  return JSON.stringify(out);
}
