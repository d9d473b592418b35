/**
 * Turning the document form into a `documents` record (مستند) and recording the verification
 * result (مطابقة البيانات). The rules come from the domain: dates from shared/dates, the schema
 * from shared/schema, expiry at submission from `isValidAtSubmission`, consistency from
 * shared/casefile. This module only maps form input and reports messages per field.
 */
import {
  documents as documentsCollection,
  validateDocument,
  type Beneficiary,
  type BeneficiaryDocument,
  type SupportRequest,
} from '../../../../shared/schema';
import {
  calendarDateToDayNumber,
  isValidAtSubmission,
  saudiDayNumber,
  type CalendarKind,
} from '../../../../shared/dates';
import { normalizeDigits } from '../../../../shared/identity/digits';
import {
  documentConsistencyChecks,
  IDENTITY_DOCUMENT_TYPES,
  type ConsistencyIssue,
} from '../../../../shared/casefile';
import { interpretDateInput } from './dateInput';

/** What the employee types about one document. */
export interface DocumentDraft {
  typeId: string;
  number: string;
  issueText: string;
  issueCalendar: CalendarKind;
  expiryText: string;
  expiryCalendar: CalendarKind;
}

export type DocumentField = 'typeId' | 'number' | 'issueDate' | 'expiryDate' | 'attachment';

export interface FieldProblem {
  messageAr: string;
  messageEn: string;
}

export type FieldProblems = Partial<Record<DocumentField, FieldProblem>>;

export interface StoredScan {
  attachmentId: string;
  mimeType: 'image/jpeg' | 'image/png' | 'image/webp' | 'application/pdf';
  sizeBytes: number;
  sha256: string;
}

export interface RecordContext {
  beneficiary: Pick<Beneficiary, 'id'>;
  request: Pick<SupportRequest, 'id' | 'branchId'>;
  userId: string;
  now: Date;
  newId(): string;
}

export function emptyDraft(typeId: string): DocumentDraft {
  return {
    typeId,
    number: '',
    issueText: '',
    issueCalendar: 'hijri',
    expiryText: '',
    expiryCalendar: 'hijri',
  };
}

const englishFallback: Record<DocumentField, string> = {
  typeId: 'Choose the document type.',
  number: 'Enter the document number as written on it (up to 64 characters).',
  issueDate: 'Enter the issue date as day/month/year.',
  expiryDate: 'Enter the expiry date as day/month/year.',
  attachment: 'Attach the scan again (PNG, JPEG, WebP or PDF up to 10 MB).',
};

const pathToField: Record<string, DocumentField> = {
  type: 'typeId',
  number: 'number',
  issueDate: 'issueDate',
  expiryDate: 'expiryDate',
  attachment: 'attachment',
};

/**
 * Builds the record to store from the form (a new record, or an update of `existing` that keeps
 * its verification unless the data the verifier saw changed), or the problems to show per field.
 */
export function prepareDocument(
  draft: DocumentDraft,
  ctx: RecordContext,
  existing?: BeneficiaryDocument,
  scan?: StoredScan,
): { ok: true; document: BeneficiaryDocument } | { ok: false; problems: FieldProblems } {
  const problems: FieldProblems = {};
  if (!draft.typeId)
    problems.typeId = { messageAr: 'اختر نوع المستند.', messageEn: englishFallback.typeId };
  const issue = interpretDateInput(draft.issueText, draft.issueCalendar);
  const expiry = interpretDateInput(draft.expiryText, draft.expiryCalendar);
  if (issue.state === 'invalid')
    problems.issueDate = { messageAr: issue.messageAr, messageEn: issue.messageEn };
  if (expiry.state === 'invalid')
    problems.expiryDate = { messageAr: expiry.messageAr, messageEn: expiry.messageEn };
  if (issue.state === 'valid') {
    const issueDay = calendarDateToDayNumber(issue.date);
    if (issueDay.ok && issueDay.value > saudiDayNumber(ctx.now)) {
      problems.issueDate = {
        messageAr:
          'تاريخ الإصدار في المستقبل. راجع التاريخ المكتوب على المستند وتأكّد من التقويم (هجري أو ميلادي).',
        messageEn:
          'The issue date is in the future. Check the date on the document and the calendar (Hijri or Gregorian).',
      };
    }
    if (expiry.state === 'valid') {
      const expiryDay = calendarDateToDayNumber(expiry.date);
      if (issueDay.ok && expiryDay.ok && expiryDay.value < issueDay.value) {
        problems.expiryDate = {
          messageAr: 'تاريخ الانتهاء قبل تاريخ الإصدار. راجع التاريخين على المستند.',
          messageEn: 'The expiry date is before the issue date. Check both dates on the document.',
        };
      }
    }
  }
  const number = normalizeDigits(draft.number).trim();
  const at = ctx.now.toISOString();
  const attachment = scan ?? existing?.attachment;
  const dataChanged =
    existing !== undefined &&
    (existing.type !== draft.typeId ||
      (existing.number ?? '') !== number ||
      JSON.stringify(existing.issueDate ?? null) !==
        JSON.stringify(issue.state === 'valid' ? issue.date : null) ||
      JSON.stringify(existing.expiryDate ?? null) !==
        JSON.stringify(expiry.state === 'valid' ? expiry.date : null) ||
      (scan !== undefined && scan.sha256 !== existing.attachment?.sha256));
  const candidate: Record<string, unknown> = {
    id: existing?.id ?? ctx.newId(),
    branchId: existing?.branchId ?? ctx.request.branchId,
    createdAt: existing?.createdAt ?? at,
    updatedAt: at,
    updatedBy: ctx.userId,
    beneficiaryId: existing?.beneficiaryId ?? ctx.beneficiary.id,
    requestId: existing ? existing.requestId : ctx.request.id,
    type: draft.typeId,
    ...(number ? { number } : {}),
    ...(existing?.issuer ? { issuer: existing.issuer } : {}),
    ...(issue.state === 'valid' ? { issueDate: issue.date } : {}),
    ...(expiry.state === 'valid' ? { expiryDate: expiry.date } : {}),
    // A verification result is about the data the verifier saw: changing it asks for a new one.
    verification: existing && !dataChanged ? existing.verification : { status: 'pending' },
    ...(attachment ? { attachment } : {}),
  };
  if (candidate.requestId === undefined) delete candidate.requestId;
  const checked = validateDocument(documentsCollection, candidate);
  if (!checked.ok) {
    for (const i of checked.issues) {
      const field = pathToField[i.path.split('.')[0] ?? ''];
      if (!field) throw new Error(`document field '${i.path}' is invalid: ${i.message}`);
      problems[field] ??= { messageAr: i.message, messageEn: englishFallback[field] };
    }
  }
  if (Object.keys(problems).length > 0 || !checked.ok) return { ok: false, problems };
  return { ok: true, document: checked.value };
}

