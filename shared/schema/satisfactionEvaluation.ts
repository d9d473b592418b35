import { z } from 'zod';
import { defineCollection } from './collection';
import { baseFields } from './base';
import { configKey, instant, listOf, longText, ref, wholeNumber } from './fields';

// تقييم الخدمة — the beneficiary's evaluation, a right and a tool for improvement, not for
// punishment. Entered by the beneficiary on the delegate's laptop or by branch staff on their
// behalf. Anonymous evaluations carry no link to the beneficiary, request or delivery.
export const satisfactionEvaluationSchema = z
  .object({
    ...baseFields,
    serviceId: configKey('الخدمة'),
    anonymous: z.boolean({ error: '«تقييم بدون اسم» يجب أن يكون نعم أو لا.' }),
    requestId: ref('الطلب').optional(),
    beneficiaryId: ref('المستفيد').optional(),
    deliveryId: ref('تقديم الخدمة').optional(),
    channelId: configKey('قناة التقييم').optional(),
    submittedAt: instant('وقت التقييم'),
    /** Overall satisfaction, 1 (very dissatisfied) to 5 (very satisfied). */
    overall: wholeNumber('التقييم العام', 1, 5),
    answers: listOf(
      z.object({ questionId: configKey('السؤال'), score: wholeNumber('درجة السؤال', 1, 5) }),
      'أسئلة التقييم',
      50,
    ),
    /** Free comment. Encrypted (it may name people). */
    comment: longText('الملاحظات', 2000).optional(),
  })
  .superRefine((v, ctx) => {
    if (v.anonymous) {
      for (const key of ['requestId', 'beneficiaryId', 'deliveryId'] as const) {
        if (v[key] !== undefined) {
          ctx.addIssue({ code: 'custom', path: [key], message: 'التقييم بدون اسم لا يُربط بالمستفيد أو طلبه. أزل الربط أو ألغِ خيار «بدون اسم».' });
        }
      }
    }
  });

export const satisfactionEvaluations = defineCollection({
  name: 'satisfaction_evaluations',
  version: 0,
  description: 'Service satisfaction evaluations (تقييمات رضا المستفيدين), optionally anonymous',
  schema: satisfactionEvaluationSchema,
  primaryKey: 'id',
  indexes: [['branchId', 'serviceId', 'submittedAt']],
  encrypted: ['comment'],
  writers: ['field_delegate', 'branch_staff'],
  scope: 'branch',
});

export type SatisfactionEvaluation = z.infer<typeof satisfactionEvaluationSchema>;
