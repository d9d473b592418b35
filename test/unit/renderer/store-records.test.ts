/**
 * The local store's write path (issue 5): CRUD on every collection, `saveRecord` (validation,
 * access, lookup hashes, audit), `deleteRecord`, the audit chain (append order across
 * concurrent writes, verification naming an edited and a deleted entry), and a record that
 * fails its schema or a write that is interrupted leaving every other record intact.
 */
import { afterEach, describe, expect, it } from 'vitest';
import type { RxCollection } from 'rxdb';
import type { SilaDatabase } from '../../../renderer/src/data/database';
import { deleteRecord, saveRecord, type RecordActor } from '../../../renderer/src/data/records';
import { auditChainOf, recordAudit, verifyLocalAuditChains } from '../../../renderer/src/data/audit';
import { ACCESS_TABLE } from '../../../shared/access';
import { collections, roles, type Role } from '../../../shared/schema';
import { importLookupKey, keyedLookupHash } from '../../../shared/security';
import { generateNationalId } from '../../../shared/identity';
import { samples } from './store-fixtures';
import { openTestDatabase } from './store-helpers';

const DEVICE = 'device-0123456789abcdef0123456789abcdef';
let db: SilaDatabase | null = null;
afterEach(async () => {
  await db?.close();
  db = null;
});

const staff: RecordActor = { userId: 'u_staff', role: 'branch_staff', branchIds: ['branch-riyadh'], branchId: 'branch-riyadh' };

/** A role allowed to insert into the collection (and the highest rights among them). */
function writerOf(name: string): Role {
  const table = ACCESS_TABLE[name as keyof typeof ACCESS_TABLE].roles;
  const order = ['insert_update_delete', 'insert_update', 'insert'];
  for (const level of order) {
    const role = roles.find((r) => table[r].write === level);
    if (role) return role;
  }
  throw new Error(`nobody writes ${name}`);
}

/** Collections whose sample's invalid mutation breaks a zod refinement the JSON schema lacks. */
const zodOnlyRules = new Set(['documents', 'hq_config']);

describe('CRUD on every collection', () => {
  it.each(collections.map((c) => c.name))('%s: insert, read, update (unless append-only), delete', async (name) => {
    ({ db } = await openTestDatabase(undefined, `crud-${name}`));
    const sample = samples[name]!;
    const collection = db.collections[name] as RxCollection;
    await collection.insert(sample.valid);
    const read = await collection.findOne(String(sample.valid.id)).exec();
    expect(read?.toJSON()).toMatchObject(sample.valid);
    const appendOnly = collections.find((c) => c.name === name)!.appendOnly === true;
    if (!appendOnly && 'updatedAt' in sample.valid) {
      await read!.incrementalPatch({ updatedAt: '2025-04-01T10:00:00.000Z' });
      expect((await collection.findOne(String(sample.valid.id)).exec())?.get('updatedAt')).toBe('2025-04-01T10:00:00.000Z');
    }
    await (await collection.findOne(String(sample.valid.id)).exec())!.remove();
    expect(await collection.findOne(String(sample.valid.id)).exec()).toBeNull();
    // An invalid document is refused by the store (dev-mode ajv) and nothing is stored — for
    // rules JSON schema can express; cross-field rules (documents, hq_config) are zod's, in saveRecord.
    if (!zodOnlyRules.has(name)) {
      await expect(collection.insert(sample.invalid({ ...sample.valid, id: 'bad-1' }))).rejects.toThrow();
      expect(await collection.count().exec()).toBe(0);
    }
  });

  it.each(collections.map((c) => c.name).filter((n) => n !== 'audit_entries'))('%s: saveRecord by a role that may write, with an audit entry', async (name) => {
    ({ db } = await openTestDatabase(undefined, `save-${name}`));
    const role = writerOf(name);
    const actor: RecordActor = { userId: `u_${role}`, role, branchIds: ['branch-riyadh'], branchId: 'branch-riyadh' };
    const saved = await saveRecord(db, actor, name, samples[name]!.valid, { deviceId: DEVICE });
    if (!saved.ok) throw new Error(`${name}: ${saved.messageEn} ${JSON.stringify(saved.issues)}`);
    expect(saved.created).toBe(true);
    expect(saved.audit).toMatchObject({ action: 'create', collectionName: name, docId: samples[name]!.valid.id, userId: actor.userId, seq: 1 });
  });
});

