/**
 * The research committee's queue (pure): requests waiting for a decision, ordered by their
 * earliest reply date (the oldest obligation first), with the ones whose reply is due or overdue
 * marked (shared/casefile overdueCommitteeReplies), and the decision already taken, if any.
 */
import { overdueCommitteeReplies, type Instant } from '../../../../shared/casefile';
import type { CommitteeDecision, SupportRequest } from '../../../../shared/schema';
import { earliestReplyDate } from '../../../../shared/workflow/machine';

/** Tolerance for clocks of different laptops when matching a decision to a submission round. */
export const CLOCK_SKEW_MS = 5 * 60_000;

/**
 * The decision taken on the request's current submission round: the newest decision made after
 * it was submitted (decisions of an earlier round, e.g. a request for more information, are ignored).
 */
export function decisionOfCurrentRound(request: SupportRequest, decisions: readonly CommitteeDecision[]): CommitteeDecision | undefined {
  if (!request.submittedAt) return undefined;
  const since = Date.parse(request.submittedAt) - CLOCK_SKEW_MS;
  return decisions
    .filter((d) => d.requestId === request.id && Date.parse(d.decidedAt) >= since)
    .sort((a, b) => b.decidedAt.localeCompare(a.decidedAt) || b.id.localeCompare(a.id))[0];
}

export interface QueueItem {
  request: SupportRequest;
  earliestReplyDate: string;
  /** Days past the earliest reply date (0 = due today); undefined when not yet due. */
  daysOverdue: number | undefined;
  /** A decision already taken on this round (waiting for the branch to apply it). */
  decision: CommitteeDecision | undefined;
}

export function committeeQueue(
  requests: readonly SupportRequest[],
  decisions: readonly CommitteeDecision[],
  now: Instant,
  minimumReplyDays?: number,
): QueueItem[] {
  const waiting = requests.filter((r) => r.state === 'submitted_to_committee' && r.submittedAt);
  const overdue = new Map(overdueCommitteeReplies(waiting, now, minimumReplyDays).map((o) => [o.requestId, o.daysOverdue]));
  return waiting
    .map((request) => ({
      request,
      earliestReplyDate: request.earliestReplyDate ?? earliestReplyDate(request.submittedAt!, minimumReplyDays),
      daysOverdue: overdue.get(request.id),
      decision: decisionOfCurrentRound(request, decisions),
    }))
    .sort(
      (a, b) =>
        a.earliestReplyDate.localeCompare(b.earliestReplyDate) ||
        a.request.submittedAt!.localeCompare(b.request.submittedAt!) ||
        a.request.id.localeCompare(b.request.id),
    );
}
