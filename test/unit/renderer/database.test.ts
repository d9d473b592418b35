/**
 * The local store as the renderer opens it (Dexie storage, every registry collection, crypto-js
 * encryption keyed from the unlocked data key), on fake-indexeddb in Node. In Vitest
 * `import.meta.env.DEV` is true, so RxDB's dev-mode schema checks and ajv validation run too.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { IDBFactory, IDBKeyRange } from 'fake-indexeddb';
import { getRxStorageDexie } from 'rxdb/plugins/storage-dexie';
import { createDatabase, type SilaDatabase } from '../../../renderer/src/data/database';
import { prepareRegistration, saveBeneficiary } from '../../../renderer/src/data/beneficiaries';
import { createDeviceKey, hasDeviceKey, unlockDeviceKey } from '../../../renderer/src/security/deviceKey';
import { collections } from '../../../shared/schema';
import { generateNationalId } from '../../../shared/identity/nationalId';

class MemoryStorage implements Storage {
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

/** Every record of every object store in every database of a fake IndexedDB, as JSON. */
async function dumpIndexedDb(idb: IDBFactory): Promise<string> {
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

let db: SilaDatabase | null = null;
afterEach(async () => {
  await db?.close();
  db = null;
});

describe('local database', () => {
  it('opens every registry collection and keeps encrypted fields unreadable at rest', async () => {
    const storage = new MemoryStorage();
    expect(hasDeviceKey(storage)).toBe(false);
    const created = await createDeviceKey('correct horse battery', 'correct horse battery', storage);
    expect(created.ok).toBe(true);
    if (!created.ok) return;
    expect(hasDeviceKey(storage)).toBe(true);

    const idb = new IDBFactory();
    db = await createDatabase({
      name: 'sila-unit',
      dataKey: created.key.dek,
      storage: getRxStorageDexie({ indexedDB: idb, IDBKeyRange }),
    });
    expect(Object.keys(db.collections).sort()).toEqual(collections.map((c) => c.name).sort());

    const nationalId = generateNationalId('resident', '87654321');
    const prepared = prepareRegistration(
      { fullName: 'فاطمة سالم القحطاني', nationalId, phone: '0551234567' },
      { branchId: 'main', updatedBy: 'device-x', now: new Date('2026-11-21T10:00:00Z'), newId: () => 'f1' },
    );
    expect(prepared.ok).toBe(true);
    if (!prepared.ok) return;
    await saveBeneficiary(db, prepared.beneficiary);
    const stored = await db.beneficiaries.findOne('f1').exec();
    expect(stored?.fullName).toBe('فاطمة سالم القحطاني');
    expect(stored?.nationalId).toBe(nationalId);

    const raw = await dumpIndexedDb(idb);
    expect(raw).toContain('"f1"'); // the record is there…
    expect(raw).toContain('2026-11-21T10:00:00'); // …with its clear metadata…
    expect(raw).not.toContain('فاطمة'); // …but not the name,
    expect(raw).not.toContain(nationalId); // the ID
    expect(raw).not.toContain('551234567'); // or the phone.

    // Unlocking later gives the same database key; a wrong password gives the domain message.
    const wrong = await unlockDeviceKey('wrong password!', storage);
    expect(wrong.ok).toBe(false);
    if (!wrong.ok) expect(wrong.messageAr).toMatch(/كلمة المرور غير صحيحة/);
    const again = await unlockDeviceKey('correct horse battery', storage);
    expect(again.ok && again.key.encryptionPassword).toBe(created.key.encryptionPassword);
  });

  it('refuses a short or mistyped new password with a message in both languages', async () => {
    const storage = new MemoryStorage();
    const short = await createDeviceKey('short', 'short', storage);
    expect(short.ok).toBe(false);
    const mismatch = await createDeviceKey('long enough 1', 'long enough 2', storage);
    expect(mismatch.ok).toBe(false);
    if (!mismatch.ok) {
      expect(mismatch.messageAr).toMatch(/غير متطابقتين/);
      expect(mismatch.messageEn).toMatch(/differ/);
    }
    expect(hasDeviceKey(storage)).toBe(false);
  });

  it('locks unlocking for a while after five wrong passwords', async () => {
    const storage = new MemoryStorage();
    await createDeviceKey('correct horse battery', 'correct horse battery', storage);
    let now = 1_000_000;
    for (let i = 0; i < 5; i++) expect((await unlockDeviceKey('nope nope nope', storage, () => now)).ok).toBe(false);
    const locked = await unlockDeviceKey('correct horse battery', storage, () => now);
    expect(locked.ok).toBe(false);
    now += 31_000;
    expect((await unlockDeviceKey('correct horse battery', storage, () => now)).ok).toBe(true);
  }, 60_000);
});
