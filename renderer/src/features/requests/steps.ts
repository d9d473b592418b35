/**
 * The request file's stepper: the procedure's states (shared/workflow) shown as the steps people
 * work through, and which step a request in a given state opens on.
 */
import type { Interview, SupportRequest } from '../../../../shared/schema';
import type { ProcedureState } from '../../../../shared/workflow';

export const requestSteps = [
  'intake',
  'interview',
  'documents',
  'declaration',
  'submission',
  'committee',
  'registration',
  'delivery',
  'evaluation',
] as const;
export type RequestStep = (typeof requestSteps)[number];

export function isRequestStep(value: string | undefined): value is RequestStep {
  return value !== undefined && (requestSteps as readonly string[]).includes(value);
}

/** An interview counts as held once completed (drafts are still being typed). */
export function isCompletedInterview(i: Pick<Interview, 'status'>): boolean {
  return i.status !== 'draft';
}

/** The step the procedure is at: the one to open when no step is named in the address. */
export function currentStep(request: Pick<SupportRequest, 'state' | 'id'>, interviews: readonly Pick<Interview, 'status' | 'requestId'>[]): RequestStep {
  const byState: Record<ProcedureState, RequestStep> = {
    reception: 'intake',
    data_collection: 'interview',
    with_social_researcher: 'interview',
    declaration_signed: 'submission',
    submitted_to_committee: 'committee',
    accepted: 'registration',
    rejected: 'committee',
    registered: 'delivery',
    service_delivered: 'evaluation',
    evaluated: 'evaluation',
    closed: 'evaluation',
  };
  const step = byState[request.state];
  if (step === 'interview' && request.state === 'data_collection') {
    const held = interviews.some((i) => i.requestId === request.id && isCompletedInterview(i));
    return held ? 'documents' : 'interview';
  }
  return step;
}

/** Steps before the current one are done (a closed or evaluated request: all of them). */
export function completedThrough(request: Pick<SupportRequest, 'state' | 'id'>, interviews: readonly Pick<Interview, 'status' | 'requestId'>[]): number {
  if (request.state === 'evaluated' || request.state === 'closed') return requestSteps.length;
  return requestSteps.indexOf(currentStep(request, interviews));
}
