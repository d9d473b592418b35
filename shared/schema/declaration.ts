import { z } from 'zod';
import { defineCollection } from './collection';
import { baseFields } from './base';
import { instant, longText, oneOf, ref, sha256, text } from './fields';

// الإقرار — the signed data declaration, written once by the field delegate or branch staff who
// witnessed the signature. Append-only: a correction is a new declaration; the request points to
// the current one. Matches the sealed declaration built by shared/declaration.
export const declarationSchema = z.object({
  ...baseFields,
  requestId: ref('الطلب'),
  beneficiaryId: ref('المستفيد'),
  /** Printed reference, e.g. DEC-1447-000123. */
  reference: text('رقم الإقرار', 40),
  declaredAt: instant('وقت الإقرار'),
  /** Canonical JSON of the snapshot, byte for byte what was hashed and printed. Encrypted. */
  snapshotJson: longText('نص الإقرار', 200_000).min(2, '«نص الإقرار» مطلوب.'),
  /** SHA-256 of snapshotJson. */
  snapshotSha256: sha256('بصمة الإقرار'),
  /** SHA-256 of the declared data alone: compared with the current data to detect staleness. */
  dataSha256: sha256('بصمة البيانات المقرّ بها'),
  /** Signed QR payload printed on the PDF. */
  qrPayload: text('رمز التحقق', 2000),
  deviceKeyId: text('مفتاح الجهاز', 128),
  /** How the applicant signed: drawn on screen (image kept as an attachment) or in ink on paper. */
  signature: z
    .object({
      kind: oneOf(['drawn', 'wet'] as const, 'طريقة التوقيع'),
      imageSha256: sha256('بصمة صورة التوقيع').optional(),
      imageAttachmentId: text('صورة التوقيع', 128).optional(),
      /** Scan of the paper copy signed in ink. */
      scanAttachmentId: text('صورة الإقرار الموقّع', 128).optional(),
    })
    .superRefine((v, ctx) => {
      if (v.kind === 'drawn' && (!v.imageSha256 || !v.imageAttachmentId)) {
        ctx.addIssue({ code: 'custom', path: ['imageAttachmentId'], message: 'التوقيع على الشاشة يحتاج صورة التوقيع وبصمتها. اطلب من المستفيد التوقيع مرة أخرى.' });
      }
    }),
  /** Staff member who witnessed the signature. */
  witnessedBy: ref('الموظف الشاهد'),
  pdfAttachmentId: text('ملف الإقرار', 128).optional(),
});

export const declarations = defineCollection({
  name: 'declarations',
  version: 0,
  description: 'Signed data declarations (الإقرارات): immutable snapshots with their hashes',
  schema: declarationSchema,
  primaryKey: 'id',
  indexes: [['branchId', 'requestId'], 'beneficiaryId'],
  encrypted: ['snapshotJson'],
  writers: ['field_delegate', 'branch_staff'],
  scope: 'branch',
  appendOnly: true,
});

export type Declaration = z.infer<typeof declarationSchema>;
