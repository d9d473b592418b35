/**
 * Sync conflicts on the laptop (issue 6 §5): how a detected same-field conflict is recorded
 * (once, with who made each version and when, through the audited write path), and how a
 * person's choice is planned and written (data/conflicts.ts over shared/sync/manager.ts).
 * Nothing is dropped silently: a conflict that cannot be recorded is reported; a resolution
 * that cannot be written leaves the conflict open.
 */
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import type { RxCollection } from 'rxdb';
import type { SilaDatabase } from '../../../renderer/src/data/database';
import { canResolveConflict, createConflictRecorder, resolveConflict } from '../../../renderer/src/data/conflicts';
import { auditChainOf } from '../../../renderer/src/data/audit';
import { deviceId as localDeviceId } from '../../../renderer/src/state/device';
import { conflictRecord, conflictValue, planConflictResolution } from '../../../shared/sync/manager';
import type { DetectedConflict } from '../../../shared/sync/merge';
import { threeWayMerge } from '../../../shared/sync/merge';
import { collectionsByName, validateDocument, type SyncConflict } from '../../../shared/schema';
import type { SyncProblem } from '../../../shared/sync/client';
import { samples } from './store-fixtures';
import { MemoryStorage, openTestDatabase } from './store-helpers';

const DEVICE = 'device-0123456789abcdef0123456789abcdef';
const staff = { userId: 'u_staff', role: 'branch_staff' as const, branchIds: ['branch-riyadh'], branchId: 'branch-riyadh' };
const committee = { userId: 'u_committee', role: 'committee_member' as const, branchIds: ['branch-riyadh'], branchId: 'branch-riyadh' };

const base = { ...samples.beneficiaries!.valid, id: 'ben-c', phone: '+966500000001', phoneHash: 'c'.repeat(64), city: 'الرياض', updatedAt: '2026-01-01T08:00:00.000Z', updatedBy: 'u_a' };
const ours = { ...base, phone: '+966511111111', phoneHash: 'd'.repeat(64), updatedAt: '2026-01-02T09:00:00.000Z', updatedBy: 'u_a' };
const theirs = { ...base, phone: '+966522222222', phoneHash: 'e'.repeat(64), city: 'جدة', updatedAt: '2026-01-02T10:00:00.000Z', updatedBy: 'u_b' };

function detected(): DetectedConflict {
  const { conflicts } = threeWayMerge(base, ours, theirs);
  return { collectionName: 'beneficiaries', documentId: 'ben-c', branchId: 'branch-riyadh', fields: conflicts, base, ours, theirs };
}

const user = { userId: 'u_a', role: 'field_delegate' as const, branchIds: ['branch-riyadh'], deviceId: DEVICE };

