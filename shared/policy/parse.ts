import type { z } from 'zod';
import { conditionTypes } from '../eligibility/conditions';
import { MIN_RESEARCH_COMMITTEE_REPLY_DAYS, policyProfileSchema, type PolicyProfile } from './schema';

/** One problem in a policy profile: where it is (dotted path) and what to do, in Arabic and English. */
export interface PolicyIssue {
  path: string;
  messageAr: string;
  messageEn: string;
}

export type ParsePolicyResult = { ok: true; profile: PolicyProfile } | { ok: false; issues: PolicyIssue[] };

const fieldAr: Record<string, string> = {
  id: 'المعرّف',
  labelAr: 'التسمية العربية',
  labelEn: 'التسمية الإنجليزية',
  titleAr: 'العنوان العربي',
  titleEn: 'العنوان الإنجليزي',
  nameAr: 'الاسم العربي',
  nameEn: 'الاسم الإنجليزي',
  descriptionAr: 'الوصف العربي',
  descriptionEn: 'الوصف الإنجليزي',
  textAr: 'النص العربي',
  textEn: 'النص الإنجليزي',
  type: 'النوع',
  channels: 'قنوات التواصل',
  tools: 'أدوات موظف علاقات المستفيدين',
  services: 'الخدمات',
  conditions: 'الشروط',
  procedureSteps: 'خطوات الإجراء',
  questions: 'أسئلة المقابلة',
  minReplyPeriodDays: 'مدة رد لجنة البحث (بالأيام)',
  licenceNumber: 'رقم الترخيص',
  version: 'رقم الإصدار',
  schemaVersion: 'إصدار صيغة الملف',
  documentTypeIds: 'أنواع المستندات',
  documentTypeId: 'نوع المستند',
  declaration: 'نص الإقرار',
  association: 'بيانات الجمعية',
  interview: 'نموذج المقابلة',
  allowed: 'القيم المسموح بها',
  allowedStatuses: 'الحالات الاجتماعية المقبولة',
  partiesAllowed: 'صفة طرفي الدعوى',
  sources: 'جهات الإحالة',
  methods: 'طرق الإحالة',
  source: 'المصدر (seed أو derived)',
  options: 'الخيارات',
  required: 'إلزامي',
};

const fieldOf = (path: readonly PropertyKey[]) => {
  const key = [...path].reverse().find((k) => typeof k === 'string');
  return typeof key === 'string' ? key : '';
};
const nameAr = (key: string) => fieldAr[key] ?? key;

