/**
 * The AES-256-GCM RxDB storage wrapper (shared/security/rxdb-encryption.ts) in the app's own
 * database (renderer/src/data/database.ts `createDatabase`: every registry collection, ajv
 * validation outside encryption) over RxDB's memory storage, with a spy below the wrapper that
 * shows what would be written to disk:
 * - every collection's encrypted fields round-trip; at rest they are one sealed value per record;
 * - queries on clear indexed fields, the change stream and getChangedDocumentsSince still work;
 * - a flipped byte, sealed fields moved to another record or collection, or another key → an error
 *   (StoreDecryptionError with an Arabic message), never garbage; other records stay readable;
 * - attachments round-trip encrypted and are bound to their record;
 * - a store written by the previous version (RxDB's crypto-js plugin) is re-encrypted in place on
 *   first open — also after an upgrade interrupted half-way — and its attachments stay readable.
 */
import { afterEach, beforeAll, describe, expect, it } from 'vitest';
import { createRxDatabase, getChangedDocumentsSince, getRxReplicationMetaInstanceSchema, type MigrationStrategies, type RxCollection, type RxDatabase, type RxJsonSchema, type RxStorage, type RxStorageInstance } from 'rxdb';
import { getRxStorageMemory } from 'rxdb/plugins/storage-memory';
import { getRxStorageDexie } from 'rxdb/plugins/storage-dexie';
import { replicateRxCollection } from 'rxdb/plugins/replication';
import { IDBFactory, IDBKeyRange } from 'fake-indexeddb';
import { wrappedKeyEncryptionCryptoJsStorage } from 'rxdb/plugins/encryption-crypto-js';
import { disableWarnings } from 'rxdb/plugins/dev-mode';
import { wrappedValidateAjvStorage } from 'rxdb/plugins/validate-ajv';
import { attachmentCollections, createDatabase, type SilaDatabase } from '../../../renderer/src/data/database';
import { migrationStrategies } from '../../../renderer/src/data/migrations';
import { collections, collectionsByName, toRxJsonSchema } from '../../../shared/schema';
import { deriveRxdbEncryptionPassword, deriveRxdbFieldKey, importDataKey, type DataKey } from '../../../shared/security';
import {
  LEGACY_CRYPTO_JS_PREFIX,
  RXDB_ENCRYPTION_VERSION,
  SEALED_FIELD,
  SEALED_FOR_FIELD,
  StoreDecryptionError,
  decryptAttachmentBytes,
  decryptRecordFields,
  encryptAttachmentBytes,
  encryptRecordFields,
  upgradeLegacyValues,
  wrappedAesGcmEncryptionStorage,
} from '../../../shared/security/rxdb-encryption';
import { samples } from '../renderer/store-fixtures';
import { dumpIndexedDb } from '../renderer/store-helpers';

type Doc = Record<string, unknown>;
type RawInstance = RxStorageInstance<Doc, unknown, unknown>;

/** Memory storage shared by all databases of a test, and the raw (below-encryption) instances by "db/collection". */
function spyStorage() {
  const memory = getRxStorageMemory();
  const raw = new Map<string, { instance: RawInstance; params: Parameters<typeof memory.createStorageInstance>[0] }>();
  const storage: typeof memory = {
    ...memory,
    createStorageInstance: (async (params: Parameters<typeof memory.createStorageInstance>[0]) => {
      const instance = await memory.createStorageInstance(params);
      raw.set(`${params.databaseName}/${params.collectionName}`, { instance: instance as unknown as RawInstance, params });
      return instance;
    }) as typeof memory.createStorageInstance,
  };
  /** A fresh raw instance (also after the database was closed). */
  const rawInstance = async (db: string, collection: string): Promise<RawInstance> => {
    const entry = raw.get(`${db}/${collection}`);
    if (!entry) throw new Error(`no raw instance ${db}/${collection}`);
    return (await memory.createStorageInstance(entry.params)) as unknown as RawInstance;
  };
  const rawDoc = async (db: string, collection: string, id: string): Promise<Doc & { _rev: string; _meta: { lwt: number } }> => {
    const inst = await rawInstance(db, collection);
    const [doc] = await inst.findDocumentsById([id], true);
    await inst.close();
    return doc as never;
  };
  /** Overwrite stored fields below the encryption (what an attacker with the disk could do). */
  const tamper = async (db: string, collection: string, id: string, patch: Doc) => {
    const inst = await rawInstance(db, collection);
    const [doc] = await inst.findDocumentsById([id], true);
    const res = await inst.bulkWrite([{ previous: doc!, document: { ...doc!, ...patch } as never }], 'test-tamper');
    expect(res.error).toEqual([]);
    await inst.close();
  };
  return { storage: storage as unknown as RxStorage<unknown, unknown>, memory, raw, rawInstance, rawDoc, tamper };
}

