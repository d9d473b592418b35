/**
 * Typed dates on a document (issue and expiry) in the Hijri OR the Gregorian calendar, with the
 * other calendar's equivalent shown live. Parsing and validity come from shared/dates.
 */
import {
  formatGregorianDate,
  formatHijriDate,
  gregorianToHijri,
  parseDateInput,
  toGregorian,
  type CalendarDate,
  type CalendarKind,
} from '../../../../shared/dates';

export type DateInputState =
  | { state: 'empty' }
  | { state: 'invalid'; messageAr: string; messageEn: string }
  | { state: 'valid'; date: CalendarDate; equivalentAr: string; equivalentEn: string };

/** The same day in the other calendar, e.g. "الموافق ٦ مارس ٢٠٢٥م" for a Hijri date. */
export function otherCalendarDate(date: CalendarDate): CalendarDate | null {
  const g = toGregorian(date);
  if (!g.ok) return null;
  if (date.calendar === 'hijri') return { calendar: 'gregorian', ...g.value };
  const h = gregorianToHijri(g.value);
  return { calendar: 'hijri', y: h.y, m: h.m, d: h.d };
}

function formatIn(date: CalendarDate, locale: 'ar' | 'en'): string {
  return date.calendar === 'hijri'
    ? formatHijriDate(date, { locale })
    : formatGregorianDate(date, { locale });
}

/** Reads what was typed in a date field in the chosen calendar. */
export function interpretDateInput(text: string, calendar: CalendarKind): DateInputState {
  if (text.trim() === '') return { state: 'empty' };
  const parsed = parseDateInput(text, calendar);
  if (!parsed.ok)
    return { state: 'invalid', messageAr: parsed.messageAr, messageEn: parsed.messageEn };
  const other = otherCalendarDate(parsed.value);
  if (!other) {
    return {
      state: 'invalid',
      messageAr:
        'هذا التاريخ خارج نطاق التقويم المدعوم. تأكّد من السنة ومن التقويم (هجري أو ميلادي).',
      messageEn:
        'This date is outside the supported calendar range. Check the year and the calendar (Hijri or Gregorian).',
    };
  }
  return {
    state: 'valid',
    date: parsed.value,
    equivalentAr: formatIn(other, 'ar'),
    equivalentEn: formatIn(other, 'en'),
  };
}

/** A stored date as it is typed: day/month/year with two-digit day and month. */
export function dateToInputText(date: CalendarDate): string {
  return `${String(date.d).padStart(2, '0')}/${String(date.m).padStart(2, '0')}/${date.y}`;
}

/**
 * Switching the calendar of a field converts what was typed (nothing is lost): a valid date
 * becomes the same day in the other calendar; anything else is kept as typed.
 */
export function switchDateCalendar(text: string, from: CalendarKind, to: CalendarKind): string {
  if (from === to) return text;
  const parsed = parseDateInput(text, from);
  if (!parsed.ok) return text;
  const other = otherCalendarDate(parsed.value);
  return other && other.calendar === to ? dateToInputText(other) : text;
}
