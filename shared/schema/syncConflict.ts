import { z } from 'zod';
import { defineCollection } from './collection';
import { baseFields } from './base';
import { instant, oneOf, ref } from './fields';

export const syncConflictStatuses = ['open', 'resolved'] as const; // مفتوح، محلول
/** How a person resolved it: kept HQ's value, restored this laptop's value, or wrote another. */
export const syncConflictResolutions = ['kept_theirs', 'kept_ours', 'edited'] as const;

/** A JSON-encoded value ('' when the field was absent on that side). */
const jsonValue = z.string({ error: 'القيمة يجب أن تكون نصًا.' }).max(200_000, 'القيمة أطول من المسموح.');

// تعارض مزامنة — two laptops changed the same field of the same record differently while
// offline. The record keeps HQ's value; this document keeps the losing value so a person can
// compare both and choose (nothing is dropped silently). Written by the laptop that detected it.
export const syncConflictSchema = z.object({
  ...baseFields,
  /** The record's collection (RxDB reserves the top-level name `collection`). */
  collectionName: z.string({ error: '«المجموعة» مطلوبة.' }).min(1, '«المجموعة» مطلوبة.').max(64, '«المجموعة» أطول من المسموح.'),
  documentId: ref('السجل'),
  /** The conflicting fields. Encrypted: the values are personal data. */
  fields: z
    .array(
      z.object({
        /** Dotted path, e.g. `phone` or `address.city`. */
        path: z.string({ error: '«الحقل» مطلوب.' }).min(1, '«الحقل» مطلوب.').max(200, '«الحقل» أطول من المسموح.'),
        /** This laptop's value (the one not kept), JSON. */
        ours: jsonValue,
        /** HQ's value (kept in the record), JSON. */
        theirs: jsonValue,
        /** The value both started from, JSON ('' when unknown). */
        base: jsonValue,
      }),
      { error: '«الحقول المتعارضة» مطلوبة.' },
    )
    .min(1, '«الحقول المتعارضة» مطلوبة.')
    .max(200, 'عدد الحقول المتعارضة أكبر من المسموح.'),
  /**
   * Who made each version and when (the two documents' updatedBy/updatedAt), shown beside the
   * values. The losing version was made on the detecting laptop (`detectedOnDevice`). Absent
   * in conflicts recorded before version 1.
   */
  oursUpdatedBy: z.string().max(64, 'معرّف المستخدم أطول من المسموح.').optional(),
  oursUpdatedAt: instant('وقت تعديل النسخة غير المعتمدة').optional(),
  theirsUpdatedBy: z.string().max(64, 'معرّف المستخدم أطول من المسموح.').optional(),
  theirsUpdatedAt: instant('وقت تعديل النسخة المعتمدة').optional(),
  detectedAt: instant('وقت اكتشاف التعارض'),
  /** User who was signed in on the laptop that detected it. */
  detectedBy: ref('المستخدم'),
  detectedOnDevice: ref('الجهاز').optional(),
  status: oneOf(syncConflictStatuses, 'حالة التعارض'),
  resolution: oneOf(syncConflictResolutions, 'طريقة الحل').optional(),
  resolvedBy: ref('المستخدم').optional(),
  resolvedAt: instant('وقت الحل').optional(),
});

export const syncConflicts = defineCollection({
  name: 'sync_conflicts',
  // 1: who made each version and when (oursUpdatedBy/At, theirsUpdatedBy/At).
  version: 1,
  description: 'Sync conflicts (تعارضات المزامنة): same-field concurrent edits kept for a person to resolve',
  schema: syncConflictSchema,
  primaryKey: 'id',
  indexes: [['status', 'detectedAt'], ['branchId', 'status']],
  encrypted: ['fields'],
  writers: ['field_delegate', 'branch_staff', 'social_researcher', 'committee_member'],
  scope: 'branch',
});

export type SyncConflict = z.infer<typeof syncConflictSchema>;
