/**
 * Parsing dates typed by people: day/month/year with '/', '-', '.' or spaces as separators,
 * Arabic-Indic digits allowed, an optional trailing هـ / H / AH or م / G / AD.
 * Saudi forms write dates day first (06/09/1446).
 */
import { normalizeDigits } from '../identity/digits';
import { fail, type RuleResult } from '../identity/result';
import { validateGregorianDate, type CalendarDate, type CalendarKind, type DateErrorCode } from './calendar';
import { validateHijriDate } from './hijri';

export function parseDateInput(text: string, calendar: CalendarKind): RuleResult<CalendarDate, DateErrorCode> {
  const cleaned = normalizeDigits(text)
    .replace(/[\u200e\u200f\u061c]/g, '')
    .replace(/(هـ|ه|AH|H|م|AD|G)\.?\s*$/i, '')
    .trim();
  const m = /^(\d{1,2})\s*[/\-.\s]\s*(\d{1,2})\s*[/\-.\s]\s*(\d{4})$/.exec(cleaned);
  if (!m) {
    return fail(
      'date_unparseable',
      calendar === 'hijri'
        ? 'اكتب التاريخ الهجري بالصيغة يوم/شهر/سنة، مثل 06/09/1446.'
        : 'اكتب التاريخ الميلادي بالصيغة يوم/شهر/سنة، مثل 06/03/2025.',
      calendar === 'hijri'
        ? 'Write the Hijri date as day/month/year, e.g. 06/09/1446.'
        : 'Write the Gregorian date as day/month/year, e.g. 06/03/2025.',
    );
  }
  const ymd = { y: Number(m[3]), m: Number(m[2]), d: Number(m[1]) };
  const valid = calendar === 'hijri' ? validateHijriDate(ymd) : validateGregorianDate(ymd);
  if (!valid.ok) return valid;
  return { ok: true, value: { calendar, ...valid.value } };
}
