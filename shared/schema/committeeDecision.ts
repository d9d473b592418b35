import { z } from 'zod';
import { defineCollection } from './collection';
import { baseFields } from './base';
import { configKey, instant, listOf, oneOf, ref, text } from './fields';

export const committeeDecisionKinds = ['accepted', 'rejected', 'more_information'] as const; // قبول، رفض، طلب معلومات إضافية

// قرار لجنة البحث — written by research-committee members only. Append-only: a reconsidered
// request gets a new decision.
export const committeeDecisionSchema = z
  .object({
    ...baseFields,
    requestId: ref('الطلب'),
    beneficiaryId: ref('المستفيد'),
    serviceId: configKey('الخدمة'),
    decision: oneOf(committeeDecisionKinds, 'القرار'),
    /** Reasons given to the beneficiary and kept for review. Encrypted. */
    reasons: listOf(text('سبب القرار', 2000), 'أسباب القرار', 20),
    /** Members present at the meeting (الأعضاء الحاضرون). */
    membersPresent: listOf(
      z.object({ userId: ref('العضو'), name: text('اسم العضو', 200), position: text('صفة العضو', 100).optional() }),
      'الأعضاء الحاضرون',
      30,
      1,
    ),
    decidedAt: instant('تاريخ القرار'),
    meetingReference: text('رقم الاجتماع', 64).optional(),
  })
  .superRefine((v, ctx) => {
    if (v.decision !== 'accepted' && v.reasons.length === 0) {
      ctx.addIssue({ code: 'custom', path: ['reasons'], message: 'اكتب سبب الرفض أو المعلومات المطلوبة؛ للمستفيد أن يعرف سبب القرار.' });
    }
  });

export const committeeDecisions = defineCollection({
  name: 'committee_decisions',
  version: 0,
  description: 'Research committee decisions (قرارات لجنة البحث)',
  schema: committeeDecisionSchema,
  primaryKey: 'id',
  indexes: [['branchId', 'decidedAt'], 'requestId'],
  encrypted: ['reasons'],
  writers: ['committee_member'],
  scope: 'branch',
  appendOnly: true,
});

export type CommitteeDecision = z.infer<typeof committeeDecisionSchema>;
