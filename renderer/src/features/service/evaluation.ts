/**
 * The satisfaction evaluation (تقييم الخدمة): the beneficiary's right and a tool for improving the
 * service, never for blaming staff. The questions, the stored record (anonymous or linked) and the
 * one-time links printed as QR codes are shared/casefile's (the same on HQ's public page); this
 * module re-exports them for the service screens.
 */
export {
  buildEvaluation,
  evaluationChannels,
  evaluationLinkUrl,
  evaluationQuestionIds,
  issueEvaluationLink,
  saudiDayStartIso,
  scores,
  withEvaluationLink,
  EVALUATION_LINK_VALIDITY_DAYS,
  type EvaluationBuild,
  type EvaluationChannel,
  type EvaluationContext,
  type EvaluationInput,
  type EvaluationProblem,
  type EvaluationQuestionId,
} from '../../../../shared/casefile/evaluation';
