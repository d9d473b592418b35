/**
 * Branch names as HQ publishes them (hq_config `branch` entries, hq/branch-config.ts), in the UI
 * language; the branch's code until HQ's entry has arrived on this laptop.
 */
import { useCallback } from 'react';
import { useTranslation } from 'react-i18next';
import type { HqConfigEntry } from '../../../../shared/schema';
import { useLiveQuery } from '../committee/useCommitteeData';

export function branchNameOf(entries: readonly HqConfigEntry[] | null, branchId: string, en: boolean): string {
  const entry = entries?.find((e) => e.kind === 'branch' && (e.branchId ?? e.id) === branchId && e.branch);
  if (!entry?.branch) return branchId;
  return en ? (entry.branch.nameEn ?? entry.branch.name) : entry.branch.name;
}

export function useBranchName(): (branchId: string) => string {
  const { i18n } = useTranslation();
  const en = i18n.language === 'en';
  const entries = useLiveQuery<HqConfigEntry>('hq_config', { kind: 'branch' });
  return useCallback((branchId: string) => branchNameOf(entries, branchId, en), [entries, en]);
}
