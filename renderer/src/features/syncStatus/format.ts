/**
 * Showing a conflicting field's values to a person: JSON values from `sync_conflicts` as
 * readable lines (a date as a date, a yes/no as words, an object as "key: value" lines), never
 * raw JSON, and an absent value as "(empty)".
 */
import type { SyncConflict } from '../../../../shared/schema';
import { derivedConflictFields } from '../../data/conflicts';

export interface ValueWords {
  empty: string;
  yes: string;
  no: string;
  deleted: string;
  present: string;
  /** After a Hijri date ("هـ"). */
  hijri: string;
}

function isDay(v: unknown): v is { calendar: string; y: number; m: number; d: number } {
  if (!v || typeof v !== 'object') return false;
  const o = v as Record<string, unknown>;
  return typeof o.y === 'number' && typeof o.m === 'number' && typeof o.d === 'number' && typeof o.calendar === 'string';
}

function scalar(v: unknown, words: ValueWords): string {
  if (v === null || v === undefined || v === '') return words.empty;
  if (typeof v === 'boolean') return v ? words.yes : words.no;
  if (typeof v === 'string' || typeof v === 'number') return String(v);
  if (isDay(v)) return `${v.y}/${String(v.m).padStart(2, '0')}/${String(v.d).padStart(2, '0')}${v.calendar === 'hijri' ? ` ${words.hijri}` : ''}`;
  if (Array.isArray(v)) return v.map((x) => scalar(x, words)).join('، ');
  return Object.entries(v as Record<string, unknown>)
    .map(([k, x]) => `${k}: ${scalar(x, words)}`)
    .join('، ');
}

/** The lines that show one side's value (`raw` is the JSON kept in the conflict record). */
export function valueLines(raw: string, path: string, words: ValueWords): string[] {
  if (raw === '') return [words.empty];
  let value: unknown;
  try {
    value = JSON.parse(raw);
  } catch {
    return [raw];
  }
  if (path === '_deleted') return [value === true ? words.deleted : words.present];
  if (Array.isArray(value)) return value.length === 0 ? [words.empty] : value.map((x) => scalar(x, words));
  if (value && typeof value === 'object' && !isDay(value)) {
    const entries = Object.entries(value as Record<string, unknown>);
    return entries.length === 0 ? [words.empty] : entries.map(([k, x]) => `${k}: ${scalar(x, words)}`);
  }
  return [scalar(value, words)];
}

/** The value of `path` in a record (dotted path), JSON-encoded like the conflict's sides. */
export function currentRaw(record: Record<string, unknown> | null, path: string): string {
  if (!record) return '';
  let node: unknown = record;
  for (const part of path.split('.')) {
    if (!node || typeof node !== 'object') return '';
    node = (node as Record<string, unknown>)[part];
  }
  return node === undefined ? '' : JSON.stringify(node);
}

/** The fields a person chooses between (derived lookup hashes follow their source field). */
export function choosableFields(conflict: Pick<SyncConflict, 'fields'>): SyncConflict['fields'] {
  return conflict.fields.filter((f) => !(f.path in derivedConflictFields));
}

/** Whether two JSON texts hold the same value (key order aside). */
export function sameRaw(a: string, b: string): boolean {
  if (a === b) return true;
  try {
    return JSON.stringify(sortKeys(JSON.parse(a || 'null'))) === JSON.stringify(sortKeys(JSON.parse(b || 'null')));
  } catch {
    return false;
  }
}

function sortKeys(v: unknown): unknown {
  if (Array.isArray(v)) return v.map(sortKeys);
  if (v && typeof v === 'object') return Object.fromEntries(Object.entries(v as Record<string, unknown>).sort(([a], [b]) => (a < b ? -1 : 1)).map(([k, x]) => [k, sortKeys(x)]));
  return v;
}