describe('planning a resolution (shared/sync/manager)', () => {
  const conflict = conflictRecord(detected(), user, '2026-01-02T11:00:00.000Z');

  it('records both values, who made each version and when, and validates', () => {
    expect(conflict.fields.map((f) => f.path).sort()).toEqual(['phone', 'phoneHash']);
    expect(conflict).toMatchObject({
      status: 'open',
      detectedBy: 'u_a',
      detectedOnDevice: DEVICE,
      oursUpdatedBy: 'u_a',
      oursUpdatedAt: '2026-01-02T09:00:00.000Z',
      theirsUpdatedBy: 'u_b',
      theirsUpdatedAt: '2026-01-02T10:00:00.000Z',
    });
    const phone = conflict.fields.find((f) => f.path === 'phone')!;
    expect([conflictValue(phone, 'ours'), conflictValue(phone, 'theirs'), conflictValue(phone, 'base')]).toEqual(['+966511111111', '+966522222222', '+966500000001']);
    expect(validateDocument(collectionsByName.get('sync_conflicts')!, conflict).ok).toBe(true);
  });

  it('keeping the record as it is writes nothing; choosing the other value writes only the chosen fields', () => {
    // Since the conflict, someone also changed the city: no choice touches it.
    const current = { ...theirs, city: 'الدمام' };
    const keep = planConflictResolution(conflict, current, {}, 'u_x', '2026-01-03T00:00:00.000Z');
    expect(keep).toMatchObject({ ok: true, resolution: 'kept_theirs', document: null, deleteDocument: false });
    expect(keep.ok && keep.conflict).toMatchObject({ status: 'resolved', resolution: 'kept_theirs', resolvedBy: 'u_x', resolvedAt: '2026-01-03T00:00:00.000Z' });

    const restore = planConflictResolution(conflict, current, { phone: 'ours', phoneHash: 'ours' }, 'u_x', '2026-01-03T00:00:00.000Z');
    expect(restore.ok && restore.resolution).toBe('kept_ours');
    expect(restore.ok && restore.document).toMatchObject({ phone: '+966511111111', phoneHash: 'd'.repeat(64), city: 'الدمام', updatedBy: 'u_x', updatedAt: '2026-01-03T00:00:00.000Z' });

    const mixed = planConflictResolution(conflict, current, { phone: 'ours' }, 'u_x', '2026-01-03T00:00:00.000Z');
    expect(mixed.ok && mixed.resolution).toBe('edited');
  });

  it('a field absent on the chosen side is removed; a chosen deletion deletes; a missing record cannot take a value', () => {
    const withNote = conflictRecord(
      { ...detected(), fields: [{ path: 'notes', ours: undefined, theirs: 'ملاحظة', base: 'قديمة' }] },
      user,
      '2026-01-02T11:00:00.000Z',
    );
    const removed = planConflictResolution(withNote, { ...theirs, notes: 'ملاحظة' }, { notes: 'ours' }, 'u_x', '2026-01-03T00:00:00.000Z');
    expect(removed.ok && removed.document && 'notes' in removed.document).toBe(false);

    const deletion = conflictRecord({ ...detected(), fields: [{ path: '_deleted', ours: true, theirs: false, base: false }, { path: 'city', ours: 'الرياض', theirs: 'جدة', base: 'الرياض' }] }, user, '2026-01-02T11:00:00.000Z');
    expect(planConflictResolution(deletion, theirs, { _deleted: 'ours' }, 'u_x', '2026-01-03T00:00:00.000Z')).toMatchObject({ ok: true, deleteDocument: true, document: null });

    const missing = planConflictResolution(conflict, null, { phone: 'ours' }, 'u_x', '2026-01-03T00:00:00.000Z');
    expect(missing).toMatchObject({ ok: false, reason: 'record_missing' });
    expect(!missing.ok && missing.messageAr).toMatch(/القيمتان محفوظتان/);
    expect(planConflictResolution(conflict, null, {}, 'u_x', '2026-01-03T00:00:00.000Z').ok).toBe(true);
  });
});

