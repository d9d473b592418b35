/**
 * Umm al-Qura Hijri ⇄ Gregorian, validation, formatting, document expiry at submission.
 */
import { describe, expect, test } from 'vitest';
import fc from 'fast-check';
import {
  DomainRuleError,
} from '../../../shared/identity';
import {
  HIJRI_MAX_YEAR,
  HIJRI_MIN_YEAR,
  dayNumberToGregorian,
  formatDualDate,
  formatGregorianDate,
  formatHijriDate,
  gregorianToDayNumber,
  gregorianToHijri,
  hijriMonthLength,
  hijriToDayNumber,
  hijriToGregorian,
  isValidAtSubmission,
  parseDateInput,
  saudiCivilDate,
  stripBidiControls,
  toGregorian,
  tryHijriToGregorian,
  validateGregorianDate,
  validateHijriDate,
} from '../../../shared/dates';

const ARABIC = /[\u0600-\u06ff]/;
const BIDI = /[\u200e\u200f\u061c\u202a-\u202e\u2066-\u2069]/;

describe('the seeds’ board-approval dates', () => {
  test.each([
    [{ y: 1446, m: 9, d: 6 }, { y: 2025, m: 3, d: 6 }], // Anat Al-Bayt
    [{ y: 1442, m: 11, d: 25 }, { y: 2021, m: 7, d: 5 }], // Yusr
    [{ y: 1442, m: 7, d: 17 }, { y: 2021, m: 3, d: 1 }], // the Open Islamic Academy
  ])('%o AH = %o', (h, g) => {
    expect(hijriToGregorian(h)).toEqual(g);
    expect(gregorianToHijri(g)).toEqual(h);
    expect(gregorianToHijri(new Date(Date.UTC(g.y, g.m - 1, g.d, 12)))).toEqual(h);
  });
});

describe('every day of 1420–1480 AH', () => {
  test('Hijri → Gregorian → Hijri round-trips, months have 29 or 30 days, days are consecutive', () => {
    const started = performance.now();
    let days = 0;
    let previous: number | undefined;
    for (let y = 1420; y <= 1480; y++) {
      let yearDays = 0;
      for (let m = 1; m <= 12; m++) {
        const length = hijriMonthLength(y, m);
        expect([29, 30]).toContain(length);
        for (let d = 1; d <= length; d++) {
          const g = hijriToGregorian({ y, m, d });
          const back = gregorianToHijri(g);
          if (back.y !== y || back.m !== m || back.d !== d) expect(back).toEqual({ y, m, d });
          const n = gregorianToDayNumber(g);
          if (previous !== undefined && n !== previous + 1) expect(n).toBe(previous + 1);
          previous = n;
          days++;
          yearDays++;
        }
        // The day after the last is not a day of this month.
        expect(validateHijriDate({ y, m, d: length + 1 }).ok).toBe(false);
      }
      expect(yearDays === 354 || yearDays === 355).toBe(true);
    }
    // 61 lunar years ≈ 61 × 354.37 days.
    expect(days).toBeGreaterThan(21_600);
    expect(days).toBeLessThan(21_650);
    expect(performance.now() - started).toBeLessThan(10_000);
  });

  test('property (fast-check, every day listed as an example): Hijri → Gregorian → Hijri', () => {
    const everyDay: [{ y: number; m: number; d: number }][] = [];
    for (let y = 1420; y <= 1480; y++) {
      for (let m = 1; m <= 12; m++) for (let d = 1, n = hijriMonthLength(y, m); d <= n; d++) everyDay.push([{ y, m, d }]);
    }
    expect(everyDay.length).toBeGreaterThan(21_600);
    const started = performance.now();
    fc.assert(
      fc.property(
        fc.record({ y: fc.integer({ min: 1420, max: 1480 }), m: fc.integer({ min: 1, max: 12 }), d: fc.integer({ min: 1, max: 29 }) }),
        (h) => {
          expect(gregorianToHijri(hijriToGregorian(h))).toEqual(h);
        },
      ),
      // fast-check counts examples within numRuns: make room for every day plus 1,000 random ones.
      { examples: everyDay, numRuns: everyDay.length + 1000 },
    );
    expect(performance.now() - started).toBeLessThan(10_000);
  });

  test('property: any (y, m, d) in range is either a real day that round-trips or refused for the right reason', () => {
    fc.assert(
      fc.property(fc.integer({ min: 1420, max: 1480 }), fc.integer({ min: 1, max: 12 }), fc.integer({ min: 1, max: 30 }), (y, m, d) => {
        const r = tryHijriToGregorian({ y, m, d });
        if (d <= hijriMonthLength(y, m)) {
          expect(r.ok).toBe(true);
          if (r.ok) expect(gregorianToHijri(r.value)).toEqual({ y, m, d });
        } else {
          expect(r.ok).toBe(false);
          if (!r.ok) expect(r.code).toBe('date_day_out_of_range');
        }
      }),
      { numRuns: 3000 },
    );
  });

  test('property: Gregorian → Hijri → Gregorian round-trips for every day 1999–2059', () => {
    fc.assert(
      fc.property(fc.integer({ min: gregorianToDayNumber({ y: 1999, m: 4, d: 17 }), max: gregorianToDayNumber({ y: 2059, m: 12, d: 31 }) }), (n) => {
        const g = dayNumberToGregorian(n);
        expect(hijriToGregorian(gregorianToHijri(g))).toEqual(g);
      }),
      { numRuns: 3000 },
    );
  });

  test('the whole supported range has real month lengths at both ends', () => {
    for (const y of [HIJRI_MIN_YEAR, HIJRI_MAX_YEAR]) {
      for (let m = 1; m <= 12; m++) expect([29, 30]).toContain(hijriMonthLength(y, m));
    }
    // 1 Ramadan 1446 fell on 1 March 2025 (from the seed pair 6/9/1446 = 6/3/2025).
    expect(hijriToGregorian({ y: 1446, m: 9, d: 1 })).toEqual({ y: 2025, m: 3, d: 1 });
  });
});

