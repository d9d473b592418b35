/**
 * The branch applies the committee's decisions to its requests. One writer role per collection:
 * committee members write `committee_decisions` only; when a decision syncs to a branch laptop,
 * the branch moves its support request (accept / reject / more information) with the deciding
 * member recorded as the actor of the transition, at the time of the decision.
 */
import type { RxCollection } from 'rxdb';
import { useEffect, useRef } from 'react';
import { applyProcedureEvent, type ProcedureActor } from '../../../../shared/casefile';
import type { Beneficiary, BeneficiaryDocument, CommitteeDecision, SupportRequest } from '../../../../shared/schema';
import { MAX_REASON_LENGTH, type ProcedureEvent } from '../../../../shared/workflow/machine';
import type { PolicyProfile } from '../../../../shared/policy';
import { recordAudit, type RecordAuditOptions } from '../../data/audit';
import type { SilaDatabase } from '../../data/database';
import { useServices } from '../../services';
import { useActor, type Actor } from '../../state/actor';
import { useActiveProfile } from '../../state/profile';
import { decisionOfCurrentRound } from './queue';

export interface PendingDecision {
  request: SupportRequest;
  decision: CommitteeDecision;
  event: ProcedureEvent;
  actor: ProcedureActor;
  at: string;
}

/** The workflow event a committee decision stands for. */
export function decisionEvent(decision: CommitteeDecision): ProcedureEvent {
  const reason = decision.reasons.map((r) => r.trim()).filter(Boolean).join('؛ ').slice(0, MAX_REASON_LENGTH);
  switch (decision.decision) {
    case 'accepted':
      return { type: 'accept', decisionId: decision.id, ...(reason ? { reason } : {}) };
    case 'rejected':
      return { type: 'reject', decisionId: decision.id, reason };
    case 'more_information':
      return { type: 'request_more_information', decisionId: decision.id, reason };
  }
}

/** Roles that write support requests at the branch (the committee never does). */
const BRANCH_WRITERS: ReadonlySet<string> = new Set(['field_delegate', 'branch_staff', 'social_researcher']);

/**
 * Decisions the branch has not applied yet (pure): for each request still at the committee, the
 * decision of its current submission round, unless the request already points to it.
 */
export function decisionsToApply(
  requests: readonly SupportRequest[],
  decisions: readonly CommitteeDecision[],
  branchIds: readonly string[],
): PendingDecision[] {
  const out: PendingDecision[] = [];
  for (const request of requests) {
    if (request.state !== 'submitted_to_committee' || !branchIds.includes(request.branchId)) continue;
    const decision = decisionOfCurrentRound(request, decisions);
    if (!decision || decision.id === request.decisionId) continue;
    out.push({
      request,
      decision,
      event: decisionEvent(decision),
      actor: { userId: decision.updatedBy, role: 'committee_member' },
      at: decision.decidedAt,
    });
  }
  return out;
}

export type ReconcileOutcome =
  | { decisionId: string; requestId: string; ok: true }
  | { decisionId: string; requestId: string; ok: false; messageAr: string; messageEn: string };

function collection<T>(db: SilaDatabase, name: string): RxCollection<T> | undefined {
  return db.collections[name] as RxCollection<T> | undefined;
}

