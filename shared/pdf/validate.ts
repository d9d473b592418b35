// Checks every text field before drawing: required, length limits, control characters, and code
// points the font cannot draw.

import { DocumentInputError, FIELD_LIMITS } from './errors';
import { stripBidiControls, type TextEngine } from './textLayout';

const FIELD_LABELS_AR: Record<string, string> = {
  reference: 'الرقم المرجعي',
  declaredAt: 'تاريخ الإقرار',
  name: 'الاسم',
  licenceNumber: 'رقم الترخيص',
  phone: 'الهاتف',
  email: 'البريد الإلكتروني',
  address: 'العنوان',
  website: 'الموقع الإلكتروني',
  text: 'نص الإقرار',
  policyVersion: 'إصدار السياسة',
  fullName: 'اسم المستفيد',
  nationalId: 'رقم الهوية أو الإقامة',
  nationality: 'الجنسية',
  dateOfBirth: 'تاريخ الميلاد',
  maritalStatus: 'الحالة الاجتماعية',
  mobile: 'رقم الجوال',
  iban: 'رقم الآيبان',
  employer: 'جهة العمل أو مصدر الدخل',
  monthlyIncome: 'الدخل الشهري',
  housing: 'السكن',
  relation: 'صلة القرابة',
  type: 'نوع الطلب',
  description: 'وصف الطلب',
  note: 'ملاحظة',
  role: 'الوظيفة',
  place: 'مكان الإقرار',
  relationToBeneficiary: 'صلة مقدم الطلب بالمستفيد',
  beneficiaryName: 'اسم المستفيد',
  service: 'الخدمة',
  channel: 'قناة التواصل',
  submittedAt: 'تاريخ تقديم الطلب',
  earliestReplyAt: 'أقرب موعد للرد',
  nextSteps: 'الخطوات التالية',
  signature: 'توقيع مقدم الطلب',
  statement: 'نص الإقرار',
  members: 'أفراد الأسرة',
  documents: 'المستندات',
};

export function fieldLabelAr(path: string): string {
  const leaf = path.replace(/\[\d+\]/g, '').split('.').pop() ?? path;
  return FIELD_LABELS_AR[leaf] ?? leaf;
}

// C0 and C1 controls, DEL, unpaired surrogates, noncharacters. Line feed is allowed in multi-line fields only.
// eslint-disable-next-line no-control-regex -- matching control characters is the point of this pattern
const CONTROL = /[\u0000-\u0008\u000b-\u001f\u007f-\u009f\ufffe\uffff]|[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/;

export interface TextRule {
  max: number;
  required?: boolean;
  multiline?: boolean;
  bold?: boolean;
}

export class FieldChecker {
  constructor(private readonly engine: TextEngine) {}

  text(path: string, value: unknown, rule: TextRule): void {
    const label = fieldLabelAr(path);
    if (value === undefined || value === null || (typeof value === 'string' && value.trim() === '')) {
      if (rule.required) {
        throw new DocumentInputError(path, 'missing', `الحقل «${label}» (${path}) مطلوب؛ أدخله ثم أعد إنشاء المستند.`, `The field "${path}" is required; fill it in and create the document again.`);
      }
      return;
    }
    if (typeof value !== 'string') {
      throw new DocumentInputError(path, 'invalid', `قيمة الحقل «${label}» (${path}) غير صالحة.`, `The field "${path}" has an invalid value.`);
    }
    const clean = stripBidiControls(value);
    if ([...clean].length > rule.max) {
      throw new DocumentInputError(path, 'too_long', `الحقل «${label}» (${path}) أطول من ${rule.max} حرفًا؛ اختصره ثم أعد المحاولة.`, `The field "${path}" is longer than ${rule.max} characters; shorten it and try again.`);
    }
    const control = CONTROL.exec(clean) ?? (!rule.multiline && /[\n\r\t]/.exec(clean));
    if (control) {
      const cp = `U+${(control[0].codePointAt(0) ?? 0).toString(16).toUpperCase().padStart(4, '0')}`;
      throw new DocumentInputError(path, 'control_character', `الحقل «${label}» (${path}) يحتوي على رمز تحكم غير مسموح (${cp})؛ احذفه ثم أعد المحاولة.`, `The field "${path}" contains a control character (${cp}); remove it and try again.`);
    }
    for (const font of rule.bold ? (['regular', 'bold'] as const) : (['regular'] as const)) {
      const missing = this.engine.missingGlyphs(clean.replace(/[\r\t]/g, ' '), font);
      if (missing.length > 0) {
        const chars = [...new Set(missing)].map((cp) => `U+${cp.toString(16).toUpperCase().padStart(4, '0')} «${String.fromCodePoint(cp)}»`).join('، ');
        throw new DocumentInputError(path, 'unsupported_character', `الحقل «${label}» (${path}) يحتوي على حرف لا يمكن طباعته: ${chars}؛ استبدله أو احذفه.`, `The field "${path}" contains a character the document font cannot print: ${chars}; replace or remove it.`);
      }
    }
  }

  count(path: string, value: unknown[], max: number): void {
    if (value.length > max) {
      const label = fieldLabelAr(path);
      throw new DocumentInputError(path, 'too_many', `عدد «${label}» (${path}) أكثر من ${max}؛ اختصر القائمة ثم أعد المحاولة.`, `"${path}" has more than ${max} entries; shorten the list and try again.`);
    }
  }

  isoDate(path: string, value: unknown): Date {
    const label = fieldLabelAr(path);
    const d = typeof value === 'string' ? new Date(value) : undefined;
    if (!d || Number.isNaN(d.getTime())) {
      throw new DocumentInputError(path, 'invalid', `التاريخ في الحقل «${label}» (${path}) غير صالح.`, `The date in "${path}" is not valid.`);
    }
    return d;
  }
}

export { FIELD_LIMITS };