describe('invalid input is refused', () => {
  test.each([
    [{ y: 1446, m: 0, d: 1 }, 'date_month_out_of_range'],
    [{ y: 1446, m: 13, d: 1 }, 'date_month_out_of_range'],
    [{ y: 1446, m: 1, d: 0 }, 'date_day_out_of_range'],
    [{ y: 1446, m: 1, d: 31 }, 'date_day_out_of_range'],
    [{ y: HIJRI_MIN_YEAR - 1, m: 1, d: 1 }, 'date_year_out_of_range'],
    [{ y: HIJRI_MAX_YEAR + 1, m: 1, d: 1 }, 'date_year_out_of_range'],
    [{ y: 1446, m: 1.5, d: 1 }, 'date_not_integer'],
    [{ y: 1446, m: 1, d: Number.NaN }, 'date_not_integer'],
  ])('Hijri %o → %s', (h, code) => {
    const r = validateHijriDate(h);
    expect(r.ok).toBe(false);
    if (r.ok) return;
    expect(r.code).toBe(code);
    expect(r.messageAr).toMatch(ARABIC);
    expect(() => hijriToGregorian(h)).toThrow(DomainRuleError);
  });

  test('the 30th of a 29-day month is refused with the month’s real length', () => {
    const m = [1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12].find((mm) => hijriMonthLength(1446, mm) === 29)!;
    const r = validateHijriDate({ y: 1446, m, d: 30 });
    expect(r.ok).toBe(false);
    if (!r.ok) {
      expect(r.messageAr).toContain('29');
      expect(r.messageEn).toContain('29 days');
    }
  });

  test.each([
    [{ y: 2025, m: 2, d: 29 }, 'date_day_out_of_range'],
    [{ y: 2025, m: 13, d: 1 }, 'date_month_out_of_range'],
    [{ y: 1446, m: 1, d: 1 }, 'date_year_out_of_range'], // a Hijri year typed as Gregorian
  ])('Gregorian %o → %s', (g, code) => {
    const r = validateGregorianDate(g);
    expect(r.ok ? 'ok' : r.code).toBe(code);
    expect(() => gregorianToHijri(g)).toThrow(DomainRuleError);
  });

  test('leap days are accepted', () => {
    expect(validateGregorianDate({ y: 2024, m: 2, d: 29 }).ok).toBe(true);
    expect(validateGregorianDate({ y: 2000, m: 2, d: 29 }).ok).toBe(true);
    expect(validateGregorianDate({ y: 1900, m: 2, d: 29 }).ok).toBe(false);
  });
});

