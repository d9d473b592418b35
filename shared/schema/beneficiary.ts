import { z } from 'zod';
import { defineCollection } from './collection';
import { baseFields } from './base';

// المستفيد — written by branch staff and field delegates.
export const beneficiarySchema = z.object({
  ...baseFields,
  fullName: z.string().trim().min(3, 'الاسم الكامل مطلوب (ثلاثة أحرف على الأقل)').max(200, 'الاسم أطول من المسموح'),
  nationalId: z.string().regex(/^[12]\d{9}$/, 'رقم الهوية أو الإقامة يجب أن يكون ١٠ أرقام يبدأ بـ ١ أو ٢'),
  phone: z.string().max(20).optional(),
});

export const beneficiaries = defineCollection({
  name: 'beneficiaries',
  version: 0,
  description: 'Beneficiaries (المستفيدون) registered by a branch',
  schema: beneficiarySchema,
  primaryKey: 'id',
  indexes: ['branchId', 'updatedAt'],
  encrypted: [],
  writers: ['branch_staff', 'field_delegate', 'social_researcher'],
  scope: 'branch',
});

export type Beneficiary = z.infer<typeof beneficiarySchema>;