const key = (fill: number) => importDataKey(new Uint8Array(32).fill(fill));
const NEW_FORMAT = /^A[A-Za-z0-9+/]+={0,2}$/; // base64 of version byte 2 ‖ IV ‖ ciphertext+tag
const open: Array<{ close(): Promise<unknown> }> = [];
async function track<T extends { close(): Promise<unknown> }>(p: Promise<T>): Promise<T> {
  const v = await p;
  open.push(v);
  return v;
}
async function closeAll() {
  while (open.length) await open.pop()!.close();
}
afterEach(closeAll);
beforeAll(() => disableWarnings());

/** The store-fixtures sample with a value for every encrypted field (some are optional there). */
function sampleWithAllSecrets(name: string): Doc {
  const extra: Record<string, Doc> = {
    interviews: { notes: 'ملاحظات الباحثة عن وضع الأسرة' },
    service_deliveries: { notes: 'سُلّمت السلة بحضور الابن الأكبر' },
    satisfaction_evaluations: { comment: 'الموظفة كانت متعاونة جدًا' },
    contact_logs: { contactPhone: '+966551239876' },
  };
  return { ...structuredClone(samples[name]!.valid), ...(extra[name] ?? {}) };
}

function flipByte(stored: string, at: number): string {
  const bytes = Uint8Array.from(atob(stored), (c) => c.charCodeAt(0));
  bytes[at < 0 ? bytes.length + at : at]! ^= 0x01;
  return btoa(String.fromCharCode(...bytes));
}

/** Plain strings at least 4 characters long inside a value (to look for in the raw store). */
function clearStrings(value: unknown): string[] {
  if (typeof value === 'string') return value.length >= 4 ? [value] : [];
  if (Array.isArray(value)) return value.flatMap(clearStrings);
  if (value && typeof value === 'object') return Object.values(value).flatMap(clearStrings);
  return [];
}

describe('sealing primitives', () => {
  let k: CryptoKey;
  let other: CryptoKey;
  beforeAll(async () => {
    k = await deriveRxdbFieldKey(await key(1));
    other = await deriveRxdbFieldKey(await key(2));
  });
  const fields = { fullName: 'فاطمة بنت عبدالله', n: 0, f: false, z: null, nested: { a: [1, 'ب'] }, household: [{ fullName: 'سارة' }] };

  it('round-trips a record’s fields (any JSON values), with a fresh IV every time', async () => {
    const a = await encryptRecordFields(k, fields, 'beneficiaries', 'b1');
    const b = await encryptRecordFields(k, fields, 'beneficiaries', 'b1');
    expect(a).toMatch(NEW_FORMAT);
    expect(a).not.toBe(b);
    expect(atob(a).slice(1, 13)).not.toBe(atob(b).slice(1, 13));
    expect(await decryptRecordFields(k, a, 'beneficiaries', 'b1')).toEqual(fields);
  });

  it('a flipped byte anywhere (version, IV, ciphertext, tag) is an error, never garbage', async () => {
    const stored = await encryptRecordFields(k, fields, 'beneficiaries', 'b1');
    const length = atob(stored).length;
    for (const at of [0, 1, 12, 13, 20, length - 17, length - 1]) {
      const err = await decryptRecordFields(k, flipByte(stored, at), 'beneficiaries', 'b1').catch((e: unknown) => e);
      expect(err, `byte ${at}`).toBeInstanceOf(StoreDecryptionError);
      expect((err as StoreDecryptionError).reason).toBe(at === 0 ? 'unknown-format' : 'cannot-open');
    }
    for (const bad of [stored.slice(0, 20), '', 'not base64 !', 42, 'فاطمة', null]) {
      await expect(decryptRecordFields(k, bad, 'beneficiaries', 'b1')).rejects.toBeInstanceOf(StoreDecryptionError);
    }
  });

  it('sealed fields only open for their own collection and record, and their own key', async () => {
    const stored = await encryptRecordFields(k, { nationalId: '1012345678' }, 'beneficiaries', 'b1');
    await expect(decryptRecordFields(k, stored, 'beneficiaries', 'b2')).rejects.toMatchObject({ code: 'STORE_DECRYPT', documentId: 'b2', path: SEALED_FIELD });
    await expect(decryptRecordFields(k, stored, 'contact_logs', 'b1')).rejects.toBeInstanceOf(StoreDecryptionError);
    const wrongKey = await decryptRecordFields(other, stored, 'beneficiaries', 'b1').catch((e: unknown) => e);
    expect(wrongKey).toBeInstanceOf(StoreDecryptionError);
    expect((wrongKey as StoreDecryptionError).messageAr).toMatch(/تعذّر فتح بيانات مشفّرة/);
    expect((wrongKey as StoreDecryptionError).messageEn).toMatch(/could not be opened/);
    expect((wrongKey as Error).message).not.toContain('1012345678');
  });

  it('attachment bytes are bound to their record and attachment id', async () => {
    const bytes = new TextEncoder().encode('%PDF-1.7 صورة الهوية') as Uint8Array<ArrayBuffer>;
    const sealed = await encryptAttachmentBytes(k, bytes, 'documents', 'd1', 'scan');
    expect(sealed[0]).toBe(RXDB_ENCRYPTION_VERSION);
    expect(sealed.length).toBe(bytes.length + 1 + 12 + 16);
    expect(await decryptAttachmentBytes(k, sealed, 'documents', 'd1', 'scan')).toEqual(bytes);
    await expect(decryptAttachmentBytes(k, sealed, 'documents', 'd2', 'scan')).rejects.toBeInstanceOf(StoreDecryptionError);
    await expect(decryptAttachmentBytes(k, sealed, 'documents', 'd1', 'other')).rejects.toBeInstanceOf(StoreDecryptionError);
    await expect(decryptAttachmentBytes(other, sealed, 'documents', 'd1', 'scan')).rejects.toBeInstanceOf(StoreDecryptionError);
    const flipped = sealed.slice();
    flipped[30]! ^= 0x80;
    await expect(decryptAttachmentBytes(k, flipped, 'documents', 'd1', 'scan')).rejects.toBeInstanceOf(StoreDecryptionError);
  });
});

