/**
 * Saudi National ID (الهوية الوطنية) and iqama (رقم الإقامة) numbers.
 *
 * Ten digits. The first digit says who holds it: 1 = Saudi citizen, 2 = resident (iqama).
 * The tenth digit is a Luhn check digit computed over the first nine: counting from the left,
 * digits in odd positions (1st, 3rd, … 9th) are doubled (subtract 9 when the result exceeds 9),
 * the others are taken as they are, and the check digit brings the total to a multiple of 10.
 * This is the ordinary Luhn algorithm applied to the ten-digit number.
 */
import { normalizeDigits } from './digits';
import { fail, succeed, type RuleResult } from './result';

export type NationalIdKind = 'citizen' | 'resident';

export interface NationalId {
  /** The ten ASCII digits. */
  readonly id: string;
  /** citizen (starts with 1) or resident / iqama holder (starts with 2). */
  readonly kind: NationalIdKind;
}

export type NationalIdErrorCode =
  | 'id_empty'
  | 'id_not_digits'
  | 'id_wrong_length'
  | 'id_bad_prefix'
  | 'id_bad_check_digit';

function luhnSum(digits: string): number {
  // Positions are counted from the right, the rightmost digit being position 1 (not doubled).
  let sum = 0;
  for (let i = 0; i < digits.length; i++) {
    let n = digits.charCodeAt(digits.length - 1 - i) - 48;
    if (i % 2 === 1) {
      n *= 2;
      if (n > 9) n -= 9;
    }
    sum += n;
  }
  return sum;
}

/** The Luhn check digit for the first nine digits of an ID (ASCII digits only). */
export function nationalIdCheckDigit(firstNine: string): number {
  if (!/^\d{9}$/.test(firstNine)) throw new RangeError('nationalIdCheckDigit expects exactly nine digits');
  return (10 - (luhnSum(firstNine + '0') % 10)) % 10;
}

/**
 * Validate a National ID or iqama number typed by a person. Accepts Arabic-Indic digits and
 * ignores spaces and dashes; the value returned is the canonical ten ASCII digits.
 */
export function validateNationalId(input: string): RuleResult<NationalId, NationalIdErrorCode> {
  const compact = normalizeDigits(input).replace(/[\s\u00a0\-_.]/g, '');
  if (compact.length === 0) {
    return fail(
      'id_empty',
      'رقم الهوية أو الإقامة مطلوب. أدخل الرقم المكوّن من ١٠ أرقام كما هو في البطاقة.',
      'The National ID or iqama number is required. Enter the 10-digit number as printed on the card.',
    );
  }
  if (!/^\d+$/.test(compact)) {
    return fail(
      'id_not_digits',
      'رقم الهوية أو الإقامة يتكوّن من أرقام فقط. احذف الحروف والرموز وأعد الإدخال.',
      'The National ID or iqama number contains digits only. Remove letters and symbols and try again.',
    );
  }
  if (compact.length !== 10) {
    return fail(
      'id_wrong_length',
      `رقم الهوية أو الإقامة يتكوّن من ١٠ أرقام، والمُدخل ${compact.length}. راجع الرقم في البطاقة.`,
      `The National ID or iqama number has 10 digits; ${compact.length} were entered. Check the number on the card.`,
    );
  }
  const first = compact[0];
  if (first !== '1' && first !== '2') {
    return fail(
      'id_bad_prefix',
      'رقم الهوية الوطنية يبدأ بالرقم ١ ورقم الإقامة يبدأ بالرقم ٢. راجع الرقم في البطاقة.',
      'A National ID starts with 1 and an iqama number starts with 2. Check the number on the card.',
    );
  }
  if (luhnSum(compact) % 10 !== 0) {
    return fail(
      'id_bad_check_digit',
      'رقم الهوية أو الإقامة غير صحيح (رقم التحقق لا يطابق). غالبًا يوجد رقم خاطئ أو مبدّل؛ راجع الرقم في البطاقة.',
      'The National ID or iqama number is not valid (its check digit does not match). A digit is probably wrong or swapped; check the number on the card.',
    );
  }
  return succeed({ id: compact, kind: first === '1' ? 'citizen' : 'resident' });
}

/** True when the input is a valid National ID or iqama number. */
export function isValidNationalId(input: string): boolean {
  return validateNationalId(input).ok;
}

/**
 * Build a valid ID from a kind and eight body digits (for test data, demos and benchmarks).
 * `body` defaults to eight pseudo-random digits from `random` (Math.random if not given).
 */
export function generateNationalId(kind: NationalIdKind, body?: string, random: () => number = Math.random): string {
  let digits = body;
  if (digits === undefined) {
    digits = '';
    for (let i = 0; i < 8; i++) digits += String(Math.floor(random() * 10) % 10);
  }
  if (!/^\d{8}$/.test(digits)) throw new RangeError('generateNationalId expects eight body digits');
  const firstNine = (kind === 'citizen' ? '1' : '2') + digits;
  return firstNine + String(nationalIdCheckDigit(firstNine));
}
