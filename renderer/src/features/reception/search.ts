/**
 * Reception search: one box for a name fragment (Arabic or English), an ID/iqama number or a
 * phone, over every beneficiary on this laptop (this branch's and those synced from others).
 * The matching rules are shared/search's; the records are decrypted by RxDB on read.
 */
import { useMemo } from 'react';
import { BeneficiarySearchIndex, searchableBeneficiary, type SearchField } from '../../../../shared/search';
import type { Beneficiary } from '../../../../shared/schema';

export interface ReceptionHit {
  beneficiary: Beneficiary;
  fields: readonly SearchField[];
  /** Every word typed matched. */
  full: boolean;
}

export function buildReceptionIndex(rows: readonly Beneficiary[]): BeneficiarySearchIndex {
  return BeneficiarySearchIndex.build(rows.map((b) => searchableBeneficiary(b)));
}

/** Hits for `query`, best first; empty for an empty query. */
export function searchBeneficiaries(index: BeneficiarySearchIndex, byId: ReadonlyMap<string, Beneficiary>, query: string, limit = 50): ReceptionHit[] {
  if (!query.trim()) return [];
  const out: ReceptionHit[] = [];
  for (const hit of index.search(query, { limit })) {
    const beneficiary = byId.get(hit.id);
    if (beneficiary) out.push({ beneficiary, fields: hit.fields, full: hit.matchedTokens === hit.queryTokens });
  }
  return out;
}

export function useReceptionSearch(rows: readonly Beneficiary[] | null, query: string): ReceptionHit[] {
  const index = useMemo(() => buildReceptionIndex(rows ?? []), [rows]);
  const byId = useMemo(() => new Map((rows ?? []).map((b) => [b.id, b])), [rows]);
  return useMemo(() => searchBeneficiaries(index, byId, query), [index, byId, query]);
}
