// Text layout for Arabic-first documents: Unicode bidi (bidi-js) → line breaking at word boundaries →
// per-line runs in visual order (rule L2) → shaping of each run with HarfBuzz (kerning, joining,
// mark positioning, bracket mirroring in RTL runs). The result is positioned glyphs that the PDF
// writer draws as TJ arrays.

import bidiFactory from 'bidi-js';
import type { HbFont, ShapedGlyph } from './harfbuzz';
import type { TrueTypeFont } from './trueTypeSubset';
import { GLYPH_WITHOUT_TEXT } from './pdfFont';

export type FontKey = 'regular' | 'bold';

export interface LoadedFont {
  hb: HbFont;
  ttf: TrueTypeFont;
}

/** A glyph ready to draw: positions in font units; `text` is what it stands for (logical order). */
export interface PositionedGlyph {
  glyphId: number;
  text: string;
  /** Where the glyph is drawn: its origin from the start of the run (pen position + x offset). */
  x: number;
  xAdvance: number;
  xOffset: number;
  yOffset: number;
}

export interface VisualRun {
  font: FontKey;
  rtl: boolean;
  glyphs: PositionedGlyph[];
  /** Sum of advances, in font units. */
  advance: number;
}

export interface LaidOutLine {
  runs: VisualRun[];
  /** Width in points. */
  width: number;
  size: number;
  /** The logical text of the line (bidi controls removed), for tests and debugging. */
  text: string;
}

export type BaseDirection = 'rtl' | 'ltr';

export interface TextStyle {
  font: FontKey;
  size: number;
}

const LRI = '\u2066';
const PDI = '\u2069';
/** Bidi formatting characters and marks (ALM, LRM, RLM, embeddings, overrides, isolates). */
export const BIDI_CONTROLS = /[\u061c\u200e\u200f\u202a-\u202e\u2066-\u2069]/g;
const IS_BIDI_CONTROL = /^[\u061c\u200e\u200f\u202a-\u202e\u2066-\u2069]$/;

const bidi = bidiFactory();

export function stripBidiControls(text: string): string {
  return text.replace(BIDI_CONTROLS, '');
}

const STRONG_RTL = /[\u0590-\u08ff\ufb1d-\ufdff\ufe70-\ufefc]/;
const LTR_START = /[A-Za-z0-9\u00c0-\u024f]/;

/**
 * In a right-to-left paragraph, wraps each left-to-right phrase (Latin words, numbers, phone numbers,
 * e-mail addresses, IBANs, dates like 06/03/2025) in a directional isolate so it keeps its own
 * order: without it, "+966 50 123 4567" would show its digit groups right-to-left and a trailing
 * full stop in "(Al Noor Trading Co.)" would jump to the other side. A phrase starts at a Latin
 * letter or digit (or a "+" before a digit), runs until the next right-to-left letter or line
 * break, and ends at its last Latin letter or digit (plus a closing bracket opened inside it, or a
 * full stop that directly ends the phrase before a closing bracket or the end).
 */
export function isolateLtrPhrases(text: string): string {
  let out = '';
  let i = 0;
  while (i < text.length) {
    const ch = text[i] ?? '';
    const startsPhrase = LTR_START.test(ch) || (ch === '+' && /[0-9]/.test(text[i + 1] ?? ''));
    if (!startsPhrase) {
      out += ch;
      i++;
      continue;
    }
    let j = i;
    while (j < text.length && !STRONG_RTL.test(text[j] ?? '') && text[j] !== '\n') j++;
    // trim back to the last Latin letter/digit
    let end = j;
    while (end > i && !LTR_START.test(text[end - 1] ?? '')) end--;
    // include a closing bracket whose opener is inside the phrase
    let depth = 0;
    for (let k = i; k < end; k++) {
      if (text[k] === '(' || text[k] === '[') depth++;
      if (text[k] === ')' || text[k] === ']') depth--;
    }
    while (depth > 0 && (text[end] === ')' || text[end] === ']')) {
      end++;
      depth--;
    }
    if (text[end] === '.' && (end + 1 >= text.length || /[)\]\s]/.test(text[end + 1] ?? ''))) {
      const after = text.slice(end + 1).trimStart();
      if (after === '' || after.startsWith(')') || after.startsWith(']')) end++;
    }
    out += LRI + text.slice(i, end) + PDI;
    i = end;
  }
  return out;
}

export class TextEngine {
  private readonly shapeCache = new Map<string, { glyphs: ShapedGlyph[]; advance: number }>();

  constructor(readonly fonts: Record<FontKey, LoadedFont>) {}

  unitsPerEm(font: FontKey): number {
    return this.fonts[font].ttf.unitsPerEm;
  }

  /** Code points of `text` the font cannot draw (after removing bidi controls and line breaks). */
  missingGlyphs(text: string, font: FontKey = 'regular'): number[] {
    const missing: number[] = [];
    for (const ch of stripBidiControls(text)) {
      const cp = ch.codePointAt(0) ?? 0;
      if (cp === 0x0a || cp === 0x200c || cp === 0x200d) continue;
      if (this.fonts[font].hb.nominalGlyph(cp) === undefined) missing.push(cp);
    }
    return missing;
  }

