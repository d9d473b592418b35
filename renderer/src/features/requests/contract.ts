/**
 * The request file (ملف الطلب): everything recorded about one support request, loaded
 * reactively by the requests feature and handed to each procedure step's panel.
 *
 * Steps are owned by different features:
 *   reception, data collection, interview, documents, referral  → features/requests
 *   declaration, submission + receipt                            → features/declaration
 *   committee queue and decision                                 → features/committee
 *   registration, service delivery, evaluation                   → features/service
 * A step panel gets the whole file and the actor, writes records through RxDB, and applies
 * procedure events through shared/casefile's applyProcedureEvent (never re-implementing a rule).
 */
import type {
  Beneficiary,
  BeneficiaryDocument,
  CommitteeDecision,
  Declaration,
  Interview,
  SatisfactionEvaluation,
  ServiceDelivery,
  SupportRequest,
} from '../../../../shared/schema';
import type { PolicyProfile } from '../../../../shared/policy';
import type { Actor } from '../../state/actor';

export interface RequestFile {
  request: SupportRequest;
  beneficiary: Beneficiary;
  documents: BeneficiaryDocument[];
  interviews: Interview[];
  declarations: Declaration[];
  decisions: CommitteeDecision[];
  deliveries: ServiceDelivery[];
  evaluations: SatisfactionEvaluation[];
  profile: PolicyProfile;
}

export interface StepPanelProps {
  file: RequestFile;
  actor: Actor;
}
