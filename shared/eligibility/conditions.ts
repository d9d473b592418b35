import { z } from 'zod';

/**
 * Eligibility conditions as data (شروط الاستحقاق). A service in a policy profile lists its
 * conditions; an administrator writes them as JSON, the engine evaluates them against facts.
 *
 * Every condition carries:
 * - `id`: unique within the service; the engine names failing/unknown conditions by it.
 * - `labelAr` / `labelEn`: what the condition says, as shown to staff.
 * - `source`: 'seed' when the condition is written in the association's approved policy,
 *   'derived' when it was inferred (e.g. from the service's stated purpose).
 * - `clause` (optional): where it stands in the policy text, e.g. "٣-ب".
 * - `quoteAr` (optional): the policy's own wording, verbatim.
 */

export const conditionSources = ['seed', 'derived'] as const;
export type ItemSource = (typeof conditionSources)[number];

/** Lawful status of a person for nationality/residence conditions. */
export const legalStatuses = ['saudi', 'resident'] as const;
export type LegalStatus = (typeof legalStatuses)[number];

export const genders = ['female', 'male'] as const;
export type Gender = (typeof genders)[number];

// الحالة الاجتماعية
export const maritalStatuses = ['single', 'married', 'divorced', 'widowed'] as const;
export type MaritalStatus = (typeof maritalStatuses)[number];

/** Who referred the case. 'self' = the person came on their own (self-referral / individual report). */
export const referralSources = [
  'enforcement_court', // محكمة التنفيذ
  'rulings_enforcement_division', // شعبة تنفيذ الأحكام الحقوقية
  'unified_reporting_centre_1919', // مركز البلاغات الموحد ١٩١٩
  'police', // مراكز الشرطة
  'hospital', // المستشفيات
  'school', // المدارس
  'other_body', // جهة أخرى
  'self', // إحالة ذاتية / بلاغ فردي
] as const;
export type ReferralSource = (typeof referralSources)[number];

export const referralMethods = [
  'email', // البريد الإلكتروني
  'hand_delivery_by_court_delegate', // مناولة عن طريق مندوب المحكمة
  'official_letter', // خطاب رسمي
  'phone',
  'in_person',
  'other',
] as const;
export type ReferralMethod = (typeof referralMethods)[number];

interface ConditionBase {
  id: string;
  labelAr: string;
  labelEn: string;
  source: ItemSource;
  clause?: string | undefined;
  quoteAr?: string | undefined;
}

/** أن يكون سعودي الجنسية أو مقيماً بإقامة نظامية (a resident needs lawful residence and a valid iqama). */
export interface NationalityOrResidenceCondition extends ConditionBase {
  type: 'nationality_or_residence';
  allowed: LegalStatus[];
}
/** Gender restriction, e.g. a service "for women" (سعودية الجنسية أو مقيمة). */
export interface GenderCondition extends ConditionBase {
  type: 'gender';
  allowed: Gender[];
}
/** تقديم ما يثبت الحالة الاجتماعية: the status must be allowed and a verified proof document presented. */
export interface MaritalStatusProofCondition extends ConditionBase {
  type: 'marital_status_proof';
  allowedStatuses: MaritalStatus[];
  documentTypeId: string;
}
/** اجتياز المقابلة الشخصية */
export interface InterviewPassedCondition extends ConditionBase {
  type: 'interview_passed';
}
/** التسجيل على الرابط الإلكتروني الخاص بالخدمة */
export interface ElectronicRegistrationCondition extends ConditionBase {
  type: 'electronic_registration';
}
/**
 * تقييم الخدمة بعد الحصول عليها — a post-service obligation. It can never be met before the service
 * is delivered, so it never blocks eligibility: before delivery it is 'unknown' and listed under
 * `pendingObligationIds`; after delivery it passes once the evaluation is submitted.
 */
export interface EvaluationAfterServiceCondition extends ConditionBase {
  type: 'evaluation_after_service';
}
/** تحويل الحالة من محكمة التنفيذ أو شعبة تنفيذ الأحكام الحقوقية بشكل رسمي عبر البريد الإلكتروني أو مناولة عن طريق مندوب المحكمة */
export interface CourtReferralCondition extends ConditionBase {
  type: 'court_referral';
  sources: ReferralSource[];
  methods: ReferralMethod[];
}
/** الإحالة الذاتية: the case is a self-referral and both parties are Saudi or lawful residents. */
export interface SelfReferralCondition extends ConditionBase {
  type: 'self_referral';
  partiesAllowed: LegalStatus[];
}
/** تقديم طلب التنفيذ من أطراف الدعوى وإكمال جميع المستندات والإجراءات اللازمة */
export interface ExecutionRequestCompleteCondition extends ConditionBase {
  type: 'execution_request_complete';
}
/**
 * البلاغ محال بطريقة رسمية من جهة معتمدة (١٩١٩، الشرطة، المستشفيات، المدارس). An individual report
 * (source 'self') fails and, when `redirectIndividualReportsTo1919`, carries the redirect message.
 */
