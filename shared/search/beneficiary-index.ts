/**
 * In-memory beneficiary search (بحث المستفيدين), built after unlock from decrypted records.
 *
 * Encrypted fields cannot be queried in RxDB, so the renderer decrypts once at unlock, feeds
 * the records here, and keeps the index up to date from the collection's change stream
 * (`upsert`/`remove`). On lock, call `clear()` so no names stay in memory.
 *
 * Matching
 *   - names (Arabic and English) are folded with shared/identity's rules (hamza/alef forms,
 *     taa marbuta, alef maqsura, diacritics, tatweel, Arabic-Indic digits; بن/بنت/ibn/bint
 *     dropped; عبد الله → عبدالله) and every query token is a prefix of a *different* name
 *     part, in any order: "محم الشمر" finds "مُحمّد بن عبدالله الشمري". The article is
 *     optional: "شمري" also finds "الشمري"; the parts of a joined compound are searchable too.
 *   - ID / iqama and phone digits match exactly or by prefix; a phone is found from 05…, 5…,
 *     9665… or +966 5…, typed with spaces, dashes or Arabic-Indic digits.
 *   - Name tokens and digit tokens combine: "محمد 055" finds Mohammeds whose phone starts 055.
 *
 * Ranking: all query tokens matched > fewer (partial matches only fill up a short list);
 * then more exact (whole-part) matches; then a given name matched (first part of a name);
 * then shorter names; then id for a stable order.
 *
 * Performance design: a sorted array of distinct tokens (binary search for the prefix range)
 * with a posting set per token. A query starts from its most selective token's postings and
 * verifies the other tokens per candidate, so cost follows the smallest candidate set.
 */
import { foldArabicText, nameTokens, nameQueryTokens, normalizeDigits, normalizeSaudiMobile } from '../identity';

export type SearchField = 'name' | 'nationalId' | 'phone';

/** What the index needs of a beneficiary: plain decrypted values, as stored. */
export interface SearchableBeneficiary {
  readonly id: string;
  /** Full names as written (Arabic and/or English). */
  readonly names: readonly string[];
  readonly nationalIds?: readonly string[];
  readonly phones?: readonly string[];
}

export interface SearchHit {
  readonly id: string;
  /** Query tokens matched (== queryTokens for a full match). */
  readonly matchedTokens: number;
  readonly queryTokens: number;
  /** Query tokens that equal a whole name part / whole number. */
  readonly exactTokens: number;
  /** Which fields matched, for highlighting. */
  readonly fields: readonly SearchField[];
  readonly score: number;
}

export interface SearchOptions {
  /** Maximum hits (default 20). */
  readonly limit?: number;
  /** Add documents that match only some tokens when full matches are fewer than limit (default true). */
  readonly partial?: boolean;
}

interface Term {
  readonly token: string;
  /** Name part position (names) or a distinct slot per number, for "different part" matching. */
  readonly pos: number;
  readonly field: SearchField;
  /** The first part of one of the names (the given name). */
  readonly first: boolean;
}

interface Doc {
  readonly id: string;
  readonly terms: readonly Term[];
  readonly partCount: number;
}

const FIELD_ORDER: readonly SearchField[] = ['name', 'nationalId', 'phone'];

/**
 * Tokens of one name, with alternates at the same position: without the Arabic article
 * (الشمري → شمري), and the last word of a joined compound (عبد الله → عبدالله + الله;
 * al shammari → alshammari + shammari). The first word of a compound needs no alternate:
 * it is already a prefix of the joined token.
 */
function nameTerms(name: string, basePos: number, out: Term[]): number {
  const tokens = nameTokens(name);
  const rawWords = new Set(foldArabicText(name).split(' ').filter((w) => w.length > 1));
  tokens.forEach((token, i) => {
    const pos = basePos + i;
    const first = i === 0;
    out.push({ token, pos, field: 'name', first });
    if (token.startsWith('ال') && token.length > 3) out.push({ token: token.slice(2), pos, field: 'name', first });
    for (const w of rawWords) {
      if (w !== token && token.endsWith(w)) out.push({ token: w, pos, field: 'name', first });
    }
  });
  return tokens.length;
}

function digitsOf(value: string): string {
  return normalizeDigits(value).replace(/\D/g, '');
}

