/** PDPL correction from the beneficiary's file: domain rules, the audited write path, lookup hashes redone. */
import { afterEach, describe, expect, it } from 'vitest';
import type { SilaDatabase } from '../../../renderer/src/data/database';
import { auditChainOf } from '../../../renderer/src/data/audit';
import { saveRecord, type RecordActor } from '../../../renderer/src/data/records';
import { findByLookupHash } from '../../../renderer/src/data/search';
import { correctedBeneficiary, correctionFormOf, saveCorrection } from '../../../renderer/src/features/privacy/correction';
import type { Beneficiary } from '../../../shared/schema';
import { generateNationalId } from '../../../shared/identity';
import { importLookupKey } from '../../../shared/security';
import { samples } from './store-fixtures';
import { openTestDatabase } from './store-helpers';

let db: SilaDatabase | null = null;
afterEach(async () => {
  await db?.close();
  db = null;
});

const DEVICE = 'device-0123456789abcdef0123456789abcdef';
const staff: RecordActor = { userId: 'u_staff', role: 'branch_staff', branchIds: ['branch-riyadh'], branchId: 'branch-riyadh' };
const stored = samples.beneficiaries!.valid as unknown as Beneficiary;

describe('PDPL correction', () => {
  it('fills the form from the record and refuses a bad ID or mobile, naming the field', () => {
    const form = correctionFormOf(stored);
    expect(form).toMatchObject({ first: 'فاطمة', father: 'عبدالله', family: 'القحطاني', phone: '0501234567', city: 'الرياض', district: 'النسيم' });
    const bad = correctedBeneficiary(stored, { ...form, nationalId: '1234567890', phone: '12345', first: ' ' });
    expect(bad.ok).toBe(false);
    if (!bad.ok) {
      expect(Object.keys(bad.problems).sort()).toEqual(['first', 'nationalId', 'phone']);
      expect(bad.problems.nationalId!.messageAr).toMatch(/[\u0600-\u06ff]/);
    }
  });

  it('saves the corrected name, ID and mobile through saveRecord: hashes redone, audited with field names only', async () => {
    ({ db } = await openTestDatabase(undefined, 'pdpl-correct'));
    const lookupKey = await importLookupKey(new Uint8Array(32).fill(9));
    const first = await saveRecord<Beneficiary>(db, staff, 'beneficiaries', { ...samples.beneficiaries!.valid, id: 'ben-c' }, { lookupKey, deviceId: DEVICE });
    if (!first.ok) throw new Error(first.messageEn);
    const newId = generateNationalId('citizen', '87654321');
    const form = { ...correctionFormOf(first.doc), family: 'الشهري', nationalId: newId, phone: '0559876543' };
    const r = await saveCorrection(db, staff, first.doc, form, { lookupKey, deviceId: DEVICE });
    expect(r.ok).toBe(true);
    const after = (await db.beneficiaries.findOne('ben-c').exec())!.toJSON() as Beneficiary;
    expect(after).toMatchObject({ fullName: 'فاطمة عبدالله الشهري', nationalId: newId, phone: '+966559876543', city: 'الرياض', address: { district: 'النسيم', postalCode: '12345' } });
    expect((await findByLookupHash(db, lookupKey, 'nationalId', newId)).map((b) => b.id)).toEqual(['ben-c']);
    expect(await findByLookupHash(db, lookupKey, 'nationalId', first.doc.nationalId)).toEqual([]);
    const chain = await auditChainOf(db, DEVICE);
    const last = chain[chain.length - 1]!;
    expect(last).toMatchObject({ action: 'update', collectionName: 'beneficiaries', docId: 'ben-c' });
    expect(last.summary).toMatch(/^pdpl correction/);
    expect(last.summary).toMatch(/nationalId/);
    expect(last.summary).not.toMatch(/\d|الشهري/);

    // Saving the form unchanged writes nothing.
    const again = await saveCorrection(db, staff, after, correctionFormOf(after), { lookupKey, deviceId: DEVICE });
    expect(again).toEqual({ ok: true, unchanged: true });
    expect((await auditChainOf(db, DEVICE)).length).toBe(chain.length);
  });
});