describe('parsing typed dates', () => {
  test('day/month/year with Arabic-Indic digits and a calendar suffix', () => {
    expect(parseDateInput('٠٦/٠٩/١٤٤٦ هـ', 'hijri')).toEqual({ ok: true, value: { calendar: 'hijri', y: 1446, m: 9, d: 6 } });
    expect(parseDateInput('6-3-2025م', 'gregorian')).toEqual({ ok: true, value: { calendar: 'gregorian', y: 2025, m: 3, d: 6 } });
    expect(parseDateInput('25.11.1442', 'hijri')).toMatchObject({ ok: true });
  });

  test('nonsense and impossible days are refused in Arabic', () => {
    const a = parseDateInput('غدا', 'hijri');
    expect(a.ok ? '' : a.code).toBe('date_unparseable');
    const b = parseDateInput('30/02/2025', 'gregorian');
    expect(b.ok ? '' : b.code).toBe('date_day_out_of_range');
    if (!b.ok) expect(b.messageAr).toMatch(ARABIC);
  });
});

describe('formatting', () => {
  const h = { y: 1446, m: 9, d: 6 };
  const g = { y: 2025, m: 3, d: 6 };

  test('Arabic and English, long and numeric', () => {
    expect(formatHijriDate(h, { locale: 'ar' })).toBe('٦ رمضان ١٤٤٦ هـ');
    expect(formatHijriDate(h, { locale: 'ar', digits: 'latn' })).toBe('6 رمضان 1446 هـ');
    expect(formatHijriDate(h, { locale: 'en' })).toBe('6 Ramadan 1446 AH');
    expect(formatHijriDate(h, { locale: 'ar', style: 'numeric' })).toBe('٠٦/٠٩/١٤٤٦ هـ');
    expect(formatHijriDate(h, { locale: 'en', style: 'numeric' })).toBe('06/09/1446 AH');
    expect(formatGregorianDate(g, { locale: 'ar' })).toBe('٦ مارس ٢٠٢٥م');
    expect(formatGregorianDate(g, { locale: 'en' })).toBe('6 March 2025');
    expect(formatDualDate({ calendar: 'gregorian', ...g }, { locale: 'ar' })).toBe('٦ رمضان ١٤٤٦ هـ الموافق ٦ مارس ٢٠٢٥م');
    expect(formatDualDate({ calendar: 'hijri', ...h }, { locale: 'en' })).toBe('6 Ramadan 1446 AH (6 March 2025)');
  });

  test('stripBidiControls removes RLM, LRM, ALM, embeddings and isolates only', () => {
    expect(stripBidiControls('6\u200f/3\u200f/2025 \u061c\u2067x\u2069\u202b')).toBe('6/3/2025 x');
    // Intl's own numeric Arabic output carries RLMs; the plain variant has none.
    const intl = new Intl.DateTimeFormat('ar', { timeZone: 'UTC', calendar: 'gregory', dateStyle: 'short' }).format(new Date(Date.UTC(2025, 2, 6)));
    expect(intl).toMatch(BIDI);
    expect(stripBidiControls(intl)).not.toMatch(BIDI);
  });

  test('property: plain output never contains bidi controls, in any calendar, locale or style', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: gregorianToDayNumber({ y: 1990, m: 1, d: 1 }), max: gregorianToDayNumber({ y: 2070, m: 12, d: 31 }) }),
        fc.constantFrom('ar' as const, 'en' as const),
        fc.constantFrom('long' as const, 'numeric' as const),
        fc.constantFrom('arab' as const, 'latn' as const),
        (n, locale, style, digits) => {
          const day = dayNumberToGregorian(n);
          const opts = { locale, style, digits, plain: true };
          for (const text of [formatGregorianDate(day, opts), formatHijriDate(gregorianToHijri(day), opts), formatDualDate(day, opts)]) {
            expect(text).not.toMatch(BIDI);
          }
        },
      ),
      { numRuns: 300 },
    );
  });
});

