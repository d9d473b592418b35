/**
 * The required-documents checklist of a service (step 2 of the procedure: the employee matches
 * the data and confirms its validity at the time of submission), and the consistency of a
 * document with the beneficiary data entered.
 */
import type { Beneficiary, BeneficiaryDocument } from '../schema';
import type { PolicyProfile } from '../policy/schema';
import { findService } from '../policy/index';
import { toGregorian, toIsoDate, type CalendarDate } from '../dates/index';
import { formatCalendarDate } from '../dates/format';
import { normalizeDigits } from '../identity/digits';
import { nameTokens, normalizeArabicName } from '../identity/names';
import { validateNationalId } from '../identity/nationalId';
import type { RuleFailure } from '../identity/result';
import { serviceNotInProfile } from './eligibility';
import {
  alternativesLabel,
  assessDocument,
  bestAssessment,
  documentTypeLabel,
  instantToIso,
  type DocumentAssessment,
  type Instant,
} from './records';

export type ChecklistStatus =
  'missing' | 'presented_unverified' | 'verified' | 'rejected' | 'expired_at_submission';

export interface ChecklistItem {
  /** The document types that satisfy this requirement (any one of them). */
  readonly documentTypeIds: readonly string[];
  /** "الهوية الوطنية أو الإقامة". */
  readonly labelAr: string;
  readonly labelEn: string;
  readonly status: ChecklistStatus;
  /** The document the status is about (the best one on file), if any. */
  readonly documentId?: string;
  /** Its type (which of the alternatives was presented). */
  readonly presentedTypeId?: string;
  /** Days from submission to expiry, for a valid document with an expiry date. */
  readonly daysRemaining?: number;
  /** Why, and what to do next. */
  readonly reasonAr: string;
  readonly reasonEn: string;
  /** 'seed' when the policy text requires it, 'derived' when inferred. */
  readonly source: 'seed' | 'derived';
}

export interface RequiredDocumentsChecklist {
  readonly ok: true;
  readonly serviceId: string;
  readonly items: readonly ChecklistItem[];
  /** Every requirement has a verified document valid at submission. */
  readonly complete: boolean;
}

function reason(
  a: DocumentAssessment | undefined,
  label: { ar: string; en: string },
  profile: PolicyProfile,
): { ar: string; en: string } {
  if (!a) {
    return {
      ar: `لم يُقدَّم «${label.ar}». اطلبه من المستفيد وصوّره وأرفقه ثم طابقه مع الأصل.`,
      en: `"${label.en}" has not been presented. Ask the beneficiary for it, scan it, attach it and match it against the original.`,
    };
  }
  const type = documentTypeLabel(profile, a.document.type);
  switch (a.standing) {
    case 'verified':
      return {
        ar: `قُدّم «${type.ar}» وطوبق مع الأصل وهو ساري المفعول وقت التقديم.`,
        en: `"${type.en}" was presented, matched against the original and is valid at submission.`,
      };
    case 'presented_unverified':
      return {
        ar: `قُدّم «${type.ar}» ولم يُطابق مع الأصل بعد. طابقه وسجّل نتيجة التحقق.`,
        en: `"${type.en}" was presented but not matched against the original yet. Match it and record the result.`,
      };
    case 'rejected': {
      const note = a.document.verification.note?.trim();
      return {
        ar: `رُفض «${type.ar}» عند التحقق${note ? ` (${note})` : ''}. اطلب من المستفيد مستندًا صحيحًا.`,
        en: `"${type.en}" was rejected at verification${note ? ` (${note})` : ''}. Ask the beneficiary for a correct document.`,
      };
    }
    case 'expired_at_submission':
      return {
        ar:
          a.expiredMessageAr ??
          `«${type.ar}» غير ساري المفعول وقت التقديم بحسب المتحقق. اطلب من المستفيد مستندًا ساري المفعول.`,
        en:
          a.expiredMessageEn ??
          `"${type.en}" was not valid at submission according to the verifier. Ask the beneficiary for a valid document.`,
      };
  }
}

/**
 * Each required document of a service (a requirement may be met by any of several types, e.g.
 * national ID or iqama) with the status of the best document on file: missing,
 * presented-unverified, verified, rejected, or expired at submission (Hijri or Gregorian expiry,
 * judged on the Saudi civil day of `submissionDate`).
 */
