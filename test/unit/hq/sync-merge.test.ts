import fc from 'fast-check';
import { describe, expect, test } from 'vitest';
import { conflictRecordId, createMergeConflictHandler, threeWayMerge, type DetectedConflict } from '../../../shared/sync/merge';
import { conflictRecord } from '../../../shared/sync/manager';
import { syncConflicts, validateDocument } from '../../../shared/schema';

const base = {
  id: 'ben-1',
  branchId: 'branch-riyadh',
  updatedAt: '2026-11-21T08:00:00.000Z',
  updatedBy: 'u0',
  fullName: 'نورة الحربي',
  phone: '+966500000001',
  city: 'الرياض',
  address: { district: 'العليا', street: 'التحلية' },
  tags: ['a'],
  _deleted: false,
};

describe('three-way merge', () => {
  test('different fields changed on each side merge without conflicts', () => {
    const ours = { ...base, phone: '+966511111111', updatedAt: '2026-11-21T09:00:00.000Z', updatedBy: 'uA' };
    const theirs = { ...base, city: 'جدة', updatedAt: '2026-11-21T08:30:00.000Z', updatedBy: 'uB' };
    const { merged, conflicts } = threeWayMerge(base, ours, theirs);
    expect(conflicts).toEqual([]);
    expect(merged).toMatchObject({ phone: '+966511111111', city: 'جدة', updatedAt: '2026-11-21T09:00:00.000Z', updatedBy: 'uA' });
  });

  test('the same field changed differently keeps HQ value and reports both', () => {
    const ours = { ...base, phone: '+966511111111' };
    const theirs = { ...base, phone: '+966522222222', fullName: 'نورة محمد الحربي' };
    const { merged, conflicts } = threeWayMerge(base, ours, theirs);
    expect(merged.phone).toBe('+966522222222');
    expect(merged.fullName).toBe('نورة محمد الحربي');
    expect(conflicts).toEqual([{ path: 'phone', ours: '+966511111111', theirs: '+966522222222', base: '+966500000001' }]);
  });

  test('the same change on both sides is not a conflict; nested objects merge field by field', () => {
    const ours = { ...base, phone: '+966533333333', address: { district: 'الملقا', street: 'التحلية' } };
    const theirs = { ...base, phone: '+966533333333', address: { district: 'العليا', street: 'العروبة' } };
    const { merged, conflicts } = threeWayMerge(base, ours, theirs);
    expect(conflicts).toEqual([]);
    expect(merged.address).toEqual({ district: 'الملقا', street: 'العروبة' });
    const clash = threeWayMerge(base, { ...base, address: { district: 'X', street: 'التحلية' } }, { ...base, address: { district: 'Y', street: 'التحلية' } });
    expect(clash.conflicts.map((c) => c.path)).toEqual(['address.district']);
  });

  test('a field added on one side and removed on the other', () => {
    const { merged, conflicts } = threeWayMerge<Record<string, unknown>>(base, { ...base, note: 'جديد' }, (({ city: _c, ...rest }) => rest)(base));
    expect(conflicts).toEqual([]);
    expect(merged).toMatchObject({ note: 'جديد' });
    expect('city' in merged).toBe(false);
  });

  test('deletion against an edit keeps HQ copy and records the disagreement', () => {
    const ours = { ...base, _deleted: true };
    const theirs = { ...base, phone: '+966522222222' };
    const r = threeWayMerge(base, ours, theirs);
    expect(r.merged).toEqual(theirs);
    expect(r.conflicts.map((c) => c.path).sort()).toEqual(['_deleted', 'phone']);
    const r2 = threeWayMerge(base, { ...base, phone: '+966511111111' }, { ...base, _deleted: true });
    expect(r2.merged._deleted).toBe(true);
    expect(r2.conflicts.find((c) => c.path === 'phone')).toEqual({ path: 'phone', ours: '+966511111111', theirs: '+966500000001', base: '+966500000001' });
  });

  test('without a common base every differing field is a conflict', () => {
    const r = threeWayMerge(null, { ...base, phone: '1' }, { ...base, phone: '2' });
    expect(r.conflicts.map((c) => c.path)).toEqual(['phone']);
    expect(r.conflicts[0]!.base).toBeUndefined();
  });

  test('property: nothing is lost — every field of ours is in the merge or in a conflict', () => {
    const value = fc.oneof(fc.constant(undefined), fc.string({ maxLength: 3 }), fc.integer({ min: 0, max: 3 }));
    const doc = fc.record({ a: value, b: value, c: value });
    fc.assert(
      fc.property(doc, doc, doc, (b, o, t) => {
        const clean = (d: Record<string, unknown>) => Object.fromEntries(Object.entries(d).filter(([, v]) => v !== undefined));
        const [B, O, T] = [clean(b), clean(o), clean(t)];
        const { merged, conflicts } = threeWayMerge(B, O, T);
        for (const k of ['a', 'b', 'c']) {
          const inMerge = JSON.stringify(merged[k]) === JSON.stringify(O[k]);
          const inConflict = conflicts.some((c) => c.path === k && JSON.stringify(c.ours) === JSON.stringify(O[k]));
          const unchangedByUs = JSON.stringify(O[k]) === JSON.stringify(B[k]);
          expect(inMerge || inConflict || unchangedByUs).toBe(true);
          // And HQ's changes are never dropped either.
          if (JSON.stringify(T[k]) !== JSON.stringify(B[k])) expect(JSON.stringify(merged[k])).toBe(JSON.stringify(T[k]));
        }
      }),
    );
  });
});