  private shapeCached(font: FontKey, text: string, rtl: boolean): { glyphs: ShapedGlyph[]; advance: number } {
    const key = `${font}${rtl ? 'R' : 'L'}${text}`;
    let hit = this.shapeCache.get(key);
    if (!hit) {
      const glyphs = this.fonts[font].hb.shape(text, rtl);
      let advance = 0;
      for (const g of glyphs) advance += g.xAdvance;
      hit = { glyphs, advance };
      if (this.shapeCache.size > 5000) this.shapeCache.clear();
      this.shapeCache.set(key, hit);
    }
    return hit;
  }

  /** Width in points of a single-line text (no wrapping). */
  measure(text: string, style: TextStyle, direction: BaseDirection = 'rtl'): number {
    const lines = this.layout(text, style, Number.POSITIVE_INFINITY, direction);
    return lines.reduce((m, l) => Math.max(m, l.width), 0);
  }

  /**
   * Lays out a paragraph (hard line breaks with "\n") into lines no wider than `maxWidth` points,
   * breaking at spaces (never inside an isolated left-to-right phrase unless it alone is too wide).
   */
  layout(text: string, style: TextStyle, maxWidth: number, direction: BaseDirection = 'rtl'): LaidOutLine[] {
    const clean = stripBidiControls(text).replace(/\r\n?/g, '\n').replace(/\t/g, ' ');
    const out: LaidOutLine[] = [];
    for (const para of clean.split('\n')) {
      const prepared = direction === 'rtl' ? isolateLtrPhrases(para) : para;
      out.push(...this.layoutParagraph(prepared, style, maxWidth, direction));
    }
    return out;
  }

  private layoutParagraph(text: string, style: TextStyle, maxWidth: number, direction: BaseDirection): LaidOutLine[] {
    if (text.trim() === '') return [{ runs: [], width: 0, size: style.size, text: '' }];
    const levels = bidi.getEmbeddingLevels(text, direction).levels;
    const scale = style.size / this.unitsPerEm(style.font);
    const maxUnits = maxWidth / scale;

    // Segments: [start, wordEnd) word, [wordEnd, end) following spaces. Spaces inside isolates do not break.
    const segments: Array<{ start: number; wordEnd: number; end: number }> = [];
    let depth = 0;
    let segStart = 0;
    let i = 0;
    while (i < text.length) {
      const ch = text[i];
      if (ch === LRI) depth++;
      else if (ch === PDI) depth = Math.max(0, depth - 1);
      if (ch === ' ' && depth === 0) {
        const wordEnd = i;
        while (i < text.length && text[i] === ' ') i++;
        segments.push({ start: segStart, wordEnd, end: i });
        segStart = i;
        continue;
      }
      i++;
    }
    if (segStart < text.length) segments.push({ start: segStart, wordEnd: text.length, end: text.length });

    const lines: Array<[number, number]> = [];
    let lineStart = -1;
    let lineEnd = 0;
    let lineWidth = 0;
    let pendingSpace = 0;
    for (const seg of segments) {
      const wordWidth = this.rangeAdvance(text, levels, style.font, seg.start, seg.wordEnd);
      const spaceWidth = this.rangeAdvance(text, levels, style.font, seg.wordEnd, seg.end);
      if (lineStart >= 0 && lineWidth + pendingSpace + wordWidth > maxUnits) {
        lines.push([lineStart, lineEnd]);
        lineStart = -1;
      }
      if (lineStart < 0) {
        if (wordWidth > maxUnits) {
          // A single word wider than the line: break it between characters.
          let s = seg.start;
          while (s < seg.wordEnd) {
            let e = s + 1;
            while (e < seg.wordEnd && this.rangeAdvance(text, levels, style.font, s, e + 1) <= maxUnits) e++;
            if (e < seg.wordEnd && /[\udc00-\udfff]/.test(text[e] ?? '')) e++;
            lines.push([s, e]);
            s = e;
          }
          lineStart = -1;
          lineWidth = 0;
          pendingSpace = 0;
          continue;
        }
        lineStart = seg.start;
        lineWidth = wordWidth;
      } else {
        lineWidth += pendingSpace + wordWidth;
      }
      lineEnd = seg.wordEnd;
      pendingSpace = spaceWidth;
    }
    if (lineStart >= 0) lines.push([lineStart, lineEnd]);
    return lines.map(([s, e]) => this.buildLine(text, levels, style, s, e));
  }

  /** Sum of shaped advances (font units) of the level runs in [start, end). */
  private rangeAdvance(text: string, levels: Uint8Array, font: FontKey, start: number, end: number): number {
    let total = 0;
    for (const run of levelRuns(text, levels, start, end)) {
      total += this.shapeCached(font, text.slice(run.start, run.end), run.level % 2 === 1).advance;
    }
    return total;
  }

