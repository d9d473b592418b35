import { z } from 'zod';
import { defineCollection, roles } from './collection';
import { id } from './base';
import { instant, longText, oneOf, ref, sha256, text } from './fields';

// سجل التدقيق — append-only, hash-chained per device (see shared/audit). Written by the app on
// behalf of whoever acted, so every role is a writer; nobody can edit or delete an entry.
// The entry carries no personal data: field names and codes only.
// Note: RxDB reserves the top-level name `collection`, so the affected collection is `collectionName`.
export const auditEntrySchema = z.object({
  id,
  /** The branch of the device (for branch-scoped replication). */
  branchId: ref('الفرع'),
  deviceId: ref('الجهاز'),
  /** 1, 2, 3, … per device, without gaps. */
  seq: z.int({ error: '«التسلسل» عدد صحيح.' }).min(1, '«التسلسل» يبدأ من ١.').max(Number.MAX_SAFE_INTEGER).multipleOf(1),
  userId: ref('المستخدم'),
  role: oneOf(roles, 'الصفة').optional(),
  at: instant('الوقت'),
  action: z
    .string({ error: '«الإجراء» مطلوب.' })
    .min(1, '«الإجراء» مطلوب.')
    .max(64, '«الإجراء» أطول من المسموح.')
    .regex(/^[a-z][a-z_.]*$/, '«الإجراء» رمز غير صالح.'),
  /** Collection name, or '' for session events (unlock, lock). */
  collectionName: z.string({ error: '«المجموعة» مطلوبة.' }).max(64, '«المجموعة» أطول من المسموح.'),
  /** Opaque document id, or ''. */
  docId: z.string({ error: '«المستند» مطلوب.' }).max(64, '«المستند» أطول من المسموح.'),
  summary: longText('الوصف', 300),
  /** Hash of the previous entry of the device (64 zeros for the first). */
  prevHash: sha256('البصمة السابقة'),
  hash: sha256('البصمة'),
  /** Optional device signature over the hash. */
  signature: text('التوقيع', 512).optional(),
});

export const auditEntries = defineCollection({
  name: 'audit_entries',
  version: 0,
  description: 'Audit log (سجل التدقيق): append-only, hash-chained per device',
  schema: auditEntrySchema,
  primaryKey: 'id',
  indexes: [['deviceId', 'seq'], ['branchId', 'at']],
  encrypted: [],
  writers: ['field_delegate', 'branch_staff', 'social_researcher', 'committee_member', 'hq_admin'],
  scope: 'branch',
  appendOnly: true,
});

export type AuditEntryDoc = z.infer<typeof auditEntrySchema>;