describe('saveRecord', () => {
  it('stamps, hashes ID and phone with the lookup key, audits create/update with field names only, deletes', async () => {
    ({ db } = await openTestDatabase());
    const lookupKey = await importLookupKey(new Uint8Array(32).fill(7));
    const nationalId = generateNationalId('citizen', '11223344');
    const draft = { id: 'b1', fullName: 'هيفاء سالم القحطاني', nationalId, phone: '+966551234567' };
    const created = await saveRecord(db, staff, 'beneficiaries', draft, { lookupKey, deviceId: DEVICE });
    expect(created.ok).toBe(true);
    if (!created.ok) return;
    expect(created.doc).toMatchObject({ branchId: 'branch-riyadh', updatedBy: 'u_staff', idHash: await keyedLookupHash(lookupKey, 'nationalId', nationalId) });
    expect(created.doc).toMatchObject({ phoneHash: await keyedLookupHash(lookupKey, 'phone', '+966551234567') });

    const updated = await saveRecord(db, staff, 'beneficiaries', { ...created.doc, fullName: 'هيفاء سالم محمد القحطاني', city: 'الرياض' }, { lookupKey, deviceId: DEVICE });
    expect(updated.ok && updated.audit).toMatchObject({ action: 'update', seq: 2, summary: 'updated: city, fullName' });
    expect(JSON.stringify(updated.ok && updated.audit)).not.toContain('هيفاء');

    const removed = await deleteRecord(db, staff, 'beneficiaries', 'b1', { deviceId: DEVICE });
    expect(removed.ok && removed.audit).toMatchObject({ action: 'delete', seq: 3 });
    expect(await db.beneficiaries.findOne('b1').exec()).toBeNull();
  });

  it('refuses a record that fails its schema with Arabic field messages, and other records stay', async () => {
    ({ db } = await openTestDatabase());
    const good = await saveRecord(db, staff, 'beneficiaries', { id: 'ok1', fullName: 'سعاد علي الحربي', nationalId: generateNationalId('citizen', '99887766') }, { deviceId: DEVICE });
    expect(good.ok).toBe(true);
    const bad = await saveRecord(db, staff, 'beneficiaries', { id: 'bad1', fullName: 'س', nationalId: '1234567890', phone: '123' }, { deviceId: DEVICE });
    expect(bad.ok).toBe(false);
    if (bad.ok) return;
    expect(bad.reason).toBe('invalid');
    expect(bad.messageAr).toMatch(/[\u0600-\u06ff]/);
    expect(bad.issues.map((i) => i.path).sort()).toEqual(['fullName', 'nationalId', 'phone']);
    for (const i of bad.issues) expect(i.message).toMatch(/[\u0600-\u06ff]/);
    expect(await db.beneficiaries.count().exec()).toBe(1);
    expect((await db.beneficiaries.findOne('ok1').exec())?.get('fullName')).toBe('سعاد علي الحربي');
    expect((await auditChainOf(db, DEVICE)).length).toBe(1);
  });

  it('refuses what the role may not do (committee member writing a beneficiary, another branch, editing an append-only record)', async () => {
    ({ db } = await openTestDatabase());
    const committee: RecordActor = { userId: 'u_c', role: 'committee_member', branchIds: ['branch-riyadh'], branchId: 'branch-riyadh' };
    const r1 = await saveRecord(db, committee, 'beneficiaries', { id: 'x1', fullName: 'منى علي الزهراني', nationalId: generateNationalId('citizen', '55667788') }, { deviceId: DEVICE });
    expect(r1.ok || r1.reason).toBe('forbidden');
    const r2 = await saveRecord(db, staff, 'beneficiaries', { id: 'x2', branchId: 'branch-jeddah', fullName: 'منى علي الزهراني', nationalId: generateNationalId('citizen', '55667788') }, { deviceId: DEVICE });
    expect(r2.ok || r2.reason).toBe('forbidden');
    const decl = samples.declarations!.valid;
    const first = await saveRecord(db, staff, 'declarations', decl, { deviceId: DEVICE });
    expect(first.ok).toBe(true);
    const again = await saveRecord(db, staff, 'declarations', { ...decl }, { deviceId: DEVICE });
    expect(again.ok || again.reason).toBe('forbidden');
    expect(await db.beneficiaries.count().exec()).toBe(0);
  });

  it('an interrupted write (the store fails mid-write) reports a clear message and leaves the other records intact', async () => {
    ({ db } = await openTestDatabase());
    const a = await saveRecord(db, staff, 'beneficiaries', { id: 'a1', fullName: 'ريم خالد العتيبي', nationalId: generateNationalId('citizen', '10101010') }, { deviceId: DEVICE });
    expect(a.ok).toBe(true);
    // Interrupt the next write at the storage layer (as a crash or a full disk would).
    const storage = db.beneficiaries.storageInstance;
    const original = storage.bulkWrite.bind(storage);
    storage.bulkWrite = () => Promise.reject(new Error('QuotaExceededError: the disk is full'));
    const b = await saveRecord(db, staff, 'beneficiaries', { id: 'a1', fullName: 'ريم خالد سعد العتيبي', nationalId: generateNationalId('citizen', '10101010') }, { deviceId: DEVICE });
    storage.bulkWrite = original;
    expect(b.ok).toBe(false);
    if (b.ok) return;
    expect(b.reason).toBe('storage');
    expect(b.messageAr).toContain('أعد المحاولة');
    expect((await db.beneficiaries.findOne('a1').exec())?.get('fullName')).toBe('ريم خالد العتيبي');
    expect(await db.beneficiaries.count().exec()).toBe(1);
  });
});

