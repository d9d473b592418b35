// Dates on documents: Umm al-Qura Hijri beside Gregorian (shared/dates), in Arabic with Latin
// digits (the same digits as IDs and phone numbers on the page), for the day in Saudi Arabia
// (UTC+3 all year, no daylight saving). Bidi control marks from Intl are removed (`plain`).

import { formatGregorianDate, formatHijriDate, gregorianToHijri, type GregorianDate } from '../dates';

const RIYADH_OFFSET_MS = 3 * 3600_000;

/** The calendar day in Saudi Arabia at instant `date`. */
export function saudiDay(date: Date): GregorianDate {
  const local = new Date(date.getTime() + RIYADH_OFFSET_MS);
  return { y: local.getUTCFullYear(), m: local.getUTCMonth() + 1, d: local.getUTCDate() };
}

/** "6 رمضان 1446 هـ" */
export function formatHijri(date: Date): string {
  return formatHijriDate(gregorianToHijri(saudiDay(date)), { locale: 'ar', digits: 'latn', plain: true });
}

/** "6 مارس 2025م" */
export function formatGregorian(date: Date): string {
  return formatGregorianDate(saudiDay(date), { locale: 'ar', digits: 'latn', plain: true });
}

/** "6 رمضان 1446 هـ الموافق 6 مارس 2025م" */
export function formatHijriAndGregorian(date: Date): string {
  return `${formatHijri(date)} الموافق ${formatGregorian(date)}`;
}
