import { beforeAll, describe, expect, it } from 'vitest';
import { createPdfEngine, formatHijriAndGregorian, isolateLtrPhrases, type PdfEngine } from '../../../shared/pdf';
import { canonicalJson } from '../../../shared/declaration';
import { TrueTypeFont } from '../../../shared/pdf/trueTypeSubset';
import { loadPdfAssets } from './fixtures';

let engine: PdfEngine;
beforeAll(async () => {
  engine = await createPdfEngine(loadPdfAssets());
});

const visualText = (line: { runs: Array<{ glyphs: Array<{ text: string }>; rtl: boolean }> }): string[] =>
  line.runs.map((r) => (r.rtl ? [...r.glyphs].reverse() : r.glyphs).map((g) => g.text.replace('\u200d', '')).join(''));

describe('text layout', () => {
  it('isolates left-to-right phrases inside Arabic text', () => {
    expect(isolateLtrPhrases('الجوال +966 50 123 4567 والبريد a.b@c.sa')).toBe('الجوال \u2066+966 50 123 4567\u2069 والبريد \u2066a.b@c.sa\u2069');
    expect(isolateLtrPhrases('شركة النور (Al Noor Trading Co.) منذ 2019')).toBe('شركة النور (\u2066Al Noor Trading Co.\u2069) منذ \u20662019\u2069');
    expect(isolateLtrPhrases('بدون لاتيني')).toBe('بدون لاتيني');
  });

  it('orders runs visually (rule L2): Arabic right-to-left, numbers and Latin left-to-right', () => {
    const [line] = engine.text.layout('الهوية 1012345678 والجوال +966 50 123 4567', { font: 'regular', size: 12 }, 1000);
    expect(line).toBeDefined();
    // visual order, left to right: the phone, "والجوال", the ID, "الهوية"
    expect(visualText(line!).map((t) => t.trim()).filter(Boolean)).toEqual(['+966 50 123 4567', 'والجوال', '1012345678', 'الهوية']);
  });

  it('mirrors brackets in right-to-left runs and keeps their logical text', () => {
    const [line] = engine.text.layout('(قوسان)', { font: 'regular', size: 12 }, 1000);
    const glyphs = line!.runs[0]!.glyphs;
    const right = engine.text.fonts.regular.hb.nominalGlyph(0x29);
    const left = engine.text.fonts.regular.hb.nominalGlyph(0x28);
    // leftmost glyph on the page is the closing bracket of the logical text, drawn as "("
    expect(glyphs[0]).toMatchObject({ glyphId: left, text: ')' });
    expect(glyphs[glyphs.length - 1]).toMatchObject({ glyphId: right, text: '(' });
  });

  it('wraps long Arabic paragraphs at spaces within the width', () => {
    const text = 'أقر بأن جميع البيانات المدونة في هذا الإقرار صحيحة وكاملة وأنني مسؤول عنها مسؤولية مباشرة '.repeat(4);
    const lines = engine.text.layout(text, { font: 'regular', size: 11 }, 300);
    expect(lines.length).toBeGreaterThan(3);
    for (const l of lines) expect(l.width).toBeLessThanOrEqual(300.5);
    expect(lines.map((l) => l.text).join(' ').replace(/\s+/g, ' ').trim()).toBe(text.replace(/\s+/g, ' ').trim());
  });

  it('gives shadda and lam-alef glyphs their text (no letters lost for copy/paste)', () => {
    const [line] = engine.text.layout('محمّد لافي', { font: 'regular', size: 12 }, 1000);
    // one right-to-left run: its glyphs read backwards give the logical text, every character once
    expect(line!.runs).toHaveLength(1);
    expect(visualText(line!).join('')).toBe('محمّد لافي');
  });

  it('writes a valid subset font holding only the used glyphs', () => {
    const ttf = engine.text.fonts.regular.ttf;
    const { bytes, newGlyphId } = ttf.subset([100, 200, 300]);
    const sub = new TrueTypeFont(bytes);
    expect(sub.numGlyphs).toBe(newGlyphId.size);
    expect(sub.advanceWidth(newGlyphId.get(200)!)).toBe(ttf.advanceWidth(200));
    expect(bytes.length).toBeLessThan(ttf.bytes.length / 20);
  });
});

describe('dates and canonical JSON', () => {
  it('prints Umm al-Qura beside Gregorian for the Saudi calendar day (seed pairs)', () => {
    expect(formatHijriAndGregorian(new Date('2025-03-06T09:30:00Z'))).toBe('6 رمضان 1446 هـ الموافق 6 مارس 2025م');
    expect(formatHijriAndGregorian(new Date('2021-07-05T08:00:00Z'))).toContain('25 ذو القعدة 1442 هـ');
    expect(formatHijriAndGregorian(new Date('2021-03-01T08:00:00Z'))).toContain('17 رجب 1442 هـ');
    // 22:30 UTC on 5 March is already 6 March in Riyadh
    expect(formatHijriAndGregorian(new Date('2025-03-05T22:30:00Z'))).toContain('6 مارس 2025م');
  });

  it('canonical JSON is independent of key order and drops undefined members', () => {
    expect(canonicalJson({ b: 1, a: { d: [1, 'x'], c: undefined, e: null } })).toBe('{"a":{"d":[1,"x"],"e":null},"b":1}');
    expect(canonicalJson({ a: 1, b: 2 })).toBe(canonicalJson({ b: 2, a: 1 }));
  });
});
