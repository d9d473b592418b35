/**
 * Finding a beneficiary on encrypted data (issue 5, §3).
 *
 * Names, IDs and phones are encrypted at rest, so RxDB cannot query them. After unlock the
 * window decrypts the beneficiaries once into an in-memory `BeneficiarySearchIndex`
 * (shared/search: Arabic/English name folding, prefix matching of name parts, ID and phone
 * digits) and keeps it current from the collection's change stream. Nothing of it is written
 * to disk; on lock the page reloads and it is gone.
 *
 * Exact lookups that must work without the index (duplicate checks at registration) use the
 * keyed hashes `idHash`/`phoneHash` (HMAC-SHA-256; `findByLookupHash`). The key is derived
 * from this user's data key on this laptop (hq/accounts.ts offers no association-wide lookup
 * key yet), so the hashes are comparable on this laptop only.
 *
 *   const { hits, ready } = useBeneficiarySearch(query);   // hits: { hit, beneficiary }[]
 */
import { useEffect, useMemo, useState } from 'react';
import { create } from 'zustand';
import type { Subscription } from 'rxjs';
import { BeneficiarySearchIndex, searchableBeneficiary, type SearchHit, type SearchOptions } from '../../../shared/search';
import type { Beneficiary } from '../../../shared/schema';
import { keyedLookupHash, normaliseLookupValue, type LookupKind } from '../../../shared/security';
import type { SilaDatabase } from './database';

export interface BeneficiarySearchResult {
  hit: SearchHit;
  beneficiary: Beneficiary;
}

interface SearchState {
  ready: boolean;
  /** Bumped on every change of the index (re-runs queries). */
  version: number;
  /** Milliseconds from start to searchable (for the benchmark and diagnostics). */
  buildMs: number | null;
}

export const useSearchState = create<SearchState>()(() => ({ ready: false, version: 0, buildMs: null }));

let index = new BeneficiarySearchIndex();
let records = new Map<string, Beneficiary>();
let subscription: Subscription | null = null;
let started: SilaDatabase | null = null;

function plain(doc: Record<string, unknown>): Beneficiary {
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(doc)) if (!k.startsWith('_')) out[k] = v;
  return out as Beneficiary;
}

/** Build the index from the (decrypted) beneficiaries and follow their changes. */
export async function startBeneficiarySearch(db: SilaDatabase, now: () => number = () => performance.now()): Promise<void> {
  if (started === db) return;
  stopBeneficiarySearch();
  started = db;
  const t0 = now();
  // Follow changes from before the initial read so nothing written meanwhile is missed.
  const pending: Array<() => void> = [];
  let built = false;
  subscription = db.beneficiaries.$.subscribe((event) => {
    const apply = () => {
      if (event.operation === 'DELETE' || (event.documentData as { _deleted?: boolean })._deleted) {
        index.remove(event.documentId);
        records.delete(event.documentId);
      } else {
        const doc = plain(event.documentData as unknown as Record<string, unknown>);
        index.upsert(searchableBeneficiary(doc));
        records.set(doc.id, doc);
      }
      useSearchState.setState((s) => ({ version: s.version + 1 }));
    };
    if (built) apply();
    else pending.push(apply);
  });
  const docs = await db.beneficiaries.find().exec();
  if (started !== db) return;
  const all = docs.map((d) => plain(d.toJSON() as unknown as Record<string, unknown>));
  records = new Map(all.map((d) => [d.id, d]));
  index.bulkUpsert(all.map(searchableBeneficiary));
  built = true;
  for (const p of pending) p();
  useSearchState.setState((s) => ({ ready: true, version: s.version + 1, buildMs: now() - t0 }));
}

/** Forget every decrypted record (lock, sign-out, wipe). */
export function stopBeneficiarySearch(): void {
  subscription?.unsubscribe();
  subscription = null;
  started = null;
  index.clear();
  index = new BeneficiarySearchIndex();
  records = new Map();
  useSearchState.setState({ ready: false, version: 0, buildMs: null });
}

/** Search now (outside React). */
export function searchBeneficiaries(query: string, options?: SearchOptions): BeneficiarySearchResult[] {
  const out: BeneficiarySearchResult[] = [];
  for (const hit of index.search(query, options)) {
    const beneficiary = records.get(hit.id);
    if (beneficiary) out.push({ hit, beneficiary });
  }
  return out;
}

/** Hits for what the user typed, updated as records change. */
export function useBeneficiarySearch(query: string, options?: SearchOptions): { hits: BeneficiarySearchResult[]; ready: boolean } {
  const ready = useSearchState((s) => s.ready);
  const version = useSearchState((s) => s.version);
  const limit = options?.limit;
  const partial = options?.partial;
  const hits = useMemo(
    () => (ready && query.trim() ? searchBeneficiaries(query, { ...(limit !== undefined ? { limit } : {}), ...(partial !== undefined ? { partial } : {}) }) : []),
    // version: the index changed
    // eslint-disable-next-line react-hooks/exhaustive-deps
    [query, ready, version, limit, partial],
  );
  return { hits, ready };
}

/** Debounced variant for very large lists: the query settles for `ms` before searching. */
export function useDebouncedValue<T>(value: T, ms = 60): T {
  const [settled, setSettled] = useState(value);
  useEffect(() => {
    const t = setTimeout(() => setSettled(value), ms);
    return () => clearTimeout(t);
  }, [value, ms]);
  return settled;
}

/** Exact lookup by ID or phone through the keyed hash index (no decryption, no clear text). */
export async function findByLookupHash(db: SilaDatabase, lookupKey: CryptoKey, kind: LookupKind, typed: string): Promise<Beneficiary[]> {
  const value = normaliseLookupValue(kind, typed);
  if (!value) return [];
  const hash = await keyedLookupHash(lookupKey, kind, value);
  const field = kind === 'nationalId' ? 'idHash' : 'phoneHash';
  const docs = await db.beneficiaries.find({ selector: { [field]: hash } }).exec();
  return docs.map((d) => plain(d.toJSON() as unknown as Record<string, unknown>));
}
