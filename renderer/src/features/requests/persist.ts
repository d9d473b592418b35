/**
 * Writes from the reception and requests screens go through the store's one write path
 * (renderer/src/data/records.ts: rights, stamps, lookup hashes, validation, audit). Procedure
 * steps go through shared/casefile's applyProcedureEvent first: the workflow decides, never us.
 */
import type { RxDatabase } from 'rxdb';
import { applyProcedureEvent } from '../../../../shared/casefile';
import type { ProcedureEvent } from '../../../../shared/workflow';
import type { ValidationIssue } from '../../../../shared/schema';
import type { SilaDatabase } from '../../data/database';
import { saveRecord, type SaveRecordOptions, type SaveRecordResult } from '../../data/records';
import type { Actor } from '../../state/actor';
import type { RequestFile } from './contract';

export function save<T = Record<string, unknown>>(
  db: SilaDatabase,
  actor: Actor,
  collection: string,
  doc: object,
  options?: SaveRecordOptions,
): Promise<SaveRecordResult<T>> {
  return saveRecord<T>(db as unknown as RxDatabase, actor, collection, doc as Record<string, unknown>, options);
}

export type StepOutcome = { ok: true } | { ok: false; messageAr: string; messageEn: string; issues?: ValidationIssue[] };

/** Applies one procedure event to the file's request and stores the result. */
export async function applyEvent(db: SilaDatabase, actor: Actor, file: RequestFile, event: ProcedureEvent, now = new Date()): Promise<StepOutcome> {
  const result = await applyProcedureEvent(
    file.request,
    event,
    { beneficiary: file.beneficiary, documents: file.documents, profile: file.profile },
    { userId: actor.userId, role: actor.role },
    now,
  );
  if (!result.ok) return { ok: false, messageAr: result.messageAr, messageEn: result.messageEn };
  const saved = await save(db, actor, 'support_requests', result.request, { action: 'update', summary: `procedure ${event.type}` });
  if (!saved.ok) return { ok: false, messageAr: saved.messageAr, messageEn: saved.messageEn, issues: saved.issues };
  return { ok: true };
}