describe('recording and resolving on the laptop (renderer/src/data/conflicts.ts)', () => {
  let db: SilaDatabase | null = null;
  beforeEach(() => {
    vi.stubGlobal('localStorage', new MemoryStorage());
  });
  afterEach(async () => {
    vi.unstubAllGlobals();
    await db?.close();
    db = null;
  });

  async function open(): Promise<SilaDatabase> {
    db = (await openTestDatabase(undefined, `sila-conflicts-${Math.random().toString(36).slice(2)}`)).db;
    await (db.collections.beneficiaries as unknown as RxCollection).insert({ ...theirs });
    return db;
  }

  it('records a detected conflict once, audited; says so when it cannot be recorded', async () => {
    const database = await open();
    const problems: [string, SyncProblem][] = [];
    const sink = createConflictRecorder(database, { actor: () => staff, deviceId: () => DEVICE, onProblem: (c, p) => problems.push([c, p]) });
    await sink(detected());
    await sink(detected()); // a retried push sees the same conflict again
    const stored = (await database.collections.sync_conflicts!.find().exec()).map((d) => d.toJSON() as SyncConflict);
    expect(stored).toHaveLength(1);
    expect(stored[0]).toMatchObject({ collectionName: 'beneficiaries', documentId: 'ben-c', branchId: 'branch-riyadh', status: 'open', detectedBy: 'u_staff', detectedOnDevice: DEVICE, theirsUpdatedBy: 'u_b' });
    const audit = await auditChainOf(database, DEVICE);
    expect(audit.filter((e) => e.collectionName === 'sync_conflicts').map((e) => [e.action, e.summary])).toEqual([['create', 'sync conflict recorded']]);
    expect(problems).toEqual([]);

    // Nobody signed in (or a role that may not write conflicts): the losing value is reported, never dropped quietly.
    const nobody = createConflictRecorder(database, { actor: () => null, deviceId: () => DEVICE, onProblem: (c, p) => problems.push([c, p]) });
    await nobody({ ...detected(), ours: { ...ours, phone: '+966533333333' } });
    const admin = createConflictRecorder(database, { actor: () => ({ userId: 'u_admin', role: 'hq_admin', branchIds: [], branchId: 'hq' }), deviceId: () => DEVICE, onProblem: (c, p) => problems.push([c, p]) });
    await admin({ ...detected(), ours: { ...ours, phone: '+966544444444' } });
    expect(problems.map(([c, p]) => [c, p.code, (p.details as { documentId: string }).documentId])).toEqual([
      ['beneficiaries', 'CONFLICT_NOT_RECORDED', 'ben-c'],
      ['beneficiaries', 'CONFLICT_NOT_RECORDED', 'ben-c'],
    ]);
    expect(problems[0]![1].messageAr).toMatch(/احتُفظ بنسخة المركز/);

    // Two laptops resolving the same conflict is not itself a conflict to list.
    await sink({ collectionName: 'sync_conflicts', documentId: stored[0]!.id, branchId: 'branch-riyadh', fields: [{ path: 'resolvedBy', ours: 'u_a', theirs: 'u_b', base: undefined }], base: null, ours: {}, theirs: {} });
    expect(await database.collections.sync_conflicts!.count().exec()).toBe(1);
  });

  it('a person restores the other value: the record and the conflict are written through the audited path', async () => {
    const database = await open();
    await createConflictRecorder(database, { actor: () => staff, deviceId: () => DEVICE, onProblem: () => {} })(detected());
    const [conflict] = (await database.collections.sync_conflicts!.find().exec()).map((d) => d.toJSON() as SyncConflict);

    // A committee member may read but not change beneficiaries: refused, the conflict stays open.
    expect(canResolveConflict(committee, conflict!)).toMatchObject({ allowed: false });
    const refused = await resolveConflict(database, committee, conflict!.id, { phone: 'ours' });
    expect(refused.ok).toBe(false);
    expect((await database.collections.sync_conflicts!.findOne(conflict!.id).exec())!.get('status')).toBe('open');

    expect(canResolveConflict(staff, conflict!)).toEqual({ allowed: true });
    const done = await resolveConflict(database, staff, conflict!.id, { phone: 'ours' }, new Date('2026-01-04T00:00:00.000Z'));
    expect(done).toEqual({ ok: true, resolution: 'kept_ours' }); // the lookup hash followed the phone
    const record = (await database.collections.beneficiaries!.findOne('ben-c').exec())!.toJSON() as Record<string, unknown>;
    expect(record).toMatchObject({ phone: '+966511111111', city: 'جدة', updatedBy: 'u_staff', updatedAt: '2026-01-04T00:00:00.000Z' });
    const resolved = (await database.collections.sync_conflicts!.findOne(conflict!.id).exec())!.toJSON() as SyncConflict;
    expect(resolved).toMatchObject({ status: 'resolved', resolution: 'kept_ours', resolvedBy: 'u_staff', resolvedAt: '2026-01-04T00:00:00.000Z' });
    const audit = (await auditChainOf(database, localDeviceId())).map((e) => [e.collectionName, e.action, e.summary]);
    expect(audit).toContainEqual(['beneficiaries', 'update', 'conflict resolved, updated: phone, phoneHash']);
    expect(audit).toContainEqual(['sync_conflicts', 'update', 'sync conflict resolved, kept_ours']);
    // Resolving again changes nothing.
    expect(await resolveConflict(database, staff, conflict!.id, {})).toEqual({ ok: true, resolution: 'kept_ours' });
  });

  it('a losing value the record no longer accepts is refused with the field, and the conflict stays open', async () => {
    const database = await open();
    const bad = { ...detected(), fields: [{ path: 'phone', ours: 'not a phone', theirs: '+966522222222', base: '+966500000001' }] };
    await createConflictRecorder(database, { actor: () => staff, deviceId: () => DEVICE, onProblem: () => {} })(bad);
    const [conflict] = (await database.collections.sync_conflicts!.find().exec()).map((d) => d.toJSON() as SyncConflict);
    const result = await resolveConflict(database, staff, conflict!.id, { phone: 'ours' });
    expect(result.ok).toBe(false);
    expect(!result.ok && result.issues.map((i) => i.path)).toEqual(['phone']);
    expect((await database.collections.sync_conflicts!.findOne(conflict!.id).exec())!.get('status')).toBe('open');
    expect((await database.collections.beneficiaries!.findOne('ben-c').exec())!.get('phone')).toBe('+966522222222');
  });
});