  private buildLine(text: string, levels: Uint8Array, style: TextStyle, start: number, end: number): LaidOutLine {
    const runs = levelRuns(text, levels, start, end);
    reorderRuns(runs);
    const visual: VisualRun[] = [];
    let advance = 0;
    for (const run of runs) {
      const runText = text.slice(run.start, run.end);
      const rtl = run.level % 2 === 1;
      const shaped = this.shapeCached(style.font, runText, rtl);
      visual.push({ font: style.font, rtl, glyphs: attachText(runText, shaped.glyphs, rtl), advance: shaped.advance });
      advance += shaped.advance;
    }
    const scale = style.size / this.unitsPerEm(style.font);
    return { runs: visual, width: advance * scale, size: style.size, text: stripBidiControls(text.slice(start, end)) };
  }
}

interface LevelRun {
  start: number;
  end: number;
  level: number;
}

/** Maximal runs of equal embedding level within [start, end), skipping bidi control characters. */
function levelRuns(text: string, levels: Uint8Array, start: number, end: number): LevelRun[] {
  const runs: LevelRun[] = [];
  let current: LevelRun | undefined;
  for (let i = start; i < end; i++) {
    if (IS_BIDI_CONTROL.test(text[i] ?? '')) {
      current = undefined;
      continue;
    }
    const level = levels[i] ?? 0;
    if (current && current.level === level && current.end === i) {
      current.end = i + 1;
    } else {
      current = { start: i, end: i + 1, level };
      runs.push(current);
    }
  }
  return runs;
}

/** Unicode bidi rule L2: from the highest level down to the lowest odd level, reverse runs at or above it. */
function reorderRuns(runs: LevelRun[]): void {
  if (runs.length < 2) return;
  let max = 0;
  let minOdd = 255;
  for (const r of runs) {
    max = Math.max(max, r.level);
    if (r.level % 2 === 1) minOdd = Math.min(minOdd, r.level);
  }
  for (let level = max; level >= minOdd && level > 0; level--) {
    let i = 0;
    while (i < runs.length) {
      if ((runs[i]?.level ?? 0) >= level) {
        let j = i;
        while (j < runs.length && (runs[j]?.level ?? 0) >= level) j++;
        const reversed = runs.slice(i, j).reverse();
        runs.splice(i, j - i, ...reversed);
        i = j;
      } else {
        i++;
      }
    }
  }
}

/**
 * Gives each glyph the text it stands for, and orders glyphs for drawing, so that text extractors
 * read the logical text back whether they go by position (poppler) or by drawing order (pdf.js):
 *  - a cluster drawn by one glyph: that glyph gets the cluster's text (a ligature gets several
 *    characters, which both readers handle);
 *  - a cluster drawn by several glyphs (Amiri draws "أُ" as an alef plus one hamza-and-damma mark,
 *    the mark sitting over the alef): its glyphs are drawn in left-to-right order of their origins,
 *    and its characters are handed out in reading order of those origins (right to left in a
 *    right-to-left run), one per glyph; surplus glyphs get U+200D (no letter), surplus characters
 *    stay with the last glyph. A mark drawn over its letter then never reads back before it.
 */
function attachText(runText: string, glyphs: ShapedGlyph[], rtl: boolean): PositionedGlyph[] {
  const positioned: PositionedGlyph[] = [];
  let pen = 0;
  for (const g of glyphs) {
    positioned.push({ glyphId: g.glyphId, text: GLYPH_WITHOUT_TEXT, x: pen + g.xOffset, xAdvance: g.xAdvance, xOffset: g.xOffset, yOffset: g.yOffset });
    pen += g.xAdvance;
  }
  const starts = [...new Set(glyphs.map((g) => g.cluster))].sort((a, b) => a - b);
  const endOf = new Map<number, number>();
  starts.forEach((s, i) => endOf.set(s, starts[i + 1] ?? runText.length));
  const out: PositionedGlyph[] = [];
  let i = 0;
  while (i < glyphs.length) {
    const cluster = glyphs[i]?.cluster ?? 0;
    let j = i;
    while (j < glyphs.length && glyphs[j]?.cluster === cluster) j++;
    const group = positioned.slice(i, j);
    const text = runText.slice(cluster, endOf.get(cluster) ?? runText.length);
    if (group.length === 1) {
      const only = group[0];
      if (only) only.text = text;
    } else {
      group.sort((a, b) => a.x - b.x);
      const chars = [...text];
      const reading = rtl ? [...group].reverse() : group;
      if (chars.length === 1) {
        const widest = group.reduce((best, g) => (g.xAdvance > best.xAdvance ? g : best));
        widest.text = text;
      } else {
        reading.forEach((g, k) => {
          if (k < chars.length) g.text = k === reading.length - 1 ? chars.slice(k).join('') : (chars[k] ?? '');
        });
      }
    }
    out.push(...group);
    i = j;
  }
  return out;
}
