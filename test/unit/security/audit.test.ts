import { describe, expect, it } from 'vitest';
import {
  GENESIS_HASH,
  appendAuditEntry,
  checkAuditSummary,
  computeAuditEntryHash,
  describeChangedFields,
  verifyAuditChain,
  verifyAuditLogByDevice,
  type AuditAction,
  type AuditEntry,
} from '../../../shared/audit';
import { auditEntries, validateDocument } from '../../../shared/schema';

const actions: AuditAction[] = ['unlock', 'create', 'update', 'sign', 'print', 'export', 'open_file', 'update', 'delete', 'lock'];

async function chain(n: number, deviceId = 'laptop-7'): Promise<AuditEntry[]> {
  const out: AuditEntry[] = [];
  let prev: AuditEntry | null = null;
  for (let i = 0; i < n; i++) {
    prev = await appendAuditEntry(prev, {
      branchId: 'riyadh-1',
      deviceId,
      role: 'field_delegate',
      userId: 'u-delegate-1',
      at: new Date(Date.UTC(2026, 10, 21, 9, i)).toISOString(),
      action: actions[i % actions.length]!,
      collectionName: i === 0 ? '' : 'beneficiaries',
      docId: i === 0 ? '' : `b-${i % 3}`,
      summary: i === 2 ? 'updated: fullName, phone' : `step ${String.fromCharCode(97 + i)}`,
    });
    out.push(prev);
  }
  return out;
}

/** Re-hash an entry after changing it (an attacker who knows the scheme). */
async function rehash(e: Omit<AuditEntry, 'hash'>): Promise<AuditEntry> {
  return { ...e, hash: await computeAuditEntryHash(e) };
}

