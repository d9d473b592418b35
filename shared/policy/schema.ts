import { z } from 'zod';
import { conditionSchema, conditionSources, walkConditions } from '../eligibility/conditions';

/**
 * Beneficiary-relations policy profile (سياسة تنظيم العلاقة مع المستفيدين) of one association, as data.
 * Versioned and validated; an administrator can author a new one as JSON and load it with
 * `parsePolicyProfile` without code changes.
 */

export const POLICY_PROFILE_SCHEMA_VERSION = 1;
/** The policies say the committee answers "within a period of not less than two weeks". */
export const MIN_RESEARCH_COMMITTEE_REPLY_DAYS = 14;

const id = z
  .string()
  .min(1)
  .max(64)
  .regex(/^[a-z0-9][a-z0-9_.-]*$/, 'id: lowercase letters, digits, _ . -');
const textAr = z.string().trim().min(1).max(4000);
const textEn = z.string().trim().min(1).max(4000);
const source = z.enum(conditionSources);

/** A calendar date as written in the document: year, month, day (Hijri or Gregorian per field). */
export const dateParts = z.strictObject({
  y: z.number().int(),
  m: z.number().int().min(1).max(12),
  d: z.number().int().min(1).max(31),
});
const hijriDate = dateParts.extend({ y: z.number().int().min(1300).max(1600), d: z.number().int().min(1).max(30) });
const gregorianDate = dateParts.extend({ y: z.number().int().min(1900).max(2200) });

// قنوات التواصل مع المستفيدين
export const channelSchema = z.strictObject({ id, labelAr: textAr, labelEn: textEn });

// الأدوات المتاحة لموظف علاقات المستفيدين
export const toolSchema = z.strictObject({
  id,
  titleAr: textAr,
  titleEn: textEn,
  descriptionAr: textAr,
  descriptionEn: textEn,
  /** A form the officer fills with the beneficiary (e.g. طلب دعم مستفيد), not only a reference to read. */
  isForm: z.boolean().default(false),
});

export const procedureStepSchema = z.strictObject({ order: z.number().int().min(1), textAr, textEn: textEn.optional() });

export const documentTypeSchema = z.strictObject({ id, labelAr: textAr, labelEn: textEn, source });

export const interviewQuestionSchema = z
  .object({
    id,
    labelAr: textAr,
    labelEn: textEn,
    type: z.enum(['text', 'yesno', 'choice', 'number']),
    required: z.boolean(),
    options: z.array(z.strictObject({ id, labelAr: textAr, labelEn: textEn })).optional(),
  })
  .superRefine((q, ctx) => {
    if (q.type === 'choice' && (!q.options || q.options.length < 2)) {
      ctx.addIssue({ code: 'custom', path: ['options'], message: 'choice needs options', params: { key: 'choice_options' } });
    }
    if (q.type !== 'choice' && q.options) {
      ctx.addIssue({ code: 'custom', path: ['options'], message: 'options only for choice', params: { key: 'options_not_choice' } });
    }
  });

export const interviewTemplateSchema = z.strictObject({
  source,
  titleAr: textAr,
  titleEn: textEn,
  questions: z.array(interviewQuestionSchema).min(1),
});

/** Required documents: each entry is satisfied by ANY of its document types (e.g. national ID or iqama). */
export const requiredDocumentSchema = z.strictObject({ documentTypeIds: z.array(id).min(1), source });

export const serviceSchema = z.strictObject({
  id,
  nameAr: textAr,
  nameEn: textEn,
  descriptionAr: textAr.optional(),
  source,
  conditions: z.array(conditionSchema),
  requiredDocuments: z.array(requiredDocumentSchema),
  interview: interviewTemplateSchema,
});

export const boardMemberSchema = z.strictObject({
  nameAr: textAr,
  roleAr: textAr.optional(),
  roleEn: textEn.optional(),
  /** True only where the document shows this member's signature. */
  signed: z.boolean(),
});

// اعتماد مجلس الإدارة
export const boardApprovalSchema = z.strictObject({
  /** Session / meeting number, when the document gives a clear one. */
  sessionNumber: z.number().int().min(1).optional(),
  /** The session as written, verbatim (e.g. "جلسته 1.." or "جلسته الثانية"). */
  sessionTextAr: textAr.optional(),
  /** Board term, as written (e.g. "دورته الأولى"). */
  termAr: textAr.optional(),
  hijriDate: hijriDate.optional(),
  gregorianDate: gregorianDate.optional(),
  members: z.array(boardMemberSchema),
  /** The document closes with the chair's signature block. */
  chairSignatureBlock: z.boolean().default(false),
});

export const contactSchema = z.strictObject({
  phones: z.array(z.string().regex(/^(05\d{8}|\+9665\d{8}|0\d{8,9})$/, 'phone')).default([]),
  socialHandles: z.array(z.string().min(2).max(60)).default([]),
  email: z.email().optional(),
  website: z.url().optional(),
});

export const policyNoteSchema = z.strictObject({ textAr, textEn });

