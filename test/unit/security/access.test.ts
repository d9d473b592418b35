import { describe, expect, it } from 'vitest';
import { ACCESS_TABLE, can, canUpdate, pullableCollections, type AccessAction } from '../../../shared/access';
import { collections, roles, type Role } from '../../../shared/schema';

/**
 * The expected policy, written out independently of the implementation.
 * Each cell: read scope / write rights.
 *   read:  -  none      B  own branches      A  all branches
 *   write: -  none      i  insert            iu insert+update     iud insert+update+delete
 */
const ROLES = ['field_delegate', 'branch_staff', 'social_researcher', 'committee_member', 'hq_admin'] as const;
const EXPECTED: Record<string, readonly [string, string, string, string, string]> = {
  //                          field_delegate  branch_staff  social_researcher committee_member hq_admin
  beneficiaries:            ['B/iu',          'B/iud',      'B/iu',           'B/-',           'A/-'],
  support_requests:         ['B/iu',          'B/iud',      'B/iu',           'B/-',           'A/-'],
  interviews:               ['B/iu',          'B/iu',       'B/iu',           'B/-',           'A/-'],
  documents:                ['B/iud',         'B/iud',      'B/-',            'B/-',           'A/-'],
  declarations:             ['B/i',           'B/i',        'B/-',            'B/-',           'A/-'],
  committee_decisions:      ['B/-',           'B/-',        'B/-',            'B/i',           'A/-'],
  service_deliveries:       ['B/iu',          'B/iu',       'B/-',            'B/-',           'A/-'],
  satisfaction_evaluations: ['B/i',           'B/i',        'B/-',            'B/-',           'A/-'],
  contact_logs:             ['B/iu',          'B/iu',       'B/iu',           'B/-',           'A/-'],
  audit_entries:            ['-/i',           '-/i',        '-/i',            '-/i',           'A/i'],
  hq_config:                ['A/-',           'A/-',        'A/-',            'A/-',           'A/iud'],
  sync_conflicts:           ['B/iu',          'B/iu',       'B/iu',           'B/iu',          'A/-'],
};
const APPEND_ONLY = new Set(['declarations', 'committee_decisions', 'audit_entries']);
const GLOBAL = new Set(['hq_config']);

type DocCase = 'own' | 'other' | 'none';
const ACTIONS: AccessAction[] = ['pull', 'insert', 'update', 'delete'];
const DOC_CASES: DocCase[] = ['own', 'other', 'none'];

function expectedAllowed(collection: string, roleIndex: number, action: AccessAction, docCase: DocCase): boolean {
  const [read, write] = EXPECTED[collection]![roleIndex]!.split('/') as [string, string];
  const wholeAssociation = read === 'A' || GLOBAL.has(collection);
  if (action === 'pull') {
    if (read === '-') return false;
    return wholeAssociation || docCase !== 'other';
  }
  if (APPEND_ONLY.has(collection) && action !== 'insert') return false;
  const letter = { insert: 'i', update: 'u', delete: 'd' }[action];
  if (write === '-' || !write.includes(letter)) return false;
  return wholeAssociation || docCase === 'own';
}

const user = (role: Role) => ({ role, branchIds: ['riyadh-1', 'hail-2'] });
const docFor = (c: DocCase) => (c === 'own' ? { branchId: 'hail-2' } : c === 'other' ? { branchId: 'jeddah-3' } : undefined);

describe('access table coverage', () => {
  it('covers exactly the collections of the shared registry', () => {
    expect(Object.keys(ACCESS_TABLE).sort()).toEqual(collections.map((c) => c.name).sort());
    expect(Object.keys(EXPECTED).sort()).toEqual(collections.map((c) => c.name).sort());
    expect([...roles].sort()).toEqual([...ROLES].sort());
  });

  it('never lets a role write what the schema says it may not write', () => {
    for (const c of collections) {
      const table = ACCESS_TABLE[c.name as keyof typeof ACCESS_TABLE];
      for (const role of roles) {
        if (table.roles[role].write !== 'none') expect(c.writers, `${c.name} × ${role}`).toContain(role);
      }
    }
  });

  it('marks append-only exactly the collections the schema marks', () => {
    for (const c of collections) {
      expect(ACCESS_TABLE[c.name as keyof typeof ACCESS_TABLE].appendOnly, c.name).toBe(c.appendOnly === true);
    }
  });
});