export type VerificationDecision = 'verified' | 'rejected';
export type VerificationMethod = 'original_seen' | 'certified_copy' | 'electronic_check';

/** The instant expiry is judged at: the request's submission, or now before it is submitted. */
export function expiryReferenceInstant(
  request: Pick<SupportRequest, 'submittedAt'>,
  now: Date,
): string {
  return request.submittedAt ?? now.toISOString();
}

/** Is the document expired at the reference instant? (null when it has no valid expiry date) */
export function expiryStatus(
  document: Pick<BeneficiaryDocument, 'expiryDate'>,
  at: string,
):
  | { expired: true; messageAr: string; messageEn: string }
  | { expired: false; daysRemaining: number }
  | null {
  if (!document.expiryDate) return null;
  const check = isValidAtSubmission(document.expiryDate, at);
  if (check.ok) return { expired: false, daysRemaining: check.value.daysRemaining };
  if ((check.code as string) !== 'document_expired') return null;
  return { expired: true, messageAr: check.messageAr, messageEn: check.messageEn };
}

/** Issues that block marking the document verified (a 'mismatch' must be corrected first). */
export function blockingIssues(issues: readonly ConsistencyIssue[]): ConsistencyIssue[] {
  return issues.filter((i) => i.severity === 'mismatch');
}

/**
 * Records the employee's verification result with who and when. Verifying needs a document free
 * of mismatches with the entered data; rejecting needs a reason. `validAtSubmission` records
 * whether the document was in force on the reference day.
 */
export function recordVerification(
  document: BeneficiaryDocument,
  beneficiary: Beneficiary,
  decision: VerificationDecision,
  input: { method: VerificationMethod; note: string },
  ctx: { userId: string; now: Date; referenceAt: string },
):
  | { ok: true; document: BeneficiaryDocument }
  | { ok: false; messageAr: string; messageEn: string } {
  const note = input.note.trim();
  if (decision === 'rejected' && !note) {
    return {
      ok: false,
      messageAr: 'اكتب سبب رفض المستند ليعرف المستفيد ما المطلوب منه.',
      messageEn: 'Write why the document is rejected so the beneficiary knows what is needed.',
    };
  }
  if (decision === 'verified') {
    if (IDENTITY_DOCUMENT_TYPES[document.type] && !document.number) {
      return {
        ok: false,
        messageAr:
          'اكتب رقم الهوية أو الإقامة كما في البطاقة (زر «تعديل») ليقارنه التطبيق برقم المستفيد، ثم اعتمد المطابقة.',
        messageEn:
          "Enter the ID or iqama number as on the card (the Edit button) so the app can compare it with the beneficiary's number, then verify.",
      };
    }
    const blocking = blockingIssues(documentConsistencyChecks(beneficiary, document));
    const first = blocking[0];
    if (first) return { ok: false, messageAr: first.messageAr, messageEn: first.messageEn };
    if (!document.attachment) {
      return {
        ok: false,
        messageAr: 'أرفق صورة المستند أو مسحه الضوئي قبل اعتماد المطابقة.',
        messageEn: 'Attach a photo or scan of the document before confirming the match.',
      };
    }
  }
  const expiry = expiryStatus(document, ctx.referenceAt);
  const at = ctx.now.toISOString();
  const candidate = {
    ...document,
    updatedAt: at,
    updatedBy: ctx.userId,
    verification: {
      status: decision,
      method: input.method,
      verifiedBy: ctx.userId,
      verifiedAt: at,
      ...(expiry ? { validAtSubmission: !expiry.expired } : {}),
      ...(note ? { note } : {}),
    },
  };
  const checked = validateDocument(documentsCollection, candidate);
  if (!checked.ok) {
    const first = checked.issues[0];
    return {
      ok: false,
      messageAr: first?.message ?? 'تعذّر حفظ نتيجة التحقق.',
      messageEn: 'The verification result could not be saved. Check the fields and try again.',
    };
  }
  return { ok: true, document: checked.value };
}
