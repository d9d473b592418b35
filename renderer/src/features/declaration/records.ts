/**
 * The declaration and committee features' writes, through the local store's `saveRecord`
 * (renderer/src/data/records.ts: access check, schema validation, stamping, audit).
 */
import type { CollectionDef, SupportRequest, ValidationIssue } from '../../../../shared/schema';
import { recordAudit, type AuditAction } from '../../data/audit';
import type { SilaDatabase } from '../../data/database';
import { saveRecord } from '../../data/records';
import type { Actor } from '../../state/actor';

/** A write refused by the store: the domain's message, and the per-field problems if any. */
export class RecordInvalidError extends Error {
  constructor(
    readonly issues: ValidationIssue[],
    readonly messageAr: string,
    readonly messageEn: string,
  ) {
    super(messageEn);
    this.name = 'RecordInvalidError';
  }
}

/** New random record id (fits the schema's id pattern). */
export function newRecordId(): string {
  const bytes = crypto.getRandomValues(new Uint8Array(16));
  return Array.from(bytes, (b) => b.toString(16).padStart(2, '0')).join('');
}

/** Validates, stores and audits a new record. Throws RecordInvalidError with the store's messages. */
export async function insertRecord<T extends { id: string }>(
  db: SilaDatabase,
  def: CollectionDef,
  doc: T,
  actor: Actor,
  audit: { action: AuditAction; summary: string },
  files?: readonly { id: string; type: string; bytes: Uint8Array }[],
): Promise<T> {
  const result = await saveRecord<T>(db, actor, def.name, doc, { action: audit.action, summary: audit.summary, ...(files ? { files } : {}) });
  if (!result.ok) throw new RecordInvalidError(result.issues, result.messageAr, result.messageEn);
  return result.doc;
}

/** Stores a support request returned by applyProcedureEvent. */
export async function saveProcedureStep(db: SilaDatabase, updated: SupportRequest, actor: Actor, summary: string): Promise<void> {
  const result = await saveRecord(db, actor, 'support_requests', updated, { action: 'update', summary });
  if (!result.ok) throw new RecordInvalidError(result.issues, result.messageAr, result.messageEn);
}

export async function auditEvent(db: SilaDatabase, actor: Actor, action: AuditAction, collectionName: string, docId: string, summary: string): Promise<void> {
  await recordAudit(db, actor, { action, collectionName, docId, summary });
}
