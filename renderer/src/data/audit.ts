/**
 * The audit trail on the laptop (سجل التدقيق): every create, update, delete, sign, print, export
 * and opening of a beneficiary's file becomes one entry of this device's hash chain
 * (shared/audit), stored in the `audit_entries` collection, which replicates to HQ.
 *
 * Appends are serialised: a chain forks if two appends read the same head. Within a window a
 * promise queue orders them; across windows of the same profile the Web Locks API
 * (`navigator.locks`, one lock name per database) does, so the leader and other windows never
 * both append after the same entry.
 *
 *   await recordAudit(db, actor, { action: 'open_file', collectionName: 'beneficiaries', docId, summary: 'opened the file' });
 *
 * Summaries name what happened and which fields changed, never values (checked by
 * shared/audit's `checkAuditSummary`: digits runs and e-mails are refused).
 */
import type { RxCollection } from 'rxdb';
import {
  appendAuditEntry,
  auditActions,
  verifyAuditChain,
  type AuditAction,
  type AuditEntry,
  type AuditVerification,
} from '../../../shared/audit';
import { deviceId as currentDeviceId } from '../state/device';

export type { AuditAction, AuditEntry, AuditVerification };

/** Any RxDB database of the store (the renderer's SilaDatabase, or a test's). */
export interface StoreDatabase {
  readonly name: string;
  readonly collections: object;
}

export function collectionIn(db: StoreDatabase, name: string): RxCollection | undefined {
  return (db.collections as Record<string, RxCollection | undefined>)[name];
}
export { auditActions };

/** Who acted (a subset of renderer/src/state/actor.ts `Actor`). */
export interface AuditActor {
  userId: string;
  role?: AuditEntry['role'];
  branchId: string;
}

export interface AuditEvent {
  action: AuditAction;
  /** Collection name, or '' for session events (unlock, lock). */
  collectionName: string;
  /** Opaque record id, or ''. */
  docId: string;
  /** What happened, without personal data (field names and codes only). At most 300 characters. */
  summary: string;
}

export interface RecordAuditOptions {
  /** This laptop's id (default: the profile's device id, renderer/src/state/device.ts). */
  deviceId?: string;
  now?: () => Date;
}

const queues = new Map<string, Promise<unknown>>();

/** Runs `task` alone: after every earlier task of this key in this window, and under a Web Lock across windows. */
export function serialised<T>(key: string, task: () => Promise<T>): Promise<T> {
  const locks = typeof navigator !== 'undefined' ? (navigator as Navigator & { locks?: LockManager }).locks : undefined;
  const run = locks ? () => locks.request(key, { mode: 'exclusive' }, task) as Promise<T> : task;
  const previous = queues.get(key) ?? Promise.resolve();
  const next = previous.then(run, run);
  const settled = next.then(
    () => undefined,
    () => undefined,
  );
  queues.set(key, settled);
  void settled.then(() => {
    if (queues.get(key) === settled) queues.delete(key);
  });
  return next;
}

function auditCollection(db: StoreDatabase): RxCollection<AuditEntry> {
  const c = collectionIn(db, 'audit_entries') as RxCollection<AuditEntry> | undefined;
  if (!c) throw new Error('This database has no audit_entries collection.');
  return c;
}

/** The latest entry of a device's chain on this laptop, or null. */
export async function latestAuditEntry(db: StoreDatabase, deviceId: string): Promise<AuditEntry | null> {
  const doc = await auditCollection(db)
    .findOne({ selector: { deviceId }, sort: [{ deviceId: 'desc' }, { seq: 'desc' }] })
    .exec();
  return doc ? (doc.toJSON() as AuditEntry) : null;
}

function clean(entry: AuditEntry): AuditEntry {
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(entry)) if (!k.startsWith('_') && v !== undefined) out[k] = v;
  return out as unknown as AuditEntry;
}

/**
 * Appends one entry to this device's chain and stores it (it replicates to HQ with the rest).
 * Throws on programming errors (unknown action, a summary that looks like personal data).
 */
export function recordAudit(db: StoreDatabase, actor: AuditActor, event: AuditEvent, options: RecordAuditOptions = {}): Promise<AuditEntry> {
  const deviceId = options.deviceId ?? currentDeviceId();
  const now = options.now ?? (() => new Date());
  return serialised(`sila-audit:${db.name}:${deviceId}`, async () => {
    const prev = await latestAuditEntry(db, deviceId);
    const entry = await appendAuditEntry(prev ? clean(prev) : null, {
      branchId: actor.branchId,
      deviceId,
      userId: actor.userId,
      ...(actor.role ? { role: actor.role } : {}),
      at: now().toISOString(),
      action: event.action,
      collectionName: event.collectionName,
      docId: event.docId,
      summary: event.summary.slice(0, 300),
    });
    await auditCollection(db).insert(entry);
    return entry;
  });
}

/** Every entry of one device's chain on this laptop, in seq order. */
export async function auditChainOf(db: StoreDatabase, deviceId: string): Promise<AuditEntry[]> {
  const docs = await auditCollection(db)
    .find({ selector: { deviceId }, sort: [{ deviceId: 'asc' }, { seq: 'asc' }] })
    .exec();
  return docs.map((d) => clean(d.toJSON() as AuditEntry));
}

export interface DeviceChainReport {
  deviceId: string;
  entries: number;
  result: AuditVerification;
}

/** Verifies the chain of every device whose entries this laptop holds (shared/audit `verifyAuditChain`). */
export async function verifyLocalAuditChains(db: StoreDatabase): Promise<DeviceChainReport[]> {
  const all = await auditCollection(db).find().exec();
  const byDevice = new Map<string, AuditEntry[]>();
  for (const d of all) {
    const e = clean(d.toJSON() as AuditEntry);
    const list = byDevice.get(e.deviceId) ?? [];
    list.push(e);
    byDevice.set(e.deviceId, list);
  }
  const reports: DeviceChainReport[] = [];
  for (const [deviceId, entries] of [...byDevice].sort(([a], [b]) => a.localeCompare(b))) {
    // Stored order is by seq: a deletion shows as a gap, an edit as a hash mismatch.
    entries.sort((a, b) => a.seq - b.seq);
    reports.push({ deviceId, entries: entries.length, result: await verifyAuditChain(entries) });
  }
  return reports;
}
