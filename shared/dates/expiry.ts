/**
 * Document validity at the time of submission (التأكد من صلاحيتها وقت التقديم).
 *
 * An ID, iqama or other document is valid through the end of its expiry day. The submission
 * day is the civil day in Saudi Arabia (UTC+3 all year; the Kingdom has no daylight saving).
 */
import { fail, succeed, type RuleResult } from '../identity/result';
import { dayNumberToGregorian, gregorianToDayNumber, validateGregorianDate, type CalendarDate, type GregorianDate } from './calendar';
import { hijriToDayNumber, validateHijriDate } from './hijri';
import { formatCalendarDate } from './format';

/** Saudi Arabia's offset from UTC in minutes (Arabia Standard Time, no DST). */
export const SAUDI_UTC_OFFSET_MINUTES = 180;

const MS_PER_DAY = 86_400_000;

/** The civil day in Saudi Arabia at an instant, as a day number (days since 1970-01-01). */
export function saudiDayNumber(at: Date | string): number {
  const t = typeof at === 'string' ? Date.parse(at) : at.getTime();
  if (Number.isNaN(t)) throw new RangeError(`Invalid instant: ${String(at)}`);
  return Math.floor((t + SAUDI_UTC_OFFSET_MINUTES * 60_000) / MS_PER_DAY);
}

/** The Gregorian calendar day in Saudi Arabia at an instant. */
export function saudiCivilDate(at: Date | string): GregorianDate {
  return dayNumberToGregorian(saudiDayNumber(at));
}

/** Day number of a date in either calendar, validated. */
export function calendarDateToDayNumber(date: CalendarDate): RuleResult<number> {
  if (date.calendar === 'hijri') {
    const v = validateHijriDate(date);
    return v.ok ? succeed(hijriToDayNumber(date)) : v;
  }
  const v = validateGregorianDate(date);
  return v.ok ? succeed(gregorianToDayNumber(date)) : v;
}

/** The Gregorian equivalent of a date in either calendar, validated. */
export function toGregorian(date: CalendarDate): RuleResult<GregorianDate> {
  const day = calendarDateToDayNumber(date);
  return day.ok ? succeed(dayNumberToGregorian(day.value)) : day;
}

export interface ExpiryCheck {
  /** Whole days from the submission day to the expiry day (0 = expires on the submission day). */
  readonly daysRemaining: number;
}

/**
 * Is a document with this expiry date still valid on the day it is submitted?
 * Fails with `document_expired` (and how long ago), or with the date error if the expiry date
 * itself is not a real date (e.g. 30 of a 29-day Hijri month).
 */
export function isValidAtSubmission(expiry: CalendarDate, submittedAt: Date | string): RuleResult<ExpiryCheck> {
  const expiryDay = calendarDateToDayNumber(expiry);
  if (!expiryDay.ok) return expiryDay;
  const submissionDay = saudiDayNumber(submittedAt);
  const daysRemaining = expiryDay.value - submissionDay;
  if (daysRemaining < 0) {
    const ar = formatCalendarDate(expiry, { locale: 'ar', plain: true });
    const en = formatCalendarDate(expiry, { locale: 'en', plain: true });
    return fail(
      'document_expired',
      `انتهت صلاحية المستند في ${ar} (قبل ${-daysRemaining} يومًا من تاريخ التقديم). اطلب من المستفيد مستندًا ساري المفعول.`,
      `The document expired on ${en} (${-daysRemaining} days before submission). Ask the beneficiary for a valid document.`,
    );
  }
  return succeed({ daysRemaining });
}
