import { z } from 'zod';
import { defineCollection } from './collection';
import { baseFields } from './base';
import { configKey, instant, listOf, longText, oneOf, ref, text } from './fields';

export const interviewModes = ['office', 'field', 'phone'] as const; // في المكتب، ميدانية، هاتفية
export const interviewResults = ['passed', 'not_passed', 'not_assessed'] as const; // اجتاز، لم يجتز، بلا تقييم
/** A draft is saved automatically while the interview is typed; absent means completed. */
export const interviewStatuses = ['draft', 'completed'] as const; // مسودة، مكتملة

// المقابلة — recorded by the field delegate or branch staff who met the beneficiary, or by the
// social researcher.
export const interviewSchema = z.object({
  ...baseFields,
  beneficiaryId: ref('المستفيد'),
  requestId: ref('الطلب'),
  conductedBy: ref('أجرى المقابلة'),
  conductedAt: instant('وقت المقابلة'),
  mode: oneOf(interviewModes, 'نوع المقابلة'),
  /** 'draft' while being typed (saved automatically); completed interviews may omit it. */
  status: oneOf(interviewStatuses, 'حالة المقابلة').optional(),
  /** Answers to the interview questions. Encrypted. */
  answers: listOf(
    z.object({
      questionId: configKey('السؤال'),
      question: text('نص السؤال', 500),
      answer: longText('الإجابة', 4000),
    }),
    'إجابات المقابلة',
    100,
  ),
  /** Interviewer's notes. Encrypted. */
  notes: longText('ملاحظات المقابلة', 8000).optional(),
  /** Result where the service requires passing a personal interview (اجتياز المقابلة الشخصية). */
  result: oneOf(interviewResults, 'نتيجة المقابلة'),
  /** Referral to the social-research officer when the procedures are unclear. Encrypted. */
  referral: z
    .object({
      researcherId: ref('الباحث الاجتماعي').optional(),
      reason: text('سبب الإحالة', 2000),
      referredAt: instant('وقت الإحالة'),
    })
    .optional(),
});

export const interviews = defineCollection({
  name: 'interviews',
  version: 0,
  description: 'Interviews (المقابلات) with beneficiaries: office, field or phone',
  schema: interviewSchema,
  primaryKey: 'id',
  indexes: [['branchId', 'conductedAt'], 'requestId', 'beneficiaryId'],
  encrypted: ['answers', 'notes', 'referral'],
  writers: ['field_delegate', 'branch_staff', 'social_researcher'],
  scope: 'branch',
});

export type Interview = z.infer<typeof interviewSchema>;
