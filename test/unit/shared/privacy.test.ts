/** PDPL destruction rules shared by HQ, the replication and the privacy screen (shared/privacy). */
import { describe, expect, it } from 'vitest';
import { auditActions } from '../../../shared/audit';
import {
  PDPL_DESTROYED_BY,
  PDPL_DESTRUCTION_ACTION,
  SUBJECT_LINKS,
  destructionTombstone,
  isDestructionTombstone,
  isLinkedToSubject,
  referencedIds,
  sha256Values,
  subjectCollections,
  validatePulledDocument,
} from '../../../shared/privacy';
import { auditEntries, beneficiaries, collectionsByName, hqConfig, validateDocument } from '../../../shared/schema';
import { samples } from '../renderer/store-fixtures';

const AT = '2026-11-21T08:00:00.000Z';

describe('destruction marker', () => {
  it('is an audit action of its own that the audit schema accepts (old entries stay valid)', () => {
    expect(auditActions).toContain(PDPL_DESTRUCTION_ACTION);
    const entry = {
      id: 'dev-1-2',
      branchId: 'branch-riyadh',
      deviceId: 'dev-1',
      seq: 2,
      userId: 'u1',
      at: AT,
      action: PDPL_DESTRUCTION_ACTION,
      collectionName: 'beneficiaries',
      docId: 'ben-1',
      summary: 'pdpl destruction requested by the data subject',
      prevHash: '0'.repeat(64),
      hash: 'a'.repeat(64),
    };
    expect(validateDocument(auditEntries, entry).ok).toBe(true);
    expect(validateDocument(auditEntries, { ...entry, action: 'delete' }).ok).toBe(true);
  });
});

describe('destruction tombstones', () => {
  it('keep the id, the branch and who/when only', () => {
    const t = destructionTombstone(beneficiaries, samples.beneficiaries!.valid, AT);
    expect(t).toEqual({ id: 'ben-1', branchId: 'branch-riyadh', updatedAt: AT, updatedBy: PDPL_DESTROYED_BY, _deleted: true });
    expect(isDestructionTombstone(t)).toBe(true);
    expect(isDestructionTombstone({ ...samples.beneficiaries!.valid, _deleted: true })).toBe(false);
    expect(isDestructionTombstone({ ...t, _deleted: false })).toBe(false);
    // A global collection's tombstone names no branch.
    expect(destructionTombstone(hqConfig, { id: 'cfg-1', branchId: 'x' }, AT)).not.toHaveProperty('branchId');
  });

  it('a pulled bare tombstone passes validation for every collection; live records still need every field', () => {
    for (const def of collectionsByName.values()) {
      const t = destructionTombstone(def, samples[def.name]!.valid, AT);
      expect(validatePulledDocument(def, t).ok, def.name).toBe(true);
      expect(validatePulledDocument(def, { id: 'x1', _deleted: true }).ok, def.name).toBe(true);
      expect(validatePulledDocument(def, { ...t, _deleted: false }).ok, def.name).toBe(false);
      // A complete deleted record (a laptop's ordinary delete) is fine too.
      expect(validatePulledDocument(def, { ...samples[def.name]!.valid, _deleted: true }).ok, def.name).toBe(true);
    }
  });

  it('a "tombstone" carrying other fields or bad values is refused with the field named', () => {
    const r = validatePulledDocument(beneficiaries, { id: 'ben-1', _deleted: true, fullName: 'ميمونة' });
    expect(r.ok).toBe(false);
    expect(!r.ok && r.issues.map((i) => i.path)).toContain('fullName');
    const bad = validatePulledDocument(beneficiaries, { id: '../x', _deleted: true, updatedBy: 42 });
    expect(!bad.ok && bad.issues.map((i) => i.path).sort()).toEqual(['id', 'updatedBy']);
    expect(!bad.ok && bad.issues[0]!.message).toMatch(/[\u0600-\u06ff]/);
  });
});

describe('what belongs to a data subject', () => {
  const ids = { beneficiaryId: 'ben-1', requestIds: new Set(['req-1']), deliveryIds: new Set(['del-1']) };

  it('follows beneficiary, request and delivery links in every subject collection', () => {
    expect(subjectCollections).toEqual(Object.keys(SUBJECT_LINKS));
    for (const name of subjectCollections) expect(collectionsByName.has(name), name).toBe(true);
    expect(isLinkedToSubject('beneficiaries', { id: 'ben-1' }, ids)).toBe(true);
    expect(isLinkedToSubject('beneficiaries', { id: 'ben-2' }, ids)).toBe(false);
    expect(isLinkedToSubject('support_requests', { id: 'req-9', beneficiaryId: 'ben-1' }, ids)).toBe(true);
    expect(isLinkedToSubject('contact_logs', { id: 'c', requestId: 'req-1' }, ids)).toBe(true);
    expect(isLinkedToSubject('contact_logs', { id: 'c' }, ids)).toBe(false);
    expect(isLinkedToSubject('satisfaction_evaluations', { id: 'e', deliveryId: 'del-1' }, ids)).toBe(true);
    expect(isLinkedToSubject('satisfaction_evaluations', { id: 'e', anonymous: true }, ids)).toBe(false);
    expect(isLinkedToSubject('audit_entries', { id: 'a', docId: 'ben-1', beneficiaryId: 'ben-1' }, ids)).toBe(false);
  });

  it('names the ids a pushed record points to (a conflict points to its record)', () => {
    expect(referencedIds('interviews', { id: 'i', beneficiaryId: 'b', requestId: 'r' })).toEqual(['i', 'b', 'r']);
    expect(referencedIds('sync_conflicts', { id: 'cf', documentId: 'ben-1', beneficiaryId: 'nope' })).toEqual(['cf', 'ben-1']);
  });

  it('finds every file reference (SHA-256) in a record, attachment stubs included', () => {
    const a = 'a'.repeat(64);
    const b = 'b'.repeat(64);
    expect([...sha256Values({ x: a, nested: [{ digest: b }], _attachments: { f: { digest: a } }, short: 'abc' })].sort()).toEqual([a, b]);
  });
});
