/**
 * Field builders with Arabic validation messages. Every message names the field (by its Arabic
 * label) and says what is expected, so a form can show it as is.
 */
import { z } from 'zod';
import { validateGregorianDate } from '../dates/calendar';
import { validateHijriDate } from '../dates/hijri';

/** A required text field, trimmed, 1..max characters. */
export function text(label: string, max: number) {
  return z
    .string({ error: `«${label}» مطلوب.` })
    .trim()
    .min(1, `«${label}» مطلوب.`)
    .max(max, `«${label}» أطول من المسموح (${max} حرفًا كحد أقصى).`);
}

/** Free text that may be empty (notes, comments), at most `max` characters. */
export function longText(label: string, max: number) {
  return z.string({ error: `«${label}» يجب أن يكون نصًا.` }).max(max, `«${label}» أطول من المسموح (${max} حرفًا كحد أقصى).`);
}

/** A reference to another record or user (same shape as `id`). */
export function ref(label: string) {
  return z
    .string({ error: `«${label}» مطلوب.` })
    .min(1, `«${label}» مطلوب.`)
    .max(64, `«${label}» أطول من المسموح.`)
    .regex(/^[A-Za-z0-9_-]+$/, `«${label}» معرّف غير صالح (أحرف لاتينية وأرقام و - و _ فقط).`);
}

/** A machine key chosen from configuration (channel, service, document type): lower snake case. */
export function configKey(label: string) {
  return z
    .string({ error: `«${label}» مطلوب.` })
    .min(1, `«${label}» مطلوب.`)
    .max(64, `«${label}» أطول من المسموح.`)
    .regex(/^[a-z0-9][a-z0-9_-]*$/, `«${label}» رمز غير صالح. اختر قيمة من القائمة.`);
}

/** One of a fixed list of values. */
export function oneOf<const T extends readonly [string, ...string[]]>(values: T, label: string) {
  return z.enum(values, { error: `«${label}» غير صحيح. اختر قيمة من القائمة.` });
}

/** ISO-8601 instant with seconds optional and an explicit offset. */
export const ISO_INSTANT_PATTERN = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2}(\.\d{1,9})?)?(Z|[+-]\d{2}:\d{2})$/;

/** An ISO-8601 instant with offset, e.g. 2025-03-06T09:30:00.000Z. */
export function instant(label: string) {
  return z
    .string({ error: `«${label}» مطلوب.` })
    .max(40, `«${label}» أطول من المسموح.`)
    .regex(ISO_INSTANT_PATTERN, `«${label}» وقت غير صالح (المتوقع صيغة ISO مثل 2025-03-06T09:30:00Z).`);
}

/** A Gregorian calendar day 'YYYY-MM-DD'. */
export function isoDay(label: string) {
  return z
    .string({ error: `«${label}» مطلوب.` })
    .max(10, `«${label}» تاريخ غير صالح.`)
    .regex(/^\d{4}-\d{2}-\d{2}$/, `«${label}» تاريخ غير صالح (المتوقع سنة-شهر-يوم مثل 2025-03-06).`);
}

/**
 * A date with its calendar ({ calendar: 'hijri' | 'gregorian', y, m, d }). Checked to be a real
 * day: 30 of a 29-day Umm al-Qura month is refused.
 */
export function calendarDate(label: string) {
  return z
    .object(
      {
        calendar: z.enum(['hijri', 'gregorian'], { error: `«${label}»: اختر التقويم (هجري أو ميلادي).` }),
        y: z.int({ error: `«${label}»: السنة مطلوبة.` }).min(1300, `«${label}»: السنة غير صحيحة.`).max(2200, `«${label}»: السنة غير صحيحة.`),
        m: z.int({ error: `«${label}»: الشهر مطلوب.` }).min(1, `«${label}»: الشهر من ١ إلى ١٢.`).max(12, `«${label}»: الشهر من ١ إلى ١٢.`),
        d: z.int({ error: `«${label}»: اليوم مطلوب.` }).min(1, `«${label}»: اليوم غير صحيح.`).max(31, `«${label}»: اليوم غير صحيح.`),
      },
      { error: `«${label}» مطلوب.` },
    )
    .superRefine((value, ctx) => {
      const result = value.calendar === 'hijri' ? validateHijriDate(value) : validateGregorianDate(value);
      if (!result.ok) ctx.addIssue({ code: 'custom', message: `«${label}»: ${result.messageAr}` });
    });
}

/** Lower-case hex SHA-256 (64 characters). */
export function sha256(label: string) {
  return z
    .string({ error: `«${label}» مطلوب.` })
    .length(64, `«${label}» بصمة غير صالحة.`)
    .regex(/^[0-9a-f]{64}$/, `«${label}» بصمة غير صالحة.`);
}

/** A whole number in a range. */
export function wholeNumber(label: string, min: number, max: number) {
  return z
    .int({ error: `«${label}» يجب أن يكون عددًا صحيحًا.` })
    .min(min, `«${label}» يجب ألا يقل عن ${min}.`)
    .max(max, `«${label}» يجب ألا يزيد على ${max}.`);
}

/** A list with an Arabic message for its length limit. */
export function listOf<T extends z.ZodType>(item: T, label: string, max: number, min = 0) {
  return z
    .array(item, { error: `«${label}» يجب أن تكون قائمة.` })
    .min(min, `«${label}»: أضف ${min} على الأقل.`)
    .max(max, `«${label}»: الحد الأقصى ${max} عنصرًا.`);
}
