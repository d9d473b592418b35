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
 * keyed hashes `idHash`/`phoneHash` (HMAC-SHA-256; `findByLookupHash`). The key is the
 * association's, handed out by HQ at sign-in (security/lookupKey.ts), so hashes are equal on
 * every laptop; local records hashed with an older key are re-keyed (data/lookupRehash.ts).
 *
 *   const { hits, ready } = useBeneficiarySearch(query);   // hits: { hit, beneficiary }[]
 */
import { useEffect, useMemo, useState } from 'react';
import { create } from 'zustand';
import type { Subscription } from 'rxjs';
import { getChangedDocumentsSince } from 'rxdb';
import { BeneficiarySearchIndex, searchableBeneficiary, type SearchHit, type SearchOptions } from '../../../shared/search';
import type { Beneficiary } from '../../../shared/schema';
import { keyedLookupHash, normaliseLookupValue, openSealedBytes, sealBytes, utf8Decode, utf8Encode, type DataKey, type LookupKind } from '../../../shared/security';
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
  /** Whether the last build started from the sealed snapshot. */
  fromSnapshot: boolean;
}

export const useSearchState = create<SearchState>()(() => ({ ready: false, version: 0, buildMs: null, fromSnapshot: false }));

let index = new BeneficiarySearchIndex();
let records = new Map<string, Beneficiary>();
let subscription: Subscription | null = null;
let started: SilaDatabase | null = null;

function plain(doc: Record<string, unknown>): Beneficiary {
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(doc)) if (!k.startsWith('_') && k !== 'idHash' && k !== 'phoneHash') out[k] = v;
  return out as Beneficiary;
}

/**
 * A sealed snapshot of the decrypted beneficiaries (AES-256-GCM under the data key, in its own
 * IndexedDB database): unlocking decrypts one blob instead of every record's sealed fields (one
 * AES-GCM operation per record, shared/security/rxdb-encryption.ts), then catches up from the
 * snapshot's checkpoint.
 */
export interface SearchSnapshot {
  /** RxDB storage checkpoint the snapshot is complete up to. */
  checkpoint: unknown;
  records: Beneficiary[];
}

export interface SearchCache {
  load(): Promise<SearchSnapshot | null>;
  save(snapshot: SearchSnapshot): Promise<void>;
}

const cacheDbName = 'sila-search-cache';

function idbRequest<T>(req: IDBRequest<T>): Promise<T> {
  return new Promise((ok, fail) => {
    req.onsuccess = () => ok(req.result);
    req.onerror = () => fail(req.error ?? new Error('IndexedDB request failed'));
  });
}

async function withCacheStore<T>(idb: IDBFactory, mode: IDBTransactionMode, run: (store: IDBObjectStore) => IDBRequest<T>): Promise<T> {
  const open = idb.open(cacheDbName, 1);
  open.onupgradeneeded = () => open.result.createObjectStore('snapshots');
  const db = await idbRequest(open);
  try {
    const tx = db.transaction('snapshots', mode);
    const result = await idbRequest(run(tx.objectStore('snapshots')));
    await new Promise<void>((ok, fail) => {
      tx.oncomplete = () => ok();
      tx.onerror = () => fail(tx.error ?? new Error('IndexedDB write failed'));
      tx.onabort = () => fail(tx.error ?? new Error('IndexedDB write aborted'));
    });
    return result;
  } finally {
    db.close();
  }
}

/** The snapshot cache of one user's database, sealed under that user's data key. */
export function createSealedSearchCache(dek: DataKey, databaseName: string, idb: IDBFactory = indexedDB): SearchCache {
  const aad = `sila.search-snapshot:${databaseName}`;
  return {
    async load() {
      const sealed = (await withCacheStore(idb, 'readonly', (s) => s.get(databaseName) as IDBRequest<Uint8Array<ArrayBuffer> | undefined>)) ?? null;
      if (!sealed) return null;
      const opened = await openSealedBytes(dek, new Uint8Array(sealed), aad);
      if (!opened) return null; // another key (password reset at HQ) or damaged: rebuild
      try {
        const parsed = JSON.parse(utf8Decode(opened)) as SearchSnapshot;
        return Array.isArray(parsed.records) ? parsed : null;
      } catch {
        return null;
      }
    },
    async save(snapshot) {
      const sealed = await sealBytes(dek, utf8Encode(JSON.stringify(snapshot)), aad);
      await withCacheStore(idb, 'readwrite', (s) => s.put(sealed, databaseName));
    },
  };
}

let saveTimer: ReturnType<typeof setTimeout> | null = null;
let checkpoint: unknown = undefined;

/**
 * Build the index from the (decrypted) beneficiaries and follow their changes. With a cache the
 * index comes from the sealed snapshot plus the changes since it; the snapshot is refreshed a
 * few seconds after changes.
 */
