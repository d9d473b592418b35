import { z } from 'zod';
import { defineCollection } from './collection';
import { baseFields } from './base';
import { configKey, instant, longText, oneOf, ref, text } from './fields';

export const contactDirections = ['inbound', 'outbound'] as const; // وارد، صادر
export const contactSubjects = ['inquiry', 'request', 'complaint', 'suggestion', 'follow_up', 'other'] as const;
/** Where a contact can be referred: inside the association, or outside (1919 for protection reports). */
export const referralTargets = ['social_researcher', 'research_committee', 'unified_reporting_1919', 'enforcement_court', 'other_entity'] as const;

// سجل التواصل — every interaction through a channel (interview, phone, social media, letters,
// help-request services, volunteering, website, branch-office delegates) and any referral,
// recorded by the field delegate, branch staff member or social researcher who handled it.
export const contactLogSchema = z.object({
  ...baseFields,
  channelId: configKey('قناة التواصل'),
  direction: oneOf(contactDirections, 'اتجاه التواصل'),
  at: instant('وقت التواصل'),
  subject: oneOf(contactSubjects, 'موضوع التواصل'),
  handledBy: ref('الموظف'),
  beneficiaryId: ref('المستفيد').optional(),
  requestId: ref('الطلب').optional(),
  /** Name of a person not yet registered. Encrypted. */
  contactName: text('اسم المتواصل', 200).optional(),
  /** Phone of a person not yet registered (+9665XXXXXXXX or a landline). Encrypted. */
  contactPhone: text('هاتف المتواصل', 20).optional(),
  /** What was asked and answered. Encrypted. */
  summary: longText('ملخص التواصل', 4000),
  referral: z
    .object({
      to: oneOf(referralTargets, 'جهة الإحالة'),
      note: longText('ملاحظة الإحالة', 1000).optional(),
    })
    .optional(),
});

export const contactLogs = defineCollection({
  name: 'contact_logs',
  version: 0,
  description: 'Contact logs (سجل التواصل): channel interactions and referrals',
  schema: contactLogSchema,
  primaryKey: 'id',
  indexes: [['branchId', 'at'], ['channelId', 'at']],
  encrypted: ['contactName', 'contactPhone', 'summary'],
  writers: ['field_delegate', 'branch_staff', 'social_researcher'],
  scope: 'branch',
});

export type ContactLog = z.infer<typeof contactLogSchema>;