function phoneKeys(phone: string): string[] {
  const mobile = normalizeSaudiMobile(phone);
  if (mobile.ok) {
    const local = mobile.value.local; // 05XXXXXXXX
    return [local, local.slice(1), mobile.value.e164.slice(1)]; // 05…, 5…, 9665…
  }
  const d = digitsOf(phone);
  return d ? [d] : [];
}

function termsOf(b: SearchableBeneficiary): Doc {
  const terms: Term[] = [];
  let pos = 0;
  let partCount = Infinity; // parts of the shortest name, for the "shorter name first" tie-break
  for (const name of b.names) {
    const parts = nameTerms(name, pos, terms);
    pos += parts;
    if (parts > 0) partCount = Math.min(partCount, parts);
  }
  for (const id of b.nationalIds ?? []) {
    const d = digitsOf(id);
    if (d) terms.push({ token: d, pos: pos++, field: 'nationalId', first: false });
  }
  for (const phone of b.phones ?? []) {
    const keys = phoneKeys(phone);
    for (const k of keys) terms.push({ token: k, pos, field: 'phone', first: false });
    if (keys.length > 0) pos++;
  }
  // de-duplicate identical (token, pos) pairs
  const seen = new Set<string>();
  const unique = terms.filter((t) => {
    const key = `${t.pos}\u0000${t.token}`;
    if (seen.has(key)) return false;
    seen.add(key);
    return true;
  });
  return { id: b.id, terms: unique, partCount: Number.isFinite(partCount) ? partCount : 1 };
}

