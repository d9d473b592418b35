/**
 * Editing a registered beneficiary (renderer/src/features/reception): the form is filled from the
 * stored record without losing anything, the same rules and Arabic messages as registration apply,
 * the record keeps its identity (id, branch, creation, consent), only what changed is reported, and
 * a signed declaration whose data changed becomes stale (shared/casefile isDeclarationStale).
 */
import { describe, expect, it } from 'vitest';
import {
  changedBeneficiaryFields,
  dateText,
  formFromBeneficiary,
  prepareBeneficiary,
  type RegistrationContext,
} from '../../../renderer/src/features/reception/registration';
import { generateNationalId } from '../../../shared/identity/nationalId';
import { beneficiaries, validateDocument, type Beneficiary, type Declaration, type SupportRequest } from '../../../shared/schema';
import { declarationSnapshotFromRecords, isDeclarationStale } from '../../../shared/casefile';
import { canonicalJson, sha256Hex, utf8 } from '../../../shared/declaration';
import { hashDeclaredData } from '../../../shared/declaration/snapshot';
import { policyProfilesById } from '../../../shared/policy';

const registered: Beneficiary = {
  id: 'ben-edit-1',
  branchId: 'riyadh',
  createdAt: '2026-01-10T07:00:00.000Z',
  updatedAt: '2026-01-10T07:00:00.000Z',
  updatedBy: 'staff-1',
  fullName: 'نورة عبدالله محمد السبيعي',
  nameParts: { first: 'نورة', father: 'عبدالله', grandfather: 'محمد', family: 'السبيعي' },
  nationalId: generateNationalId('citizen', '23456789'),
  idHash: 'a'.repeat(64),
  phone: '+966501234567',
  phoneHash: 'b'.repeat(64),
  birthDate: { calendar: 'hijri', y: 1405, m: 9, d: 6 },
  gender: 'female',
  nationality: 'SA',
  maritalStatus: 'divorced',
  city: 'الرياض',
  address: { district: 'النسيم', street: 'شارع الأمير', buildingNumber: '7421', postalCode: '14231', details: 'بجوار المسجد' },
  household: [
    { fullName: 'سارة خالد السبيعي', relation: 'daughter', gender: 'female', birthDate: { calendar: 'gregorian', y: 2015, m: 3, d: 6 } },
    { fullName: 'فهد خالد السبيعي', relation: 'son', nationalId: generateNationalId('citizen', '34567812'), hasDisability: true },
  ],
  consent: { purposes: ['service_delivery'], givenAt: '2026-01-10T07:00:00.000Z' },
};

const ctx = (now = '2026-03-01T09:00:00.000Z'): RegistrationContext => ({
  branchId: 'jeddah', // the editor's branch: never moves the record
  updatedBy: 'staff-2',
  now: new Date(now),
  newId: () => 'never-used',
  editing: registered,
});

