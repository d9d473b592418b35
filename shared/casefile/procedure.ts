/**
 * From a case's records to the procedure's inputs (shared/workflow), and one step of the
 * procedure applied to a stored support request, ready to write back.
 */
import type { Role } from '../schema/collection';
import { supportRequests, validateDocument } from '../schema/index';
import type { SupportRequest } from '../schema';
import { findService } from '../policy/index';
import {
  transition,
  type ProcedureEvent,
  type TransitionContext,
  type TransitionErrorCode,
  type TransitionRecord,
} from '../workflow/machine';
import { fail, type RuleFailure } from '../identity/result';
import { currentDeclarationDataHash, type DeclarationRecords } from './declaration';
import { serviceNotInProfile } from './eligibility';
import {
  alternativesLabel,
  assessDocument,
  bestAssessment,
  documentTypeLabel,
  documentsOfRequest,
  instantToIso,
  type Instant,
} from './records';

export interface ProcedureActor {
  readonly userId: string;
  readonly role: Role;
}

type Labels = Record<string, { ar: string; en: string }>;

/**
 * The document types the workflow must find verified before submission. A profile requirement
 * may be met by any of several types (national ID or iqama); the workflow checks each listed
 * type, so each requirement is resolved to the type of the best document on file, or — when none
 * is on file — to its first type, labelled with all alternatives ("الهوية الوطنية أو الإقامة").
 */
export function resolveRequiredDocumentTypes(
  records: DeclarationRecords,
  at: Instant,
): { types: string[]; labels: Labels } {
  const { profile, request } = records;
  const labels: Labels = Object.fromEntries(
    profile.documentTypes.map((t) => [t.id, { ar: t.labelAr, en: t.labelEn }]),
  );
  const service = findService(profile, request.serviceId);
  const docs = documentsOfRequest(request, records.documents);
  const iso = instantToIso(at);
  const types: string[] = [];
  for (const req of service?.requiredDocuments ?? []) {
    const best = bestAssessment(
      docs.filter((d) => req.documentTypeIds.includes(d.type)).map((d) => assessDocument(d, iso)),
    );
    const first = req.documentTypeIds[0];
    if (best) {
      types.push(best.document.type);
      labels[best.document.type] = { ...documentTypeLabel(profile, best.document.type) };
    } else if (first !== undefined) {
      types.push(first);
      labels[first] = { ...alternativesLabel(profile, req.documentTypeIds) };
    }
  }
  return { types: [...new Set(types)], labels };
}

/**
 * The TransitionContext for shared/workflow: the actor and instant, the profile's minimum reply
 * days, the required document types of the request's service (alternatives resolved), the
 * request's documents as evidence, and the SHA-256 of the current declarable data.
 */
export async function transitionContextFromRecords(
  records: DeclarationRecords,
  actor: ProcedureActor,
  at: Instant,
): Promise<TransitionContext> {
  const iso = instantToIso(at);
  const { types, labels } = resolveRequiredDocumentTypes(records, iso);
  return {
    actor: { userId: actor.userId, role: actor.role },
    at: iso,
    minimumReplyDays: records.profile.researchCommittee.minReplyPeriodDays,
    requiredDocumentTypes: types,
    documentTypeLabels: labels,
    documents: documentsOfRequest(records.request, records.documents),
    currentDataHash: await currentDeclarationDataHash(records),
  };
}

export type ProcedureErrorCode =
  TransitionErrorCode | 'request_mismatch' | 'invalid_request_record' | 'service_not_in_profile';

export type ProcedureResult =
  | { readonly ok: true; readonly request: SupportRequest; readonly entry: TransitionRecord }
  | RuleFailure<ProcedureErrorCode>;

/**
 * Apply one procedure event to a stored support request: builds the context from the records,
 * runs the workflow's `transition`, and returns the updated support_requests document (history
 * entry appended, updatedAt/updatedBy set) validated against the collection schema, ready to store.
 */
export async function applyProcedureEvent(
  request: SupportRequest,
  event: ProcedureEvent,
  records: Omit<DeclarationRecords, 'request'>,
  actor: ProcedureActor,
  now: Instant,
): Promise<ProcedureResult> {
  if (records.beneficiary.id !== request.beneficiaryId) {
    return fail(
      'request_mismatch',
      'بيانات المستفيد المفتوحة لا تخص هذا الطلب. افتح الطلب من ملف المستفيد الصحيح ثم أعد المحاولة.',
      "The beneficiary record open does not belong to this request. Open the request from the right beneficiary's file and try again.",
    );
  }
  // Without the service the required documents are unknown: never sign or submit blind.
  if (
    (event.type === 'sign_declaration' || event.type === 'submit_to_committee') &&
    !findService(records.profile, request.serviceId)
  ) {
    return serviceNotInProfile(records.profile, request.serviceId);
  }
  let iso: string;
  try {
    iso = instantToIso(now);
  } catch {
    return fail(
      'invalid_instant',
      'وقت الإجراء غير صالح. تحقّق من ساعة الجهاز ثم أعد المحاولة.',
      'The time of the action is not valid. Check the device clock and try again.',
    );
  }
  const ctx = await transitionContextFromRecords({ ...records, request }, actor, iso);
  const result = transition(request, event, ctx);
  if (!result.ok) return result;
  const checked = validateDocument(supportRequests, result.request);
  if (!checked.ok) {
    const detail = checked.issues.map((i) => `${i.path}: ${i.message}`).join('؛ ');
    return fail(
      'invalid_request_record',
      `تعذّر حفظ الطلب بعد الإجراء لأن بعض بياناته غير صالحة (${detail}). صحّح البيانات ثم أعد المحاولة.`,
      `The request could not be saved after the action because some of its data is invalid (${checked.issues.map((i) => i.path).join(', ')}). Correct the data and try again.`,
    );
  }
  return { ok: true, request: checked.value, entry: result.entry };
}