describe('in the app database', () => {
  it('round-trips every collection’s encrypted fields and stores only ciphertext for them', async () => {
    const spy = spyStorage();
    const dataKey = await key(3);
    const fieldKey = await deriveRxdbFieldKey(dataKey);
    const db = await track(createDatabase({ name: 'enc-all', dataKey, storage: spy.storage }));
    const withSecrets = collections.filter((c) => c.encrypted.length > 0);
    expect(withSecrets.length).toBeGreaterThanOrEqual(9);
    for (const def of withSecrets) await (db.collections[def.name] as RxCollection).insert(structuredClone(sampleWithAllSecrets(def.name)));
    await db.close();
    open.pop();

    const again = await track(createDatabase({ name: 'enc-all', dataKey, storage: spy.storage }));
    for (const def of withSecrets) {
      const sample = sampleWithAllSecrets(def.name);
      const id = String(sample.id);
      const back = (await (again.collections[def.name] as RxCollection).findOne(id).exec())!.toJSON() as Doc;
      for (const [field, value] of Object.entries(sample)) expect(back[field], `${def.name}.${field}`).toEqual(value);

      const stored = await spy.rawDoc('enc-all', def.name, id);
      const present = def.encrypted.filter((f) => sample[f] !== undefined);
      const clearElsewhere = new Set(Object.entries(sample).flatMap(([f, v]) => (def.encrypted.includes(f) ? [] : clearStrings(v))));
      expect(present, `${def.name}: every encrypted field has a value`).toEqual(def.encrypted);
      // at rest: the encrypted fields are gone, sealed together for this collection and record
      for (const field of present) expect(stored[field], `${def.name}.${field} at rest`).toBeUndefined();
      expect(stored[SEALED_FIELD]).toMatch(NEW_FORMAT);
      expect(await decryptRecordFields(fieldKey, stored[SEALED_FIELD], def.name, id)).toEqual(Object.fromEntries(present.map((f) => [f, sample[f]])));
      for (const field of present) {
        for (const s of clearStrings(sample[field]).filter((x) => !clearElsewhere.has(x))) expect(JSON.stringify(stored), `${def.name}.${field} "${s}" in the clear`).not.toContain(s);
      }
      // fields that are not secret stay queryable and in the clear
      expect(stored.updatedAt).toBe(sample.updatedAt);
      expect(stored.branchId).toBe(sample.branchId);
    }
  });

  it('queries on clear indexed fields, the change stream and getChangedDocumentsSince give clear records', async () => {
    const spy = spyStorage();
    const db: SilaDatabase = await track(createDatabase({ name: 'enc-query', dataKey: await key(4), storage: spy.storage }));
    const seen: string[] = [];
    const sub = db.beneficiaries.$.subscribe((ev) => seen.push(String((ev.documentData as Doc).fullName)));
    const base = samples.beneficiaries!.valid;
    const people = ['فاطمة القحطاني', 'نورة الشمري', 'سارة العتيبي'].map((fullName, i) => ({
      ...structuredClone(base),
      id: `b${i}`,
      fullName,
      idHash: String(i).repeat(64),
      branchId: i === 2 ? 'branch-jeddah' : 'branch-riyadh',
      updatedAt: `2025-03-0${i + 1}T09:30:00.000Z`,
    }));
    await db.beneficiaries.bulkInsert(people as never);
    sub.unsubscribe();
    expect(seen.sort()).toEqual(people.map((p) => p.fullName).sort());

    const byHash = await db.beneficiaries.find({ selector: { idHash: '1'.repeat(64) } }).exec();
    expect(byHash.map((d) => d.fullName)).toEqual(['نورة الشمري']);
    const riyadh = await db.beneficiaries.find({ selector: { branchId: 'branch-riyadh' }, sort: [{ updatedAt: 'desc' }] }).exec();
    expect(riyadh.map((d) => d.fullName)).toEqual(['نورة الشمري', 'فاطمة القحطاني']);
    expect(await db.beneficiaries.count({ selector: { branchId: 'branch-jeddah' } }).exec()).toBe(1);

    const changes = await getChangedDocumentsSince(db.beneficiaries.storageInstance, 10, undefined as never);
    expect(changes.documents.map((d) => (d as unknown as Doc).fullName).sort()).toEqual(people.map((p) => p.fullName).sort());

    const patched = await (await db.beneficiaries.findOne('b0').exec())!.incrementalPatch({ phone: '+966555555555' });
    expect(patched.phone).toBe('+966555555555');
    const raw = await spy.rawDoc('enc-query', 'beneficiaries', 'b0');
    expect(raw.phone).toBeUndefined();
    expect((await decryptRecordFields(await deriveRxdbFieldKey(await key(4)), raw[SEALED_FIELD], 'beneficiaries', 'b0')).phone).toBe('+966555555555');
  });

  it('sealed fields moved to another record or altered on disk are refused with a clear error; other records stay readable', async () => {
    const spy = spyStorage();
    const dataKey = await key(5);
    let db: SilaDatabase = await track(createDatabase({ name: 'enc-tamper', dataKey, storage: spy.storage }));
    const base = samples.beneficiaries!.valid;
    await db.beneficiaries.bulkInsert(['b1', 'b2', 'b3', 'b4'].map((id, i) => ({ ...structuredClone(base), id, fullName: `اسم رقم ${i}` })) as never);
    await db.close();
    open.pop();

    const b2 = await spy.rawDoc('enc-tamper', 'beneficiaries', 'b2');
    await spy.tamper('enc-tamper', 'beneficiaries', 'b1', { [SEALED_FIELD]: b2[SEALED_FIELD] }); // b2's secrets copied into b1
    const b3 = await spy.rawDoc('enc-tamper', 'beneficiaries', 'b3');
    await spy.tamper('enc-tamper', 'beneficiaries', 'b3', { [SEALED_FIELD]: flipByte(String(b3[SEALED_FIELD]), 20) });
    await spy.tamper('enc-tamper', 'beneficiaries', 'b4', { phone: '+966500000000' }); // a clear value slipped in

    db = await track(createDatabase({ name: 'enc-tamper', dataKey, storage: spy.storage }));
    const moved = await db.beneficiaries.findOne('b1').exec().catch((e: unknown) => e);
    expect(moved).toBeInstanceOf(StoreDecryptionError);
    expect(moved).toMatchObject({ code: 'STORE_DECRYPT', collection: 'beneficiaries', documentId: 'b1', path: SEALED_FIELD, reason: 'cannot-open' });
    expect(String((moved as Error).message)).not.toContain('اسم');
    await expect(db.beneficiaries.findOne('b3').exec()).rejects.toMatchObject({ documentId: 'b3', reason: 'cannot-open' });
    await expect(db.beneficiaries.findOne('b4').exec()).rejects.toMatchObject({ documentId: 'b4', path: 'phone', reason: 'unknown-format' });
    expect((await db.beneficiaries.findOne('b2').exec())?.fullName).toBe('اسم رقم 1');
  });

  it('reads after a write decrypt what is stored (no clear copy of a written record is kept)', async () => {
    const spy = spyStorage();
    const db: SilaDatabase = await track(createDatabase({ name: 'enc-nocache', dataKey: await key(12), storage: spy.storage }));
    await db.beneficiaries.insert({ ...structuredClone(samples.beneficiaries!.valid), id: 'c1' } as never);
    // The memory storage keeps (and returns) the very object it was given: damage it in place.
    const raw = spy.raw.get('enc-nocache/beneficiaries')!.instance;
    const [kept] = await raw.findDocumentsById(['c1'], false);
    (kept as Doc)[SEALED_FIELD] = flipByte(String((kept as Doc)[SEALED_FIELD]), 20);
    expect(((await raw.findDocumentsById(['c1'], false))[0] as Doc)[SEALED_FIELD]).toBe((kept as Doc)[SEALED_FIELD]);
    await expect(db.beneficiaries.find({ selector: { branchId: String(samples.beneficiaries!.valid.branchId) } }).exec()).rejects.toBeInstanceOf(StoreDecryptionError);
  });

  it('another data key cannot open the database', async () => {
    const spy = spyStorage();
    const db = await track(createDatabase({ name: 'enc-key', dataKey: await key(6), storage: spy.storage }));
    await db.beneficiaries.insert(structuredClone(samples.beneficiaries!.valid) as never);
    await db.close();
    open.pop();
    // RxDB's DB1: the password derived from the other key does not match the one stored
    await expect(createDatabase({ name: 'enc-key', dataKey: await key(7), storage: spy.storage })).rejects.toMatchObject({ code: 'DB1' });
  });

  it('attachments round-trip and are stored encrypted', async () => {
    const spy = spyStorage();
    const db = await track(createDatabase({ name: 'enc-att', dataKey: await key(8), storage: spy.storage }));
    expect([...attachmentCollections].sort()).toEqual(['declarations', 'documents']);
    const marker = 'SCAN-MARKER-هوية-9931';
    const bytes = new TextEncoder().encode(`%PDF-1.7\n${marker}\n`.repeat(50));
    const doc = await (db.collections.documents as RxCollection).insert(structuredClone(samples.documents!.valid));
    const att = await doc.putAttachment({ id: 'scan-1', data: new Blob([bytes], { type: 'application/pdf' }), type: 'application/pdf' });
    const back = new Uint8Array(await (await doc.getLatest().getAttachment('scan-1')!.getData()).arrayBuffer());
    expect(back).toEqual(bytes);

    const raw = spy.raw.get('enc-att/documents')!.instance;
    const stored = new Uint8Array(await (await raw.getAttachmentData(String(doc.primary), 'scan-1', att.digest)).arrayBuffer());
    expect(stored[0]).toBe(RXDB_ENCRYPTION_VERSION);
    expect(stored.length).toBe(bytes.length + 29);
    expect(new TextDecoder().decode(stored)).not.toContain('SCAN-MARKER');
  });
});