describe('editing a registered beneficiary', () => {
  it('fills the form with everything stored, dates in their own calendar, and saves it back unchanged', () => {
    const form = formFromBeneficiary(registered, (i) => `k${i}`);
    expect(form).toMatchObject({ first: 'نورة', family: 'السبيعي', phone: '0501234567', birthDate: '06/09/1405', birthCalendar: 'hijri', postalCode: '14231', addressDetails: 'بجوار المسجد', idExpiry: '' });
    expect(form.household.map((r) => [r.key, r.fullName, r.relation, r.birthDate, r.birthCalendar, r.hasDisability])).toEqual([
      ['k0', 'سارة خالد السبيعي', 'daughter', '06/03/2015', 'gregorian', false],
      ['k1', 'فهد خالد السبيعي', 'son', '', 'hijri', true],
    ]);
    const again = prepareBeneficiary(form, ctx());
    expect(again.ok).toBe(true);
    if (!again.ok) return;
    expect(changedBeneficiaryFields(registered, again.beneficiary)).toEqual([]);
    expect(again.idDocument).toBeNull();
  });

  it('keeps the record\'s identity, consent and (unchanged) lookup hashes; a changed phone drops its old hash', () => {
    const form = { ...formFromBeneficiary(registered, String), phone: '٠٥٥ ٩٨٧ ٦٥٤٣', district: 'الملز' };
    const r = prepareBeneficiary(form, ctx());
    expect(r.ok).toBe(true);
    if (!r.ok) return;
    const b = r.beneficiary;
    expect(b).toMatchObject({ id: 'ben-edit-1', branchId: 'riyadh', createdAt: registered.createdAt, updatedAt: '2026-03-01T09:00:00.000Z', updatedBy: 'staff-2', phone: '+966559876543', consent: registered.consent, idHash: registered.idHash });
    expect(b.phoneHash).toBe(''); // recomputed by the write path (records.ts) with the session key
    expect(b.address).toEqual({ ...registered.address, district: 'الملز' });
    expect(changedBeneficiaryFields(registered, b)).toEqual(['address', 'phone']);
    expect(validateDocument(beneficiaries, b).ok).toBe(true);
  });

  it('edits household members: renamed, removed, added', () => {
    const form = formFromBeneficiary(registered, String);
    form.household = [{ ...form.household[1]!, fullName: 'فهد خالد عبدالله السبيعي' }, { key: 'new', fullName: 'خالد سعد السبيعي', relation: 'spouse', gender: 'male', birthDate: '', birthCalendar: 'hijri', nationalId: '', hasDisability: false }];
    const r = prepareBeneficiary(form, ctx());
    expect(r.ok).toBe(true);
    if (!r.ok) return;
    expect(r.beneficiary.household!.map((m) => [m.fullName, m.relation])).toEqual([
      ['فهد خالد عبدالله السبيعي', 'son'],
      ['خالد سعد السبيعي', 'spouse'],
    ]);
    expect(changedBeneficiaryFields(registered, r.beneficiary)).toEqual(['household']);
  });

  it('refuses bad data with the registration\'s Arabic messages per field, and never changes what was typed', () => {
    const form = formFromBeneficiary(registered, String);
    form.phone = '12345';
    form.first = '';
    form.household[0]!.nationalId = '1234567890';
    form.birthDate = '31/13/1405';
    const typed = structuredClone(form);
    const r = prepareBeneficiary(form, ctx());
    expect(r.ok).toBe(false);
    if (r.ok) return;
    expect(Object.keys(r.problems).sort()).toEqual(['birthDate', 'first', 'household.0.nationalId', 'phone']);
    for (const p of Object.values(r.problems)) expect(p.messageAr).toMatch(/[\u0600-\u06ff]/);
    expect(form).toEqual(typed);
  });

  it('an emptied optional field is removed from the record', () => {
    const form = { ...formFromBeneficiary(registered, String), maritalStatus: '' as const, street: '', addressDetails: '' };
    const r = prepareBeneficiary(form, ctx());
    expect(r.ok).toBe(true);
    if (!r.ok) return;
    expect(r.beneficiary.maritalStatus).toBeUndefined();
    expect(r.beneficiary.address).toEqual({ district: 'النسيم', buildingNumber: '7421', postalCode: '14231' });
    expect(dateText(undefined)).toBe('');
  });

  it('an edit of declared data makes the signed declaration stale and names the fields', async () => {
    const profile = policyProfilesById.get('yusr')!;
    const request = {
      id: 'req-edit-1',
      branchId: 'riyadh',
      createdAt: '2026-01-11T07:00:00.000Z',
      updatedAt: '2026-01-11T07:00:00.000Z',
      updatedBy: 'staff-1',
      beneficiaryId: registered.id,
      serviceId: profile.services[0]!.id,
      channelId: profile.channels[0]!.id,
      state: 'declaration_signed',
      summary: 'تحتاج الأسرة إلى استشارة',
      history: [],
      declarationId: 'dec-1',
    } as SupportRequest;
    const data = declarationSnapshotFromRecords({ beneficiary: registered, request, documents: [], profile });
    const snapshotJson = canonicalJson({ data });
    const declaration = {
      id: 'dec-1',
      requestId: request.id,
      dataSha256: await hashDeclaredData(data),
      snapshotJson,
      snapshotSha256: await sha256Hex(utf8(snapshotJson)),
    } as unknown as Declaration;
    expect((await isDeclarationStale(declaration, { beneficiary: registered, request, documents: [], profile })).stale).toBe(false);

    const form = formFromBeneficiary(registered, String);
    form.phone = '0559876543';
    form.household = form.household.slice(1);
    const r = prepareBeneficiary(form, ctx());
    expect(r.ok).toBe(true);
    if (!r.ok) return;
    const after = await isDeclarationStale(declaration, { beneficiary: r.beneficiary, request, documents: [], profile });
    expect(after.stale).toBe(true);
    expect(after.changedFields).toEqual(expect.arrayContaining(['beneficiary.mobile']));
    expect(after.changedFields.some((f) => f.startsWith('household'))).toBe(true);
    expect(after.messageAr).toMatch(/تغيّرت البيانات بعد توقيع الإقرار/);
  });
});
