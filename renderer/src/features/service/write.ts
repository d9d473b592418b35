/**
 * The service feature's writes: records go through the app's one write path (`saveRecord`:
 * access check, schema validation, audit entry); procedure steps through shared/casefile's
 * `applyProcedureEvent`, then the updated request is saved the same way.
 */
import type { RxDatabase } from 'rxdb';
import type { SilaDatabase } from '../../data/database';
import { applyProcedureEvent } from '../../../../shared/casefile';
import type { ProcedureEvent } from '../../../../shared/workflow/machine';
import { saveRecord, type RecordActor, type SaveRecordResult } from '../../data/records';
import type { RequestFile } from '../requests/contract';

export interface WriteProblem {
  messageAr: string;
  messageEn: string;
  /** Per-field issues from the schema (path → Arabic message). */
  issues: { path: string; message: string }[];
}

export type WriteResult<T> = { ok: true; value: T } | ({ ok: false } & WriteProblem);

function fromSave<T>(result: SaveRecordResult<T>): WriteResult<T> {
  return result.ok ? { ok: true, value: result.doc } : { ok: false, messageAr: result.messageAr, messageEn: result.messageEn, issues: result.issues };
}

export async function writeRecord<T>(
  db: SilaDatabase,
  actor: RecordActor,
  collectionName: string,
  doc: T,
  now?: () => Date,
): Promise<WriteResult<T>> {
  return fromSave(await saveRecord<T>(db as unknown as RxDatabase, actor, collectionName, doc as Record<string, unknown>, now ? { now } : {}));
}

/** The request after one procedure step (not yet written), or the domain's message when refused. */
export async function prepareStep(
  actor: RecordActor,
  file: RequestFile,
  event: ProcedureEvent,
  now: Date,
): Promise<WriteResult<RequestFile['request']>> {
  const result = await applyProcedureEvent(
    file.request,
    event,
    { beneficiary: file.beneficiary, documents: file.documents, profile: file.profile },
    { userId: actor.userId, role: actor.role },
    now,
  );
  if (!result.ok) return { ok: false, messageAr: result.messageAr, messageEn: result.messageEn, issues: [] };
  return { ok: true, value: result.request };
}

/** One procedure step on the file's request, written back. */
export async function applyStep(
  db: SilaDatabase,
  actor: RecordActor,
  file: RequestFile,
  event: ProcedureEvent,
  now: Date,
): Promise<WriteResult<RequestFile['request']>> {
  const prepared = await prepareStep(actor, file, event, now);
  if (!prepared.ok) return prepared;
  return writeRecord(db, actor, 'support_requests', prepared.value, () => now);
}