describe('audit chain', () => {
  it('serialises concurrent appends into one unbroken chain, and verification names an edited and a deleted entry', async () => {
    ({ db } = await openTestDatabase());
    const actor = { userId: 'u_staff', role: 'branch_staff' as const, branchId: 'branch-riyadh' };
    await Promise.all(
      Array.from({ length: 12 }, (_, i) => recordAudit(db!, actor, { action: 'open_file', collectionName: 'beneficiaries', docId: `doc${i}`, summary: 'opened the file' }, { deviceId: DEVICE })),
    );
    const chain = await auditChainOf(db, DEVICE);
    expect(chain.map((e) => e.seq)).toEqual(Array.from({ length: 12 }, (_, i) => i + 1));
    const [intact] = await verifyLocalAuditChains(db);
    expect(intact?.result.ok).toBe(true);

    // Someone edits entry 5 in the store (bypassing the app): verification names it.
    const entries = db.collections.audit_entries as RxCollection;
    await (await entries.findOne(`${DEVICE}-5`).exec())!.incrementalPatch({ summary: 'nothing happened' });
    const [edited] = await verifyLocalAuditChains(db);
    expect(edited?.result).toMatchObject({ ok: false, kind: 'edited', entryId: `${DEVICE}-5` });
    if (edited && !edited.result.ok) expect(edited.result.messageAr).toContain('عُدّل');

    // Another store, entry 8 deleted.
    await db.close();
    ({ db } = await openTestDatabase(undefined, 'audit-deleted'));
    for (let i = 0; i < 10; i++) await recordAudit(db, actor, { action: 'print', collectionName: 'declarations', docId: `d${i}`, summary: 'printed' }, { deviceId: DEVICE });
    await (await (db.collections.audit_entries as RxCollection).findOne(`${DEVICE}-8`).exec())!.remove();
    const [deleted] = await verifyLocalAuditChains(db);
    expect(deleted?.result).toMatchObject({ ok: false, kind: 'deleted' });
  });

  it('refuses a summary that carries personal data', async () => {
    ({ db } = await openTestDatabase());
    await expect(
      recordAudit(db, { userId: 'u', branchId: 'b' }, { action: 'export', collectionName: 'beneficiaries', docId: 'x', summary: 'exported 1012345678' }, { deviceId: DEVICE }),
    ).rejects.toThrow(/audit/);
  });
});