/** Applies every pending decision of the actor's branches to the local requests. */
export async function reconcileDecisions(
  db: SilaDatabase,
  actor: Actor,
  profile: PolicyProfile,
  auditOptions: RecordAuditOptions = {},
): Promise<ReconcileOutcome[]> {
  if (!BRANCH_WRITERS.has(actor.role)) return [];
  const requestsC = collection<SupportRequest>(db, 'support_requests');
  const decisionsC = collection<CommitteeDecision>(db, 'committee_decisions');
  const beneficiariesC = collection<Beneficiary>(db, 'beneficiaries');
  const documentsC = collection<BeneficiaryDocument>(db, 'documents');
  if (!requestsC || !decisionsC || !beneficiariesC || !documentsC) return [];
  const requests = (await requestsC.find({ selector: { state: 'submitted_to_committee' } }).exec()).map((d) => d.toJSON() as SupportRequest);
  if (requests.length === 0) return [];
  const decisions = (await decisionsC.find({ selector: { requestId: { $in: requests.map((r) => r.id) } } }).exec()).map(
    (d) => d.toJSON() as CommitteeDecision,
  );
  const outcomes: ReconcileOutcome[] = [];
  for (const pending of decisionsToApply(requests, decisions, actor.branchIds)) {
    const { request, decision } = pending;
    const beneficiary = (await beneficiariesC.findOne(request.beneficiaryId).exec())?.toJSON() as Beneficiary | undefined;
    if (!beneficiary) continue; // not synced yet: the next run applies it
    const documents = (await documentsC.find({ selector: { beneficiaryId: beneficiary.id } }).exec()).map((d) => d.toJSON() as BeneficiaryDocument);
    const result = await applyProcedureEvent(request, pending.event, { beneficiary, documents, profile }, pending.actor, pending.at);
    if (!result.ok) {
      console.warn('committee decision not applied', decision.id, result.code);
      outcomes.push({ decisionId: decision.id, requestId: request.id, ok: false, messageAr: result.messageAr, messageEn: result.messageEn });
      continue;
    }
    const stored = await requestsC.findOne(request.id).exec();
    if (!stored) continue;
    let applied = false;
    await stored.incrementalModify((current) => {
      // Another window (or an earlier run) got there first: leave it.
      if (current.state !== 'submitted_to_committee' || current.decisionId === decision.id) return current;
      applied = true;
      return { ...result.request };
    });
    if (applied) {
      await recordAudit(db, actor, {
        action: 'update',
        collectionName: 'support_requests',
        docId: request.id,
        summary: `committee decision applied (${decision.decision}): state, decisionId, history`,
      }, auditOptions);
      outcomes.push({ decisionId: decision.id, requestId: request.id, ok: true });
    }
  }
  return outcomes;
}

/**
 * Mounted once at app level: re-runs the reconciliation whenever decisions or requests change
 * (a synced decision arrives, or a request comes back from the committee).
 */
export function useDecisionReconciliation(): void {
  const { db } = useServices();
  const actor = useActor();
  const profile = useActiveProfile();
  const actorRef = useRef(actor);
  useEffect(() => {
    actorRef.current = actor;
  });
  const branches = actor.branchIds.join(',');
  useEffect(() => {
    if (!BRANCH_WRITERS.has(actor.role)) return;
    const decisionsC = collection<CommitteeDecision>(db, 'committee_decisions');
    const requestsC = collection<SupportRequest>(db, 'support_requests');
    if (!decisionsC || !requestsC) return;
    // Runs are serialised and coalesced: a burst of synced documents gives one more run, not many.
    let running: Promise<unknown> = Promise.resolve();
    let queued = false;
    const run = () => {
      if (queued) return;
      queued = true;
      running = running
        .then(() => {
          queued = false;
          return reconcileDecisions(db, actorRef.current, profile);
        })
        .catch((e: unknown) => console.error('decision reconciliation', e));
    };
    // A decision may sync before its request's beneficiary or documents: their arrival re-runs it.
    const watched = ['beneficiaries', 'documents']
      .map((name) => db.collections[name] as RxCollection | undefined)
      .filter((c): c is RxCollection => c !== undefined);
    const subs = [
      decisionsC.find().$.subscribe(run),
      requestsC.find({ selector: { state: 'submitted_to_committee' } }).$.subscribe(run),
      ...watched.map((c) => c.$.subscribe(run)),
    ];
    return () => subs.forEach((s) => s.unsubscribe());
  }, [db, actor.userId, actor.role, branches, profile]);
}

/** The app-level component that keeps the reconciliation running (renders nothing). */
export function DecisionReconciler(): null {
  useDecisionReconciliation();
  return null;
}
