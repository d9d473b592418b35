/**
 * From a case's records to the eligibility engine's facts (shared/eligibility), and the
 * assessment of the request's service from its policy profile. The rules stay in the engine;
 * this file only says where each fact comes from.
 */
import type {
  Beneficiary,
  BeneficiaryDocument,
  Interview,
  SatisfactionEvaluation,
  ServiceDelivery,
  SupportRequest,
} from '../schema';
import type {
  EligibilityFacts,
  PersonLegalFacts,
  PresentedDocument,
  ReferralFacts,
} from '../eligibility/facts';
import { evaluateEligibility, type EligibilityResult } from '../eligibility/evaluate';
import type { PolicyProfile, PolicyService } from '../policy/schema';
import { findService } from '../policy/index';
import { isValidAtSubmission } from '../dates/expiry';
import type { CalendarDate } from '../dates/calendar';
import { validateNationalId } from '../identity/nationalId';
import { fail, type RuleFailure } from '../identity/result';
import type { ProcedureState } from '../workflow/states';
import { assessDocument, documentsOfRequest, instantToIso, type Instant } from './records';

/** The document type ids Sila's seed profiles use for the ID card and the residence permit. */
export const NATIONAL_ID_DOCUMENT_TYPE = 'national_id';
export const IQAMA_DOCUMENT_TYPE = 'iqama';

/**
 * Facts of the case that the stored records do not carry (yet): who referred the case, the other
 * party of a Shaml case, and the service's electronic registration. The caller supplies what the
 * staff recorded on the screen; anything left out stays "unknown" for the engine.
 */
export interface CaseDetails {
  readonly referral?: ReferralFacts;
  /** The other party of the case (طرف الدعوى الآخر). `iqamaExpiry` lets Sila compute iqama validity. */
  readonly counterpart?: {
    readonly nationality?: 'saudi' | 'non_saudi';
    readonly residenceStatus?: 'lawful' | 'not_lawful';
    readonly iqamaExpiry?: CalendarDate;
  };
  /** Overrides the registration derived from the procedure state. */
  readonly electronicRegistrationDone?: boolean;
  readonly executionRequestComplete?: boolean;
}

export interface EligibilityRecords {
  readonly beneficiary: Beneficiary;
  readonly request: SupportRequest;
  readonly documents: readonly BeneficiaryDocument[];
  readonly interviews?: readonly Interview[];
  readonly deliveries?: readonly ServiceDelivery[];
  readonly evaluations?: readonly SatisfactionEvaluation[];
  readonly profile: PolicyProfile;
  /**
   * The instant of the assessment. Documents (the iqama) are judged on the submission day when
   * the request has been submitted (`request.submittedAt`), otherwise on this day.
   */
  readonly asOf: Instant;
  readonly caseDetails?: CaseDetails;
}

/** States reached only after the registration was completed (step 6 of the procedure). */
const REGISTERED_STATES: readonly ProcedureState[] = [
  'registered',
  'service_delivered',
  'evaluated',
];
const DELIVERED_STATES: readonly ProcedureState[] = ['service_delivered', 'evaluated'];

function counterpartFacts(
  details: CaseDetails['counterpart'],
  at: string,
): PersonLegalFacts | undefined {
  if (!details) return undefined;
  const facts: { -readonly [K in keyof PersonLegalFacts]: PersonLegalFacts[K] } = {};
  if (details.nationality) facts.nationality = details.nationality;
  if (details.residenceStatus) facts.residenceStatus = details.residenceStatus;
  if (details.iqamaExpiry) facts.iqamaValid = isValidAtSubmission(details.iqamaExpiry, at).ok;
  return facts;
}

/** The latest interview that reached a result; 'not_held' when interviews exist without one. */
function interviewFact(
  request: SupportRequest,
  interviews: readonly Interview[],
): EligibilityFacts['interview'] {
  const own = interviews
    .filter((i) => i.requestId === request.id)
    .sort((a, b) => Date.parse(b.conductedAt) - Date.parse(a.conductedAt));
  const assessed = own.find((i) => i.result !== 'not_assessed');
  if (assessed) return assessed.result === 'passed' ? 'passed' : 'failed';
  return own.length > 0 ? 'not_held' : undefined;
}

/**
 * Build the eligibility facts of a request from its records:
 * - nationality from the beneficiary's nationality (SA = Saudi), else from the ID number's first
 *   digit (1 citizen, 2 resident);
 * - for non-Saudis, lawful residence when a verified iqama is on file, and iqama validity from its
 *   expiry date (Hijri or Gregorian) on the submission day;
 * - gender and marital status as entered;
 * - documents presented: every non-rejected document of the request, `verified` only when it was
 *   matched against the original and is not expired at submission;
 * - the interview result (latest assessed interview of the request);
 * - electronic registration done once the procedure reached registration (or as `caseDetails` says);
 * - service delivered from the deliveries or the procedure state; evaluation submitted from a linked
 *   evaluation or the procedure state;
 * - referral, counterpart and execution request from `caseDetails`.
 */