describe('document validity at the time of submission', () => {
  test('valid through the expiry day, in either calendar', () => {
    // 6 March 2025 = 6 Ramadan 1446.
    expect(isValidAtSubmission({ calendar: 'hijri', y: 1446, m: 9, d: 6 }, '2025-03-06T10:00:00Z')).toEqual({ ok: true, value: { daysRemaining: 0 } });
    expect(isValidAtSubmission({ calendar: 'gregorian', y: 2025, m: 3, d: 16 }, '2025-03-06T10:00:00Z')).toEqual({ ok: true, value: { daysRemaining: 10 } });
    expect(isValidAtSubmission({ calendar: 'hijri', y: 1447, m: 1, d: 1 }, new Date('2025-03-06T10:00:00Z')).ok).toBe(true);
  });

  test('expired the day before: refused, with the date and what to do', () => {
    const r = isValidAtSubmission({ calendar: 'hijri', y: 1446, m: 9, d: 5 }, '2025-03-06T10:00:00Z');
    expect(r.ok).toBe(false);
    if (r.ok) return;
    expect(r.code).toBe('document_expired');
    expect(r.messageAr).toContain('٥ رمضان ١٤٤٦ هـ');
    expect(r.messageEn).toContain('5 Ramadan 1446 AH');
    expect(r.messageEn).toContain('valid document');
  });

  test('the submission day is the civil day in Saudi Arabia (UTC+3)', () => {
    // 22:30 UTC on 5 March is 01:30 on 6 March in Riyadh.
    expect(saudiCivilDate('2025-03-05T22:30:00Z')).toEqual({ y: 2025, m: 3, d: 6 });
    expect(isValidAtSubmission({ calendar: 'gregorian', y: 2025, m: 3, d: 5 }, '2025-03-05T22:30:00Z').ok).toBe(false);
    expect(isValidAtSubmission({ calendar: 'gregorian', y: 2025, m: 3, d: 5 }, '2025-03-05T20:59:59Z').ok).toBe(true);
  });

  test('an impossible expiry date is reported as such, not as expired', () => {
    const m = [1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12].find((mm) => hijriMonthLength(1450, mm) === 29)!;
    const r = isValidAtSubmission({ calendar: 'hijri', y: 1450, m, d: 30 }, '2025-03-06T10:00:00Z');
    expect(r.ok ? '' : r.code).toBe('date_day_out_of_range');
  });

  test('property: a document is valid exactly when its expiry day is not before the submission day', () => {
    fc.assert(
      fc.property(fc.integer({ min: 19_000, max: 25_000 }), fc.integer({ min: -400, max: 400 }), fc.boolean(), (submissionDay, offset, hijri) => {
        const at = new Date(submissionDay * 86_400_000 + 9 * 3_600_000).toISOString(); // 12:00 in Riyadh
        const g = dayNumberToGregorian(submissionDay + offset);
        const expiry = hijri ? { calendar: 'hijri' as const, ...gregorianToHijri(g) } : { calendar: 'gregorian' as const, ...g };
        const r = isValidAtSubmission(expiry, at);
        expect(r.ok).toBe(offset >= 0);
        if (r.ok) expect(r.value.daysRemaining).toBe(offset);
        expect(toGregorian(expiry)).toEqual({ ok: true, value: g });
        expect(hijriToDayNumber(gregorianToHijri(g))).toBe(submissionDay + offset);
      }),
      { numRuns: 1000 },
    );
  });
});
