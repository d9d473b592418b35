import { z } from 'zod';

/** Fields every synced record carries. Timestamps are ISO-8601 strings (client clock, display only). */
export const id = z
  .string({ error: 'المعرّف مطلوب.' })
  .min(1, 'المعرّف مطلوب.')
  .max(64, 'المعرّف أطول من المسموح.')
  .regex(/^[A-Za-z0-9_-]+$/, 'معرّف غير صالح');
export const isoDateTime = z
  .string({ error: 'التاريخ والوقت مطلوبان.' })
  .max(40, 'تاريخ ووقت غير صالح')
  .regex(/^\d{4}-\d{2}-\d{2}T[\d:.]+(Z|[+-]\d{2}:\d{2})$/, 'تاريخ ووقت غير صالح');

export const baseFields = {
  id,
  /** The branch that owns the record (branch-scoped collections). */
  branchId: z.string({ error: 'الفرع مطلوب.' }).min(1, 'الفرع مطلوب.').max(64, 'رمز الفرع أطول من المسموح.'),
  createdAt: isoDateTime,
  updatedAt: isoDateTime,
  /** User id of the last writer. */
  updatedBy: z.string({ error: 'آخر من عدّل السجل مطلوب.' }).max(64, 'معرّف المستخدم أطول من المسموح.'),
};