export function requiredDocumentsChecklist(
  profile: PolicyProfile,
  serviceId: string,
  documents: readonly BeneficiaryDocument[],
  submissionDate: Instant,
): RequiredDocumentsChecklist | RuleFailure<'service_not_in_profile'> {
  const service = findService(profile, serviceId);
  if (!service) return serviceNotInProfile(profile, serviceId);
  const at = instantToIso(submissionDate);
  const items = service.requiredDocuments.map((req): ChecklistItem => {
    const label = alternativesLabel(profile, req.documentTypeIds);
    const best = bestAssessment(
      documents
        .filter((d) => req.documentTypeIds.includes(d.type))
        .map((d) => assessDocument(d, at)),
    );
    const why = reason(best, label, profile);
    return {
      documentTypeIds: [...req.documentTypeIds],
      labelAr: label.ar,
      labelEn: label.en,
      status: best?.standing ?? 'missing',
      ...(best ? { documentId: best.document.id, presentedTypeId: best.document.type } : {}),
      ...(best?.daysRemaining !== undefined ? { daysRemaining: best.daysRemaining } : {}),
      reasonAr: why.ar,
      reasonEn: why.en,
      source: req.source,
    };
  });
  return { ok: true, serviceId, items, complete: items.every((i) => i.status === 'verified') };
}

// ---------------------------------------------------------------------------------------------
// Consistency of a document with the beneficiary data (مطابقة البيانات)

/** What the employee read off the document (the documents collection keeps only its number and dates). */
export interface DocumentReadings {
  readonly fullName?: string;
  readonly birthDate?: CalendarDate;
}

export type ConsistencyField = 'beneficiary' | 'type' | 'number' | 'fullName' | 'birthDate';

export interface ConsistencyIssue {
  readonly field: ConsistencyField;
  /** 'mismatch' must be corrected before verifying; 'warning' needs a second look. */
  readonly severity: 'mismatch' | 'warning';
  readonly code:
    | 'document_of_other_beneficiary'
    | 'id_number_mismatch'
    | 'id_number_invalid'
    | 'document_type_mismatch'
    | 'name_mismatch'
    | 'name_partial_match'
    | 'birth_date_mismatch';
  readonly messageAr: string;
  readonly messageEn: string;
}

/** Document types that carry the holder's National ID / iqama number. */
export const IDENTITY_DOCUMENT_TYPES: Readonly<Record<string, 'citizen' | 'resident'>> = {
  national_id: 'citizen',
  iqama: 'resident',
};

function dayKey(date: CalendarDate): string | undefined {
  const g = toGregorian(date);
  return g.ok ? toIsoDate(g.value) : undefined;
}

/**
 * Compare a document with the beneficiary data entered: the document must belong to the
 * beneficiary; an ID card or iqama number must equal the beneficiary's number after digit
 * normalisation (Arabic-Indic digits, spaces) and be of the right kind (1… national ID,
 * 2… iqama); a name read off the document must match the entered name after Arabic name
 * normalisation (hamza, taa marbuta, ibn/bint …); a birth date must be the same day in either
 * calendar. Returns every issue found (empty when consistent).
 */
