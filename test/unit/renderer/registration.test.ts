import { describe, expect, it } from 'vitest';
import { displayPhone, newRecordId, prepareRegistration, type RegistrationContext } from '../../../renderer/src/data/beneficiaries';
import { generateNationalId, validateNationalId } from '../../../shared/identity/nationalId';
import { beneficiaries, validateDocument } from '../../../shared/schema';

const ctx: RegistrationContext = {
  branchId: 'main',
  updatedBy: 'device-0123456789abcdef0123456789abcdef',
  now: new Date('2026-11-21T10:00:00.000Z'),
  newId: () => 'b0000000000000000000000000000001',
};
const validId = generateNationalId('citizen', '23456789');

describe('prepareRegistration', () => {
  it('builds a document the shared schema accepts', () => {
    const r = prepareRegistration({ fullName: '  نورة   عبدالله السبيعي ', nationalId: validId, phone: '' }, ctx);
    expect(r.ok).toBe(true);
    if (!r.ok) return;
    expect(r.beneficiary).toMatchObject({
      id: 'b0000000000000000000000000000001',
      branchId: 'main',
      fullName: 'نورة عبدالله السبيعي',
      nationalId: validId,
      createdAt: '2026-11-21T10:00:00.000Z',
      updatedAt: '2026-11-21T10:00:00.000Z',
    });
    expect(r.beneficiary.phone).toBeUndefined();
    expect(validateDocument(beneficiaries, r.beneficiary).ok).toBe(true);
  });

  it('accepts Arabic-Indic digits and stores ASCII; stores the mobile as +9665…', () => {
    const arabicIndic = validId.replace(/[0-9]/g, (d) => String.fromCharCode(0x0660 + Number(d)));
    const r = prepareRegistration({ fullName: 'محمد أحمد الغامدي', nationalId: arabicIndic, phone: '٠٥٠ ١٢٣ ٤٥٦٧' }, ctx);
    expect(r.ok).toBe(true);
    if (!r.ok) return;
    expect(r.beneficiary.nationalId).toBe(validId);
    expect(r.beneficiary.phone).toBe('+966501234567');
    expect(displayPhone(r.beneficiary.phone!)).toBe('0501234567');
  });

  it('refuses a wrong check digit with the domain message in both languages', () => {
    const wrong = validId.slice(0, 9) + String((Number(validId[9]) + 1) % 10);
    const expected = validateNationalId(wrong);
    const r = prepareRegistration({ fullName: 'نورة عبدالله السبيعي', nationalId: wrong, phone: '' }, ctx);
    expect(r.ok).toBe(false);
    if (r.ok || expected.ok) return;
    expect(r.problems.nationalId).toEqual({ messageAr: expected.messageAr, messageEn: expected.messageEn });
    expect(r.problems.fullName).toBeUndefined();
  });

  it('reports every bad field at once', () => {
    const r = prepareRegistration({ fullName: 'نو', nationalId: '3123456789', phone: '12345' }, ctx);
    expect(r.ok).toBe(false);
    if (r.ok) return;
    expect(Object.keys(r.problems).sort()).toEqual(['fullName', 'nationalId', 'phone']);
    expect(r.problems.fullName?.messageAr).toMatch(/[\u0600-\u06ff]/);
    expect(r.problems.phone?.messageEn).toMatch(/mobile/i);
  });

  it('treats a bad branch setting as a bug, not a form error', () => {
    expect(() => prepareRegistration({ fullName: 'نورة عبدالله', nationalId: validId, phone: '' }, { ...ctx, branchId: '' })).toThrow(/branchId/);
  });
});

describe('newRecordId', () => {
  it('makes distinct ids that fit the shared id pattern', () => {
    const ids = new Set(Array.from({ length: 200 }, () => newRecordId()));
    expect(ids.size).toBe(200);
    for (const id of ids) expect(id).toMatch(/^[a-f0-9]{32}$/);
  });
});
