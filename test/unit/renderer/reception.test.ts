import { describe, expect, it } from 'vitest';
import {
  composeFullName,
  emptyBeneficiaryForm,
  emptyHouseholdRow,
  identityDocumentType,
  prepareBeneficiary,
  problemsAfterRemovingRow,
  withoutProblem,
  type BeneficiaryForm,
  type RegistrationContext,
} from '../../../renderer/src/features/reception/registration';
import { buildReceptionIndex, searchBeneficiaries } from '../../../renderer/src/features/reception/search';
import { generateNationalId, validateNationalId } from '../../../shared/identity/nationalId';
import { parseDateInput } from '../../../shared/dates/parse';
import { beneficiaries, documents, validateDocument, type Beneficiary } from '../../../shared/schema';

let counter = 0;
const ctx: RegistrationContext = {
  branchId: 'main',
  updatedBy: 'user-1',
  now: new Date('2026-11-21T10:00:00.000Z'),
  newId: () => `id${++counter}`,
};
const citizen = generateNationalId('citizen', '23456789');
const resident = generateNationalId('resident', '34567891');

function form(patch: Partial<BeneficiaryForm>): BeneficiaryForm {
  return { ...emptyBeneficiaryForm, first: 'هيا', father: 'عبدالرحمن', family: 'الدوسري', nationalId: citizen, ...patch };
}

describe('prepareBeneficiary', () => {
  it('composes the full name from its parts and builds a record the schema accepts', () => {
    const r = prepareBeneficiary(form({ grandfather: '  صالح ', phone: '٠٥٥ ١٢٣ ٤٥٦٧', city: 'الرياض', postalCode: '١٢٣٤٥' }), ctx);
    expect(r.ok).toBe(true);
    if (!r.ok) return;
    expect(r.beneficiary.fullName).toBe('هيا عبدالرحمن صالح الدوسري');
    expect(r.beneficiary.nameParts).toEqual({ first: 'هيا', father: 'عبدالرحمن', grandfather: 'صالح', family: 'الدوسري' });
    expect(r.beneficiary.phone).toBe('+966551234567');
    expect(r.beneficiary.address).toEqual({ postalCode: '12345' });
    expect(r.beneficiary.nationality).toBe('SA');
    expect(r.idDocument).toBeNull();
    expect(validateDocument(beneficiaries, r.beneficiary).ok).toBe(true);
  });

  it('records the ID expiry (Hijri) as the ID card document awaiting verification', () => {
    const r = prepareBeneficiary(form({ idExpiry: '١٥/٠٣/١٤٥٠', idExpiryCalendar: 'hijri' }), ctx);
    expect(r.ok).toBe(true);
    if (!r.ok) return;
    expect(r.idDocument).toMatchObject({
      beneficiaryId: r.beneficiary.id,
      type: 'national_id',
      number: citizen,
      expiryDate: { calendar: 'hijri', y: 1450, m: 3, d: 15 },
      verification: { status: 'pending' },
    });
    expect(validateDocument(documents, r.idDocument).ok).toBe(true);
    const iqama = prepareBeneficiary(form({ nationalId: resident, idExpiry: '01/02/2027', idExpiryCalendar: 'gregorian' }), ctx);
    expect(iqama.ok && iqama.idDocument?.type).toBe('iqama');
  });

  it('keeps household members with their details, and reports their problems by row', () => {
    const member = { ...emptyHouseholdRow('a'), fullName: 'ريم فهد الدوسري', relation: 'daughter' as const, birthDate: '01/01/1440', hasDisability: true };
    const ok = prepareBeneficiary(form({ household: [member] }), ctx);
    expect(ok.ok).toBe(true);
    if (ok.ok) {
      expect(ok.beneficiary.household).toEqual([
        { fullName: 'ريم فهد الدوسري', relation: 'daughter', birthDate: { calendar: 'hijri', y: 1440, m: 1, d: 1 }, hasDisability: true },
      ]);
    }
    const bad = prepareBeneficiary(
      form({ household: [member, { ...emptyHouseholdRow('b'), fullName: '', relation: '', nationalId: '123', birthDate: '40/40/1440' }] }),
      ctx,
    );
    expect(bad.ok).toBe(false);
    if (bad.ok) return;
    expect(Object.keys(bad.problems).sort()).toEqual(['household.1.birthDate', 'household.1.fullName', 'household.1.nationalId', 'household.1.relation']);
    for (const p of Object.values(bad.problems)) expect(p.messageAr).toMatch(/[\u0600-\u06ff]/);
  });

  it('reports every bad field at once with the domain messages, in both languages where the domain has them', () => {
    const wrong = citizen.slice(0, 9) + String((Number(citizen[9]) + 1) % 10);
    const r = prepareBeneficiary(form({ first: '', father: '', family: '', nationalId: wrong, phone: '12345', birthDate: '31/02/2020', birthCalendar: 'gregorian', idExpiry: 'غدًا' }), ctx);
    expect(r.ok).toBe(false);
    if (r.ok) return;
    expect(Object.keys(r.problems).sort()).toEqual(['birthDate', 'first', 'idExpiry', 'nationalId', 'phone']);
    const expected = validateNationalId(wrong);
    if (!expected.ok) expect(r.problems.nationalId).toEqual({ messageAr: expected.messageAr, messageEn: expected.messageEn });
    const date = parseDateInput('غدًا', 'hijri');
    if (!date.ok) expect(r.problems.idExpiry?.messageAr).toBe(date.messageAr);
    expect(r.problems.first?.messageAr).toMatch(/[\u0600-\u06ff]/);
  });

  it('never changes what was typed', () => {
    const typed = form({ phone: '12345', household: [{ ...emptyHouseholdRow('a'), fullName: 'x' }] });
    const copy = structuredClone(typed);
    prepareBeneficiary(typed, ctx);
    expect(typed).toEqual(copy);
  });
});

