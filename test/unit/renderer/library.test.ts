import { describe, expect, it } from 'vitest';
import { policyProfiles } from '../../../shared/policy';
import { libraryEntries, searchLibrary } from '../../../renderer/src/features/library/library';

describe('reference library', () => {
  it.each(policyProfiles.map((p) => [p.id, p] as const))('shows the whole policy of %s', (_id, profile) => {
    const entries = libraryEntries(profile);
    const ids = new Set(entries.map((e) => e.id));
    for (const c of profile.channels) expect(ids.has(`channel-${c.id}`)).toBe(true);
    for (const t of profile.tools) expect(ids.has(`tool-${t.id}`)).toBe(true);
    for (const s of profile.services) {
      const entry = entries.find((e) => e.id === `service-${s.id}`)!;
      const conditions = entry.groups!.find((g) => g.key === 'conditions')!;
      expect(conditions.itemsAr.length).toBeGreaterThanOrEqual(s.conditions.length);
      expect(entry.groups!.find((g) => g.key === 'documents')!.itemsAr).toHaveLength(s.requiredDocuments.length);
    }
    expect(entries.filter((e) => e.section === 'procedure')).toHaveLength(profile.procedureSteps.length);
    expect(entries.find((e) => e.id === 'goals')!.linesAr).toContain(profile.goals.generalAr);
    if (profile.approval) {
      const approval = entries.find((e) => e.id === 'approval')!;
      expect(approval.groups![0]!.itemsAr).toHaveLength(profile.approval.members.length);
      if (profile.approval.hijriDate) expect(approval.linesAr.join(' ')).toMatch(/هـ/);
    }
  });

  it('finds entries whatever the hamza, taa marbuta or diacritics typed, in both languages', () => {
    const profile = policyProfiles.find((p) => p.id === 'yusr')!;
    const entries = libraryEntries(profile);
    const bylaws = profile.tools.find((t) => t.titleAr.includes('اللائحة'))!;
    expect(searchLibrary(entries, 'اللائحه الاساسيه').map((e) => e.id)).toContain(`tool-${bylaws.id}`);
    expect(searchLibrary(entries, 'bylaws').map((e) => e.id)).toContain(`tool-${bylaws.id}`);
    expect(searchLibrary(entries, 'إقامة').some((e) => e.section === 'services')).toBe(true);
    expect(searchLibrary(entries, '   ')).toHaveLength(entries.length);
    expect(searchLibrary(entries, 'كلمةغيرموجودةأبدا')).toEqual([]);
  });
});