describe('audit chain', () => {
  it('links entries: seq 1.., prevHash = previous hash, hash over the canonical entry', async () => {
    const c = await chain(4);
    expect(c.map((e) => e.seq)).toEqual([1, 2, 3, 4]);
    expect(c[0]!.prevHash).toBe(GENESIS_HASH);
    expect(c[1]!.prevHash).toBe(c[0]!.hash);
    expect(c[3]!.prevHash).toBe(c[2]!.hash);
    expect(c[0]!.id).toBe('laptop-7-1');
    expect(c[0]!.hash).toMatch(/^[0-9a-f]{64}$/);
    expect(await verifyAuditChain(c)).toEqual({ ok: true, count: 4, head: { seq: 4, hash: c[3]!.hash } });
  });

  it('writes entries the audit_entries collection accepts, and a signature does not change the hash', async () => {
    for (const e of await chain(3)) {
      const v = validateDocument(auditEntries, e);
      expect(v.ok ? 'valid' : v.issues).toBe('valid');
    }
    const c = await chain(3);
    const signed = c.map((e) => ({ ...e, signature: 'c2lnbmF0dXJl' }));
    expect((await verifyAuditChain(signed)).ok).toBe(true);
  });

  it('detects an edited entry', async () => {
    const c = await chain(6);
    const edited = [...c];
    edited[2] = { ...c[2]!, summary: 'updated: nothing' };
    const r = await verifyAuditChain(edited);
    expect(r).toMatchObject({ ok: false, brokenAt: 2, entryId: c[2]!.id, kind: 'edited' });
    if (!r.ok) {
      expect(r.messageAr).toContain('عُدّل');
      expect(r.messageAr).toContain('مدير النظام');
    }
    // changing the user, time or action is also an edit
    for (const patch of [{ userId: 'u-2' }, { at: '2026-11-21T10:00:00.000Z' }, { action: 'view' as const }]) {
      const e = [...c];
      e[4] = { ...c[4]!, ...patch };
      expect(await verifyAuditChain(e)).toMatchObject({ ok: false, brokenAt: 4, kind: 'edited' });
    }
  });

  it('detects an entry edited and re-hashed by someone who knows the scheme', async () => {
    const c = await chain(6);
    const forged = [...c];
    forged[2] = await rehash({ ...c[2]!, action: 'view', summary: 'viewed' });
    expect(await verifyAuditChain(forged)).toMatchObject({ ok: false, brokenAt: 3, kind: 'edited' });
  });

  it('detects a deleted entry (in the middle, at the start, and at the end with an anchor)', async () => {
    const c = await chain(6);
    const middle = [...c.slice(0, 3), ...c.slice(4)];
    const r = await verifyAuditChain(middle);
    expect(r).toMatchObject({ ok: false, brokenAt: 3, entryId: c[4]!.id, kind: 'deleted' });
    if (!r.ok) expect(r.messageEn).toContain('between 3 and 5');

    expect(await verifyAuditChain(c.slice(1))).toMatchObject({ ok: false, brokenAt: 0, kind: 'deleted' });

    const anchor = { seq: 6, hash: c[5]!.hash };
    expect((await verifyAuditChain(c, { anchor })).ok).toBe(true);
    expect(await verifyAuditChain(c.slice(0, 4), { anchor })).toMatchObject({ ok: false, brokenAt: 4, kind: 'deleted' });
    expect(await verifyAuditChain([], { anchor })).toMatchObject({ ok: false, kind: 'deleted' });
  });

  it('detects a deletion hidden by renumbering and re-hashing the rest, given the HQ anchor', async () => {
    const c = await chain(6);
    const anchor = { seq: 6, hash: c[5]!.hash };
    // drop entry 3 and rebuild 4..6 as 3..5 with correct links: internally consistent ...
    const rebuilt: AuditEntry[] = [c[0]!, c[1]!];
    for (const e of c.slice(3)) {
      const prev = rebuilt[rebuilt.length - 1]!;
      const { hash: _h, ...body } = e;
      rebuilt.push(await rehash({ ...body, seq: prev.seq + 1, id: `laptop-7-${prev.seq + 1}`, prevHash: prev.hash }));
    }
    expect((await verifyAuditChain(rebuilt)).ok).toBe(true);
    // ... but not against the head the HQ already holds
    expect(await verifyAuditChain(rebuilt, { anchor })).toMatchObject({ ok: false, kind: 'deleted' });
    expect(await verifyAuditChain(rebuilt, { anchor: { seq: 4, hash: c[3]!.hash } })).toMatchObject({ ok: false, kind: 'edited', brokenAt: 3 });
  });

  it('detects reordered entries', async () => {
    const c = await chain(6);
    const swapped = [c[0]!, c[1]!, c[3]!, c[2]!, c[4]!, c[5]!];
    expect(await verifyAuditChain(swapped)).toMatchObject({ ok: false, brokenAt: 3, kind: 'reordered', entryId: c[2]!.id });
    const moved = [c[5]!, ...c.slice(0, 5)];
    expect(await verifyAuditChain(moved)).toMatchObject({ ok: false, brokenAt: 1, kind: 'reordered' });
  });

  it('detects inserted entries: duplicate seq, another device, a forged first entry', async () => {
    const c = await chain(5);
    const forged = await rehash({ ...c[2]!, id: 'forged-1', summary: 'forged', prevHash: c[2]!.prevHash });
    expect(await verifyAuditChain([...c.slice(0, 3), forged, ...c.slice(3)])).toMatchObject({ ok: false, brokenAt: 3, kind: 'inserted' });

    const other = await chain(5, 'laptop-9');
    expect(await verifyAuditChain([...c.slice(0, 2), other[2]!, ...c.slice(3)])).toMatchObject({ ok: false, brokenAt: 2, kind: 'inserted' });

    const fakeStart = await rehash({ ...c[0]!, prevHash: 'f'.repeat(64) });
    expect(await verifyAuditChain([fakeStart])).toMatchObject({ ok: false, brokenAt: 0, kind: 'inserted' });
  });

  it('verifies a chain that continues after archived entries', async () => {
    const c = await chain(6);
    const start = { seq: 3, hash: c[2]!.hash };
    expect((await verifyAuditChain(c.slice(3), { startAfter: start })).ok).toBe(true);
    expect(await verifyAuditChain(c.slice(4), { startAfter: start })).toMatchObject({ ok: false, kind: 'deleted' });
    expect(await verifyAuditChain(c.slice(3), { startAfter: { seq: 3, hash: c[1]!.hash } })).toMatchObject({ ok: false, kind: 'edited' });
  });

  it('verifies a mixed log per device, whatever order it arrived in', async () => {
    const a = await chain(4, 'laptop-a');
    const b = await chain(3, 'laptop-b');
    const mixed = [b[2]!, a[1]!, a[0]!, b[0]!, a[3]!, b[1]!, a[2]!];
    const res = await verifyAuditLogByDevice(mixed);
    expect(res.get('laptop-a')).toMatchObject({ ok: true, count: 4 });
    expect(res.get('laptop-b')).toMatchObject({ ok: true, count: 3 });
    const withGap = await verifyAuditLogByDevice(mixed.filter((e) => e !== a[1]));
    expect(withGap.get('laptop-a')).toMatchObject({ ok: false, kind: 'deleted' });
    expect(withGap.get('laptop-b')?.ok).toBe(true);
  });

  it('refuses to continue another device chain, unknown actions, and personal data in the summary', async () => {
    const [first] = await chain(1);
    const base = { branchId: 'riyadh-1', deviceId: 'laptop-7', userId: 'u', at: '2026-11-21T09:00:00Z', action: 'update' as const, collectionName: 'beneficiaries', docId: 'b1' };
    await expect(appendAuditEntry(first!, { ...base, deviceId: 'laptop-8', summary: 'x' })).rejects.toThrow(/device/);
    await expect(appendAuditEntry(first!, { ...base, action: 'hack' as AuditAction, summary: 'x' })).rejects.toThrow(/unknown action/);
    for (const bad of ['ID 1012345678', 'جوال ٠٥٥١٢٣٤٥٦٧', 'mail a@b.sa', '055-123-4567']) {
      expect(checkAuditSummary(bad).ok).toBe(false);
      await expect(appendAuditEntry(first!, { ...base, summary: bad })).rejects.toThrow(/audit:/);
    }
    expect(checkAuditSummary('updated: fullName, phone').ok).toBe(true);
  });

  it('describes an update by field names only, never values', () => {
    const before = { id: 'b1', fullName: 'محمد الشمري', phone: '0551234567', nationalId: '1012345678', updatedAt: 'x', _rev: '1-a' };
    const after = { ...before, fullName: 'محمد بن عبدالله الشمري', phone: '0559999999', updatedAt: 'y', _rev: '2-b' };
    const s = describeChangedFields(before, after);
    expect(s).toBe('updated: fullName, phone');
    expect(checkAuditSummary(s).ok).toBe(true);
    expect(describeChangedFields(before, { ...before, updatedAt: 'z' })).toBe('updated: no field changed');
    expect(describeChangedFields({ a: [1, { b: 2 }] }, { a: [1, { b: 2 }] })).toBe('updated: no field changed');
  });
});
