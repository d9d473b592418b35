/**
 * Saudi mobile numbers. Saudi mobiles are 9 national digits starting with 5 (5XXXXXXXX); people
 * write them as 05XXXXXXXX, 5XXXXXXXX, +9665XXXXXXXX, 009665XXXXXXXX or 9665XXXXXXXX, often with
 * spaces, dashes, dots or brackets, and in Arabic-Indic digits. The canonical form kept in the
 * record is E.164: +9665XXXXXXXX.
 */
import { normalizeDigits } from './digits';
import { fail, succeed, type RuleResult } from './result';

export type SaudiMobileErrorCode = 'phone_empty' | 'phone_invalid_characters' | 'phone_not_saudi_mobile';

export interface SaudiMobile {
  /** Canonical E.164 form, e.g. +966501234567. */
  readonly e164: string;
  /** The local form people read and dial in Saudi Arabia, e.g. 0501234567. */
  readonly local: string;
}

const NOT_MOBILE_AR =
  'رقم الجوال غير صحيح. أدخل رقم جوال سعودي بالصيغة 05XXXXXXXX (عشرة أرقام تبدأ بـ 05) أو ‎+9665XXXXXXXX.';
const NOT_MOBILE_EN =
  'This is not a valid Saudi mobile number. Enter it as 05XXXXXXXX (ten digits starting with 05) or +9665XXXXXXXX.';

/** Normalise a Saudi mobile number to +9665XXXXXXXX, or explain why it is not one. */
export function normalizeSaudiMobile(input: string): RuleResult<SaudiMobile, SaudiMobileErrorCode> {
  const ascii = normalizeDigits(input).trim();
  if (ascii.length === 0) {
    return fail(
      'phone_empty',
      'رقم الجوال مطلوب. أدخل رقم الجوال بالصيغة 05XXXXXXXX.',
      'The mobile number is required. Enter it as 05XXXXXXXX.',
    );
  }
  // Separators people type: spaces (incl. no-break), dashes, dots, brackets, bidi marks.
  const compact = ascii.replace(/[\s\u00a0\-\u2010-\u2015.()\u200e\u200f\u061c]/g, '');
  if (!/^\+?\d+$/.test(compact)) {
    return fail(
      'phone_invalid_characters',
      'رقم الجوال يحتوي على حروف أو رموز غير مقبولة. أدخل الأرقام فقط بالصيغة 05XXXXXXXX.',
      'The mobile number contains letters or symbols. Enter digits only, as 05XXXXXXXX.',
    );
  }
  let national: string | undefined;
  const patterns: RegExp[] = [
    /^05(\d{8})$/, // 05XXXXXXXX
    /^5(\d{8})$/, // 5XXXXXXXX
    /^\+9665(\d{8})$/, // +9665XXXXXXXX
    /^\+96605(\d{8})$/, // +966 05XXXXXXXX (a common mistake, unambiguous)
    /^009665(\d{8})$/, // 009665XXXXXXXX
    /^0096605(\d{8})$/, // 00966 05XXXXXXXX
    /^9665(\d{8})$/, // 9665XXXXXXXX
  ];
  for (const p of patterns) {
    const m = p.exec(compact);
    if (m) {
      national = '5' + m[1];
      break;
    }
  }
  if (national === undefined) return fail('phone_not_saudi_mobile', NOT_MOBILE_AR, NOT_MOBILE_EN);
  return succeed({ e164: '+966' + national, local: '0' + national });
}

/** True when the input is a Saudi mobile number in any accepted form. */
export function isSaudiMobile(input: string): boolean {
  return normalizeSaudiMobile(input).ok;
}