export interface ProtectionReferralCondition extends ConditionBase {
  type: 'protection_referral';
  sources: ReferralSource[];
  redirectIndividualReportsTo1919: boolean;
}
/** All of the nested conditions must hold. */
export interface AllOfCondition extends ConditionBase {
  type: 'allOf';
  conditions: Condition[];
}
/** At least one of the nested conditions must hold (e.g. court referral OR self-referral). */
export interface AnyOfCondition extends ConditionBase {
  type: 'anyOf';
  conditions: Condition[];
}

export type LeafCondition =
  | NationalityOrResidenceCondition
  | GenderCondition
  | MaritalStatusProofCondition
  | InterviewPassedCondition
  | ElectronicRegistrationCondition
  | EvaluationAfterServiceCondition
  | CourtReferralCondition
  | SelfReferralCondition
  | ExecutionRequestCompleteCondition
  | ProtectionReferralCondition;

export type Condition = LeafCondition | AllOfCondition | AnyOfCondition;
export type ConditionType = Condition['type'];

export const conditionTypes = [
  'nationality_or_residence',
  'gender',
  'marital_status_proof',
  'interview_passed',
  'electronic_registration',
  'evaluation_after_service',
  'court_referral',
  'self_referral',
  'execution_request_complete',
  'protection_referral',
  'allOf',
  'anyOf',
] as const satisfies readonly ConditionType[];

/** Conditions that are obligations after the service, not prerequisites for it. */
export const postServiceConditionTypes: readonly ConditionType[] = ['evaluation_after_service'];

const idSchema = z
  .string()
  .min(1)
  .max(64)
  .regex(/^[a-z0-9][a-z0-9_.-]*$/, 'id: lowercase letters, digits, _ . -');
const nonEmpty = z.string().trim().min(1).max(2000);

const base = {
  id: idSchema,
  labelAr: nonEmpty,
  labelEn: nonEmpty,
  source: z.enum(conditionSources),
  clause: z.string().max(20).optional(),
  quoteAr: z.string().max(2000).optional(),
};

const nonEmptyUnique = <T extends z.ZodType>(item: T) =>
  z
    .array(item)
    .min(1)
    .refine((xs) => new Set(xs).size === xs.length, { message: 'duplicate values' });

export const conditionSchema: z.ZodType<Condition> = z.lazy(() =>
  z.discriminatedUnion('type', [
    z.strictObject({ ...base, type: z.literal('nationality_or_residence'), allowed: nonEmptyUnique(z.enum(legalStatuses)) }),
    z.strictObject({ ...base, type: z.literal('gender'), allowed: nonEmptyUnique(z.enum(genders)) }),
    z.strictObject({
      ...base,
      type: z.literal('marital_status_proof'),
      allowedStatuses: nonEmptyUnique(z.enum(maritalStatuses)),
      documentTypeId: idSchema,
    }),
    z.strictObject({ ...base, type: z.literal('interview_passed') }),
    z.strictObject({ ...base, type: z.literal('electronic_registration') }),
    z.strictObject({ ...base, type: z.literal('evaluation_after_service') }),
    z.strictObject({
      ...base,
      type: z.literal('court_referral'),
      sources: nonEmptyUnique(z.enum(referralSources)),
      methods: nonEmptyUnique(z.enum(referralMethods)),
    }),
    z.strictObject({ ...base, type: z.literal('self_referral'), partiesAllowed: nonEmptyUnique(z.enum(legalStatuses)) }),
    z.strictObject({ ...base, type: z.literal('execution_request_complete') }),
    z.strictObject({
      ...base,
      type: z.literal('protection_referral'),
      sources: nonEmptyUnique(z.enum(referralSources)),
      redirectIndividualReportsTo1919: z.boolean(),
    }),
    z.strictObject({ ...base, type: z.literal('allOf'), conditions: z.array(conditionSchema).min(1) }),
    z.strictObject({ ...base, type: z.literal('anyOf'), conditions: z.array(conditionSchema).min(1) }),
  ]),
);

/** Depth-first walk over a condition list, yielding each condition with its path and parent. */
export function* walkConditions(
  conditions: readonly Condition[],
  parent?: Condition,
  path: (string | number)[] = [],
): Generator<{ condition: Condition; parent: Condition | undefined; path: (string | number)[] }> {
  for (const [index, condition] of conditions.entries()) {
    const here = [...path, index];
    yield { condition, parent, path: here };
    if (condition.type === 'allOf' || condition.type === 'anyOf') {
      yield* walkConditions(condition.conditions, condition, [...here, 'conditions']);
    }
  }
}
