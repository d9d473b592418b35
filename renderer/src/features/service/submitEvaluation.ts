/** Saving an evaluation and moving the request to «تم تقييم الخدمة» when it is the first one. */
import type { SilaDatabase } from '../../data/database';
import type { SatisfactionEvaluation } from '../../../../shared/schema';
import type { RecordActor } from '../../data/records';
import type { RequestFile } from '../requests/contract';
import { deliveriesNewestFirst } from './delivery';
import { buildEvaluation, saudiDayStartIso, type EvaluationChannel, type EvaluationInput, type EvaluationProblem } from './evaluation';
import { prepareStep, writeRecord } from './write';

export type SubmitResult = { ok: true; evaluation: SatisfactionEvaluation } | { ok: false; problems: EvaluationProblem[] };

export function newRecordId(): string {
  return crypto.randomUUID().replaceAll('-', '');
}

export async function submitEvaluation(
  db: SilaDatabase,
  actor: RecordActor,
  file: RequestFile,
  input: EvaluationInput,
  channel: EvaluationChannel,
  now: Date = new Date(),
): Promise<SubmitResult> {
  const built = buildEvaluation(input, {
    id: newRecordId(),
    branchId: file.request.branchId,
    serviceId: file.request.serviceId,
    requestId: file.request.id,
    beneficiaryId: file.beneficiary.id,
    deliveryId: deliveriesNewestFirst(file.deliveries)[0]?.id,
    channel,
    updatedBy: actor.userId,
    now,
  });
  if (!built.ok) return built;
  // The first evaluation moves the request on; check the step before writing anything.
  const moves = file.request.state === 'service_delivered';
  const next = moves ? await prepareStep(actor, file, { type: 'record_evaluation' }, now) : null;
  if (next && !next.ok) return { ok: false, problems: [{ field: 'record', messageAr: next.messageAr, messageEn: next.messageEn }] };
  // An anonymous evaluation keeps only the day (its record and its audit entry).
  const stamp = input.anonymous ? new Date(saudiDayStartIso(now)) : now;
  const saved = await writeRecord(db, actor, 'satisfaction_evaluations', built.evaluation, () => stamp);
  if (!saved.ok) {
    return { ok: false, problems: [{ field: 'record', messageAr: saved.messageAr, messageEn: saved.messageEn }] };
  }
  if (next?.ok) {
    const moved = await writeRecord(db, actor, 'support_requests', next.value, () => now);
    if (!moved.ok) {
      // The evaluation is kept (it is the beneficiary's); the step can be recorded again later.
      return { ok: false, problems: [{ field: 'record', messageAr: moved.messageAr, messageEn: moved.messageEn }] };
    }
  }
  return { ok: true, evaluation: saved.value };
}