describe('the replication’s copy of each record (RxDB replication meta)', () => {
  /** A replication of `beneficiaries` against an in-memory "HQ" (pull everything once, accept every push). */
  function replicateAgainst(db: SilaDatabase, hq: Map<string, Doc>, pushed: Doc[]) {
    return replicateRxCollection<Doc, { n: number }>({
      collection: db.beneficiaries as unknown as RxCollection<Doc>,
      replicationIdentifier: 'test-meta-sharing',
      live: true,
      waitForLeadership: false,
      pull: {
        handler: async (checkpoint) =>
          checkpoint ? { documents: [], checkpoint } : { documents: [...hq.values()].map((d) => ({ ...structuredClone(d), _deleted: false })) as never, checkpoint: { n: hq.size } },
      },
      push: {
        handler: async (rows) => {
          for (const row of rows) {
            hq.set(String(row.newDocumentState.id), structuredClone(row.newDocumentState as Doc));
            pushed.push(row.newDocumentState as Doc);
          }
          return [];
        },
      },
    });
  }
  const metaKey = (spy: ReturnType<typeof spyStorage>, db: string) => [...spy.raw.keys()].find((k) => k.startsWith(`${db}/rx-replication-meta-`))!;
  async function rawMetaDocs(spy: ReturnType<typeof spyStorage>, db: string): Promise<Doc[]> {
    const [, collection] = metaKey(spy, db).split('/');
    const inst = await spy.rawInstance(db, collection!);
    const all = await getChangedDocumentsSince(inst, 1000, undefined as never);
    await inst.close();
    return (all.documents as Doc[]).filter((d) => d.isCheckpoint === '0');
  }
  /** The meta instance opened through the encryption wrapper alone (no record collection open beside it). */
  async function openMetaAlone(spy: ReturnType<typeof spyStorage>, db: SilaDatabase, dbName: string, dataKey: DataKey) {
    const [, collectionName] = metaKey(spy, dbName).split('/');
    const storage = wrappedAesGcmEncryptionStorage({ storage: spy.memory as never, dataKey });
    return storage.createStorageInstance<Doc>({
      databaseName: dbName,
      collectionName: collectionName!,
      databaseInstanceToken: 'test',
      multiInstance: false,
      options: {},
      schema: getRxReplicationMetaInstanceSchema(db.beneficiaries.schema.jsonSchema as never, true) as never,
      password: await deriveRxdbEncryptionPassword(dataKey),
      devMode: false,
    });
  }

  it('is sealed like the record, with the record’s own blob (one encryption per pulled or pushed record), and reads back clear', async () => {
    const spy = spyStorage();
    const dataKey = await key(21);
    const fieldKey = await deriveRxdbFieldKey(dataKey);
    const db: SilaDatabase = await track(createDatabase({ name: 'enc-meta', dataKey, storage: spy.storage }));
    const base = sampleWithAllSecrets('beneficiaries');
    const hq = new Map<string, Doc>(['m0', 'm1', 'm2'].map((id, i) => [id, { ...structuredClone(base), id, fullName: `مستفيدة من المقر ${i}`, phone: `+96655000000${i}` }]));
    const pushed: Doc[] = [];
    const replication = replicateAgainst(db, hq, pushed);
    await replication.awaitInitialReplication();
    expect((await db.beneficiaries.findOne('m1').exec())?.fullName).toBe('مستفيدة من المقر 1');

    let metas = await rawMetaDocs(spy, 'enc-meta');
    expect(metas.map((m) => m.itemId).sort()).toEqual(['m0', 'm1', 'm2']);
    for (const meta of metas) {
      const id = String(meta.itemId);
      const record = await spy.rawDoc('enc-meta', 'beneficiaries', id);
      const data = meta.docData as Doc;
      expect(meta[SEALED_FOR_FIELD]).toBe('beneficiaries');
      expect(meta[SEALED_FIELD]).toBeUndefined();
      // encrypted fields are not in the copy; clear ones are, as in the record
      for (const field of collectionsByName.get('beneficiaries')!.encrypted) expect(data[field], `docData.${field}`).toBeUndefined();
      expect(data.branchId).toBe(base.branchId);
      expect(data[SEALED_FIELD]).toMatch(NEW_FORMAT);
      expect(data[SEALED_FIELD], 'the record’s blob is reused').toBe(record[SEALED_FIELD]);
      for (const secret of clearStrings(hq.get(id)!.fullName).concat(String(hq.get(id)!.phone), String(base.nationalId))) expect(JSON.stringify(meta)).not.toContain(secret);
    }

    // A local edit is pushed; the copy of HQ's state becomes the pushed state, again sharing the record's blob.
    await (await db.beneficiaries.findOne('m0').exec())!.incrementalPatch({ phone: '+966559999999' });
    await replication.awaitInSync();
    expect(pushed.map((d) => [d.id, d.phone])).toEqual([['m0', '+966559999999']]);
    metas = await rawMetaDocs(spy, 'enc-meta');
    const m0 = metas.find((m) => m.itemId === 'm0')!;
    expect((m0.docData as Doc)[SEALED_FIELD]).toBe((await spy.rawDoc('enc-meta', 'beneficiaries', 'm0'))[SEALED_FIELD]);
    expect((await decryptRecordFields(fieldKey, (m0.docData as Doc)[SEALED_FIELD], 'beneficiaries', 'm0')).phone).toBe('+966559999999');
    await replication.cancel();

    // Read back through the wrapper alone (without the record collection beside it): the clear HQ state.
    const meta = await openMetaAlone(spy, db, 'enc-meta', dataKey);
    const [back] = await meta.findDocumentsById(['m1|0'], false);
    expect(back!.docData).toMatchObject({ id: 'm1', fullName: 'مستفيدة من المقر 1', phone: '+966550000001', nationalId: base.nationalId, branchId: base.branchId });
    expect(back![SEALED_FOR_FIELD]).toBeUndefined();
    expect((back!.docData as Doc)[SEALED_FIELD]).toBeUndefined();
    await meta.close();
  });

  it('a copy whose blob was moved from another record, or relabelled for another collection, is refused', async () => {
    const spy = spyStorage();
    const dataKey = await key(22);
    const db: SilaDatabase = await track(createDatabase({ name: 'enc-meta-tamper', dataKey, storage: spy.storage }));
    const base = sampleWithAllSecrets('beneficiaries');
    const hq = new Map<string, Doc>(['t0', 't1', 't2'].map((id, i) => [id, { ...structuredClone(base), id, fullName: `اسم ${i}` }]));
    const replication = replicateAgainst(db, hq, []);
    await replication.awaitInitialReplication();
    await replication.cancel();
    const [, metaCollection] = metaKey(spy, 'enc-meta-tamper').split('/');
    const metas = await rawMetaDocs(spy, 'enc-meta-tamper');
    const t1 = metas.find((m) => m.itemId === 't1')!;
    await spy.tamper('enc-meta-tamper', metaCollection!, 't0|0', { docData: { ...(metas.find((m) => m.itemId === 't0')!.docData as Doc), [SEALED_FIELD]: (t1.docData as Doc)[SEALED_FIELD] } });
    await spy.tamper('enc-meta-tamper', metaCollection!, 't2|0', { [SEALED_FOR_FIELD]: 'contact_logs' });

    const meta = await openMetaAlone(spy, db, 'enc-meta-tamper', dataKey);
    await expect(meta.findDocumentsById(['t0|0'], false)).rejects.toMatchObject({ code: 'STORE_DECRYPT', documentId: 't0|0', reason: 'cannot-open' });
    await expect(meta.findDocumentsById(['t2|0'], false)).rejects.toMatchObject({ code: 'STORE_DECRYPT', documentId: 't2|0', reason: 'cannot-open' });
    expect((await meta.findDocumentsById(['t1|0'], false))[0]!.docData).toMatchObject({ id: 't1', fullName: 'اسم 1' });
    await meta.close();
  });

  it('copies in the earlier form (the whole state sealed on the meta document) stay readable', async () => {
    const spy = spyStorage();
    const dataKey = await key(23);
    const db: SilaDatabase = await track(createDatabase({ name: 'enc-meta-old', dataKey, storage: spy.storage }));
    const base = sampleWithAllSecrets('beneficiaries');
    const replication = replicateAgainst(db, new Map([['o0', { ...structuredClone(base), id: 'o0', fullName: 'اسم قديم' }]]), []);
    await replication.awaitInitialReplication();
    await replication.cancel();
    // Written by a wrapper that does not know the record collection: the earlier form.
    const alone = await openMetaAlone(spy, db, 'enc-meta-old', dataKey);
    const [current] = await alone.findDocumentsById(['o0|0'], true);
    const state = { ...(current!.docData as Doc), fullName: 'اسم بالصيغة السابقة' };
    const res = await alone.bulkWrite([{ previous: current!, document: { ...current!, docData: state, _rev: `2-${'a'.repeat(32)}`, _meta: { lwt: Date.now() } } as never }], 'test');
    expect(res.error).toEqual([]);
    await alone.close();
    const raw = (await rawMetaDocs(spy, 'enc-meta-old'))[0]!;
    expect(raw.docData).toBeUndefined();
    expect(raw[SEALED_FIELD]).toMatch(NEW_FORMAT);
    expect(JSON.stringify(raw)).not.toContain('الصيغة السابقة');
    // …and read by the meta instance of the open database, whose record collection is known.
    const again = await openMetaAlone(spy, db, 'enc-meta-old', dataKey);
    expect((await again.findDocumentsById(['o0|0'], false))[0]!.docData).toMatchObject({ id: 'o0', fullName: 'اسم بالصيغة السابقة' });
    await again.close();
  });
});