export function documentConsistencyChecks(
  beneficiary: Beneficiary,
  document: BeneficiaryDocument,
  readings: DocumentReadings = {},
): ConsistencyIssue[] {
  const issues: ConsistencyIssue[] = [];
  if (document.beneficiaryId !== beneficiary.id) {
    issues.push({
      field: 'beneficiary',
      severity: 'mismatch',
      code: 'document_of_other_beneficiary',
      messageAr: 'هذا المستند مرفق بملف مستفيد آخر. تأكد من الملف الصحيح قبل المطابقة.',
      messageEn:
        "This document is attached to another beneficiary's file. Make sure you have the right file before matching.",
    });
  }

  const expectedKind = IDENTITY_DOCUMENT_TYPES[document.type];
  if (expectedKind) {
    const beneficiaryId = validateNationalId(beneficiary.nationalId);
    if (beneficiaryId.ok && beneficiaryId.value.kind !== expectedKind) {
      issues.push({
        field: 'type',
        severity: 'mismatch',
        code: 'document_type_mismatch',
        messageAr:
          expectedKind === 'citizen'
            ? 'رقم المستفيد المسجّل رقم إقامة (يبدأ بـ ٢) لكن المستند مسجّل كهوية وطنية. صحّح نوع المستند أو رقم المستفيد.'
            : 'رقم المستفيد المسجّل رقم هوية وطنية (يبدأ بـ ١) لكن المستند مسجّل كإقامة. صحّح نوع المستند أو رقم المستفيد.',
        messageEn:
          expectedKind === 'citizen'
            ? "The beneficiary's number is an iqama number (starts with 2) but the document is recorded as a national ID. Correct the document type or the beneficiary's number."
            : "The beneficiary's number is a national ID (starts with 1) but the document is recorded as an iqama. Correct the document type or the beneficiary's number.",
      });
    }
    if (document.number !== undefined) {
      const docNumber = validateNationalId(document.number);
      const compact = normalizeDigits(document.number).replace(/[\s\u00a0\-_.]/g, '');
      if (!docNumber.ok) {
        issues.push({
          field: 'number',
          severity: 'mismatch',
          code: 'id_number_invalid',
          messageAr: `رقم المستند المُدخل غير صالح: ${docNumber.messageAr}`,
          messageEn: `The document number entered is not valid: ${docNumber.messageEn}`,
        });
      }
      if (compact !== normalizeDigits(beneficiary.nationalId)) {
        issues.push({
          field: 'number',
          severity: 'mismatch',
          code: 'id_number_mismatch',
          messageAr:
            'رقم المستند لا يطابق رقم الهوية أو الإقامة المسجّل للمستفيد. قارن الرقمين بالبطاقة الأصلية وصحّح الخطأ.',
          messageEn:
            "The document number does not match the beneficiary's registered National ID or iqama number. Compare both with the original card and correct the error.",
        });
      }
    }
  }

  if (readings.fullName !== undefined && readings.fullName.trim() !== '') {
    const onDoc = normalizeArabicName(readings.fullName);
    const entered = normalizeArabicName(beneficiary.fullName);
    if (onDoc !== entered) {
      const docTokens = nameTokens(readings.fullName);
      const enteredTokens = nameTokens(beneficiary.fullName);
      const [shorter, longer] =
        docTokens.length <= enteredTokens.length
          ? [docTokens, enteredTokens]
          : [enteredTokens, docTokens];
      const partial =
        shorter.length >= 2 &&
        shorter[0] === longer[0] &&
        shorter[shorter.length - 1] === longer[longer.length - 1] &&
        shorter.every((t) => longer.includes(t));
      issues.push(
        partial
          ? {
              field: 'fullName',
              severity: 'warning',
              code: 'name_partial_match',
              messageAr:
                'الاسم في المستند يطابق الاسم المسجّل جزئيًا (عدد أجزاء الاسم مختلف). أكمل الاسم المسجّل كما في الهوية.',
              messageEn:
                'The name on the document only partly matches the registered name (a different number of name parts). Complete the registered name as on the ID.',
            }
          : {
              field: 'fullName',
              severity: 'mismatch',
              code: 'name_mismatch',
              messageAr:
                'الاسم في المستند لا يطابق اسم المستفيد المسجّل. تأكد أن المستند للشخص نفسه وصحّح الاسم.',
              messageEn:
                "The name on the document does not match the beneficiary's registered name. Make sure the document belongs to the same person and correct the name.",
            },
      );
    }
  }

  if (readings.birthDate && beneficiary.birthDate) {
    const a = dayKey(readings.birthDate);
    const b = dayKey(beneficiary.birthDate);
    if (a !== undefined && b !== undefined && a !== b) {
      const onDocAr = formatCalendarDate(readings.birthDate, { locale: 'ar', plain: true });
      const enteredAr = formatCalendarDate(beneficiary.birthDate, { locale: 'ar', plain: true });
      const onDocEn = formatCalendarDate(readings.birthDate, { locale: 'en', plain: true });
      const enteredEn = formatCalendarDate(beneficiary.birthDate, { locale: 'en', plain: true });
      issues.push({
        field: 'birthDate',
        severity: 'mismatch',
        code: 'birth_date_mismatch',
        messageAr: `تاريخ الميلاد في المستند (${onDocAr}) لا يطابق المسجّل (${enteredAr}). تأكد من التقويم (هجري أو ميلادي) وصحّح التاريخ.`,
        messageEn: `The birth date on the document (${onDocEn}) does not match the registered one (${enteredEn}). Check the calendar (Hijri or Gregorian) and correct the date.`,
      });
    }
  }
  return issues;
}
