/**
 * National ID / iqama validation, Arabic digits, Saudi mobile numbers, duplicate beneficiaries.
 */
import { describe, expect, test } from 'vitest';
import fc from 'fast-check';
import {
  duplicateReason,
  findDuplicateBeneficiary,
  generateNationalId,
  isSaudiMobile,
  isValidNationalId,
  nationalIdCheckDigit,
  normalizeDigits,
  normalizeSaudiMobile,
  toArabicIndicDigits,
  validateNationalId,
} from '../../../shared/identity';

const ARABIC = /[\u0600-\u06ff]/;

/** Textbook Luhn (from the right, every second digit doubled), written independently of the code under test. */
function referenceLuhnValid(digits: string): boolean {
  const doubled = [0, 2, 4, 6, 8, 1, 3, 5, 7, 9];
  let sum = 0;
  [...digits].reverse().forEach((ch, i) => {
    const n = Number(ch);
    sum += i % 2 === 1 ? doubled[n]! : n;
  });
  return sum % 10 === 0;
}

describe('normalizeDigits', () => {
  test('Arabic-Indic and Eastern Arabic-Indic digits become ASCII, other text is unchanged', () => {
    expect(normalizeDigits('٠١٢٣٤٥٦٧٨٩')).toBe('0123456789');
    expect(normalizeDigits('۰۱۲۳۴۵۶۷۸۹')).toBe('0123456789');
    expect(normalizeDigits('رقم ١٢-۳4 abc')).toBe('رقم 12-34 abc');
    expect(toArabicIndicDigits('06/09/1446')).toBe('٠٦/٠٩/١٤٤٦');
  });
});

describe('National ID and iqama', () => {
  // Worked by hand with the Luhn sums: 1234567897 → 2+2+6+4+1+6+5+8+9+7 = 50;
  // 1000000008 → 2+8 = 10; 2000000006 → 4+6 = 10; 1012345672 → 2+0+2+2+6+4+1+6+5+2 = 30.
  test.each([
    ['1234567897', 'citizen'],
    ['1000000008', 'citizen'],
    ['1012345672', 'citizen'],
    ['2000000006', 'resident'],
  ] as const)('%s is a valid %s number', (id, kind) => {
    const r = validateNationalId(id);
    expect(r).toEqual({ ok: true, value: { id, kind } });
    expect(referenceLuhnValid(id)).toBe(true);
  });

  test('check digits computed from the first nine digits', () => {
    expect(nationalIdCheckDigit('123456789')).toBe(7);
    expect(nationalIdCheckDigit('100000000')).toBe(8);
    expect(nationalIdCheckDigit('200000000')).toBe(6);
    expect(() => nationalIdCheckDigit('12345')).toThrow(RangeError);
  });

  test('Arabic-Indic digits, spaces and dashes are accepted and canonicalised', () => {
    expect(validateNationalId('١٢٣٤٥٦٧٨٩٧')).toEqual({ ok: true, value: { id: '1234567897', kind: 'citizen' } });
    expect(validateNationalId('۲۰۰۰۰۰۰۰۰۶')).toEqual({ ok: true, value: { id: '2000000006', kind: 'resident' } });
    expect(validateNationalId(' 1234-567 897 ')).toMatchObject({ ok: true, value: { id: '1234567897' } });
  });

  test.each([
    ['', 'id_empty'],
    ['   ', 'id_empty'],
    ['12345678a7', 'id_not_digits'],
    ['123456789', 'id_wrong_length'],
    ['12345678970', 'id_wrong_length'],
    ['3234567897', 'id_bad_prefix'],
    ['0234567897', 'id_bad_prefix'],
    ['1234567898', 'id_bad_check_digit'],
    ['2000000007', 'id_bad_check_digit'],
  ])('%j is refused with %s, explained in Arabic and English', (input, code) => {
    const r = validateNationalId(input);
    expect(r.ok).toBe(false);
    if (r.ok) return;
    expect(r.code).toBe(code);
    expect(r.messageAr).toMatch(ARABIC);
    expect(r.messageEn).toMatch(/[A-Za-z]/);
  });

  test('agrees with a textbook Luhn on arbitrary ten-digit numbers starting with 1 or 2', () => {
    fc.assert(
      fc.property(fc.constantFrom('1', '2'), fc.stringMatching(/^\d{9}$/), (first, rest) => {
        const id = first + rest;
        expect(isValidNationalId(id)).toBe(referenceLuhnValid(id));
      }),
      { numRuns: 5000 },
    );
  });

  test('generated IDs are valid and of the requested kind', () => {
    fc.assert(
      fc.property(fc.constantFrom('citizen', 'resident'), fc.stringMatching(/^\d{8}$/), (kind, body) => {
        const id = generateNationalId(kind, body);
        expect(validateNationalId(id)).toEqual({ ok: true, value: { id, kind } });
      }),
    );
    expect(isValidNationalId(generateNationalId('resident'))).toBe(true);
    expect(() => generateNationalId('citizen', '123')).toThrow(RangeError);
  });

  test('every single mistyped digit is caught', () => {
    fc.assert(
      fc.property(fc.constantFrom('citizen', 'resident'), fc.stringMatching(/^\d{8}$/), fc.integer({ min: 1, max: 9 }), fc.integer({ min: 1, max: 9 }), (kind, body, pos, delta) => {
        const id = generateNationalId(kind, body);
        const wrong = id.slice(0, pos) + String((Number(id[pos]) + delta) % 10) + id.slice(pos + 1);
        const r = validateNationalId(wrong);
        expect(r.ok).toBe(false);
      }),
      { numRuns: 2000 },
    );
  });

  test('swapping two adjacent different digits is caught (except 0↔9, a known Luhn blind spot)', () => {
    fc.assert(
      fc.property(fc.constantFrom('citizen', 'resident'), fc.stringMatching(/^\d{8}$/), fc.integer({ min: 1, max: 8 }), (kind, body, pos) => {
        const id = generateNationalId(kind, body);
        const a = id[pos]!;
        const b = id[pos + 1]!;
        fc.pre(a !== b && !(a + b === '09' || a + b === '90'));
        const swapped = id.slice(0, pos) + b + a + id.slice(pos + 2);
        expect(isValidNationalId(swapped)).toBe(false);
      }),
      { numRuns: 2000 },
    );
  });
});