/** The previous version's database: RxDB's crypto-js plugin with the DEK-derived password. */
async function openLegacy(storage: RxStorage<unknown, unknown>, name: string, dataKey: DataKey): Promise<RxDatabase> {
  const db = await createRxDatabase({
    name,
    storage: wrappedValidateAjvStorage({ storage: wrappedKeyEncryptionCryptoJsStorage({ storage }) }),
    password: await deriveRxdbEncryptionPassword(dataKey),
    multiInstance: false,
  });
  const toAdd: Record<string, { schema: RxJsonSchema<Doc>; migrationStrategies?: MigrationStrategies }> = {};
  for (const def of collections) {
    const schema = toRxJsonSchema(def) as unknown as RxJsonSchema<Doc>;
    if (attachmentCollections.has(def.name)) schema.attachments = { encrypted: true };
    const migrate = migrationStrategies[def.name];
    toAdd[def.name] = { schema, ...(migrate ? { migrationStrategies: migrate } : {}) };
  }
  try {
    await db.addCollections(toAdd);
  } catch (err) {
    await db.close();
    throw err;
  }
  return db;
}

function legacyPeople(n: number): Doc[] {
  const base = samples.beneficiaries!.valid;
  return Array.from({ length: n }, (_, i) => ({ ...structuredClone(base), id: `p${String(i).padStart(3, '0')}`, fullName: `مستفيد قديم ${i}`, phone: `+96650000${String(i).padStart(4, '0')}` }));
}

