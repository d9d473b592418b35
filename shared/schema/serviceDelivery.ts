import { z } from 'zod';
import { defineCollection } from './collection';
import { baseFields } from './base';
import { configKey, instant, listOf, longText, oneOf, ref, wholeNumber } from './fields';

export const deliveryModes = ['office', 'field', 'remote'] as const; // في المقر، ميدانيًا، عن بُعد

/** How long a printed evaluation QR code can be used. */
export const EVALUATION_LINK_VALIDITY_DAYS = 90;

/**
 * A one-time evaluation link printed as a QR code (رابط تقييم): the beneficiary opens HQ's public
 * evaluation page with it later, from any phone. Only the SHA-256 of the random token is kept;
 * HQ finds the delivery by it and accepts the link once, until `expiresAt`.
 */
export const evaluationLinkSchema = z
  .object({
    tokenHash: z
      .string({ error: '«بصمة رابط التقييم» مطلوبة.' })
      .regex(/^[0-9a-f]{64}$/, '«بصمة رابط التقييم» غير صالحة.'),
    /** The policy profile whose service the page names (the association's). */
    profileId: configKey('السياسة'),
    issuedAt: instant('وقت إصدار رابط التقييم'),
    expiresAt: instant('انتهاء صلاحية رابط التقييم'),
  })
  .refine(
    (l) => {
      const span = Date.parse(l.expiresAt) - Date.parse(l.issuedAt);
      return span > 0 && span <= EVALUATION_LINK_VALIDITY_DAYS * 86_400_000;
    },
    { message: `صلاحية رابط التقييم من وقت إصداره حتى ${EVALUATION_LINK_VALIDITY_DAYS} يومًا على الأكثر.`, path: ['expiresAt'] },
  );

// تقديم الخدمة — one delivery (a consultation session, a programme attendance, an aid handover),
// recorded by the branch staff member or field delegate who delivered it.
export const serviceDeliverySchema = z.object({
  ...baseFields,
  requestId: ref('الطلب'),
  beneficiaryId: ref('المستفيد'),
  serviceId: configKey('الخدمة'),
  deliveredAt: instant('وقت تقديم الخدمة'),
  deliveredBy: ref('مقدّم الخدمة'),
  mode: oneOf(deliveryModes, 'طريقة تقديم الخدمة'),
  /** Session number for services given in several sessions. */
  sessionNumber: wholeNumber('رقم الجلسة', 1, 1000).optional(),
  /** What was delivered and observations. Encrypted. */
  notes: longText('ملاحظات تقديم الخدمة', 4000).optional(),
  /** Evaluation QR codes printed for this delivery (newest last). */
  evaluationLinks: listOf(evaluationLinkSchema, 'روابط التقييم', 20).optional(),
});

export const serviceDeliveries = defineCollection({
  name: 'service_deliveries',
  // 1: evaluationLinks (renderer/src/data/migrations.ts keeps older documents as they are).
  version: 1,
  description: 'Service deliveries (تقديم الخدمات)',
  schema: serviceDeliverySchema,
  primaryKey: 'id',
  indexes: [['branchId', 'serviceId', 'deliveredAt'], 'requestId'],
  encrypted: ['notes'],
  writers: ['branch_staff', 'field_delegate'],
  scope: 'branch',
});

export type ServiceDelivery = z.infer<typeof serviceDeliverySchema>;
export type EvaluationLink = z.infer<typeof evaluationLinkSchema>;
