/**
 * The Umm al-Qura Hijri calendar (تقويم أم القرى), Saudi Arabia's official calendar.
 *
 * Gregorian → Hijri asks Intl (`islamic-umalqura`, Latin digits, UTC), which carries the
 * official month table in both Node and Chromium. Hijri → Gregorian uses a table of month
 * starts built lazily from the same Intl data: the start of each month is found from an
 * estimate (mean lunar month) corrected with Intl until Intl confirms day 1. Month lengths
 * (29 or 30) come from consecutive month starts, so validation knows the real length of every
 * month. No tabular (arithmetic) Islamic calendar is used anywhere: it differs from Umm al-Qura
 * on about half of all days.
 */
import { fail, succeed, DomainRuleError, type RuleResult } from '../identity/result';
import {
  dayNumberToGregorian,
  gregorianToDayNumber,
  validateGregorianDate,
  type DateErrorCode,
  type GregorianDate,
  type HijriDate,
} from './calendar';

/**
 * Hijri years supported. ICU's Umm al-Qura table covers 1300–1600 AH; outside it ICU silently
 * falls back to the arithmetic calendar, so Sila refuses those years instead of guessing.
 */
export const HIJRI_MIN_YEAR = 1300;
export const HIJRI_MAX_YEAR = 1599;

const HIJRI_MONTH_NAMES_AR = [
  'محرم',
  'صفر',
  'ربيع الأول',
  'ربيع الآخر',
  'جمادى الأولى',
  'جمادى الآخرة',
  'رجب',
  'شعبان',
  'رمضان',
  'شوال',
  'ذو القعدة',
  'ذو الحجة',
] as const;
const HIJRI_MONTH_NAMES_EN = [
  'Muharram',
  'Safar',
  'Rabi al-Awwal',
  'Rabi al-Thani',
  'Jumada al-Ula',
  'Jumada al-Akhirah',
  'Rajab',
  'Shaban',
  'Ramadan',
  'Shawwal',
  'Dhu al-Qadah',
  'Dhu al-Hijjah',
] as const;

export function hijriMonthName(m: number, locale: 'ar' | 'en'): string {
  const names = locale === 'ar' ? HIJRI_MONTH_NAMES_AR : HIJRI_MONTH_NAMES_EN;
  const name = names[m - 1];
  if (name === undefined) throw new RangeError(`Hijri month ${m} does not exist`);
  return name;
}

let formatter: Intl.DateTimeFormat | undefined;

function umalquraFormatter(): Intl.DateTimeFormat {
  if (!formatter) {
    const f = new Intl.DateTimeFormat('en', {
      calendar: 'islamic-umalqura',
      numberingSystem: 'latn',
      timeZone: 'UTC',
      year: 'numeric',
      month: 'numeric',
      day: 'numeric',
    });
    if (f.resolvedOptions().calendar !== 'islamic-umalqura') {
      throw new Error('This JavaScript runtime lacks the islamic-umalqura calendar (full ICU is required).');
    }
    formatter = f;
  }
  return formatter;
}

const MS_PER_DAY = 86_400_000;

function dayNumberToHijriUnchecked(day: number): HijriDate {
  const parts = umalquraFormatter().formatToParts(new Date(day * MS_PER_DAY));
  let y = NaN;
  let m = NaN;
  let d = NaN;
  for (const p of parts) {
    if (p.type === 'year') y = Number(p.value);
    else if (p.type === 'month') m = Number(p.value);
    else if (p.type === 'day') d = Number(p.value);
  }
  if (!Number.isInteger(y) || !Number.isInteger(m) || !Number.isInteger(d)) {
    throw new Error(`Unexpected islamic-umalqura output: ${JSON.stringify(parts)}`);
  }
  return { y, m, d };
}

// Unix day number of 1 Muharram 1 AH (16 July 622, Julian) in the arithmetic calendar, and the
// mean synodic month: used only for the first guess, which Intl then corrects.
const ISLAMIC_EPOCH_DAY = -492_148;
const MEAN_MONTH_DAYS = 29.530588853;

/** month index = y * 12 + (m - 1) → day number of the 1st of that month. */
const monthStarts = new Map<number, number>();

function findMonthStart(y: number, m: number): number {
  const target = y * 12 + (m - 1);
  let day = ISLAMIC_EPOCH_DAY + Math.floor((target - 12) * MEAN_MONTH_DAYS);
  for (let i = 0; i < 20; i++) {
    const h = dayNumberToHijriUnchecked(day);
    const monthDiff = target - (h.y * 12 + (h.m - 1));
    if (monthDiff === 0) return day - (h.d - 1);
    day += Math.round(monthDiff * MEAN_MONTH_DAYS) - (h.d - 1) + 1;
  }
  throw new Error(`Could not locate the start of Hijri month ${m}/${y}`);
}

/** Day number of the first day of a Hijri month (cached). */
function monthStart(y: number, m: number): number {
  const key = y * 12 + (m - 1);
  let day = monthStarts.get(key);
  if (day === undefined) {
    day = findMonthStart(y, m);
    monthStarts.set(key, day);
  }
  return day;
}

function nextMonth(y: number, m: number): [number, number] {
  return m === 12 ? [y + 1, 1] : [y, m + 1];
}