export function eligibilityFactsFromRecords(records: EligibilityRecords): EligibilityFacts {
  const { beneficiary, request, caseDetails } = records;
  const at = instantToIso(request.submittedAt ?? records.asOf);
  const assessments = documentsOfRequest(request, records.documents).map((d) =>
    assessDocument(d, at),
  );

  const id = validateNationalId(beneficiary.nationalId);
  let nationality: PersonLegalFacts['nationality'];
  if (beneficiary.nationality)
    nationality = beneficiary.nationality === 'SA' ? 'saudi' : 'non_saudi';
  else if (id.ok) nationality = id.value.kind === 'citizen' ? 'saudi' : 'non_saudi';

  const person: { -readonly [K in keyof PersonLegalFacts]: PersonLegalFacts[K] } = {};
  if (nationality) person.nationality = nationality;
  if (nationality === 'non_saudi') {
    const iqamas = assessments.filter(
      (a) =>
        a.document.type === IQAMA_DOCUMENT_TYPE && a.document.verification.status === 'verified',
    );
    if (iqamas.length > 0) {
      person.residenceStatus = 'lawful';
      const dated = iqamas.filter(
        (a) =>
          a.document.expiryDate !== undefined ||
          a.document.verification.validAtSubmission !== undefined,
      );
      if (dated.length > 0) person.iqamaValid = dated.some((a) => a.standing === 'verified');
    }
  }

  const documents: PresentedDocument[] = assessments
    .filter((a) => a.standing !== 'rejected')
    .map((a) => ({ typeId: a.document.type, verified: a.standing === 'verified' }));

  const reached = (states: readonly ProcedureState[]) =>
    states.includes(request.state) || request.history.some((h) => states.includes(h.to));
  const serviceDelivered =
    (records.deliveries ?? []).some((d) => d.requestId === request.id) || reached(DELIVERED_STATES);
  const evaluated =
    (records.evaluations ?? []).some((e) => e.requestId === request.id) ||
    request.state === 'evaluated' ||
    request.history.some((h) => h.event === 'record_evaluation');

  const facts: { -readonly [K in keyof EligibilityFacts]: EligibilityFacts[K] } = {
    beneficiary: {
      ...person,
      ...(beneficiary.gender ? { gender: beneficiary.gender } : {}),
      ...(beneficiary.maritalStatus ? { maritalStatus: beneficiary.maritalStatus } : {}),
    },
    documents,
    serviceDelivered,
  };
  const interview = interviewFact(request, records.interviews ?? []);
  if (interview) facts.interview = interview;
  if (serviceDelivered) facts.evaluationSubmitted = evaluated;
  const registration =
    caseDetails?.electronicRegistrationDone ?? (reached(REGISTERED_STATES) ? true : undefined);
  if (registration !== undefined) facts.electronicRegistrationDone = registration;
  if (caseDetails?.referral) facts.referral = caseDetails.referral;
  const counterpart = counterpartFacts(caseDetails?.counterpart, at);
  if (counterpart) facts.counterpartParty = counterpart;
  if (caseDetails?.executionRequestComplete !== undefined)
    facts.executionRequestComplete = caseDetails.executionRequestComplete;
  return facts;
}

export interface EligibilityAssessment {
  readonly ok: true;
  readonly service: PolicyService;
  readonly facts: EligibilityFacts;
  readonly result: EligibilityResult;
}

export type CasefileErrorCode = 'service_not_in_profile';

export function serviceNotInProfile(
  profile: PolicyProfile,
  serviceId: string,
): RuleFailure<'service_not_in_profile'> {
  return fail(
    'service_not_in_profile',
    `الخدمة «${serviceId}» غير موجودة في سياسة «${profile.association.nameAr}» (الإصدار ${profile.version}). اختر خدمة من قائمة خدمات الجمعية أو حدّث السياسة من المركز الرئيس.`,
    `The service "${serviceId}" is not in the policy of "${profile.association.nameEn ?? profile.association.nameAr}" (version ${profile.version}). Choose a service from the association's list or update the policy from HQ.`,
  );
}

/** Facts from the records, evaluated against the conditions of the request's service in the profile. */
export function assessEligibility(
  records: EligibilityRecords,
): EligibilityAssessment | RuleFailure<'service_not_in_profile'> {
  const service = findService(records.profile, records.request.serviceId);
  if (!service) return serviceNotInProfile(records.profile, records.request.serviceId);
  const facts = eligibilityFactsFromRecords(records);
  return { ok: true, service, facts, result: evaluateEligibility(service, facts) };
}
