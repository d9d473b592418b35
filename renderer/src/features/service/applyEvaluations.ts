/**
 * Evaluations that arrive from HQ (a printed QR code answered on the beneficiary's phone) move
 * their request on, as one given on the laptop does: a request whose service was delivered and
 * that now has a linked evaluation is recorded as «تم تقييم الخدمة», at the time of the
 * evaluation, by the branch laptop that received it. Anonymous evaluations name no request and
 * change nothing (that is the point of them).
 */
import type { RxCollection } from 'rxdb';
import { useEffect, useRef } from 'react';
import { applyProcedureEvent } from '../../../../shared/casefile';
import type { Beneficiary, BeneficiaryDocument, SatisfactionEvaluation, SupportRequest } from '../../../../shared/schema';
import type { PolicyProfile } from '../../../../shared/policy';
import { recordAudit, type RecordAuditOptions } from '../../data/audit';
import type { SilaDatabase } from '../../data/database';
import { useServices } from '../../services';
import { useActor, type Actor } from '../../state/actor';
import { useActiveProfile } from '../../state/profile';

/** Roles that record an evaluation on a request (shared/workflow: record_evaluation). */
const EVALUATION_RECORDERS: ReadonlySet<string> = new Set(['field_delegate', 'branch_staff']);

export interface PendingEvaluation {
  request: SupportRequest;
  evaluation: SatisfactionEvaluation;
}

/** Requests of the actor's branches still at «service delivered» that have a linked evaluation (the earliest). */
export function evaluationsToApply(
  requests: readonly SupportRequest[],
  evaluations: readonly SatisfactionEvaluation[],
  branchIds: readonly string[],
): PendingEvaluation[] {
  const byRequest = new Map<string, SatisfactionEvaluation>();
  for (const e of evaluations) {
    if (e.anonymous || !e.requestId) continue;
    const known = byRequest.get(e.requestId);
    if (!known || e.submittedAt < known.submittedAt) byRequest.set(e.requestId, e);
  }
  const out: PendingEvaluation[] = [];
  for (const request of requests) {
    if (request.state !== 'service_delivered' || !branchIds.includes(request.branchId)) continue;
    const evaluation = byRequest.get(request.id);
    if (evaluation) out.push({ request, evaluation });
  }
  return out;
}

function collection<T>(db: SilaDatabase, name: string): RxCollection<T> | undefined {
  return db.collections[name] as RxCollection<T> | undefined;
}

/** Records every pending evaluation on its request; returns the ids of the requests moved. */
export async function reconcileEvaluations(db: SilaDatabase, actor: Actor, profile: PolicyProfile, auditOptions: RecordAuditOptions = {}): Promise<string[]> {
  if (!EVALUATION_RECORDERS.has(actor.role)) return [];
  const requestsC = collection<SupportRequest>(db, 'support_requests');
  const evaluationsC = collection<SatisfactionEvaluation>(db, 'satisfaction_evaluations');
  const beneficiariesC = collection<Beneficiary>(db, 'beneficiaries');
  const documentsC = collection<BeneficiaryDocument>(db, 'documents');
  if (!requestsC || !evaluationsC || !beneficiariesC || !documentsC) return [];
  const requests = (await requestsC.find({ selector: { state: 'service_delivered' } }).exec()).map((d) => d.toJSON() as SupportRequest);
  if (requests.length === 0) return [];
  const evaluations = (await evaluationsC.find({ selector: { requestId: { $in: requests.map((r) => r.id) } } }).exec()).map((d) => d.toJSON() as SatisfactionEvaluation);
  const moved: string[] = [];
  for (const { request, evaluation } of evaluationsToApply(requests, evaluations, actor.branchIds)) {
    const beneficiary = (await beneficiariesC.findOne(request.beneficiaryId).exec())?.toJSON() as Beneficiary | undefined;
    if (!beneficiary) continue; // not synced yet: the next run applies it
    const documents = (await documentsC.find({ selector: { beneficiaryId: beneficiary.id } }).exec()).map((d) => d.toJSON() as BeneficiaryDocument);
    const at = Date.parse(evaluation.submittedAt) >= Date.parse(request.updatedAt) ? evaluation.submittedAt : request.updatedAt;
    const result = await applyProcedureEvent(request, { type: 'record_evaluation' }, { beneficiary, documents, profile }, { userId: actor.userId, role: actor.role }, at);
    if (!result.ok) {
      console.warn('evaluation not recorded on its request', request.id, result.code);
      continue;
    }
    const stored = await requestsC.findOne(request.id).exec();
    if (!stored) continue;
    let applied = false;
    await stored.incrementalModify((current) => {
      // Another window (or an earlier run) got there first: leave it.
      if (current.state !== 'service_delivered') return current;
      applied = true;
      return { ...result.request };
    });
    if (applied) {
      await recordAudit(db, actor, { action: 'update', collectionName: 'support_requests', docId: request.id, summary: 'evaluation received through a QR link recorded: state, history' }, auditOptions);
      moved.push(request.id);
    }
  }
  return moved;
}

/** Mounted once at app level: re-runs when evaluations or delivered requests change. */
export function useEvaluationReconciliation(): void {
  const { db } = useServices();
  const actor = useActor();
  const profile = useActiveProfile();
  const actorRef = useRef(actor);
  useEffect(() => {
    actorRef.current = actor;
  });
  const branches = actor.branchIds.join(',');
  useEffect(() => {
    if (!EVALUATION_RECORDERS.has(actor.role)) return;
    const evaluationsC = collection<SatisfactionEvaluation>(db, 'satisfaction_evaluations');
    const requestsC = collection<SupportRequest>(db, 'support_requests');
    if (!evaluationsC || !requestsC) return;
    let running: Promise<unknown> = Promise.resolve();
    let queued = false;
    const run = () => {
      if (queued) return;
      queued = true;
      running = running
        .then(() => {
          queued = false;
          return reconcileEvaluations(db, actorRef.current, profile);
        })
        .catch((e: unknown) => console.error('evaluation reconciliation', e));
    };
    const subs = [evaluationsC.find().$.subscribe(run), requestsC.find({ selector: { state: 'service_delivered' } }).$.subscribe(run)];
    return () => subs.forEach((s) => s.unsubscribe());
  }, [db, actor.userId, actor.role, branches, profile]);
}

/** The app-level component that keeps the reconciliation running (renders nothing). */
export function EvaluationReconciler(): null {
  useEvaluationReconciliation();
  return null;
}
