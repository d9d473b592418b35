import { describe, expect, it } from 'vitest';
import type { HqConfigEntry } from '../../../shared/schema';
import { branchNameOf } from '../../../renderer/src/features/reception/useBranchName';

const entry = (branchId: string, name: string, nameEn?: string) =>
  ({ id: `branch-${branchId}`, kind: 'branch', branchId, branch: { name, ...(nameEn ? { nameEn } : {}) } }) as unknown as HqConfigEntry;

describe('branch names on reception badges', () => {
  it("uses HQ's published name in the UI language, the Arabic one when no English is given, and the code until HQ's entry arrives", () => {
    const entries = [entry('north', 'فرع الشمال', 'North branch'), entry('jeddah', 'فرع جدة')];
    expect(branchNameOf(entries, 'north', false)).toBe('فرع الشمال');
    expect(branchNameOf(entries, 'north', true)).toBe('North branch');
    expect(branchNameOf(entries, 'jeddah', true)).toBe('فرع جدة');
    expect(branchNameOf(entries, 'south', false)).toBe('south');
    expect(branchNameOf(null, 'north', false)).toBe('north');
  });
});
