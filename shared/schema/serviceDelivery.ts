import { z } from 'zod';
import { defineCollection } from './collection';
import { baseFields } from './base';
import { configKey, instant, longText, oneOf, ref, wholeNumber } from './fields';

export const deliveryModes = ['office', 'field', 'remote'] as const; // في المقر، ميدانيًا، عن بُعد

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
});

export const serviceDeliveries = defineCollection({
  name: 'service_deliveries',
  version: 0,
  description: 'Service deliveries (تقديم الخدمات)',
  schema: serviceDeliverySchema,
  primaryKey: 'id',
  indexes: [['branchId', 'serviceId', 'deliveredAt'], 'requestId'],
  encrypted: ['notes'],
  writers: ['branch_staff', 'field_delegate'],
  scope: 'branch',
});

export type ServiceDelivery = z.infer<typeof serviceDeliverySchema>;
