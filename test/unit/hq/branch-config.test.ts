/**
 * HQ publishes its branches to every laptop as hq_config `branch` entries (Arabic and English
 * names): created once, rewritten only when the branch changes, valid against the shared schema,
 * and what reports and filters label branches with (renderer reportTables).
 */
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { createBranch, listBranches } from '../../../hq/accounts';
import { branchConfigId, publishBranches, UNKNOWN_CITY } from '../../../hq/branch-config';
import { openPglite, type Database } from '../../../hq/db';
import { runMigrations } from '../../../hq/migrations';
import { pullChanges } from '../../../hq/store';
import { requestsByBranch } from '../../../shared/casefile';
import { hqConfig, validateDocument, type HqConfigEntry, type SupportRequest } from '../../../shared/schema';
import { branchOptions } from '../../../renderer/src/features/reports/reportTables';

describe('branch entries in hq_config', () => {
  let db: Database;
  beforeAll(async () => {
    db = await openPglite();
    await runMigrations(db);
  }, 60_000);
  afterAll(async () => {
    await db.close();
  });

  const entries = async () => (await pullChanges(db, hqConfig, null, 100)).documents.filter((d) => d.kind === 'branch') as unknown as (HqConfigEntry & { _deleted: boolean })[];

  test('every branch is published once with its names, and again only when it changes', async () => {
    await createBranch(db, { id: 'riyadh', name: 'فرع الرياض', nameEn: 'Riyadh branch', city: 'الرياض' });
    await createBranch(db, { id: 'jeddah', name: 'فرع جدة' });
    expect((await listBranches(db)).map((b) => [b.id, b.nameEn])).toEqual([
      ['jeddah', ''],
      ['riyadh', 'Riyadh branch'],
    ]);

    expect(await publishBranches(db)).toBe(2);
    const first = await entries();
    expect(first.map((e) => e.id).sort()).toEqual([branchConfigId('jeddah'), branchConfigId('riyadh')]);
    for (const e of first) expect(validateDocument(hqConfig, e).ok).toBe(true);
    const riyadh = first.find((e) => e.branchId === 'riyadh')!;
    expect(riyadh).toMatchObject({ kind: 'branch', updatedBy: 'hq', branch: { name: 'فرع الرياض', nameEn: 'Riyadh branch', city: 'الرياض', active: true } });
    const jeddah = first.find((e) => e.branchId === 'jeddah')!;
    expect(jeddah.branch).toEqual({ name: 'فرع جدة', city: UNKNOWN_CITY, active: true });

    // Nothing changed: nothing written (no new sequence numbers for laptops to pull).
    const seqBefore = (await pullChanges(db, hqConfig, null, 100)).checkpoint!.seq;
    expect(await publishBranches(db)).toBe(0);
    expect((await pullChanges(db, hqConfig, null, 100)).checkpoint!.seq).toBe(seqBefore);

    // A renamed branch is rewritten (compare-and-set against the stored entry), keeping its creation time.
    await db.query("UPDATE hq_branches SET name_en = 'Jeddah branch' WHERE id = 'jeddah'");
    expect(await publishBranches(db, ['jeddah'])).toBe(1);
    const renamed = (await entries()).find((e) => e.branchId === 'jeddah')!;
    expect(renamed.branch!.nameEn).toBe('Jeddah branch');
    expect(renamed.createdAt).toBe(jeddah.createdAt);
  });

  test('reports and the branch filter label branches with the published names', async () => {
    const published = (await entries())
      .map(({ _deleted, ...e }) => (void _deleted, e as HqConfigEntry))
      .sort((a, b) => a.branchId!.localeCompare(b.branchId!));
    const request = (id: string, branchId: string) => ({ id, branchId }) as unknown as SupportRequest;
    const requests = [request('r1', 'riyadh'), request('r2', 'riyadh'), request('r3', 'jeddah'), request('r4', 'old-branch')];
    const rows = requestsByBranch(requests, published);
    expect(rows.map((r) => [r.key, r.labelAr, r.labelEn, r.count])).toEqual([
      ['jeddah', 'فرع جدة', 'Jeddah branch', 1],
      ['riyadh', 'فرع الرياض', 'Riyadh branch', 2],
      ['old-branch', 'فرع غير مسجّل (old-branch)', 'Unregistered branch (old-branch)', 1],
    ]);
    expect(branchOptions(published, requests, false).map((o) => o.label)).toEqual(['فرع جدة', 'فرع الرياض', 'old-branch']);
    expect(branchOptions(published, requests, true).map((o) => o.label)).toEqual(['Jeddah branch', 'Riyadh branch', 'old-branch']);
  });
});