describe('Saudi mobile numbers', () => {
  test.each([
    '0501234567',
    '501234567',
    '+966501234567',
    '00966501234567',
    '966501234567',
    '+966 50 123 4567',
    '050-123-4567',
    '(050) 123 4567',
    '٠٥٠١٢٣٤٥٦٧',
    '+٩٦٦٥٠١٢٣٤٥٦٧',
    '۰۵۰۱۲۳۴۵۶۷',
    '+9660501234567',
    '\u200f0501234567',
  ])('%j → +966501234567', (input) => {
    expect(normalizeSaudiMobile(input)).toEqual({ ok: true, value: { e164: '+966501234567', local: '0501234567' } });
  });

  test.each([
    ['', 'phone_empty'],
    ['  ', 'phone_empty'],
    ['05O1234567', 'phone_invalid_characters'],
    ['050123456', 'phone_not_saudi_mobile'],
    ['05012345678', 'phone_not_saudi_mobile'],
    ['0112345678', 'phone_not_saudi_mobile'], // Riyadh landline
    ['+971501234567', 'phone_not_saudi_mobile'], // UAE
    ['+96611234567', 'phone_not_saudi_mobile'],
    ['0401234567', 'phone_not_saudi_mobile'],
    ['+966', 'phone_not_saudi_mobile'],
  ])('%j is refused with %s', (input, code) => {
    const r = normalizeSaudiMobile(input);
    expect(r.ok).toBe(false);
    if (r.ok) return;
    expect(r.code).toBe(code);
    expect(r.messageAr).toMatch(ARABIC);
    expect(r.messageEn).toContain('05');
  });

  test('every 5XXXXXXXX number round-trips through every written form', () => {
    fc.assert(
      fc.property(fc.stringMatching(/^\d{8}$/), (rest) => {
        const e164 = `+9665${rest}`;
        for (const form of [`05${rest}`, `5${rest}`, e164, `009665${rest}`, toArabicIndicDigits(`05${rest}`)]) {
          const r = normalizeSaudiMobile(form);
          expect(r.ok && r.value.e164).toBe(e164);
        }
        expect(isSaudiMobile(`06${rest}`)).toBe(false);
      }),
    );
  });
});

describe('duplicate beneficiaries', () => {
  const existing = [
    { id: 'b1', nationalId: '1234567897', fullName: 'محمد بن عبدالله الحربي', birthDate: { calendar: 'hijri', y: 1410, m: 1, d: 1 } as const },
    { id: 'b2', nationalId: '2000000006', fullName: 'فاطمة علي الزهراني', birthDate: '1985-07-02' },
  ];

  test('same ID (typed in Arabic-Indic digits) → same_national_id', () => {
    const m = findDuplicateBeneficiary({ nationalId: '١٢٣٤٥٦٧٨٩٧', fullName: 'اسم آخر تماما' }, existing);
    expect(m).toMatchObject({ reason: 'same_national_id', existingId: 'b1' });
    expect(m?.messageAr).toMatch(ARABIC);
    expect(m?.messageEn).toMatch(/National ID/);
  });

  test('same normalised name and the same day written in the other calendar → same_name_and_birth_date', () => {
    // 1/1/1410 AH is 3 August 1989.
    const m = findDuplicateBeneficiary({ fullName: 'مُحَمَّد عبد الله الحربى', birthDate: { calendar: 'gregorian', y: 1989, m: 8, d: 3 } }, existing);
    expect(m).toMatchObject({ reason: 'same_name_and_birth_date', existingId: 'b1' });
    const m2 = findDuplicateBeneficiary({ fullName: 'فاطمه علي الزهراني', birthDate: '1985-07-02' }, existing);
    expect(m2).toMatchObject({ reason: 'same_name_and_birth_date', existingId: 'b2' });
  });

  test('same name but another birth date, or no birth date, is not a duplicate', () => {
    expect(findDuplicateBeneficiary({ fullName: 'محمد بن عبدالله الحربي', birthDate: { calendar: 'gregorian', y: 1989, m: 8, d: 4 } }, existing)).toBeNull();
    expect(findDuplicateBeneficiary({ fullName: 'محمد بن عبدالله الحربي' }, existing)).toBeNull();
    expect(findDuplicateBeneficiary({ fullName: 'محمد بن عبدالله الحربي', birthDate: { calendar: 'hijri', y: 1410, m: 1, d: 31 } }, existing)).toBeNull();
  });

  test('a record is not a duplicate of itself; an ID match wins over an earlier name match', () => {
    expect(duplicateReason(existing[0]!, existing[0]!)).toBeNull();
    const candidate = { fullName: 'فاطمة علي الزهراني', birthDate: '1985-07-02', nationalId: '1234567897' };
    expect(findDuplicateBeneficiary(candidate, [existing[1]!, existing[0]!])).toMatchObject({ reason: 'same_national_id', existingId: 'b1' });
  });
});
