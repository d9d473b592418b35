/**
 * Conflict handling on the laptop: a three-way merge in RxDB's conflict handler.
 *
 * When HQ refuses a push because its copy changed meanwhile, RxDB calls the handler with
 *   base   = assumedMasterState (what this laptop last saw from HQ),
 *   ours   = newDocumentState   (this laptop's edit),
 *   theirs = realMasterState    (HQ's current copy).
 * Per field (recursively through plain objects; arrays and values are leaves):
 *   - changed on one side only → that side's value (different-field edits merge);
 *   - changed on both sides to the same value → that value;
 *   - changed on both sides differently → HQ's value stays in the record AND the conflict is
 *     recorded (both values side by side) in `sync_conflicts` for a person to resolve.
 * Bookkeeping fields (`updatedAt`, `updatedBy`) never conflict: the later edit's pair wins.
 * Nothing is dropped silently: every losing value is in a conflict record.
 *
 * The server stays a pure compare-and-set store; the merged document is pushed as a normal
 * update with HQ's copy as its assumed master state.
 */
import type { RxConflictHandler, RxConflictHandlerInput, WithDeleted } from 'rxdb';
import { isDestructionTombstone } from '../privacy/destruction';
import { jsonDeepEqual } from './protocol';

export interface FieldConflict {
  /** Dotted path, e.g. `phone`, `address.city`, `_deleted`. */
  path: string;
  ours: unknown;
  theirs: unknown;
  /** undefined when there was no common base (both laptops created the same id). */
  base: unknown;
}

export interface MergeResult<T extends Record<string, unknown>> {
  merged: T;
  conflicts: FieldConflict[];
}

/** Fields that record who/when and never conflict. */
export const BOOKKEEPING_FIELDS: ReadonlySet<string> = new Set(['updatedAt', 'updatedBy']);

/** RxDB's own metadata: never merged, never compared. */
function isMeta(key: string): boolean {
  return key === '_meta' || key === '_rev' || key === '_attachments';
}

function isPlainObject(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

const MISSING = Symbol('missing');
type Slot = unknown | typeof MISSING;

function mergeValue(base: Slot, ours: Slot, theirs: Slot, path: string, conflicts: FieldConflict[], hasBase: boolean): Slot {
  const eq = (a: Slot, b: Slot) => (a === MISSING || b === MISSING ? a === b : jsonDeepEqual(a, b));
  if (eq(ours, theirs)) return theirs;
  if (hasBase && eq(ours, base)) return theirs; // only HQ changed it
  if (hasBase && eq(theirs, base)) return ours; // only we changed it
  // Both changed it. Objects on all sides: merge their fields one by one.
  if (isPlainObject(ours) && isPlainObject(theirs) && (!hasBase || base === MISSING || isPlainObject(base))) {
    const b = isPlainObject(base) ? base : {};
    const out: Record<string, unknown> = {};
    const keys = new Set([...Object.keys(ours), ...Object.keys(theirs), ...Object.keys(b)]);
    for (const k of keys) {
      const v = mergeValue(
        Object.prototype.hasOwnProperty.call(b, k) ? b[k] : MISSING,
        Object.prototype.hasOwnProperty.call(ours, k) ? ours[k] : MISSING,
        Object.prototype.hasOwnProperty.call(theirs, k) ? theirs[k] : MISSING,
        path ? `${path}.${k}` : k,
        conflicts,
        hasBase && isPlainObject(base),
      );
      if (v !== MISSING && v !== undefined) out[k] = v;
    }
    return out;
  }
  conflicts.push({
    path,
    ours: ours === MISSING ? undefined : ours,
    theirs: theirs === MISSING ? undefined : theirs,
    base: !hasBase || base === MISSING ? undefined : base,
  });
  return theirs;
}

/**
 * Three-way merge of one document. `base` null means there is no common ancestor (both sides
 * created the document): every differing field is then a conflict.
 */
export function threeWayMerge<T extends Record<string, unknown>>(base: T | null | undefined, ours: T, theirs: T): MergeResult<T> {
  const conflicts: FieldConflict[] = [];
  const hasBase = base !== null && base !== undefined;
  const b: Record<string, unknown> = hasBase ? base : {};
  const merged: Record<string, unknown> = {};
  const keys = new Set([...Object.keys(ours), ...Object.keys(theirs), ...Object.keys(b)]);
  for (const k of keys) {
    if (isMeta(k) || BOOKKEEPING_FIELDS.has(k)) continue;
    const v = mergeValue(
      Object.prototype.hasOwnProperty.call(b, k) ? b[k] : MISSING,
      Object.prototype.hasOwnProperty.call(ours, k) ? ours[k] : MISSING,
      Object.prototype.hasOwnProperty.call(theirs, k) ? theirs[k] : MISSING,
      k,
      conflicts,
      hasBase,
    );
    if (v !== MISSING && v !== undefined) merged[k] = v;
  }
  // A deletion on one side against an edit on the other: HQ's whole copy stays, and every
  // field of the disagreement (the deletion and the edited fields) is recorded.
  if (hasBase && (ours._deleted === true) !== (theirs._deleted === true)) {
    const editor = ours._deleted === true ? theirs : ours;
    const edited = [...keys].filter((k) => !isMeta(k) && !BOOKKEEPING_FIELDS.has(k) && k !== '_deleted' && !jsonDeepEqual(editor[k], b[k]));
    if (edited.length > 0) {
      const paths = new Set(conflicts.map((c) => c.path));
      const extra: FieldConflict[] = [{ path: '_deleted', ours: ours._deleted === true, theirs: theirs._deleted === true, base: b._deleted }];
      for (const k of edited) if (!paths.has(k)) extra.push({ path: k, ours: ours[k], theirs: theirs[k], base: b[k] });
      const whole: Record<string, unknown> = {};
      for (const [k, v] of Object.entries(theirs)) if (!isMeta(k)) whole[k] = v;
      return { merged: whole as T, conflicts: [...conflicts.filter((c) => c.path !== '_deleted'), ...extra] };
    }
  }
  // Bookkeeping: the pair (updatedAt, updatedBy) of the later edit; ties keep HQ's.
  const oursAt = typeof ours.updatedAt === 'string' ? ours.updatedAt : '';
  const theirsAt = typeof theirs.updatedAt === 'string' ? theirs.updatedAt : '';
  const later = oursAt > theirsAt ? ours : theirs;
  for (const k of BOOKKEEPING_FIELDS) {
    if (later[k] !== undefined) merged[k] = later[k];
    else if (theirs[k] !== undefined) merged[k] = theirs[k];
  }
  return { merged: merged as T, conflicts };
}

/** What the laptop records for a person to resolve. */
export interface DetectedConflict {
  collectionName: string;
  documentId: string;
  /** The branch of the record (HQ's copy). */
  branchId: string | null;
  fields: FieldConflict[];
  /** The three documents, for a record of exactly what happened. */
  base: Record<string, unknown> | null;
  ours: Record<string, unknown>;
  theirs: Record<string, unknown>;
}

export type ConflictSink = (conflict: DetectedConflict) => Promise<void>;

/** A record's files as `{ id: digest }` (empty when it has none). */
export function fileDigests(doc: Record<string, unknown>): Record<string, unknown> {
  const atts = doc._attachments;
  const out: Record<string, unknown> = {};
  if (atts && typeof atts === 'object') {
    for (const [id, att] of Object.entries(atts as Record<string, { digest?: unknown }>)) out[id] = att?.digest;
  }
  return out;
}

/** Strip RxDB metadata before comparing documents. */
export function withoutMeta(doc: Record<string, unknown>): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(doc)) if (!isMeta(k)) out[k] = v;
  return out;
}