export async function startBeneficiarySearch(db: SilaDatabase, options: { cache?: SearchCache; now?: () => number; saveDelayMs?: number } = {}): Promise<void> {
  if (started === db) return;
  stopBeneficiarySearch();
  started = db;
  const now = options.now ?? (() => performance.now());
  const cache = options.cache;
  const t0 = now();
  const scheduleSave = () => {
    if (!cache) return;
    if (saveTimer) clearTimeout(saveTimer);
    saveTimer = setTimeout(() => {
      saveTimer = null;
      if (started !== db) return;
      void cache.save({ checkpoint, records: [...records.values()] }).catch((err: unknown) => console.error('search snapshot not saved', err));
    }, options.saveDelayMs ?? 5_000);
  };
  const applyDoc = (doc: Record<string, unknown>) => {
    const id = String(doc.id);
    if (doc._deleted === true) {
      index.remove(id);
      records.delete(id);
    } else {
      const b = plain(doc);
      index.upsert(searchableBeneficiary(b));
      records.set(b.id, b);
    }
  };
  // Follow changes from before the initial read so nothing written meanwhile is missed.
  const pending: Array<() => void> = [];
  let built = false;
  subscription = db.beneficiaries.$.subscribe((event) => {
    const apply = () => {
      if (event.operation === 'DELETE') applyDoc({ id: event.documentId, _deleted: true });
      else applyDoc(event.documentData as unknown as Record<string, unknown>);
      // Keep the snapshot's checkpoint at the newest local write seen (writes arrive in order).
      const lwt = (event.documentData as { _meta?: { lwt?: number } } | undefined)?._meta?.lwt;
      const cp = checkpoint as { id: string; lwt: number } | undefined;
      if (typeof lwt === 'number' && (!cp || lwt > cp.lwt || (lwt === cp.lwt && event.documentId > cp.id))) checkpoint = { id: event.documentId, lwt };
      useSearchState.setState((s) => ({ version: s.version + 1 }));
      scheduleSave();
    };
    if (built) apply();
    else pending.push(apply);
  });

  let snapshot: SearchSnapshot | null = null;
  try {
    snapshot = cache ? await cache.load() : null;
  } catch (err) {
    console.error('search snapshot not loaded', err);
  }
  if (started !== db) return;
  // A snapshot without a checkpoint (taken of an empty store) saves nothing: rebuild.
  if (snapshot && (snapshot.checkpoint === null || snapshot.checkpoint === undefined)) snapshot = null;
  if (snapshot) {
    records = new Map(snapshot.records.map((d) => [d.id, d]));
    index.bulkUpsert(snapshot.records.map(searchableBeneficiary));
    checkpoint = snapshot.checkpoint;
  } else {
    checkpoint = undefined;
  }
  let fresh = 0;
  if (snapshot) {
    // Everything written since the snapshot (local or pulled), deletions included, by the
    // storage's local write time — usually a handful of records.
    const storage = db.beneficiaries.storageInstance;
    for (;;) {
      const batch = await getChangedDocumentsSince(storage, 500, checkpoint as never);
      if (started !== db) return;
      if (batch.documents.length === 0) break;
      for (const d of batch.documents as unknown as Record<string, unknown>[]) applyDoc(d);
      fresh += batch.documents.length;
      checkpoint = batch.checkpoint;
      if (batch.documents.length < 500) break;
    }
    // Rows purged from storage (a PDPL destruction's tombstones, shared/sync/purge.ts) leave
    // no change to catch up from: a snapshot holding records the store no longer has is
    // dropped and the index rebuilt, so nobody destroyed comes back into the search.
    const stored = await db.beneficiaries.count().exec();
    if (started !== db) return;
    if (stored !== records.size) {
      snapshot = null;
      index.clear();
      index = new BeneficiarySearchIndex();
      records = new Map();
      checkpoint = undefined;
    }
  }
  if (!snapshot) {
    // No snapshot (first unlock, or another key): decrypt everything once.
    const docs = await db.beneficiaries.find().exec();
    if (started !== db) return;
    let last: { id: string; lwt: number } | null = null;
    const all: Beneficiary[] = [];
    for (const d of docs) {
      const json = d.toJSON(true) as unknown as Record<string, unknown> & { _meta?: { lwt?: number } };
      const lwt = json._meta?.lwt ?? 0;
      const id = String(json.id);
      if (!last || lwt > last.lwt || (lwt === last.lwt && id > last.id)) last = { id, lwt };
      const b = plain(json);
      all.push(b);
      records.set(b.id, b);
    }
    index.bulkUpsert(all.map(searchableBeneficiary));
    checkpoint = last ?? undefined;
    fresh = all.length;
  }
  built = true;
  for (const p of pending) p();
  useSearchState.setState((s) => ({ ready: true, version: s.version + 1, buildMs: now() - t0, fromSnapshot: snapshot !== null }));
  if (!snapshot || fresh > 0 || pending.length > 0) scheduleSave();
}

/** Forget every decrypted record (lock, sign-out, wipe). */
export function stopBeneficiarySearch(): void {
  if (saveTimer) clearTimeout(saveTimer);
  saveTimer = null;
  checkpoint = undefined;
  subscription?.unsubscribe();
  subscription = null;
  started = null;
  index.clear();
  index = new BeneficiarySearchIndex();
  records = new Map();
  useSearchState.setState({ ready: false, version: 0, buildMs: null, fromSnapshot: false });
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