function yearMonthCheck(y: number, m: number): RuleResult<null, DateErrorCode> {
  if (!Number.isInteger(y) || !Number.isInteger(m)) {
    return fail('date_not_integer', 'اليوم والشهر والسنة أرقام صحيحة. أعد إدخال التاريخ.', 'Day, month and year must be whole numbers. Enter the date again.');
  }
  if (y < HIJRI_MIN_YEAR || y > HIJRI_MAX_YEAR) {
    return fail(
      'date_year_out_of_range',
      `السنة الهجرية ${y} خارج النطاق المقبول (${HIJRI_MIN_YEAR}–${HIJRI_MAX_YEAR} هـ). تأكّد أنك اخترت التقويم الصحيح (هجري أو ميلادي).`,
      `Hijri year ${y} is outside the accepted range (${HIJRI_MIN_YEAR}–${HIJRI_MAX_YEAR} AH). Check that you chose the right calendar (Hijri or Gregorian).`,
    );
  }
  if (m < 1 || m > 12) {
    return fail('date_month_out_of_range', `الشهر ${m} غير صحيح؛ الأشهر الهجرية من ١ (محرم) إلى ١٢ (ذو الحجة).`, `Month ${m} is not valid; Hijri months run from 1 (Muharram) to 12 (Dhu al-Hijjah).`);
  }
  return succeed(null);
}

/** Number of days (29 or 30) of a Hijri month in the Umm al-Qura calendar. */
export function hijriMonthLength(y: number, m: number): number {
  const check = yearMonthCheck(y, m);
  if (!check.ok) throw new DomainRuleError(check);
  const [ny, nm] = nextMonth(y, m);
  return monthStart(ny, nm) - monthStart(y, m);
}

/** Validate a Hijri date: year in range, month 1–12, day within the month's real length. */
export function validateHijriDate(h: HijriDate): RuleResult<HijriDate, DateErrorCode> {
  const check = yearMonthCheck(h.y, h.m);
  if (!check.ok) return check;
  if (!Number.isInteger(h.d)) {
    return fail('date_not_integer', 'اليوم والشهر والسنة أرقام صحيحة. أعد إدخال التاريخ.', 'Day, month and year must be whole numbers. Enter the date again.');
  }
  const length = hijriMonthLength(h.y, h.m);
  if (h.d < 1 || h.d > length) {
    const monthAr = hijriMonthName(h.m, 'ar');
    const monthEn = hijriMonthName(h.m, 'en');
    return fail(
      'date_day_out_of_range',
      `اليوم ${h.d} غير موجود في شهر ${monthAr} ${h.y} هـ؛ عدد أيامه ${length} يومًا حسب تقويم أم القرى. صحّح اليوم.`,
      `Day ${h.d} does not exist in ${monthEn} ${h.y} AH; that month has ${length} days in the Umm al-Qura calendar. Correct the day.`,
    );
  }
  return succeed({ y: h.y, m: h.m, d: h.d });
}

/** Day number of a valid Hijri date. Throws DomainRuleError for an invalid one. */
export function hijriToDayNumber(h: HijriDate): number {
  const valid = validateHijriDate(h);
  if (!valid.ok) throw new DomainRuleError(valid);
  return monthStart(h.y, h.m) + h.d - 1;
}

/** Umm al-Qura Hijri → Gregorian. Throws DomainRuleError for an invalid Hijri date. */
export function hijriToGregorian(h: HijriDate): GregorianDate {
  return dayNumberToGregorian(hijriToDayNumber(h));
}

/** Hijri → Gregorian as a result instead of an exception (for form input). */
export function tryHijriToGregorian(h: HijriDate): RuleResult<GregorianDate, DateErrorCode> {
  const valid = validateHijriDate(h);
  if (!valid.ok) return valid;
  return succeed(dayNumberToGregorian(monthStart(h.y, h.m) + h.d - 1));
}

let supportedDayRange: [number, number] | undefined;

function hijriDayRange(): [number, number] {
  supportedDayRange ??= [monthStart(HIJRI_MIN_YEAR, 1), monthStart(HIJRI_MAX_YEAR + 1, 1) - 1];
  return supportedDayRange;
}

/** Hijri date of a day number (days since 1970-01-01). Throws outside the supported range. */
export function dayNumberToHijri(day: number): HijriDate {
  const [min, max] = hijriDayRange();
  if (!Number.isInteger(day) || day < min || day > max) {
    throw new DomainRuleError(
      fail(
        'date_year_out_of_range',
        `التاريخ خارج نطاق تقويم أم القرى المدعوم (${HIJRI_MIN_YEAR}–${HIJRI_MAX_YEAR} هـ).`,
        `The date is outside the supported Umm al-Qura range (${HIJRI_MIN_YEAR}–${HIJRI_MAX_YEAR} AH).`,
      ),
    );
  }
  return dayNumberToHijriUnchecked(day);
}

/**
 * Gregorian → Umm al-Qura Hijri. Accepts {y, m, d} or a JavaScript Date (its UTC calendar day).
 * Throws DomainRuleError for an invalid date or one outside the supported range.
 */
export function gregorianToHijri(g: GregorianDate | Date): HijriDate {
  if (g instanceof Date) {
    if (Number.isNaN(g.getTime())) throw new RangeError('Invalid Date');
    return dayNumberToHijri(Math.floor(g.getTime() / MS_PER_DAY));
  }
  const valid = validateGregorianDate(g);
  if (!valid.ok) throw new DomainRuleError(valid);
  return dayNumberToHijri(gregorianToDayNumber(g));
}