describe('stores written by the previous version (crypto-js)', () => {
  it('are re-encrypted in place on first open: same records, same revisions, attachments still readable', async () => {
    const spy = spyStorage();
    const dataKey = await key(9);
    const legacy = await track(openLegacy(spy.storage, 'enc-legacy', dataKey));
    const people = legacyPeople(30);
    await legacy.collections.beneficiaries!.bulkInsert(people);
    await legacy.collections.interviews!.insert(structuredClone(samples.interviews!.valid));
    const docRecord = await legacy.collections.documents!.insert(structuredClone(samples.documents!.valid));
    const scan = new TextEncoder().encode('old scan bytes — صورة قديمة'.repeat(20));
    await docRecord.putAttachment({ id: 'scan-1', data: new Blob([scan], { type: 'image/jpeg' }), type: 'image/jpeg' });
    await legacy.close();
    open.pop();

    const before = await spy.rawDoc('enc-legacy', 'beneficiaries', 'p007');
    expect(String(before.fullName).startsWith(LEGACY_CRYPTO_JS_PREFIX)).toBe(true);
    expect(String((await spy.rawDoc('enc-legacy', 'interviews', String(samples.interviews!.valid.id))).answers)).toMatch(/^U2FsdGVkX1/);

    const db = await track(createDatabase({ name: 'enc-legacy', dataKey, storage: spy.storage }));
    // at rest: only the new format left, revisions and write times untouched (nothing to sync)
    const rawAll = await spy.rawInstance('enc-legacy', 'beneficiaries');
    const stored = (await getChangedDocumentsSince(rawAll, 100, undefined as never)).documents as unknown as Doc[];
    await rawAll.close();
    expect(stored.length).toBe(30);
    for (const d of stored) {
      for (const f of ['fullName', 'phone', 'nationalId', 'nameParts']) expect(d[f], `${String(d.id)}.${f}`).toBeUndefined();
      expect(d[SEALED_FIELD]).toMatch(NEW_FORMAT);
    }
    expect(JSON.stringify(stored)).not.toContain(LEGACY_CRYPTO_JS_PREFIX);
    const after = await spy.rawDoc('enc-legacy', 'beneficiaries', 'p007');
    expect(after._rev).toBe(before._rev);
    expect(after._meta.lwt).toBe(before._meta.lwt);
    const interviewAtRest = await spy.rawDoc('enc-legacy', 'interviews', String(samples.interviews!.valid.id));
    expect(interviewAtRest.answers).toBeUndefined();
    expect(interviewAtRest[SEALED_FIELD]).toMatch(NEW_FORMAT);

    // the records read as before
    const all = (await db.beneficiaries.find().exec()).map((d) => d.toJSON() as Doc);
    expect(all.map((d) => [d.id, d.fullName, d.phone]).sort()).toEqual(people.map((p) => [p.id, p.fullName, p.phone]).sort());
    const interview = (await (db.collections.interviews as RxCollection).findOne(String(samples.interviews!.valid.id)).exec())!.toJSON() as Doc;
    expect(interview.answers).toEqual(samples.interviews!.valid.answers);
    // the old attachment is still readable; a new one is written in the new format
    const docNow = (await (db.collections.documents as RxCollection).findOne(String(samples.documents!.valid.id)).exec())!;
    expect(new Uint8Array(await (await docNow.getAttachment('scan-1')!.getData()).arrayBuffer())).toEqual(scan);
    const added = await docNow.putAttachment({ id: 'scan-2', data: new Blob([scan], { type: 'image/jpeg' }), type: 'image/jpeg' });
    const rawDocs = spy.raw.get('enc-legacy/documents')!.instance;
    expect(new Uint8Array(await (await rawDocs.getAttachmentData(String(docNow.primary), 'scan-2', added.digest)).arrayBuffer())[0]).toBe(RXDB_ENCRYPTION_VERSION);
  });

  it('on the laptop storage (Dexie/IndexedDB): upgraded on first unlock, nothing of the old format or in the clear left', async () => {
    const idb = new IDBFactory();
    const dexie = () => getRxStorageDexie({ indexedDB: idb, IDBKeyRange }) as unknown as RxStorage<unknown, unknown>;
    const dataKey = await key(11);
    const legacy = await track(openLegacy(dexie(), 'enc-dexie', dataKey));
    const people = legacyPeople(25);
    await legacy.collections.beneficiaries!.bulkInsert(people);
    const revs = new Map((await legacy.collections.beneficiaries!.find().exec()).map((d) => [d.primary, d.revision]));
    await legacy.close();
    open.pop();
    expect(await dumpIndexedDb(idb)).toContain(LEGACY_CRYPTO_JS_PREFIX);

    const db = await track(createDatabase({ name: 'enc-dexie', dataKey, storage: dexie() }));
    const all = await db.beneficiaries.find().exec();
    expect(all.map((d) => [d.id, d.fullName, d.phone, d.nationalId]).sort()).toEqual(people.map((p) => [p.id, p.fullName, p.phone, p.nationalId]).sort());
    for (const d of all) expect(d.revision, d.id).toBe(revs.get(d.id));
    const disk = await dumpIndexedDb(idb);
    expect(disk).not.toContain(LEGACY_CRYPTO_JS_PREFIX);
    expect(disk).toContain(SEALED_FIELD);
    for (const p of people.slice(0, 5)) {
      expect(disk).not.toContain(String(p.fullName));
      expect(disk).not.toContain(String(p.phone).slice(4));
    }
  });

  it('an upgrade interrupted half-way is finished at the next open', async () => {
    const spy = spyStorage();
    const dataKey = await key(10);
    const legacy = await track(openLegacy(spy.storage, 'enc-crash', dataKey));
    const people = legacyPeople(40);
    await legacy.collections.beneficiaries!.bulkInsert(people);
    await legacy.close();
    open.pop();

    // Re-encrypt in batches of 10 with a "crash" (an exception) in the second batch. The first
    // batch holds the oldest record, which is kept for last, so 9 records are rewritten — by a
    // stand-in that seals only the name (as "x") and leaves the other crypto-js fields.
    const inst = await spy.rawInstance('enc-crash', 'beneficiaries');
    const fieldKey = await deriveRxdbFieldKey(dataKey);
    let calls = 0;
    const crash = upgradeLegacyValues(
      inst,
      collectionsByName.get('beneficiaries')!.encrypted,
      'id',
      async (doc) => {
        if (++calls > 9) throw new Error('power cut');
        const { fullName: _old, ...rest } = doc;
        return { ...rest, [SEALED_FIELD]: await encryptRecordFields(fieldKey, { fullName: 'x' }, 'beneficiaries', String(doc.id)) } as typeof doc;
      },
      { batchSize: 10 },
    );
    await expect(crash).rejects.toThrow('power cut');
    const stored = (await getChangedDocumentsSince(inst, 100, undefined as never)).documents as unknown as Doc[];
    await inst.close();
    expect(stored.filter((d) => d[SEALED_FIELD] !== undefined).length).toBe(9);
    // the first record (the marker of an unfinished upgrade) is rewritten last, so it is still old
    expect(String(stored[0]!.fullName)).toMatch(/^U2FsdGVkX1/);

    // Next open: the rest is upgraded, and the 9 half-done ones are finished (their sealed "x"
    // and their remaining crypto-js fields sealed together).
    const db = await track(createDatabase({ name: 'enc-crash', dataKey, storage: spy.storage }));
    const all = (await db.beneficiaries.find().exec()).map((d) => d.toJSON() as Doc);
    expect(all.length).toBe(40);
    expect(all.filter((d) => d.fullName === 'x').length).toBe(9);
    for (const d of all) {
      const before = people.find((p) => p.id === d.id)!;
      if (d.fullName !== 'x') expect(d.fullName).toBe(before.fullName);
      expect(d.phone).toBe(before.phone);
      expect(d.nationalId).toBe(before.nationalId);
    }
    const rawAll = await spy.rawInstance('enc-crash', 'beneficiaries');
    const after = (await getChangedDocumentsSince(rawAll, 100, undefined as never)).documents as unknown as Doc[];
    await rawAll.close();
    expect(after.every((d) => String(d[SEALED_FIELD]).match(NEW_FORMAT) && d.fullName === undefined && d.phone === undefined)).toBe(true);
  });
});