describe('conflict handler and conflict records', () => {
  test('the RxDB handler merges, ignores RxDB metadata in isEqual, and reports same-field conflicts once', async () => {
    const seen: DetectedConflict[] = [];
    const handler = createMergeConflictHandler<typeof base>('beneficiaries', () => async (c) => {
      seen.push(c);
    });
    expect(handler.isEqual({ ...base, _meta: { lwt: 1 } } as never, { ...base, _meta: { lwt: 2 } } as never, 'x')).toBe(true);
    const out = await handler.resolve(
      { assumedMasterState: base as never, newDocumentState: { ...base, phone: '1', city: 'مكة' } as never, realMasterState: { ...base, phone: '2' } as never },
      'x',
    );
    expect(out).toMatchObject({ phone: '2', city: 'مكة' });
    expect(seen).toHaveLength(1);
    expect(seen[0]).toMatchObject({ collectionName: 'beneficiaries', documentId: 'ben-1', branchId: 'branch-riyadh' });
  });

  test('conflict records validate against the sync_conflicts schema and have stable ids', () => {
    const c: DetectedConflict = {
      collectionName: 'beneficiaries',
      documentId: 'ben-1',
      branchId: 'branch-riyadh',
      fields: [{ path: 'phone', ours: '1', theirs: '2', base: undefined }],
      base: null,
      ours: { ...base, phone: '1' },
      theirs: { ...base, phone: '2' },
    };
    const record = conflictRecord(c, { userId: 'u1', role: 'field_delegate', branchIds: ['branch-riyadh'], deviceId: 'dev-1' }, '2026-11-21T10:00:00.000Z');
    expect(validateDocument(syncConflicts, record)).toMatchObject({ ok: true });
    expect(record.fields[0]).toEqual({ path: 'phone', ours: '"1"', theirs: '"2"', base: '' });
    expect(conflictRecordId(c)).toBe(record.id);
    expect(conflictRecordId({ ...c, ours: { ...c.ours, phone: '3' } })).not.toBe(record.id);
    expect(record.id.length).toBeLessThanOrEqual(64);
    expect(conflictRecordId({ ...c, documentId: 'x'.repeat(64) }).length).toBeLessThanOrEqual(64);
  });
});
