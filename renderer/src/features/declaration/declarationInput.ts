/**
 * Pure helpers of the declaration step: what goes into the declaration and receipt PDFs, built
 * from the request file, and which declaration is the request's current one.
 */
import type { DeclarationInput, DeclaredData } from '../../../../shared/declaration';
import type { ReceiptInput } from '../../../../shared/pdf';
import type { Declaration, SupportRequest } from '../../../../shared/schema';
import type { PolicyProfile } from '../../../../shared/policy';
import { findService } from '../../../../shared/policy';
import { roleLabels } from '../../../../shared/workflow/machine';
import { formatDualDate, parseIsoDate, saudiCivilDate } from '../../../../shared/dates';
import type { Actor } from '../../state/actor';

/** The association header printed on the documents, from the policy profile. */
export function associationHeader(profile: PolicyProfile): DeclarationInput['association'] {
  const c = profile.contact;
  return {
    name: profile.association.nameAr,
    ...(profile.association.licenceNumber ? { licenceNumber: profile.association.licenceNumber } : {}),
    ...(c?.phones[0] ? { phone: c.phones[0] } : {}),
    ...(c?.email ? { email: c.email } : {}),
    ...(c?.website ? { website: c.website } : {}),
  };
}

/** A printable reference from a record id: letters, digits and hyphens only. */
export function referenceOf(prefix: 'DEC' | 'REQ', id: string, at: Date): string {
  const tail = id.replace(/[^A-Za-z0-9]/g, '').slice(0, 10).toUpperCase();
  return `${prefix}-${at.getUTCFullYear()}-${tail}`;
}

export interface DeclarationDraft {
  applicantName: string;
  relationToBeneficiary: string;
  place: string;
}

export function declarationInput(
  data: DeclaredData,
  profile: PolicyProfile,
  draft: DeclarationDraft,
  actor: Actor,
  reference: string,
  declaredAt: Date,
): DeclarationInput {
  return {
    reference,
    declaredAt: declaredAt.toISOString(),
    association: associationHeader(profile),
    statement: { text: profile.declaration.textAr, policyVersion: String(profile.version) },
    data,
    applicant: {
      name: draft.applicantName.trim(),
      ...(draft.relationToBeneficiary.trim() ? { relationToBeneficiary: draft.relationToBeneficiary.trim() } : {}),
    },
    employee: { name: actor.displayName, role: roleLabels[actor.role].ar },
    place: draft.place.trim(),
  };
}

/** The request's current declaration: the one it points to, else the newest one. */
export function currentDeclaration(request: SupportRequest, declarations: readonly Declaration[]): Declaration | undefined {
  const own = declarations.filter((d) => d.requestId === request.id);
  const pointed = request.declarationId ? own.find((d) => d.id === request.declarationId) : undefined;
  if (pointed) return pointed;
  return [...own].sort((a, b) => b.declaredAt.localeCompare(a.declaredAt))[0];
}

const DAY_MS = 86_400_000;

/**
 * The receipt's input. The earliest reply instant is the later of the start of the earliest reply
 * day (Riyadh) and exactly `minimumReplyDays` after submission, so the PDF's own ≥ 14 days check holds.
 */
export function receiptInput(request: SupportRequest, profile: PolicyProfile, beneficiaryName: string): ReceiptInput | null {
  if (!request.submittedAt || !request.earliestReplyDate) return null;
  const submitted = new Date(request.submittedAt);
  const days = Math.max(14, profile.researchCommittee.minReplyPeriodDays);
  const dayStart = new Date(`${request.earliestReplyDate}T00:00:00+03:00`).getTime();
  const earliest = new Date(Math.max(dayStart, submitted.getTime() + days * DAY_MS));
  const channel = profile.channels.find((c) => c.id === request.channelId);
  return {
    reference: referenceOf('REQ', request.id, submitted),
    association: associationHeader(profile),
    beneficiaryName,
    service: findService(profile, request.serviceId)?.nameAr ?? request.serviceId,
    ...(channel ? { channel: channel.labelAr } : {}),
    submittedAt: submitted.toISOString(),
    earliestReplyAt: earliest.toISOString(),
  };
}

/** The signed-declaration scan among the request's documents (the paper route). */
export const SIGNED_DECLARATION_DOCUMENT_TYPE = 'signed_declaration';

/**
 * A day for the screen, Hijri beside Gregorian: an ISO day ('YYYY-MM-DD') as it is, an instant
 * as its Saudi civil day (Asia/Riyadh), so the screen shows the same day as the printed receipt.
 */
export function dualDay(isoDayOrInstant: string, locale: 'ar' | 'en'): string {
  if (/^\d{4}-\d{2}-\d{2}$/.test(isoDayOrInstant)) {
    const d = parseIsoDate(isoDayOrInstant);
    return d.ok ? formatDualDate(d.value, { locale }) : isoDayOrInstant;
  }
  if (Number.isNaN(Date.parse(isoDayOrInstant))) return isoDayOrInstant;
  return formatDualDate(saudiCivilDate(isoDayOrInstant), { locale });
}