function describe(issue: z.core.$ZodIssue): { ar: string; en: string } {
  const key = fieldOf(issue.path);
  const fAr = nameAr(key);
  const fEn = key || 'value';
  switch (issue.code) {
    case 'custom': {
      const params = (issue.params ?? {}) as Record<string, unknown>;
      const id = String(params['id'] ?? '');
      switch (params['key']) {
        case 'duplicate_id':
          return { ar: `المعرّف «${id}» مكرر؛ اجعل لكل عنصر معرّفاً فريداً.`, en: `The id "${id}" is used twice; give every item a unique id.` };
        case 'unknown_document_type':
          return {
            ar: `نوع المستند «${id}» غير معرّف في قائمة أنواع المستندات؛ أضفه إلى documentTypes أو صحّح المعرّف.`,
            en: `Document type "${id}" is not defined in documentTypes; add it there or correct the id.`,
          };
        case 'step_order':
          return { ar: `ترتيب الخطوة يجب أن يكون ${String(params['expected'])}؛ رقّم الخطوات تباعاً من ١.`, en: `Step order must be ${String(params['expected'])}; number the steps 1, 2, 3…` };
        case 'choice_options':
          return { ar: 'سؤال الاختيار يحتاج خيارين على الأقل؛ أضف الخيارات.', en: 'A choice question needs at least two options; add them.' };
        case 'options_not_choice':
          return { ar: 'الخيارات لا تكون إلا لسؤال من نوع اختيار؛ احذفها أو غيّر نوع السؤال.', en: 'Options are only for choice questions; remove them or change the type.' };
        case 'date_pair_mismatch':
          return {
            ar: `التاريخ الهجري لا يوافق التاريخ الميلادي بتقويم أم القرى (الموافق: ${String(params['expected'])} هـ)؛ صحّح أحدهما.`,
            en: `The Hijri date does not match the Gregorian date in the Umm al-Qura calendar (it is ${String(params['expected'])} AH); correct one of them.`,
          };
        default:
          return { ar: `قيمة غير صالحة في «${fAr}»؛ راجعها.`, en: `Invalid value in "${fEn}"; review it.` };
      }
    }
    case 'invalid_union': {
      if ('discriminator' in issue && issue.discriminator === 'type') {
        const input: unknown = issue.input;
        const raw = input && typeof input === 'object' ? (input as Record<string, unknown>)['type'] : input;
        const given = typeof raw === 'string' ? raw.slice(0, 60) : JSON.stringify(raw ?? null).slice(0, 60);
        return {
          ar: `نوع الشرط «${given}» غير معروف. الأنواع المعروفة: ${conditionTypes.join('، ')}.`,
          en: `Unknown condition type "${given}". Known types: ${conditionTypes.join(', ')}.`,
        };
      }
      return { ar: `قيمة «${fAr}» لا تطابق أياً من الصيغ المقبولة؛ راجعها.`, en: `"${fEn}" matches none of the accepted forms; review it.` };
    }
    case 'invalid_type':
      if (issue.input === undefined) return { ar: `الحقل «${fAr}» مطلوب؛ أدخله ثم أعد الحفظ.`, en: `"${fEn}" is required; fill it in and save again.` };
      return { ar: `نوع قيمة «${fAr}» غير صحيح (المتوقع: ${issue.expected}).`, en: `"${fEn}" has the wrong type (expected ${issue.expected}).` };
    case 'too_small':
      if (key === 'minReplyPeriodDays') {
        return {
          ar: `مدة رد لجنة البحث لا تقل عن أسبوعين (${MIN_RESEARCH_COMMITTEE_REPLY_DAYS} يوماً) كما تنص السياسة؛ أدخل ${MIN_RESEARCH_COMMITTEE_REPLY_DAYS} أو أكثر.`,
          en: `The research committee's reply period is not less than two weeks (${MIN_RESEARCH_COMMITTEE_REPLY_DAYS} days) per the policy; enter ${MIN_RESEARCH_COMMITTEE_REPLY_DAYS} or more.`,
        };
      }
      if (issue.origin === 'string') return { ar: `الحقل «${fAr}» لا يجوز أن يكون فارغاً؛ أدخل نصه.`, en: `"${fEn}" must not be empty; enter its text.` };
      if (issue.origin === 'array') return { ar: `«${fAr}» يجب أن تحتوي على ${String(issue.minimum)} عنصر على الأقل؛ أضف ما ينقص.`, en: `"${fEn}" needs at least ${String(issue.minimum)} item(s); add the missing ones.` };
      return { ar: `قيمة «${fAr}» يجب ألا تقل عن ${String(issue.minimum)}.`, en: `"${fEn}" must be at least ${String(issue.minimum)}.` };
    case 'too_big':
      return { ar: `قيمة «${fAr}» أكبر من المسموح (${String(issue.maximum)}).`, en: `"${fEn}" exceeds the maximum (${String(issue.maximum)}).` };
    case 'invalid_format':
      if (key === 'licenceNumber') return { ar: 'رقم الترخيص يتكون من ١٠ أرقام؛ انسخه من شهادة الترخيص.', en: 'The licence number has 10 digits; copy it from the licence certificate.' };
      if (key === 'id' || key === 'documentTypeId' || fieldOf(issue.path.slice(0, -1)) === 'documentTypeIds') {
        return { ar: 'المعرّف يُكتب بحروف لاتينية صغيرة وأرقام و( _ . - ) فقط، مثل support_request.', en: 'Ids use lowercase Latin letters, digits and _ . - only, e.g. support_request.' };
      }
      return { ar: `صيغة «${fAr}» غير صحيحة؛ راجعها.`, en: `"${fEn}" has an invalid format; review it.` };
    case 'invalid_value':
      return {
        ar: `قيمة «${fAr}» غير مقبولة؛ القيم المسموح بها: ${issue.values.map(String).join('، ')}.`,
        en: `"${fEn}" is not accepted; allowed values: ${issue.values.map(String).join(', ')}.`,
      };
    case 'unrecognized_keys':
      return {
        ar: `حقول غير معروفة: ${issue.keys.join('، ')}؛ تحقق من كتابة أسمائها أو احذفها.`,
        en: `Unknown fields: ${issue.keys.join(', ')}; check their spelling or remove them.`,
      };
    default:
      return { ar: `قيمة غير صالحة في «${fAr}»؛ راجعها.`, en: `Invalid value in "${fEn}"; review it.` };
  }
}

/**
 * Validate a policy profile authored as data (an object, or its JSON text).
 * Returns the typed profile, or every problem with its dotted path (e.g. "channels.2.labelAr").
 */
export function parsePolicyProfile(json: unknown): ParsePolicyResult {
  let data = json;
  if (typeof json === 'string') {
    try {
      data = JSON.parse(json) as unknown;
    } catch {
      return {
        ok: false,
        issues: [{ path: '', messageAr: 'الملف ليس بصيغة JSON صحيحة؛ افحصه بمحرر JSON وصحّح الصيغة.', messageEn: 'The file is not valid JSON; check it in a JSON editor and fix the syntax.' }],
      };
    }
  }
  const parsed = policyProfileSchema.safeParse(data, { reportInput: true });
  if (parsed.success) return { ok: true, profile: parsed.data };
  return {
    ok: false,
    issues: parsed.error.issues.map((issue) => {
      const { ar, en } = describe(issue);
      return { path: issue.path.map(String).join('.'), messageAr: ar, messageEn: en };
    }),
  };
}