function lowerBound(sorted: readonly string[], key: string): number {
  let lo = 0;
  let hi = sorted.length;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (sorted[mid]! < key) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

/** Query text → tokens: name tokens folded like names; a pure number typed in groups joined. */
export function searchQueryTokens(query: string): string[] {
  const ascii = normalizeDigits(query);
  if (/^[\d\s+\-().\u00a0\u200e\u200f]+$/.test(ascii)) {
    const d = ascii.replace(/\D/g, '');
    return d ? [d.startsWith('00') ? d.slice(2) : d] : [];
  }
  return nameQueryTokens(query);
}

const FIELD_BIT: Readonly<Record<SearchField, number>> = { name: 1, nationalId: 2, phone: 4 };

/** Scratch result of matching one document (reused: no allocation per candidate). */
interface MatchScratch {
  matched: number;
  exact: number;
  /** Some query token matched a given name (the first part of a name). */
  givenName: boolean;
  fieldBits: number;
}

export class BeneficiarySearchIndex {
  /** Documents by slot; slots of removed documents are reused. */
  private readonly slots: Array<Doc | undefined> = [];
  private readonly freeSlots: number[] = [];
  private readonly slotById = new Map<string, number>();
  /** token → slots having it (each slot once; arrays iterate faster than sets). */
  private readonly postings = new Map<string, number[]>();
  private readonly sortedTokens: string[] = [];
  /** Per-slot marks for set operations without allocating sets (epoch-stamped). */
  private marks = new Uint32Array(0);
  private epoch = 0;
  private readonly scratch: MatchScratch = { matched: 0, exact: 0, givenName: false, fieldBits: 0 };

  static build(records: Iterable<SearchableBeneficiary>): BeneficiarySearchIndex {
    const index = new BeneficiarySearchIndex();
    index.bulkUpsert(records);
    return index;
  }

  get size(): number {
    return this.slotById.size;
  }

  has(id: string): boolean {
    return this.slotById.has(id);
  }

  /** Add many records; sorts the token list once instead of per new token. */
  bulkUpsert(records: Iterable<SearchableBeneficiary>): void {
    const fresh: string[] = [];
    for (const r of records) this.put(r, fresh);
    if (fresh.length > 0) {
      this.sortedTokens.push(...fresh);
      this.sortedTokens.sort();
    }
  }

  /** Add or replace one record (after an insert or update in the store). */
  upsert(record: SearchableBeneficiary): void {
    const fresh: string[] = [];
    this.put(record, fresh);
    for (const t of fresh) this.sortedTokens.splice(lowerBound(this.sortedTokens, t), 0, t);
  }

  /** Remove a record (after a delete, or when the user loses access to it). */
  remove(id: string): void {
    const slot = this.slotById.get(id);
    if (slot === undefined) return;
    const doc = this.slots[slot]!;
    this.slotById.delete(id);
    this.slots[slot] = undefined;
    this.freeSlots.push(slot);
    for (const t of doc.terms) {
      const list = this.postings.get(t.token);
      if (!list) continue;
      const at = list.indexOf(slot);
      if (at < 0) continue; // the same token at two positions: already removed
      list[at] = list[list.length - 1]!;
      list.pop();
      if (list.length === 0) {
        this.postings.delete(t.token);
        const i = lowerBound(this.sortedTokens, t.token);
        if (this.sortedTokens[i] === t.token) this.sortedTokens.splice(i, 1);
      }
    }
  }

  /** Forget everything (on lock), so no decrypted names stay reachable. */
  clear(): void {
    this.slots.length = 0;
    this.freeSlots.length = 0;
    this.slotById.clear();
    this.postings.clear();
    this.sortedTokens.length = 0;
    this.marks = new Uint32Array(0);
  }

  private put(record: SearchableBeneficiary, fresh: string[]): void {
    if (this.slotById.has(record.id)) this.remove(record.id);
    const doc = termsOf(record);
    const slot = this.freeSlots.pop() ?? this.slots.length;
    this.slots[slot] = doc;
    this.slotById.set(record.id, slot);
    for (const t of doc.terms) {
      let list = this.postings.get(t.token);
      if (!list) {
        list = [];
        this.postings.set(t.token, list);
        fresh.push(t.token);
      }
      // a doc's terms are added together, so a repeat of this token for this doc is last
      if (list[list.length - 1] !== slot) list.push(slot);
    }
  }

  /** [start, end) of the tokens in sortedTokens that start with `prefix`. */
  private prefixRange(prefix: string): [number, number] {
    const start = lowerBound(this.sortedTokens, prefix);
    let end = start;
    while (end < this.sortedTokens.length && this.sortedTokens[end]!.startsWith(prefix)) end++;
    return [start, end];
  }

  private rangeWeight([start, end]: [number, number]): number {
    let n = 0;
    for (let i = start; i < end; i++) n += this.postings.get(this.sortedTokens[i]!)!.length;
    return n;
  }

  private nextEpoch(): number {
    if (this.marks.length < this.slots.length) {
      const grown = new Uint32Array(Math.max(this.slots.length, this.marks.length * 2, 1024));
      grown.set(this.marks);
      this.marks = grown;
    }
    this.epoch = (this.epoch + 1) >>> 0;
    if (this.epoch === 0) {
      this.marks.fill(0);
      this.epoch = 1;
    }
    return this.epoch;
  }

  /** Slots of the documents having a token in the range, each once, appended to `out`. */
  private collect(range: [number, number], stamp: number, out: number[]): void {
    const marks = this.marks;
    for (let i = range[0]; i < range[1]; i++) {
      for (const slot of this.postings.get(this.sortedTokens[i]!)!) {
        if (marks[slot] !== stamp) {
          marks[slot] = stamp;
          out.push(slot);
        }
      }
    }
  }

  /**
   * Match query tokens to different parts of a doc. Longest tokens first, exact parts
   * preferred, so a short token cannot take the only part a longer one fits.
   */
  private match(doc: Doc, query: readonly string[], order: readonly number[]): MatchScratch {
    const m = this.scratch;
    m.matched = 0;
    m.exact = 0;
    m.givenName = false;
    m.fieldBits = 0;
    let used = 0; // bitmask of positions < 31
    let usedHigh: Set<number> | null = null; // positions ≥ 31 (very long names, many numbers)
    const terms = doc.terms;
    for (const qi of order) {
      const q = query[qi]!;
      let best: Term | null = null;
      for (let i = 0; i < terms.length; i++) {
        const t = terms[i]!;
        const taken = t.pos < 31 ? (used & (1 << t.pos)) !== 0 : (usedHigh?.has(t.pos) ?? false);
        if (taken || !t.token.startsWith(q)) continue;
        if (t.token.length === q.length) {
          best = t;
          break;
        }
        best ??= t;
      }
      if (!best) continue;
      if (best.pos < 31) used |= 1 << best.pos;
      else (usedHigh ??= new Set()).add(best.pos);
      m.matched++;
      if (best.token.length === q.length) m.exact++;
      if (best.first) m.givenName = true;
      m.fieldBits |= FIELD_BIT[best.field];
    }
    return m;
  }

  search(query: string, options: SearchOptions = {}): SearchHit[] {
    const limit = Math.max(0, Math.floor(options.limit ?? 20));
    const tokens = searchQueryTokens(query);
    if (tokens.length === 0 || limit === 0 || this.slotById.size === 0) return [];
    const order = tokens.map((_, i) => i).sort((a, b) => tokens[b]!.length - tokens[a]!.length);
    const ranges = tokens.map((t) => this.prefixRange(t));
    const weights = ranges.map((r) => this.rangeWeight(r));

    const top = new TopHits(limit, (slot) => this.slots[slot]!.id);
    const stamp = this.nextEpoch();

    // Full matches: candidates from the most selective token, the others verified per doc.
    let seed = 0;
    for (let i = 1; i < tokens.length; i++) if (weights[i]! < weights[seed]!) seed = i;
    const candidates: number[] = [];
    this.collect(ranges[seed]!, stamp, candidates);
    const partialSlots: number[] = [];
    const partialScores: number[] = [];
    let full = 0;
    for (const slot of candidates) {
      const doc = this.slots[slot]!;
      const m = this.match(doc, tokens, order);
      if (m.matched === tokens.length) {
        full++;
        top.offer(slot, scoreOf(doc, m));
      } else if (m.matched > 0) {
        partialSlots.push(slot);
        partialScores.push(scoreOf(doc, m));
      }
    }

    // Partial matches fill a short list (multi-token queries only). Slots already seen are
    // still marked with this epoch, so collect() skips them.
    if (full < limit && tokens.length > 1 && options.partial !== false) {
      partialSlots.forEach((slot, i) => top.offer(slot, partialScores[i]!));
      const pool: number[] = [];
      ranges.forEach((r, i) => {
        if (i !== seed) this.collect(r, stamp, pool);
      });
      for (const slot of pool) {
        const doc = this.slots[slot]!;
        const m = this.match(doc, tokens, order);
        if (m.matched > 0) top.offer(slot, scoreOf(doc, m));
      }
    }

    return top.sorted().map(({ slot, score }) => {
      const doc = this.slots[slot]!;
      const m = this.match(doc, tokens, order);
      return {
        id: doc.id,
        matchedTokens: m.matched,
        queryTokens: tokens.length,
        exactTokens: m.exact,
        fields: FIELD_ORDER.filter((f) => (m.fieldBits & FIELD_BIT[f]) !== 0),
        score,
      };
    });
  }
}

/**
 * The best `limit` hits by score (desc), then id (asc), kept in a small sorted buffer: a
 * broad query ("ال", "05") scores thousands of candidates but sorts only `limit` of them.
 */
class TopHits {
  private readonly items: Array<{ slot: number; score: number; id: string }> = [];
  constructor(
    private readonly limit: number,
    private readonly idOf: (slot: number) => string,
  ) {}

  offer(slot: number, score: number): void {
    const items = this.items;
    if (items.length === this.limit) {
      const last = items[items.length - 1]!;
      if (score < last.score) return;
      if (score === last.score && this.idOf(slot) >= last.id) return;
    }
    const id = this.idOf(slot);
    let i = items.length;
    while (i > 0) {
      const prev = items[i - 1]!;
      if (prev.score > score || (prev.score === score && prev.id < id)) break;
      i--;
    }
    items.splice(i, 0, { slot, score, id });
    if (items.length > this.limit) items.pop();
  }

  sorted(): ReadonlyArray<{ slot: number; score: number }> {
    return this.items;
  }
}

/** matched ≫ exact ≫ a given name matched ≫ shorter name. */
function scoreOf(doc: Doc, m: MatchScratch): number {
  return m.matched * 10_000 + m.exact * 100 + (m.givenName ? 50 : 0) + Math.max(0, 20 - doc.partCount);
}

/**
 * Map a beneficiary document (decrypted) to what the index needs. Reads the fields the
 * beneficiary schema has or may gain (fullName, fullNameEn, nationalId, phone, phones).
 */
export function searchableBeneficiary(doc: {
  readonly id: string;
  readonly fullName?: string;
  readonly fullNameEn?: string;
  readonly nationalId?: string;
  readonly phone?: string;
  readonly phones?: readonly string[];
}): SearchableBeneficiary {
  return {
    id: doc.id,
    names: [doc.fullName, doc.fullNameEn].filter((n): n is string => typeof n === 'string' && n.length > 0),
    nationalIds: doc.nationalId ? [doc.nationalId] : [],
    phones: [...(doc.phone ? [doc.phone] : []), ...(doc.phones ?? [])],
  };
}
