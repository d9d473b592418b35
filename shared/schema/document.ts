import { z } from 'zod';
import { defineCollection } from './collection';
import { baseFields } from './base';
import { calendarDate, configKey, instant, longText, oneOf, ref, sha256, text, wholeNumber } from './fields';

export const verificationStatuses = ['pending', 'verified', 'rejected'] as const; // بانتظار التحقق، تم التحقق، مرفوض
export const verificationMethods = ['original_seen', 'certified_copy', 'electronic_check'] as const;

export const documentVerificationSchema = z
  .object({
    status: oneOf(verificationStatuses, 'نتيجة التحقق'),
    method: oneOf(verificationMethods, 'طريقة التحقق').optional(),
    verifiedBy: ref('المتحقِّق').optional(),
    verifiedAt: instant('وقت التحقق').optional(),
    /** Was the document valid (not expired) on the day the request was submitted? */
    validAtSubmission: z.boolean({ error: '«صالح وقت التقديم» يجب أن يكون نعم أو لا.' }).optional(),
    note: longText('ملاحظة التحقق', 1000).optional(),
  })
  .superRefine((v, ctx) => {
    if (v.status !== 'pending' && (!v.verifiedBy || !v.verifiedAt)) {
      ctx.addIssue({ code: 'custom', path: ['verifiedBy'], message: 'سجّل من تحقّق من المستند ومتى قبل اعتماد النتيجة.' });
    }
    if (v.status === 'rejected' && !v.note?.trim()) {
      ctx.addIssue({ code: 'custom', path: ['note'], message: 'اكتب سبب رفض المستند ليعرف المستفيد ما المطلوب.' });
    }
  });

// مستند — an ID, iqama, proof of marital status, court referral … photographed or scanned by the
// field delegate or branch staff, and verified against the original (مطابقة البيانات).
export const beneficiaryDocumentSchema = z.object({
  ...baseFields,
  beneficiaryId: ref('المستفيد'),
  requestId: ref('الطلب').optional(),
  /** Document type key from the policy profile, e.g. national_id, iqama, marital_status_proof. */
  type: configKey('نوع المستند'),
  /** Document number. Encrypted. */
  number: text('رقم المستند', 64).optional(),
  issuer: text('جهة الإصدار', 200).optional(),
  issueDate: calendarDate('تاريخ الإصدار').optional(),
  expiryDate: calendarDate('تاريخ الانتهاء').optional(),
  verification: documentVerificationSchema,
  /** The scan or photo, stored as an RxDB attachment of this document. */
  attachment: z
    .object({
      attachmentId: text('المرفق', 128),
      mimeType: oneOf(['image/jpeg', 'image/png', 'image/webp', 'application/pdf'] as const, 'نوع الملف'),
      sizeBytes: wholeNumber('حجم الملف', 1, 20_000_000),
      sha256: sha256('بصمة الملف'),
    })
    .optional(),
});

export const documents = defineCollection({
  name: 'documents',
  version: 0,
  description: 'Beneficiary documents (المستندات) and their verification',
  schema: beneficiaryDocumentSchema,
  primaryKey: 'id',
  indexes: [['branchId', 'beneficiaryId'], 'updatedAt'],
  encrypted: ['number'],
  writers: ['field_delegate', 'branch_staff'],
  scope: 'branch',
});

export type BeneficiaryDocument = z.infer<typeof beneficiaryDocumentSchema>;
