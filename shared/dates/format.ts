/**
 * Date formatting in Arabic and English, Hijri and Gregorian.
 *
 * Intl's Arabic output can contain bidi control marks (U+200F RLM, U+061C ALM, U+200E LRM,
 * isolates U+2066–U+2069). Browsers render them invisibly, but a PDF text layout that does not
 * know them draws boxes or reorders text. `plain: true` (or `stripBidiControls`) removes them.
 */
import { toArabicIndicDigits } from '../identity/digits';
import { dayNumberToGregorian, gregorianToDayNumber, type CalendarDate, type GregorianDate, type HijriDate } from './calendar';
import { gregorianToHijri, hijriToDayNumber, hijriToGregorian } from './hijri';

const BIDI_CONTROLS = /[\u200e\u200f\u061c\u202a-\u202e\u2066-\u2069]/g;

/** Remove Unicode bidi control characters (RLM, LRM, ALM, embeddings, isolates). */
export function stripBidiControls(text: string): string {
  return text.replace(BIDI_CONTROLS, '');
}

export interface DateFormatOptions {
  readonly locale: 'ar' | 'en';
  /** 'long': 6 رمضان 1446 هـ / 6 Ramadan 1446 AH. 'numeric': 06/09/1446 هـ (day/month/year). */
  readonly style?: 'long' | 'numeric';
  /** Digits for Arabic output: 'arab' (٠١٢…, default) or 'latn'. English always uses 0-9. */
  readonly digits?: 'arab' | 'latn';
  /** Remove bidi control marks (for PDFs and plain-text exports). */
  readonly plain?: boolean;
}

const MS_PER_DAY = 86_400_000;
const formatters = new Map<string, Intl.DateTimeFormat>();

function longFormatter(locale: 'ar' | 'en', calendar: 'islamic-umalqura' | 'gregory', digits: 'arab' | 'latn'): Intl.DateTimeFormat {
  const key = `${locale}|${calendar}|${digits}`;
  let f = formatters.get(key);
  if (!f) {
    f = new Intl.DateTimeFormat(locale === 'ar' ? 'ar-SA' : 'en-GB', {
      calendar,
      numberingSystem: locale === 'ar' ? digits : 'latn',
      timeZone: 'UTC',
      day: 'numeric',
      month: 'long',
      year: 'numeric',
    });
    formatters.set(key, f);
  }
  return f;
}

function finish(text: string, opts: DateFormatOptions): string {
  const digits = opts.locale === 'ar' ? (opts.digits ?? 'arab') : 'latn';
  const out = digits === 'arab' ? toArabicIndicDigits(text) : text;
  return opts.plain ? stripBidiControls(out) : out;
}

function numeric(date: { y: number; m: number; d: number }): string {
  return `${String(date.d).padStart(2, '0')}/${String(date.m).padStart(2, '0')}/${date.y}`;
}

/** Format an Umm al-Qura Hijri date, e.g. "٦ رمضان ١٤٤٦ هـ", "6 Ramadan 1446 AH", "06/09/1446 هـ". */
export function formatHijriDate(h: HijriDate, opts: DateFormatOptions): string {
  const suffix = opts.locale === 'ar' ? ' هـ' : ' AH';
  if (opts.style === 'numeric') return finish(numeric(h) + suffix, opts);
  const day = hijriToDayNumber(h);
  const digits = opts.digits ?? 'arab';
  return finish(longFormatter(opts.locale, 'islamic-umalqura', digits).format(new Date(day * MS_PER_DAY)), opts);
}

/** Format a Gregorian date, e.g. "٦ مارس ٢٠٢٥م", "6 March 2025", "06/03/2025م". */
export function formatGregorianDate(g: GregorianDate, opts: DateFormatOptions): string {
  const suffix = opts.locale === 'ar' ? 'م' : '';
  if (opts.style === 'numeric') return finish(numeric(g) + suffix, opts);
  const day = gregorianToDayNumber(g);
  const digits = opts.digits ?? 'arab';
  return finish(longFormatter(opts.locale, 'gregory', digits).format(new Date(day * MS_PER_DAY)) + suffix, opts);
}

/** Format a date in the calendar it was entered in. */
export function formatCalendarDate(date: CalendarDate, opts: DateFormatOptions): string {
  return date.calendar === 'hijri' ? formatHijriDate(date, opts) : formatGregorianDate(date, opts);
}

/**
 * Hijri beside Gregorian, as Saudi documents write them:
 * "٦ رمضان ١٤٤٦ هـ الموافق ٦ مارس ٢٠٢٥م" / "6 Ramadan 1446 AH (6 March 2025)".
 */
export function formatDualDate(date: CalendarDate | GregorianDate, opts: DateFormatOptions): string {
  let g: GregorianDate;
  let h: HijriDate;
  if ('calendar' in date && date.calendar === 'hijri') {
    h = date;
    g = hijriToGregorian(date);
  } else {
    g = dayNumberToGregorian(gregorianToDayNumber(date));
    h = gregorianToHijri(g);
  }
  const hijri = formatHijriDate(h, opts);
  const gregorian = formatGregorianDate(g, opts);
  return opts.locale === 'ar' ? `${hijri} الموافق ${gregorian}` : `${hijri} (${gregorian})`;
}