describe('form helpers', () => {
  it('composes names without empty parts', () => {
    expect(composeFullName({ first: ' نورة ', father: '', grandfather: '', family: 'السبيعي' })).toBe('نورة السبيعي');
  });
  it('removes one message and shifts household messages after a removed row', () => {
    const problems = { phone: { messageAr: 'أ' }, 'household.0.fullName': { messageAr: 'ب' }, 'household.2.relation': { messageAr: 'ج' } };
    expect(Object.keys(withoutProblem(problems, 'phone'))).toEqual(['household.0.fullName', 'household.2.relation']);
    expect(withoutProblem(problems, 'city')).toBe(problems);
    expect(problemsAfterRemovingRow(problems, 1)).toEqual({ phone: { messageAr: 'أ' }, 'household.0.fullName': { messageAr: 'ب' }, 'household.1.relation': { messageAr: 'ج' } });
    expect(problemsAfterRemovingRow(problems, 0)).toEqual({ phone: { messageAr: 'أ' }, 'household.1.relation': { messageAr: 'ج' } });
  });
  it('knows the ID card type from the number', () => {
    expect(identityDocumentType(citizen)).toBe('national_id');
    expect(identityDocumentType(resident)).toBe('iqama');
    expect(identityDocumentType('123')).toBeNull();
  });
});

describe('reception search', () => {
  const at = '2026-11-01T10:00:00.000Z';
  const people: Beneficiary[] = [
    { id: 'a', branchId: 'main', createdAt: at, updatedAt: at, updatedBy: 'u', fullName: 'هيا عبدالرحمن الدوسري', nationalId: citizen, idHash: '', phone: '+966551234567', phoneHash: '' },
    { id: 'b', branchId: 'north', createdAt: at, updatedAt: at, updatedBy: 'u', fullName: 'خالد فهد الحربي', nationalId: resident, idHash: '', phoneHash: '' },
  ];
  const index = buildReceptionIndex(people);
  const byId = new Map(people.map((p) => [p.id, p]));
  const ids = (q: string) => searchBeneficiaries(index, byId, q).map((h) => h.beneficiary.id);

  it('finds by a name fragment, by the ID and by the phone as people type it; another branch too', () => {
    expect(ids('الدوس')).toEqual(['a']);
    expect(ids(citizen)).toEqual(['a']);
    expect(ids('0551234567')).toEqual(['a']);
    expect(ids('الحربي')).toEqual(['b']);
    expect(ids('')).toEqual([]);
    expect(ids('زيد')).toEqual([]);
  });
});
