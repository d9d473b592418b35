/**
 * Canonical JSON (RFC 8785 "JCS" for the values Sila stores): object keys sorted by UTF-16
 * code units, no whitespace, strings and numbers serialised as ECMAScript's JSON.stringify
 * does (which is what JCS specifies). Two equal values always give the same text, so the text
 * can be hashed: audit entries, declaration snapshots.
 *
 * Refused (throws TypeError): non-finite numbers, bigint, functions, symbols, and class
 * instances other than plain objects/arrays (a Date must be turned into an ISO string first,
 * so the hash never depends on a toJSON the caller did not see). `undefined` object members
 * are omitted and `undefined` array items become null, as JSON.stringify does. For JSON data
 * the output is byte-identical to shared/declaration's canonicalJson.
 */
export function canonicalJson(value: unknown): string {
  return serialise(value, new Set());
}

function serialise(value: unknown, seen: Set<object>): string {
  if (value === null) return 'null';
  switch (typeof value) {
    case 'boolean':
      return value ? 'true' : 'false';
    case 'string':
      return JSON.stringify(value);
    case 'number':
      if (!Number.isFinite(value)) throw new TypeError('canonicalJson: non-finite number');
      return JSON.stringify(value);
    case 'object':
      break;
    default:
      throw new TypeError(`canonicalJson: cannot serialise a ${typeof value}`);
  }
  const obj = value as object;
  if (seen.has(obj)) throw new TypeError('canonicalJson: circular structure');
  seen.add(obj);
  try {
    if (Array.isArray(obj)) {
      return `[${obj
        .map((item: unknown) => (item === undefined ? 'null' : serialise(item, seen)))
        .join(',')}]`;
    }
    const proto = Object.getPrototypeOf(obj) as unknown;
    if (proto !== Object.prototype && proto !== null) {
      throw new TypeError('canonicalJson: only plain objects and arrays are allowed');
    }
    const record = obj as Record<string, unknown>;
    const keys = Object.keys(record).sort(compareCodeUnits);
    const parts: string[] = [];
    for (const key of keys) {
      const v = record[key];
      if (v === undefined) continue;
      parts.push(`${JSON.stringify(key)}:${serialise(v, seen)}`);
    }
    return `{${parts.join(',')}}`;
  } finally {
    seen.delete(obj);
  }
}

/** Sort by UTF-16 code units (what JCS requires); `<` on JS strings does exactly that. */
function compareCodeUnits(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}
