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

const PNG_SIGNATURE = [0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a];
let crcTable: Uint32Array | undefined;

function crc32(bytes: Uint8Array, start: number, end: number): number {
  if (!crcTable) {
    crcTable = new Uint32Array(256);
    for (let n = 0; n < 256; n++) {
      let c = n;
      for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
      crcTable[n] = c >>> 0;
    }
  }
  let c = 0xffffffff;
  for (let i = start; i < end; i++) c = (crcTable[(c ^ (bytes[i] ?? 0)) & 0xff] ?? 0) ^ (c >>> 8);
  return (c ^ 0xffffffff) >>> 0;
}

/**
 * Structural check of a PNG before it reaches pdf-lib's decoder (which loops forever on some
 * truncated files): signature, every chunk inside the file with a correct CRC, IHDR first with
 * sane dimensions, at least one IDAT, IEND last.
 */
export function isWellFormedPng(png: Uint8Array, maxSide = 4000): boolean {
  if (png.length < 8 + 25 + 12 + 12) return false;
  for (let i = 0; i < 8; i++) if (png[i] !== PNG_SIGNATURE[i]) return false;
  const dv = new DataView(png.buffer, png.byteOffset, png.byteLength);
  let at = 8;
  let first = true;
  let sawData = false;
  while (at + 12 <= png.length) {
    const length = dv.getUint32(at);
    const type = String.fromCharCode(png[at + 4] ?? 0, png[at + 5] ?? 0, png[at + 6] ?? 0, png[at + 7] ?? 0);
    const end = at + 12 + length;
    if (length > 0x7fffffff || end > png.length) return false;
    if (crc32(png, at + 4, at + 8 + length) !== dv.getUint32(at + 8 + length)) return false;
    if (first) {
      if (type !== 'IHDR' || length !== 13) return false;
      const w = dv.getUint32(at + 8);
      const h = dv.getUint32(at + 12);
      if (w === 0 || h === 0 || w > maxSide || h > maxSide) return false;
      first = false;
    }
    if (type === 'IDAT') sawData = true;
    if (type === 'IEND') return sawData && end === png.length;
    at = end;
  }
  return false;
}
