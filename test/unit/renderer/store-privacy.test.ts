/** PDPL export for one beneficiary: every record about them (and only them), JSON + HTML, audited. */
import { afterEach, describe, expect, it } from 'vitest';
import type { RxCollection } from 'rxdb';
import type { SilaDatabase } from '../../../renderer/src/data/database';
import { auditChainOf } from '../../../renderer/src/data/audit';
import { collectSubjectData, exportSubjectData, recordDestructionRequest, subjectDataHtml } from '../../../renderer/src/features/privacy/subjectData';
import { generateNationalId } from '../../../shared/identity';
import { PDPL_DESTRUCTION_ACTION } from '../../../shared/privacy';
import { samples } from './store-fixtures';
import { openTestDatabase } from './store-helpers';

let db: SilaDatabase | null = null;
afterEach(async () => {
  await db?.close();
  db = null;
});

const DEVICE = 'device-0123456789abcdef0123456789abcdef';

describe('PDPL export', () => {
  it('collects the beneficiary, their requests and everything pointing to them; exports JSON and escaped HTML; audits without personal data', async () => {
    ({ db } = await openTestDatabase(undefined, 'pdpl'));
    const c = (n: string) => db!.collections[n] as RxCollection;
    const b = samples.beneficiaries!.valid;
    await c('beneficiaries').insert({ ...b, id: 'ben1', fullName: 'وداد <b>سالم</b> المري' });
    await c('beneficiaries').insert({ ...b, id: 'ben2', fullName: 'شخص آخر تماما', nationalId: generateNationalId('citizen', '24681357') });
    await c('support_requests').insert({ ...samples.support_requests!.valid, id: 'req1', beneficiaryId: 'ben1' });
    await c('support_requests').insert({ ...samples.support_requests!.valid, id: 'req2', beneficiaryId: 'ben2' });
    await c('interviews').insert({ ...samples.interviews!.valid, id: 'int1', beneficiaryId: 'ben1', requestId: 'req1' });
    await c('interviews').insert({ ...samples.interviews!.valid, id: 'int2', beneficiaryId: 'ben2', requestId: 'req2' });

    const data = await collectSubjectData(db, 'ben1');
    expect(data.records.beneficiaries!.map((d) => d.id)).toEqual(['ben1']);
    expect(data.records.support_requests!.map((d) => d.id)).toEqual(['req1']);
    expect(data.records.interviews!.map((d) => d.id)).toEqual(['int1']);
    expect(JSON.stringify(data)).not.toContain('شخص آخر');

    const html = subjectDataHtml(data);
    expect(html).toContain('وداد &lt;b&gt;سالم&lt;/b&gt; المري');
    expect(html).not.toContain('<b>');
    expect(html).toContain('dir="rtl"');

    const files: { suggestedName: string; mimeType: string; data: Uint8Array | Blob }[] = [];
    const platform = { saveFile: async (r: (typeof files)[number]) => (files.push(r), { saved: true }) };
    const actor = { userId: 'u1', role: 'branch_staff' as const, branchIds: ['branch-riyadh'], branchId: 'branch-riyadh' };
    const result = await exportSubjectData(db, actor, platform, 'ben1', { deviceId: DEVICE });
    expect(result.saved).toBe(true);
    expect(files.map((f) => f.mimeType)).toEqual(['application/json', 'text/html']);
    expect(JSON.parse(new TextDecoder().decode(files[0]!.data as Uint8Array)).records.beneficiaries[0].fullName).toBe('وداد <b>سالم</b> المري');
    expect(result.audit).toMatchObject({ action: 'export', docId: 'ben1' });
    expect(result.audit!.summary).not.toContain('وداد');

    await recordDestructionRequest(db, actor, 'ben1', { deviceId: DEVICE });
    const chain = await auditChainOf(db, result.audit!.deviceId);
    // The one explicit marker HQ acts on (shared/privacy): not a plain 'delete'.
    expect(chain.map((e) => e.action)).toEqual(['export', PDPL_DESTRUCTION_ACTION]);
    expect(chain[1]).toMatchObject({ collectionName: 'beneficiaries', docId: 'ben1' });
  });

  it('a cancelled save dialog exports nothing and audits nothing', async () => {
    ({ db } = await openTestDatabase(undefined, 'pdpl-cancel'));
    const actor = { userId: 'u1', role: 'branch_staff' as const, branchIds: ['branch-riyadh'], branchId: 'branch-riyadh' };
    const result = await exportSubjectData(db, actor, { saveFile: async () => ({ saved: false }) }, 'nobody', { deviceId: DEVICE });
    expect(result.saved).toBe(false);
    expect(await (db.collections.audit_entries as RxCollection).count().exec()).toBe(0);
  });
});
