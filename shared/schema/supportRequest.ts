import { z } from 'zod';
import { defineCollection, roles } from './collection';
import { baseFields } from './base';
import { configKey, instant, isoDay, listOf, longText, oneOf, ref, sha256, text } from './fields';
import { procedureEventTypes, procedureStates } from '../workflow/states';

/** One step of the procedure, as recorded by `transition` in shared/workflow. */
export const transitionRecordSchema = z.object({
  from: oneOf(procedureStates, 'الحالة السابقة'),
  to: oneOf(procedureStates, 'الحالة الجديدة'),
  event: oneOf(procedureEventTypes, 'الإجراء'),
  by: ref('منفّذ الإجراء'),
  role: oneOf(roles, 'صفة منفّذ الإجراء'),
  at: instant('وقت الإجراء'),
  reason: text('سبب الإجراء', 2000).optional(),
});

// طلب الدعم — the case. Field delegates and branch staff create it and move it through reception,
// data collection, the declaration, submission, registration and delivery; the social researcher
// hands referred requests back; committee members record acceptance, rejection or a request for
// more information (their reasons live in committee_decisions).
export const supportRequestSchema = z.object({
  ...baseFields,
  beneficiaryId: ref('المستفيد'),
  /** Service from the policy profile's catalogue (الخدمة المطلوبة). */
  serviceId: configKey('الخدمة'),
  /** Contact channel the request came through (قناة التواصل), from the policy profile. */
  channelId: configKey('قناة التواصل'),
  /** Staff member responsible for the request. */
  assignedTo: ref('الموظف المسؤول').optional(),
  state: oneOf(procedureStates, 'مرحلة الطلب'),
  /** The beneficiary's description of the need (وصف الاحتياج). Encrypted. */
  summary: longText('وصف الطلب', 4000).optional(),
  declarationId: ref('الإقرار').optional(),
  /** SHA-256 of the declared data (the declaration's dataSha256) at signing. */
  declarationHash: sha256('بصمة الإقرار').optional(),
  submittedAt: instant('تاريخ الرفع إلى اللجنة').optional(),
  /** Saudi civil day before which the committee does not answer (submission + ≥ 14 days). */
  earliestReplyDate: isoDay('أقرب موعد للرد').optional(),
  decisionId: ref('قرار اللجنة').optional(),
  /** Every transition, oldest first. Encrypted: reasons may describe the family's situation. */
  history: listOf(transitionRecordSchema, 'سجل الإجراءات', 500),
});

export const supportRequests = defineCollection({
  name: 'support_requests',
  version: 0,
  description: 'Support requests (طلبات الدعم): the case and its procedure',
  schema: supportRequestSchema,
  primaryKey: 'id',
  indexes: [['branchId', 'state', 'updatedAt'], 'beneficiaryId', 'updatedAt'],
  encrypted: ['summary', 'history'],
  // The committee writes committee_decisions only (one writer role per collection); the
  // branch applies a synced decision to its request (the transition records the member).
  writers: ['field_delegate', 'branch_staff', 'social_researcher'],
  scope: 'branch',
});

export type SupportRequest = z.infer<typeof supportRequestSchema>;
export type TransitionRecordDoc = z.infer<typeof transitionRecordSchema>;
