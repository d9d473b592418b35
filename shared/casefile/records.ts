/**
 * The records of one case (ملف الحالة) as the application layer receives them from storage:
 * plain, decrypted documents of the shared/schema collections. Nothing here reads storage or
 * clocks; callers pass the records and the instant.
 */
import type { BeneficiaryDocument, SupportRequest } from '../schema';
import type { PolicyDocumentType, PolicyProfile } from '../policy/schema';
import { isValidAtSubmission } from '../dates/expiry';

/** An instant: a Date or an ISO-8601 string with offset. */
export type Instant = Date | string;

export function instantToIso(at: Instant): string {
  const t = typeof at === 'string' ? Date.parse(at) : at.getTime();
  if (Number.isNaN(t)) throw new RangeError(`Invalid instant: ${String(at)}`);
  return typeof at === 'string' ? at : at.toISOString();
}

/**
 * The documents that belong to a request: the beneficiary's documents linked to this request,
 * plus the beneficiary's general documents (an ID card presented once serves every request).
 * Documents linked to another request are left out.
 */
export function documentsOfRequest(
  request: Pick<SupportRequest, 'id' | 'beneficiaryId'>,
  documents: readonly BeneficiaryDocument[],
): BeneficiaryDocument[] {
  return documents.filter(
    (d) =>
      d.beneficiaryId === request.beneficiaryId &&
      (d.requestId === undefined || d.requestId === request.id),
  );
}

/** How one document stands on the day of submission. */
export type DocumentStanding =
  'verified' | 'presented_unverified' | 'expired_at_submission' | 'rejected';

/** Best first: a verified valid document satisfies a requirement; a pending one may still. */
export const standingRank: Readonly<Record<DocumentStanding | 'missing', number>> = {
  verified: 4,
  presented_unverified: 3,
  expired_at_submission: 2,
  rejected: 1,
  missing: 0,
};

export interface DocumentAssessment {
  readonly document: BeneficiaryDocument;
  readonly standing: DocumentStanding;
  /** Days from submission to expiry (when the document has an expiry date and is valid). */
  readonly daysRemaining?: number;
  /** Why the document is expired (from shared/dates), when it is. */
  readonly expiredMessageAr?: string;
  readonly expiredMessageEn?: string;
}

/**
 * A document's standing at submission: rejected by the verifier; expired on the submission day
 * (Hijri or Gregorian expiry, via `isValidAtSubmission`), or marked not valid at submission by
 * the verifier; otherwise verified or still pending verification.
 */
export function assessDocument(
  document: BeneficiaryDocument,
  submissionAt: Instant,
): DocumentAssessment {
  if (document.verification.status === 'rejected') return { document, standing: 'rejected' };
  if (document.expiryDate) {
    const check = isValidAtSubmission(document.expiryDate, submissionAt);
    if (!check.ok) {
      return {
        document,
        standing: 'expired_at_submission',
        expiredMessageAr: check.messageAr,
        expiredMessageEn: check.messageEn,
      };
    }
    if (document.verification.validAtSubmission === false)
      return { document, standing: 'expired_at_submission' };
    return {
      document,
      standing: document.verification.status === 'verified' ? 'verified' : 'presented_unverified',
      daysRemaining: check.value.daysRemaining,
    };
  }
  if (document.verification.validAtSubmission === false)
    return { document, standing: 'expired_at_submission' };
  return {
    document,
    standing: document.verification.status === 'verified' ? 'verified' : 'presented_unverified',
  };
}

/** The best-standing document among several (ties: the most recently updated). */
export function bestAssessment(
  assessments: readonly DocumentAssessment[],
): DocumentAssessment | undefined {
  let best: DocumentAssessment | undefined;
  for (const a of assessments) {
    if (
      !best ||
      standingRank[a.standing] > standingRank[best.standing] ||
      (standingRank[a.standing] === standingRank[best.standing] &&
        a.document.updatedAt > best.document.updatedAt)
    ) {
      best = a;
    }
  }
  return best;
}

export interface Bilingual {
  readonly ar: string;
  readonly en: string;
}

/** A document type's label from the profile (the id itself if the profile does not define it). */
export function documentTypeLabel(profile: PolicyProfile, typeId: string): Bilingual {
  const t: PolicyDocumentType | undefined = profile.documentTypes.find((d) => d.id === typeId);
  return t ? { ar: t.labelAr, en: t.labelEn } : { ar: typeId, en: typeId };
}

/** "الهوية الوطنية أو الإقامة" / "National ID or Iqama" for a requirement's alternatives. */
export function alternativesLabel(profile: PolicyProfile, typeIds: readonly string[]): Bilingual {
  const labels = typeIds.map((id) => documentTypeLabel(profile, id));
  return { ar: labels.map((l) => l.ar).join(' أو '), en: labels.map((l) => l.en).join(' or ') };
}
