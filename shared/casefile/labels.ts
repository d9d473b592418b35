/**
 * Fixed Arabic and English labels for the record enums. Declarations hash these strings, so
 * they come from tables here, never from Intl (whose wording differs between ICU versions in
 * Node and Chromium and would make a declaration look stale on another device).
 */
import type { HouseholdMember } from '../schema';
import type { Bilingual } from './records';

type Gender = 'male' | 'female';
type MaritalStatus = 'single' | 'married' | 'divorced' | 'widowed';

export const genderLabels: Readonly<Record<Gender, Bilingual>> = {
  male: { ar: 'ذكر', en: 'Male' },
  female: { ar: 'أنثى', en: 'Female' },
};

/** Marital status, worded for the person's gender where Arabic distinguishes it. */
export function maritalStatusLabel(status: MaritalStatus, gender?: Gender): Bilingual {
  const f = gender === 'female';
  switch (status) {
    case 'single':
      return { ar: f ? 'عزباء' : 'أعزب', en: 'Single' };
    case 'married':
      return { ar: f ? 'متزوجة' : 'متزوج', en: 'Married' };
    case 'divorced':
      return { ar: f ? 'مطلقة' : 'مطلق', en: 'Divorced' };
    case 'widowed':
      return { ar: f ? 'أرملة' : 'أرمل', en: 'Widowed' };
  }
}

export const householdRelationLabels: Readonly<Record<HouseholdMember['relation'], Bilingual>> = {
  spouse: { ar: 'الزوج/الزوجة', en: 'Spouse' },
  son: { ar: 'ابن', en: 'Son' },
  daughter: { ar: 'ابنة', en: 'Daughter' },
  father: { ar: 'أب', en: 'Father' },
  mother: { ar: 'أم', en: 'Mother' },
  brother: { ar: 'أخ', en: 'Brother' },
  sister: { ar: 'أخت', en: 'Sister' },
  grandchild: { ar: 'حفيد/حفيدة', en: 'Grandchild' },
  other: { ar: 'قريب آخر', en: 'Other relative' },
};

/** Nationalities most often met by Saudi associations; others show their ISO code. */
const NATIONALITY_LABELS: Readonly<Record<string, Bilingual>> = {
  SA: { ar: 'سعودي', en: 'Saudi' },
  EG: { ar: 'مصري', en: 'Egyptian' },
  YE: { ar: 'يمني', en: 'Yemeni' },
  SY: { ar: 'سوري', en: 'Syrian' },
  SD: { ar: 'سوداني', en: 'Sudanese' },
  JO: { ar: 'أردني', en: 'Jordanian' },
  PS: { ar: 'فلسطيني', en: 'Palestinian' },
  LB: { ar: 'لبناني', en: 'Lebanese' },
  IQ: { ar: 'عراقي', en: 'Iraqi' },
  KW: { ar: 'كويتي', en: 'Kuwaiti' },
  BH: { ar: 'بحريني', en: 'Bahraini' },
  QA: { ar: 'قطري', en: 'Qatari' },
  AE: { ar: 'إماراتي', en: 'Emirati' },
  OM: { ar: 'عماني', en: 'Omani' },
  MA: { ar: 'مغربي', en: 'Moroccan' },
  DZ: { ar: 'جزائري', en: 'Algerian' },
  TN: { ar: 'تونسي', en: 'Tunisian' },
  LY: { ar: 'ليبي', en: 'Libyan' },
  SO: { ar: 'صومالي', en: 'Somali' },
  ER: { ar: 'إريتري', en: 'Eritrean' },
  ET: { ar: 'إثيوبي', en: 'Ethiopian' },
  MR: { ar: 'موريتاني', en: 'Mauritanian' },
  PK: { ar: 'باكستاني', en: 'Pakistani' },
  IN: { ar: 'هندي', en: 'Indian' },
  BD: { ar: 'بنغلاديشي', en: 'Bangladeshi' },
  AF: { ar: 'أفغاني', en: 'Afghan' },
  ID: { ar: 'إندونيسي', en: 'Indonesian' },
  PH: { ar: 'فلبيني', en: 'Filipino' },
  TR: { ar: 'تركي', en: 'Turkish' },
  MM: { ar: 'ميانماري', en: 'Myanmar national' },
};

export function nationalityLabel(code: string): Bilingual {
  return NATIONALITY_LABELS[code] ?? { ar: code, en: code };
}

const GREGORIAN_MONTHS_AR = [
  'يناير',
  'فبراير',
  'مارس',
  'أبريل',
  'مايو',
  'يونيو',
  'يوليو',
  'أغسطس',
  'سبتمبر',
  'أكتوبر',
  'نوفمبر',
  'ديسمبر',
] as const;
const GREGORIAN_MONTHS_EN = [
  'January',
  'February',
  'March',
  'April',
  'May',
  'June',
  'July',
  'August',
  'September',
  'October',
  'November',
  'December',
] as const;

/** "مارس 2025" / "March 2025". */
export function gregorianMonthLabel(y: number, m: number): Bilingual {
  return {
    ar: `${GREGORIAN_MONTHS_AR[m - 1] ?? String(m)} ${y}`,
    en: `${GREGORIAN_MONTHS_EN[m - 1] ?? String(m)} ${y}`,
  };
}
