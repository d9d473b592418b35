/**
 * The feature's one write path: document records go through the local store's `saveRecord`
 * (access check, schema validation, audit entry); scans through `storeScan` (scanStore.ts).
 */
import type { RxDatabase } from 'rxdb';
import type { BeneficiaryDocument } from '../../../../shared/schema';
import type { SilaDatabase } from '../../data/database';
import { saveRecord, type RecordActor } from '../../data/records';

export type WriteResult = { ok: true } | { ok: false; messageAr: string; messageEn: string };

/** Stores a document record (validated, audited). `summary` names what happened, never values. */
export async function writeDocument(
  db: SilaDatabase,
  actor: RecordActor,
  document: BeneficiaryDocument,
  summary?: string,
): Promise<WriteResult> {
  const result = await saveRecord(
    db as unknown as RxDatabase,
    actor,
    'documents',
    document as unknown as Record<string, unknown>,
    summary ? { summary } : {},
  );
  return result.ok
    ? { ok: true }
    : { ok: false, messageAr: result.messageAr, messageEn: result.messageEn };
}
