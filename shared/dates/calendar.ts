/**
 * Calendar dates without time or time zone. Sila stores civil dates as {y, m, d} in a named
 * calendar (ID and iqama expiry dates are usually Hijri, birth dates either) and converts through
 * a day number: whole days since 1970-01-01 in the proleptic Gregorian calendar.
 */
import { fail, succeed, type RuleResult } from '../identity/result';

export type CalendarKind = 'hijri' | 'gregorian';

/** A date in the Gregorian calendar (m 1–12, d 1–31). */
export interface GregorianDate {
  readonly y: number;
  readonly m: number;
  readonly d: number;
}

/** A date in the Umm al-Qura Hijri calendar (m 1–12 from Muharram, d 1–29 or 30). */
export interface HijriDate {
  readonly y: number;
  readonly m: number;
  readonly d: number;
}

/** A date entered or stored with its calendar, e.g. an iqama expiry { calendar: 'hijri', y: 1447, m: 3, d: 12 }. */
export interface CalendarDate {
  readonly calendar: CalendarKind;
  readonly y: number;
  readonly m: number;
  readonly d: number;
}

const MS_PER_DAY = 86_400_000;

/** Days since 1970-01-01 for a Gregorian date (no validation). */
export function gregorianToDayNumber(g: GregorianDate): number {
  const date = new Date(0);
  date.setUTCFullYear(g.y, g.m - 1, g.d);
  return Math.floor(date.getTime() / MS_PER_DAY);
}

/** The Gregorian date of a day number. */
export function dayNumberToGregorian(day: number): GregorianDate {
  const date = new Date(day * MS_PER_DAY);
  return { y: date.getUTCFullYear(), m: date.getUTCMonth() + 1, d: date.getUTCDate() };
}

export function isLeapGregorianYear(y: number): boolean {
  return (y % 4 === 0 && y % 100 !== 0) || y % 400 === 0;
}

export function gregorianMonthLength(y: number, m: number): number {
  return [31, isLeapGregorianYear(y) ? 29 : 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31][m - 1] ?? 0;
}

export type DateErrorCode =
  | 'date_not_integer'
  | 'date_year_out_of_range'
  | 'date_month_out_of_range'
  | 'date_day_out_of_range'
  | 'date_unparseable';

/** Gregorian years Sila accepts (birth dates of the elderly through far-future expiry dates). */
export const GREGORIAN_MIN_YEAR = 1883;
export const GREGORIAN_MAX_YEAR = 2173;

export function validateGregorianDate(g: GregorianDate): RuleResult<GregorianDate, DateErrorCode> {
  if (![g.y, g.m, g.d].every(Number.isInteger)) {
    return fail('date_not_integer', 'اليوم والشهر والسنة أرقام صحيحة. أعد إدخال التاريخ.', 'Day, month and year must be whole numbers. Enter the date again.');
  }
  if (g.y < GREGORIAN_MIN_YEAR || g.y > GREGORIAN_MAX_YEAR) {
    return fail(
      'date_year_out_of_range',
      `السنة الميلادية ${g.y} خارج النطاق المقبول (${GREGORIAN_MIN_YEAR}–${GREGORIAN_MAX_YEAR}). تأكّد أنك اخترت التقويم الصحيح (هجري أو ميلادي).`,
      `Gregorian year ${g.y} is outside the accepted range (${GREGORIAN_MIN_YEAR}–${GREGORIAN_MAX_YEAR}). Check that you chose the right calendar (Hijri or Gregorian).`,
    );
  }
  if (g.m < 1 || g.m > 12) {
    return fail('date_month_out_of_range', `الشهر ${g.m} غير صحيح؛ الأشهر من ١ إلى ١٢.`, `Month ${g.m} is not valid; months run from 1 to 12.`);
  }
  const length = gregorianMonthLength(g.y, g.m);
  if (g.d < 1 || g.d > length) {
    return fail(
      'date_day_out_of_range',
      `اليوم ${g.d} غير موجود في هذا الشهر؛ عدد أيامه ${length}. صحّح اليوم.`,
      `Day ${g.d} does not exist in this month; it has ${length} days. Correct the day.`,
    );
  }
  return succeed({ y: g.y, m: g.m, d: g.d });
}

function pad(n: number, width: number): string {
  return String(n).padStart(width, '0');
}

/** 'YYYY-MM-DD' for a Gregorian date. */
export function toIsoDate(g: GregorianDate): string {
  return `${pad(g.y, 4)}-${pad(g.m, 2)}-${pad(g.d, 2)}`;
}

/** Parse 'YYYY-MM-DD' (validated). */
export function parseIsoDate(text: string): RuleResult<GregorianDate, DateErrorCode> {
  const m = /^(\d{4})-(\d{2})-(\d{2})$/.exec(text.trim());
  if (!m) {
    return fail('date_unparseable', 'صيغة التاريخ غير صحيحة؛ المتوقع سنة-شهر-يوم مثل 2025-03-06.', 'The date format is not valid; expected year-month-day such as 2025-03-06.');
  }
  return validateGregorianDate({ y: Number(m[1]), m: Number(m[2]), d: Number(m[3]) });
}

/** Add whole days to a Gregorian date. */
export function addDays(g: GregorianDate, days: number): GregorianDate {
  return dayNumberToGregorian(gregorianToDayNumber(g) + days);
}

/** Whole days from `a` to `b` (positive when b is later). */
export function daysBetween(a: GregorianDate, b: GregorianDate): number {
  return gregorianToDayNumber(b) - gregorianToDayNumber(a);
}

/** Compare two dates in the same calendar: negative, zero or positive. */
export function compareYmd(a: { y: number; m: number; d: number }, b: { y: number; m: number; d: number }): number {
  return a.y - b.y || a.m - b.m || a.d - b.d;
}
