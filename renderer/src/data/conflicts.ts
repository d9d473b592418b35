/**
 * Sync conflicts on the laptop (issue 6 §5): when two laptops changed the same field of the
 * same record differently, the record keeps HQ's value and the other value is written to
 * `sync_conflicts` (shared/sync/merge.ts detects it, `createConflictRecorder` records it). A
 * person then chooses, field by field, which value the record keeps (`resolveConflict`).
 * Both go through the one audited write path (data/records.ts): rights, validation, audit.
 * Nothing is dropped silently: a conflict that cannot be recorded is reported as a sync error
 * naming the record, and a resolution that cannot be written leaves the conflict open.
 */
import type { RxCollection } from 'rxdb';
import { can, canUpdate } from '../../../shared/access';
import { describeChangedFields } from '../../../shared/audit';
import type { SyncConflict } from '../../../shared/schema';
import type { SyncProblem } from '../../../shared/sync/client';
import { conflictRecord, planConflictResolution, type ConflictChoices } from '../../../shared/sync/manager';
import type { ConflictSink, DetectedConflict } from '../../../shared/sync/merge';
import type { ValidationIssue } from '../../../shared/schema';
import { useActorStore } from '../state/actor';
import { deviceId as localDeviceId } from '../state/device';
import { deleteRecord, saveRecord, type RecordActor } from './records';
import { collectionIn, type StoreDatabase } from './audit';

/** Fields computed from others (keyed lookup hashes): never chosen by a person, recomputed on save. */
export const derivedConflictFields: Readonly<Record<string, string>> = { idHash: 'nationalId', phoneHash: 'phone' };

/** Fields of a conflict record that say only who resolved it: two laptops resolving the same conflict is not a new conflict. */
const RESOLUTION_FIELDS = new Set(['status', 'resolution', 'resolvedBy', 'resolvedAt']);

const NOT_RECORDED_AR =
  'عُدّل السجل نفسه على جهازين في الوقت نفسه واحتُفظ بنسخة المركز، ولم يمكن حفظ نسختك للمقارنة. راجع السجل وأعد إدخال تعديلك إن لزم، وأبلغ مدير النظام.';

export interface ConflictRecorderOptions {
  /** The signed-in user (default: the actor store). */
  actor?: () => (RecordActor & { role: RecordActor['role'] }) | null;
  deviceId?: () => string;
  /** A conflict could not be recorded: say so (it is the only trace of the losing value). */
  onProblem(collection: string, problem: SyncProblem): void;
  now?: () => Date;
}

function conflictsOf(db: StoreDatabase): RxCollection<SyncConflict> | undefined {
  return collectionIn(db, 'sync_conflicts') as RxCollection<SyncConflict> | undefined;
}

/** The sink for shared/sync/manager `setSyncConflictSink`: writes each detected conflict once. */
export function createConflictRecorder(db: StoreDatabase, options: ConflictRecorderOptions): ConflictSink {
  const actorOf = options.actor ?? (() => useActorStore.getState().actor);
  const deviceOf = options.deviceId ?? (() => localDeviceId());
  return async (c: DetectedConflict) => {
    if (c.collectionName === 'sync_conflicts' && c.fields.every((f) => RESOLUTION_FIELDS.has(f.path))) return;
    const at = (options.now ?? (() => new Date()))().toISOString();
    const fail = (message: string) =>
      options.onProblem(c.collectionName, {
        source: 'replication',
        code: 'CONFLICT_NOT_RECORDED',
        message: `Conflict on ${c.collectionName}/${c.documentId} (${c.fields.map((f) => f.path).join(', ')}) could not be recorded: ${message}. HQ's values were kept.`,
        messageAr: NOT_RECORDED_AR,
        status: null,
        details: { documentId: c.documentId, issues: c.fields.map((f) => ({ path: f.path, message: 'conflict not recorded' })) },
        at,
      });
    const actor = actorOf();
    const conflicts = conflictsOf(db);
    if (!actor || !conflicts) return fail(actor ? 'no sync_conflicts collection' : 'nobody is signed in');
    const device = deviceOf();
    const record = conflictRecord(c, { userId: actor.userId, role: actor.role, branchIds: [...actor.branchIds], deviceId: device }, at);
    // The same conflict seen again (a retried push) has the same id: recorded once.
    if (await conflicts.findOne(record.id).exec()) return;
    const saved = await saveRecord(db, actor, 'sync_conflicts', record as unknown as Record<string, unknown>, { action: 'create', summary: 'sync conflict recorded', deviceId: device });
    if (!saved.ok) fail(`${saved.reason}: ${saved.messageEn}`);
  };
}

