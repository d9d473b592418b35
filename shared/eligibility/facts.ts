import type { Gender, MaritalStatus, ReferralMethod, ReferralSource } from './conditions';

/**
 * The plain facts the eligibility engine evaluates against. Every field is optional: a missing
 * field means "not known yet" and makes the conditions that need it 'unknown' (never 'fail').
 * A mapper from the stored records (beneficiary, support request, documents, interview) builds this.
 */
export interface PersonLegalFacts {
  /** الجنسية */
  nationality?: 'saudi' | 'non_saudi';
  /** For non-Saudis: is the residence lawful (إقامة نظامية)? */
  residenceStatus?: 'lawful' | 'not_lawful';
  /** For non-Saudis: is the iqama unexpired on the day of evaluation (computed by the caller, Hijri-aware). */
  iqamaValid?: boolean;
}

export interface BeneficiaryFacts extends PersonLegalFacts {
  gender?: Gender;
  maritalStatus?: MaritalStatus;
}

/** A document the applicant presented. `verified` = the employee matched it against the original (step 2). */
export interface PresentedDocument {
  typeId: string;
  verified: boolean;
}

export interface ReferralFacts {
  source: ReferralSource;
  method?: ReferralMethod;
  /** Did the referral arrive formally (بشكل رسمي / بطريقة رسمية)? */
  official?: boolean;
}

export interface EligibilityFacts {
  beneficiary?: BeneficiaryFacts;
  /** Documents presented so far. Omit when not yet recorded; an empty array means "none presented". */
  documents?: PresentedDocument[];
  /** Result of the personal interview (المقابلة الشخصية). */
  interview?: 'passed' | 'failed' | 'not_held';
  /** Registered through the service's electronic link (التسجيل على الرابط الإلكتروني). */
  electronicRegistrationDone?: boolean;
  /** How the case reached the association. */
  referral?: ReferralFacts;
  /** The other party of the case (طرف الدعوى الآخر), for Shaml self-referrals. */
  counterpartParty?: PersonLegalFacts;
  /** The parties' execution request and all its documents and procedures are complete. */
  executionRequestComplete?: boolean;
  /** The service has been delivered to this beneficiary. */
  serviceDelivered?: boolean;
  /** The beneficiary submitted the service evaluation after receiving it. */
  evaluationSubmitted?: boolean;
}