export const policyProfileSchema = z
  .object({
    schemaVersion: z.literal(POLICY_PROFILE_SCHEMA_VERSION),
    id,
    /** Profile version: bump on every approved change; records keep the version they were made under. */
    version: z.number().int().min(1),
    association: z.strictObject({
      nameAr: textAr,
      nameEn: textEn.optional(),
      /** رقم الترخيص from the National Center for Non-Profit Sector Development (10 digits). */
      licenceNumber: z.string().regex(/^\d{10}$/, 'licence').optional(),
    }),
    policyTitleAr: textAr,
    issueDate: z.strictObject({ hijri: hijriDate.optional(), gregorian: gregorianDate.optional() }).optional(),
    channels: z.array(channelSchema).min(1),
    tools: z.array(toolSchema).min(1),
    procedureSteps: z.array(procedureStepSchema).min(1),
    goals: z.strictObject({ generalAr: textAr, detailedAr: z.array(textAr).min(1), meansAr: z.array(textAr) }),
    documentTypes: z.array(documentTypeSchema),
    services: z.array(serviceSchema).min(1),
    researchCommittee: z.strictObject({ minReplyPeriodDays: z.number().int().min(MIN_RESEARCH_COMMITTEE_REPLY_DAYS) }),
    declaration: z.strictObject({ textAr, textEn }),
    contact: contactSchema.optional(),
    approval: boardApprovalSchema.optional(),
    /** Remarks on the source document (e.g. its own inconsistencies), shown to administrators. */
    notes: z.array(policyNoteSchema).default([]),
  })
  .superRefine((p, ctx) => {
    const unique = (items: readonly { id: string }[], path: string) => {
      const seen = new Set<string>();
      items.forEach((item, i) => {
        if (seen.has(item.id)) ctx.addIssue({ code: 'custom', path: [path, i, 'id'], message: 'duplicate id', params: { key: 'duplicate_id', id: item.id } });
        seen.add(item.id);
      });
    };
    unique(p.channels, 'channels');
    unique(p.tools, 'tools');
    unique(p.services, 'services');
    unique(p.documentTypes, 'documentTypes');

    p.procedureSteps.forEach((s, i) => {
      if (s.order !== i + 1) ctx.addIssue({ code: 'custom', path: ['procedureSteps', i, 'order'], message: 'order', params: { key: 'step_order', expected: i + 1 } });
    });

    const docTypes = new Set(p.documentTypes.map((d) => d.id));
    p.services.forEach((service, si) => {
      service.requiredDocuments.forEach((r, ri) =>
        r.documentTypeIds.forEach((docId, di) => {
          if (!docTypes.has(docId)) {
            ctx.addIssue({ code: 'custom', path: ['services', si, 'requiredDocuments', ri, 'documentTypeIds', di], message: 'unknown document type', params: { key: 'unknown_document_type', id: docId } });
          }
        }),
      );
      const conditionIds = new Set<string>();
      for (const { condition, path } of walkConditions(service.conditions)) {
        const at = ['services', si, 'conditions', ...path];
        if (conditionIds.has(condition.id)) ctx.addIssue({ code: 'custom', path: [...at, 'id'], message: 'duplicate id', params: { key: 'duplicate_id', id: condition.id } });
        conditionIds.add(condition.id);
        if (condition.type === 'marital_status_proof' && !docTypes.has(condition.documentTypeId)) {
          ctx.addIssue({ code: 'custom', path: [...at, 'documentTypeId'], message: 'unknown document type', params: { key: 'unknown_document_type', id: condition.documentTypeId } });
        }
      }
      const questionIds = new Set<string>();
      service.interview.questions.forEach((q, qi) => {
        if (questionIds.has(q.id)) ctx.addIssue({ code: 'custom', path: ['services', si, 'interview', 'questions', qi, 'id'], message: 'duplicate id', params: { key: 'duplicate_id', id: q.id } });
        questionIds.add(q.id);
      });
    });

    const check = (hijri: z.infer<typeof hijriDate> | undefined, gregorian: z.infer<typeof gregorianDate> | undefined, path: (string | number)[]) => {
      if (!hijri || !gregorian) return;
      const actual = umAlQuraOf(gregorian);
      if (actual && (actual.y !== hijri.y || actual.m !== hijri.m || actual.d !== hijri.d)) {
        ctx.addIssue({ code: 'custom', path, message: 'hijri/gregorian mismatch', params: { key: 'date_pair_mismatch', expected: `${actual.d}/${actual.m}/${actual.y}` } });
      }
    };
    check(p.approval?.hijriDate, p.approval?.gregorianDate, ['approval', 'hijriDate']);
    check(p.issueDate?.hijri, p.issueDate?.gregorian, ['issueDate', 'hijri']);
  });

/**
 * The Umm al-Qura date of a Gregorian date, via Intl (available in Node and Chromium). Returns
 * undefined where the runtime lacks the calendar, so the check is skipped rather than wrong.
 */
function umAlQuraOf(g: { y: number; m: number; d: number }): { y: number; m: number; d: number } | undefined {
  try {
    const fmt = new Intl.DateTimeFormat('en-u-ca-islamic-umalqura-nu-latn', { timeZone: 'UTC', year: 'numeric', month: 'numeric', day: 'numeric' });
    if (fmt.resolvedOptions().calendar !== 'islamic-umalqura') return undefined;
    const parts = fmt.formatToParts(new Date(Date.UTC(g.y, g.m - 1, g.d)));
    const num = (t: string) => Number(parts.find((x) => x.type === t)?.value);
    const out = { y: num('year'), m: num('month'), d: num('day') };
    return Number.isFinite(out.y) && Number.isFinite(out.m) && Number.isFinite(out.d) ? out : undefined;
  } catch {
    return undefined;
  }
}

export type PolicyProfile = z.output<typeof policyProfileSchema>;
export type PolicyProfileInput = z.input<typeof policyProfileSchema>;
export type PolicyService = PolicyProfile['services'][number];
export type PolicyChannel = PolicyProfile['channels'][number];
export type PolicyTool = PolicyProfile['tools'][number];
export type PolicyDocumentType = PolicyProfile['documentTypes'][number];
export type InterviewTemplate = PolicyService['interview'];
export type InterviewQuestion = InterviewTemplate['questions'][number];
export type BoardApproval = NonNullable<PolicyProfile['approval']>;
export type BoardMember = BoardApproval['members'][number];
export type DateParts = z.infer<typeof dateParts>;
