// Dates on documents: Umm al-Qura Hijri (the official calendar, via Intl's islamic-umalqura) beside
// Gregorian, in Arabic with Latin digits (the same digits as IDs and phone numbers on the page),
// in Saudi time. Intl output carries bidi marks (U+200F); the layout engine strips them.

const TIME_ZONE = 'Asia/Riyadh';
const hijri = new Intl.DateTimeFormat('ar-SA-u-ca-islamic-umalqura-nu-latn', { timeZone: TIME_ZONE, day: 'numeric', month: 'long', year: 'numeric' });
const gregorian = new Intl.DateTimeFormat('ar-SA-u-ca-gregory-nu-latn', { timeZone: TIME_ZONE, day: 'numeric', month: 'long', year: 'numeric' });

export function formatHijri(date: Date): string {
  return hijri.format(date).replace(/[\u200e\u200f\u061c]/g, '');
}

export function formatGregorian(date: Date): string {
  return `${gregorian.format(date).replace(/[\u200e\u200f\u061c]/g, '')} م`;
}

/** "6 رمضان 1446 هـ الموافق 6 مارس 2025 م" */
export function formatHijriAndGregorian(date: Date): string {
  return `${formatHijri(date)} الموافق ${formatGregorian(date)}`;
}