/**
 * RxDB conflict handler for one collection. `sink` records same-field conflicts (the sync
 * manager writes them to `sync_conflicts`); it must not throw for a duplicate.
 * Append-only collections never get here with an edit (they are never updated).
 */
export function createMergeConflictHandler<T>(collectionName: string, sink: () => ConflictSink | null): RxConflictHandler<T> {
  return {
    isEqual(a: WithDeleted<T>, b: WithDeleted<T>) {
      const x = a as Record<string, unknown>;
      const y = b as Record<string, unknown>;
      // Files count too (by digest, never by bytes): a record whose only change is a new scan
      // is a change to push.
      return jsonDeepEqual(withoutMeta(x), withoutMeta(y)) && jsonDeepEqual(fileDigests(x), fileDigests(y));
    },
    async resolve(input: RxConflictHandlerInput<T>): Promise<WithDeleted<T>> {
      // HQ destroyed this record (PDPL, shared/privacy/destruction.ts): its tombstone wins, and
      // no losing value is kept anywhere (a conflict record would keep personal data).
      if (isDestructionTombstone(input.realMasterState)) return input.realMasterState;
      const theirs = withoutMeta(input.realMasterState as Record<string, unknown>);
      const ours = withoutMeta(input.newDocumentState as Record<string, unknown>);
      const base = input.assumedMasterState ? withoutMeta(input.assumedMasterState as Record<string, unknown>) : null;
      const { merged, conflicts } = threeWayMerge(base, ours, theirs);
      if (conflicts.length > 0) {
        const record = sink();
        if (record) {
          await record({
            collectionName,
            documentId: String(theirs.id ?? ours.id),
            branchId: typeof theirs.branchId === 'string' ? theirs.branchId : typeof ours.branchId === 'string' ? ours.branchId : null,
            fields: conflicts,
            base,
            ours,
            theirs,
          });
        }
      }
      return merged as unknown as WithDeleted<T>;
    },
  };
}

/** Deterministic id of a conflict record (the same conflict seen twice gives one record). */
export function conflictRecordId(c: Pick<DetectedConflict, 'collectionName' | 'documentId' | 'ours' | 'theirs'>): string {
  const text = JSON.stringify([c.collectionName, c.documentId, c.ours, c.theirs]);
  // Two independent 32-bit FNV-1a variants → 16 hex chars; collisions only merge two records
  // of the same document, never lose one silently across documents (the id includes it).
  let h1 = 0x811c9dc5;
  let h2 = 0x01000193 ^ 0x5bd1e995;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    h1 = Math.imul(h1 ^ c, 0x01000193) >>> 0;
    h2 = Math.imul(h2 ^ c, 0x5bd1e995) >>> 0;
    h2 ^= h2 >>> 15;
  }
  const hex = (n: number) => n.toString(16).padStart(8, '0');
  return `cf-${c.documentId}`.slice(0, 46) + `-${hex(h1)}${hex(h2)}`;
}