export type ResolveConflictResult =
  | { ok: true; resolution: 'kept_theirs' | 'kept_ours' | 'edited' }
  | { ok: false; messageAr: string; messageEn: string; issues: ValidationIssue[] };

/** May this user resolve the conflict (update the record and the conflict)? */
export function canResolveConflict(actor: RecordActor, conflict: Pick<SyncConflict, 'collectionName' | 'branchId'>): { allowed: true } | { allowed: false; messageAr: string; messageEn: string } {
  const branch = { branchId: conflict.branchId };
  for (const d of [canUpdate(actor, 'sync_conflicts', branch, branch), can(actor, 'update', conflict.collectionName, branch)]) {
    if (!d.allowed) return { allowed: false, messageAr: d.messageAr, messageEn: d.messageEn };
  }
  return { allowed: true };
}

/**
 * Resolve one open conflict: for each field the value the record keeps — 'theirs' (the one in
 * the record now) or 'ours' (the losing one). Writes the record (when a losing value is chosen)
 * and marks the conflict resolved, both audited. A failed write leaves the conflict open.
 */
export async function resolveConflict(db: StoreDatabase, actor: RecordActor, conflictId: string, choices: ConflictChoices, now = new Date()): Promise<ResolveConflictResult> {
  const conflicts = conflictsOf(db);
  const found = conflicts ? await conflicts.findOne(conflictId).exec() : null;
  if (!found) {
    return { ok: false, issues: [], messageAr: 'لم يعد هذا التعارض موجودًا على الجهاز. حدّث الصفحة.', messageEn: 'This conflict is no longer on this laptop. Refresh the page.' };
  }
  const conflict = found.toJSON() as SyncConflict;
  if (conflict.status === 'resolved') return { ok: true, resolution: conflict.resolution ?? 'kept_theirs' };
  const allowed = canResolveConflict(actor, conflict);
  if (!allowed.allowed) return { ok: false, issues: [], messageAr: allowed.messageAr, messageEn: allowed.messageEn };

  // Derived fields follow the field they are computed from.
  const effective: Record<string, 'ours' | 'theirs'> = { ...choices };
  for (const f of conflict.fields) {
    const source = derivedConflictFields[f.path];
    if (source) effective[f.path] = choices[source] ?? 'theirs';
  }
  const target = collectionIn(db, conflict.collectionName);
  const doc = target ? await target.findOne(conflict.documentId).exec() : null;
  const current = doc ? (doc.toJSON() as Record<string, unknown>) : null;
  const at = now.toISOString();
  const plan = planConflictResolution(conflict, current, effective, actor.userId, at);
  if (!plan.ok) return { ok: false, issues: [], messageAr: plan.messageAr, messageEn: plan.messageEn };

  if (plan.deleteDocument) {
    const deleted = await deleteRecord(db, actor, conflict.collectionName, conflict.documentId, { summary: 'conflict resolved: deleted', now: () => now });
    if (!deleted.ok) return { ok: false, issues: deleted.issues, messageAr: deleted.messageAr, messageEn: deleted.messageEn };
  } else if (plan.document && current) {
    const summary = `conflict resolved, ${describeChangedFields(current, plan.document)}`.slice(0, 200);
    const saved = await saveRecord(db, actor, conflict.collectionName, plan.document, { action: 'update', summary, now: () => now });
    if (!saved.ok) return { ok: false, issues: saved.issues, messageAr: saved.messageAr, messageEn: saved.messageEn };
  }
  const marked = await saveRecord(db, actor, 'sync_conflicts', plan.conflict as unknown as Record<string, unknown>, {
    action: 'update',
    summary: `sync conflict resolved, ${plan.resolution}`,
    now: () => now,
  });
  if (!marked.ok) return { ok: false, issues: marked.issues, messageAr: marked.messageAr, messageEn: marked.messageEn };
  return { ok: true, resolution: plan.resolution };
}
