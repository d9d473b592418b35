import { describe, expect, it } from 'vitest';
import { canonicalJson } from '../../../shared/security';
import { canonicalJson as declarationCanonicalJson } from '../../../shared/declaration/canonicalJson';

describe('canonicalJson', () => {
  it('sorts keys recursively and drops whitespace', () => {
    expect(canonicalJson({ b: 1, a: { d: [3, { z: 1, y: 2 }], c: 'x' } })).toBe('{"a":{"c":"x","d":[3,{"y":2,"z":1}]},"b":1}');
  });
  it('gives the same text for the same value built in another key order', () => {
    expect(canonicalJson({ الاسم: 'محمد', id: 'a1', n: 1.5 })).toBe(canonicalJson({ n: 1.5, id: 'a1', الاسم: 'محمد' }));
  });
  it('sorts by UTF-16 code units (RFC 8785)', () => {
    expect(canonicalJson({ '\u20ac': 1, '\r': 2, '\ud83d\ude00': 3, '1': 4, a: 5 })).toBe('{"\\r":2,"1":4,"a":5,"€":1,"😀":3}');
  });
  it('gives the same bytes as the declaration module and as JSON.stringify of sorted data', () => {
    const samples: unknown[] = [
      { z: [1, 'ب', { y: null, x: true }], a: -0.5e-7, m: '\u2028"\\', n: [undefined] },
      [{ b: 1, a: 2 }, 'مُحمّد', 1e21, 0],
      { '😀': 1, é: 2, e: 3 },
    ];
    for (const v of samples) expect(canonicalJson(v)).toBe(declarationCanonicalJson(v));
  });
  it('omits undefined members and refuses values JSON cannot represent faithfully', () => {
    expect(canonicalJson({ a: undefined, b: null })).toBe('{"b":null}');
    expect(() => canonicalJson({ a: Number.NaN })).toThrow(TypeError);
    expect(() => canonicalJson({ a: new Date(0) })).toThrow(TypeError);
    expect(canonicalJson([undefined, 1])).toBe('[null,1]');
    const loop: Record<string, unknown> = {};
    loop.self = loop;
    expect(() => canonicalJson(loop)).toThrow(/circular/);
  });
});
