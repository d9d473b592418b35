import { z } from 'zod';
import { defineCollection } from './collection';
import { baseFields } from './base';
import { calendarDate, instant, listOf, longText, oneOf, text, configKey } from './fields';
import { validateNationalId } from '../identity/nationalId';

/**
 * National ID / iqama as stored: ten ASCII digits starting with 1 or 2 with a valid Luhn check
 * digit. Forms normalise what people type (Arabic-Indic digits, spaces) with `validateNationalId`.
 */
export const nationalIdField = z
  .string({ error: 'رقم الهوية أو الإقامة مطلوب.' })
  .regex(/^[12]\d{9}$/, 'رقم الهوية أو الإقامة يجب أن يكون ١٠ أرقام يبدأ بـ ١ أو ٢')
  .refine((v) => validateNationalId(v).ok, 'رقم الهوية أو الإقامة غير صحيح (رقم التحقق لا يطابق). راجع الرقم في البطاقة.');

/**
 * Saudi mobile as stored: +9665XXXXXXXX. Forms turn 05XXXXXXXX, 009665…, Arabic-Indic digits
 * etc. into this form with `normalizeSaudiMobile` before saving.
 */
export const saudiMobileField = z
  .string({ error: 'رقم الجوال يجب أن يكون نصًا.' })
  .max(20, 'رقم الجوال أطول من المسموح.')
  .regex(/^\+9665\d{8}$/, 'رقم الجوال غير صحيح. أدخل رقم جوال سعودي مثل 0501234567.');

/** Keyed hash (HMAC-SHA-256, hex) computed on the laptop for exact lookup without clear text; '' until computed. */
const lookupHash = (label: string) =>
  z
    .string({ error: `«${label}» يجب أن يكون نصًا.` })
    .max(64, `«${label}» غير صالح.`)
    .regex(/^([0-9a-f]{64})?$/, `«${label}» غير صالح.`)
    .default('');

export const genders = ['male', 'female'] as const; // ذكر، أنثى
export const maritalStatuses = ['single', 'married', 'divorced', 'widowed'] as const; // أعزب، متزوج، مطلق، أرمل
export const householdRelations = ['spouse', 'son', 'daughter', 'father', 'mother', 'brother', 'sister', 'grandchild', 'other'] as const;

/** A household member (فرد من أفراد الأسرة). */
export const householdMemberSchema = z.object({
  fullName: text('اسم فرد الأسرة', 200),
  relation: oneOf(householdRelations, 'صلة القرابة'),
  gender: oneOf(genders, 'الجنس').optional(),
  birthDate: calendarDate('تاريخ ميلاد فرد الأسرة').optional(),
  nationalId: nationalIdField.optional(),
  /** Has a disability (ذو إعاقة) — relevant to several services. */
  hasDisability: z.boolean({ error: '«ذو إعاقة» يجب أن يكون نعم أو لا.' }).optional(),
});

// المستفيد — written by branch staff, field delegates and social researchers.
export const beneficiarySchema = z.object({
  ...baseFields,
  /** Full name as written by the person (3–4 parts). Encrypted. */
  fullName: z.string({ error: 'الاسم الكامل مطلوب.' }).trim().min(3, 'الاسم الكامل مطلوب (ثلاثة أحرف على الأقل)').max(200, 'الاسم أطول من المسموح'),
  /** Name parts (الاسم الأول، اسم الأب، اسم الجد، اسم العائلة). Encrypted. */
  nameParts: z
    .object({
      first: text('الاسم الأول', 60),
      father: text('اسم الأب', 60).optional(),
      grandfather: text('اسم الجد', 60).optional(),
      family: text('اسم العائلة', 60).optional(),
    })
    .optional(),
  /** National ID or iqama number. Encrypted; look up by `idHash`. */
  nationalId: nationalIdField,
  /** Keyed hash of nationalId (indexed, for exact lookup and duplicate checks). */
  idHash: lookupHash('بصمة رقم الهوية'),
  /** Mobile, +9665XXXXXXXX. Encrypted; look up by `phoneHash`. */
  phone: saudiMobileField.optional(),
  /** Keyed hash of phone (indexed). */
  phoneHash: lookupHash('بصمة رقم الجوال'),
  /** Birth date in the calendar it was given in. Encrypted. */
  birthDate: calendarDate('تاريخ الميلاد').optional(),
  gender: oneOf(genders, 'الجنس').optional(),
  /** ISO 3166-1 alpha-2 nationality, e.g. SA. */
  nationality: z.string({ error: '«الجنسية» مطلوبة.' }).regex(/^[A-Z]{2}$/, '«الجنسية» رمز دولة غير صالح (مثل SA).').optional(),
  /** Marital status (الحالة الاجتماعية). Encrypted: a sensitive fact for divorcees and widows. */
  maritalStatus: oneOf(maritalStatuses, 'الحالة الاجتماعية').optional(),
  /** City (المدينة), kept in clear for branch statistics. */
  city: text('المدينة', 80).optional(),
  /** National address details. Encrypted. */
  address: z
    .object({
      district: text('الحي', 80).optional(),
      street: text('الشارع', 120).optional(),
      buildingNumber: text('رقم المبنى', 10).optional(),
      postalCode: z.string({ error: '«الرمز البريدي» خمسة أرقام.' }).regex(/^\d{5}$/, '«الرمز البريدي» خمسة أرقام.').optional(),
      details: longText('وصف العنوان', 500).optional(),
    })
    .optional(),
  /** Household members (أفراد الأسرة). Encrypted. */
  household: listOf(householdMemberSchema, 'أفراد الأسرة', 30).optional(),
  /** PDPL consent: purposes the beneficiary agreed to, and when (الموافقة على معالجة البيانات). */
  consent: z
    .object({
      purposes: listOf(configKey('غرض المعالجة'), 'أغراض المعالجة', 20, 1),
      givenAt: instant('تاريخ الموافقة'),
      withdrawnAt: instant('تاريخ سحب الموافقة').optional(),
    })
    .optional(),
});

export const beneficiaries = defineCollection({
  name: 'beneficiaries',
  version: 0,
  description: 'Beneficiaries (المستفيدون) registered by a branch',
  schema: beneficiarySchema,
  primaryKey: 'id',
  indexes: ['branchId', 'updatedAt', 'idHash', 'phoneHash'],
  encrypted: ['fullName', 'nameParts', 'nationalId', 'phone', 'birthDate', 'maritalStatus', 'address', 'household'],
  // Branch staff and field delegates register and update; the social researcher completes the file.
  writers: ['branch_staff', 'field_delegate', 'social_researcher'],
  scope: 'branch',
});

export type Beneficiary = z.infer<typeof beneficiarySchema>;
export type HouseholdMember = z.infer<typeof householdMemberSchema>;
