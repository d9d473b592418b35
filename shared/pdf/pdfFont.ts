// Embeds a shaped font into a pdf-lib document as a Type0 / CIDFontType2 font with Identity-H
// encoding. Codes (CIDs) are allocated per (glyph, text) pair so that every drawn glyph has exactly
// one correct ToUnicode entry, even when the same glyph stands for different text (a mirrored
// bracket, a contextual form). Several CIDs may point at the same glyph through CIDToGIDMap.
//
// This uses pdf-lib's low-level object API (PDFDict, PDFName, context.flateStream/register), which
// is why package.json pins pdf-lib to an exact version.

import { PDFNumber, PDFString, type PDFDocument, type PDFRef } from 'pdf-lib';
import type { TrueTypeFont } from './trueTypeSubset';
import { registerFlateStream } from './deflate';

/** ZERO WIDTH JOINER: the text of a glyph that is only part of a cluster drawn by several glyphs. */
export const GLYPH_WITHOUT_TEXT = '\u200d';

export class PdfFontUse {
  private readonly cidByKey = new Map<string, number>();
  private readonly cidGlyph: number[] = [0];
  private readonly cidText: string[] = [''];
  private readonly cidWidth: number[] = [0];
  readonly ref: PDFRef;

  constructor(
    private readonly doc: PDFDocument,
    private readonly font: TrueTypeFont,
    readonly resourceName: string,
  ) {
    this.ref = doc.context.nextRef();
  }

  /**
   * The CID to draw `glyphId` standing for `text` (logical order) with advance `width` (1/1000 em).
   * Writing the shaped advance (kerning included) as the CID's width, rather than the font's default
   * advance, keeps text extractors from seeing gaps inside words.
   */
  cid(glyphId: number, text: string, width: number): number {
    const key = `${glyphId}\u0000${width}\u0000${text}`;
    let cid = this.cidByKey.get(key);
    if (cid === undefined) {
      cid = this.cidGlyph.length;
      if (cid > 0xfffe) throw new Error('Too many distinct glyphs for one font');
      this.cidByKey.set(key, cid);
      this.cidGlyph.push(glyphId);
      this.cidText.push(text);
      this.cidWidth.push(width);
    }
    return cid;
  }

  get used(): boolean {
    return this.cidGlyph.length > 1;
  }

  /** Writes the font objects into the document (call once, after all text is drawn). */
  async embed(): Promise<void> {
    const { doc, font } = this;
    const context = doc.context;
    const { bytes, newGlyphId } = font.subset(this.cidGlyph.slice(1));
    const scale = 1000 / font.unitsPerEm;

    const cidToGid = new Uint8Array(this.cidGlyph.length * 2);
    const widths: PDFNumber[] = [];
    this.cidGlyph.forEach((gid, cid) => {
      const newGid = newGlyphId.get(gid) ?? 0;
      cidToGid[cid * 2] = newGid >> 8;
      cidToGid[cid * 2 + 1] = newGid & 0xff;
      if (cid > 0) widths.push(PDFNumber.of(this.cidWidth[cid] ?? 0));
    });

    const tag = subsetTag(this.cidText.join('|'));
    const baseFont = `${tag}+${font.postScriptName}`;
    // The three streams compress concurrently (native zlib runs off the main thread).
    const [fontFile, cidToGidRef, toUnicode] = await Promise.all([
      registerFlateStream(context, bytes, { Length1: bytes.byteLength }),
      registerFlateStream(context, cidToGid),
      registerFlateStream(context, this.toUnicodeCMap()),
    ]);
    const descriptor = context.register(
      context.obj({
        Type: 'FontDescriptor',
        FontName: baseFont,
        Flags: 4, // symbolic (glyphs outside the standard Latin set)
        FontBBox: font.bbox.map((v) => Math.round(v * scale)),
        ItalicAngle: font.italicAngle,
        Ascent: Math.round(font.ascent * scale),
        Descent: Math.round(font.descent * scale),
        CapHeight: Math.round(font.capHeight * scale),
        StemV: 80,
        FontFile2: fontFile,
      }),
    );
    const w = context.obj([1, widths]);
    const cidFont = context.register(
      context.obj({
        Type: 'Font',
        Subtype: 'CIDFontType2',
        BaseFont: baseFont,
        CIDSystemInfo: { Registry: PDFString.of('Adobe'), Ordering: PDFString.of('Identity'), Supplement: 0 },
        FontDescriptor: descriptor,
        W: w,
        DW: 0,
        CIDToGIDMap: cidToGidRef,
      }),
    );
    const type0 = context.obj({
      Type: 'Font',
      Subtype: 'Type0',
      BaseFont: baseFont,
      Encoding: 'Identity-H',
      DescendantFonts: [cidFont],
      ToUnicode: toUnicode,
    });
    context.assign(this.ref, type0);
  }

  private toUnicodeCMap(): string {
    const entries: string[] = [];
    for (let cid = 1; cid < this.cidText.length; cid++) {
      const text = this.cidText[cid] || GLYPH_WITHOUT_TEXT;
      entries.push(`<${hex4(cid)}> <${utf16Hex(text)}>`);
    }
    const blocks: string[] = [];
    for (let i = 0; i < entries.length; i += 100) {
      const chunk = entries.slice(i, i + 100);
      blocks.push(`${chunk.length} beginbfchar\n${chunk.join('\n')}\nendbfchar`);
    }
    return [
      '/CIDInit /ProcSet findresource begin',
      '12 dict begin',
      'begincmap',
      '/CIDSystemInfo << /Registry (Adobe) /Ordering (UCS) /Supplement 0 >> def',
      '/CMapName /Adobe-Identity-UCS def',
      '/CMapType 2 def',
      '1 begincodespacerange',
      '<0000> <FFFF>',
      'endcodespacerange',
      ...blocks,
      'endcmap',
      'CMapName currentdict /CMap defineresource pop',
      'end',
      'end',
    ].join('\n');
  }
}

export function hex4(n: number): string {
  return n.toString(16).toUpperCase().padStart(4, '0');
}

function utf16Hex(text: string): string {
  let out = '';
  for (let i = 0; i < text.length; i++) out += hex4(text.charCodeAt(i));
  return out;
}

/** Six capital letters derived from the content, as PDF subset fonts are named (e.g. ABCDEF+Amiri). */
function subsetTag(seed: string): string {
  let h = 2166136261;
  for (let i = 0; i < seed.length; i++) h = Math.imul(h ^ seed.charCodeAt(i), 16777619) >>> 0;
  let tag = '';
  for (let i = 0; i < 6; i++) {
    tag += String.fromCharCode(65 + (h % 26));
    h = Math.floor(h / 26) + i * 7919;
  }
  return tag;
}