describe('access cells', () => {
  const cases: Array<[string, Role, number, AccessAction, DocCase]> = [];
  for (const collection of Object.keys(EXPECTED)) {
    ROLES.forEach((role, i) => {
      for (const action of ACTIONS) for (const d of DOC_CASES) cases.push([collection, role, i, action, d]);
    });
  }

  it.each(cases)('%s × %s: %s (%s)', (collection, role, roleIndex, action, docCase) => {
    const decision = can(user(role), action, collection, docFor(docCase));
    const expected = expectedAllowed(collection, roleIndex, action, docCase);
    expect(decision.allowed).toBe(expected);
    if (!decision.allowed) {
      expect(decision.messageAr).toMatch(/[\u0600-\u06ff]/);
      expect(decision.messageEn.length).toBeGreaterThan(10);
    }
  });
});

describe('access rules in words', () => {
  it('committee members write committee decisions only', () => {
    const cm = user('committee_member');
    for (const c of collections) {
      const allowed = can(cm, 'insert', c.name, { branchId: 'riyadh-1' }).allowed;
      // sync_conflicts: any laptop records a conflict it detected (not a case record).
      expect(allowed, c.name).toBe(c.name === 'committee_decisions' || c.name === 'audit_entries' || c.name === 'sync_conflicts');
    }
  });

  it('only hq_admin writes the configuration, for any branch', () => {
    for (const role of roles) {
      for (const action of ['insert', 'update', 'delete'] as const) {
        expect(can({ role, branchIds: [] }, action, 'hq_config').allowed, `${role} ${action}`).toBe(role === 'hq_admin');
      }
    }
  });

  it('refuses updates and deletes of declarations and audit entries for everyone, with the reason', () => {
    for (const role of roles) {
      for (const c of ['declarations', 'audit_entries', 'committee_decisions']) {
        for (const action of ['update', 'delete'] as const) {
          const d = can({ role, branchIds: ['riyadh-1'] }, action, c, { branchId: 'riyadh-1' });
          expect(d).toMatchObject({ allowed: false, reason: 'append_only' });
          if (!d.allowed) expect(d.messageAr).toContain('أنشئ سجلًا جديدًا');
        }
      }
    }
  });

  it('keeps branch users to their branches and tells them why', () => {
    const fd = { role: 'field_delegate', branchIds: ['riyadh-1'] };
    expect(can(fd, 'pull', 'beneficiaries')).toEqual({ allowed: true, branchScope: ['riyadh-1'] });
    expect(can({ role: 'hq_admin', branchIds: [] }, 'pull', 'beneficiaries')).toEqual({ allowed: true, branchScope: 'all' });
    const other = can(fd, 'update', 'beneficiaries', { branchId: 'jeddah-3' });
    expect(other).toMatchObject({ allowed: false, reason: 'other_branch' });
    expect(can(fd, 'insert', 'beneficiaries')).toMatchObject({ allowed: false, reason: 'branch_required' });
    expect(can(fd, 'insert', 'beneficiaries', { branchId: '' })).toMatchObject({ allowed: false, reason: 'branch_required' });
    expect(can(fd, 'pull', 'audit_entries')).toMatchObject({ allowed: false, reason: 'no_read_access' });
    expect(can(fd, 'delete', 'beneficiaries', { branchId: 'riyadh-1' })).toMatchObject({ allowed: false, reason: 'no_write_access' });
  });

  it('refuses moving a record out of or into another branch', () => {
    const bs = { role: 'branch_staff', branchIds: ['riyadh-1'] };
    expect(canUpdate(bs, 'beneficiaries', { branchId: 'riyadh-1' }, { branchId: 'riyadh-1' }).allowed).toBe(true);
    expect(canUpdate(bs, 'beneficiaries', { branchId: 'riyadh-1' }, { branchId: 'jeddah-3' }).allowed).toBe(false);
    expect(canUpdate(bs, 'beneficiaries', { branchId: 'jeddah-3' }, { branchId: 'riyadh-1' }).allowed).toBe(false);
  });

  it('refuses unknown roles and collections', () => {
    expect(can({ role: 'guest', branchIds: ['riyadh-1'] }, 'pull', 'beneficiaries')).toMatchObject({ allowed: false, reason: 'unknown_role' });
    expect(can(user('hq_admin'), 'pull', 'payments')).toMatchObject({ allowed: false, reason: 'unknown_collection' });
    expect(can(user('hq_admin'), 'pull', 'toString')).toMatchObject({ allowed: false, reason: 'unknown_collection' });
  });

  it('lists what each role replicates', () => {
    expect(pullableCollections('field_delegate')).not.toContain('audit_entries');
    expect(pullableCollections('field_delegate')).toContain('hq_config');
    expect(pullableCollections('hq_admin').sort()).toEqual(collections.map((c) => c.name).sort());
  });
});
