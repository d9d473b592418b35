// Writes page content streams directly (text as positioned glyphs in TJ arrays, rules, boxes,
// images, vector QR codes) on top of pdf-lib's document model. Coordinates given to this module are
// top-down (y = distance from the top edge, in points) and converted to PDF user space here.

import { PDFDocument, PDFName, type PDFImage, type PDFPage } from 'pdf-lib';
import { PdfFontUse, hex4 } from './pdfFont';
import type { FontKey, LaidOutLine, TextEngine } from './textLayout';
import { registerFlateStream } from './deflate';

export const A4: [number, number] = [595.28, 841.89];

export type Rgb = [number, number, number];

function n(v: number): string {
  const r = Math.round(v * 100) / 100;
  return Object.is(r, -0) ? '0' : String(r);
}

export class PageCanvas {
  readonly ops: string[] = [];
  private readonly xobjects = new Map<PDFImage, string>();

  constructor(
    readonly page: PDFPage,
    private readonly writer: DocumentWriter,
  ) {}

  get height(): number {
    return this.page.getHeight();
  }

  get width(): number {
    return this.page.getWidth();
  }

  /** Draws one laid-out line with its left edge at `x` and its baseline `baseline` points from the top. */
  drawLine(line: LaidOutLine, x: number, baseline: number, color: Rgb = [0, 0, 0]): void {
    if (line.runs.length === 0) return;
    const y = this.height - baseline;
    let penX = x;
    this.ops.push(`${n(color[0])} ${n(color[1])} ${n(color[2])} rg`);
    for (const run of line.runs) {
      const font = this.writer.font(run.font);
      const upem = this.writer.engine.unitsPerEm(run.font);
      const k = 1000 / upem;
      const parts: string[] = [];
      let array: string[] = [];
      let rise = 0;
      let pending = 0;
      const flush = (): void => {
        if (pending !== 0 && array.length > 0) array.push(n(pending));
        pending = 0;
        if (array.length > 0) parts.push(`[${array.join(' ')}] TJ`);
        array = [];
      };
      // Glyph origins (pen + offset); each glyph's CID width spans to the next glyph's origin, so
      // the glyph boxes tile the run: text extractors see no gaps inside words (kerning, marks,
      // offset letters) and the TJ array needs adjustments only where a width would be negative.
      const origins = run.glyphs.map((g) => g.x * k);
      origins.push(run.advance * k);
      let at = 0;
      run.glyphs.forEach((g, i) => {
        const origin = origins[i] ?? 0;
        const dy = g.yOffset * k;
        const w = Math.max(0, Math.round((origins[i + 1] ?? origin) - origin));
        pending += -(origin - at);
        if (dy !== rise) {
          flush();
          parts.push(`${n((dy * line.size) / 1000)} Ts`);
          rise = dy;
        }
        if (Math.abs(pending) > 0.001) array.push(n(pending));
        pending = 0;
        array.push(`<${hex4(font.cid(g.glyphId, g.text, w))}>`);
        at = origin + w;
      });
      pending = 0;
      flush();
      if (rise !== 0) parts.push('0 Ts');
      this.ops.push(`BT /${font.resourceName} ${n(line.size)} Tf 1 0 0 1 ${n(penX)} ${n(y)} Tm ${parts.join(' ')} ET`);
      penX += (run.advance * line.size) / upem;
    }
  }

  /** Draws a line aligned in the box [x, x + width]: 'right' (RTL start), 'left' or 'center'. */
  drawAligned(line: LaidOutLine, x: number, width: number, baseline: number, align: 'right' | 'left' | 'center', color?: Rgb): void {
    const left = align === 'right' ? x + width - line.width : align === 'center' ? x + (width - line.width) / 2 : x;
    this.drawLine(line, left, baseline, color);
  }

  rule(x1: number, y1: number, x2: number, y2: number, width = 0.5, color: Rgb = [0.55, 0.55, 0.55]): void {
    this.ops.push(
      `q ${n(width)} w ${n(color[0])} ${n(color[1])} ${n(color[2])} RG ${n(x1)} ${n(this.height - y1)} m ${n(x2)} ${n(this.height - y2)} l S Q`,
    );
  }

  rect(x: number, top: number, w: number, h: number, opts: { fill?: Rgb; stroke?: Rgb; lineWidth?: number; dash?: number }): void {
    const parts = ['q'];
    if (opts.fill) parts.push(`${n(opts.fill[0])} ${n(opts.fill[1])} ${n(opts.fill[2])} rg`);
    if (opts.stroke) parts.push(`${n(opts.stroke[0])} ${n(opts.stroke[1])} ${n(opts.stroke[2])} RG ${n(opts.lineWidth ?? 0.5)} w`);
    if (opts.dash) parts.push(`[${n(opts.dash)} ${n(opts.dash)}] 0 d`);
    parts.push(`${n(x)} ${n(this.height - top - h)} ${n(w)} ${n(h)} re`);
    parts.push(opts.fill && opts.stroke ? 'B' : opts.fill ? 'f' : 'S');
    parts.push('Q');
    this.ops.push(parts.join(' '));
  }

  image(image: PDFImage, x: number, top: number, w: number, h: number): void {
    let name = this.xobjects.get(image);
    if (!name) {
      name = `Im${this.xobjects.size + 1}`;
      this.page.node.setXObject(PDFName.of(name), image.ref);
      this.xobjects.set(image, name);
    }
    this.ops.push(`q ${n(w)} 0 0 ${n(h)} ${n(x)} ${n(this.height - top - h)} cm /${name} Do Q`);
  }

  /**
   * A QR code as one filled path: module rectangles in module units (horizontal runs merged) under
   * one transformation matrix, with a white quiet zone of two modules.
   */
  qr(modules: { size: number; get(row: number, col: number): boolean | number }, x: number, top: number, sizePt: number): void {
    const quiet = 2;
    const cell = sizePt / (modules.size + quiet * 2);
    const bottom = this.height - top - sizePt;
    const rects: string[] = [];
    for (let r = 0; r < modules.size; r++) {
      let c = 0;
      while (c < modules.size) {
        if (!modules.get(r, c)) {
          c++;
          continue;
        }
        let e = c;
        while (e < modules.size && modules.get(r, e)) e++;
        rects.push(`${c + quiet} ${r + quiet} ${e - c} 1 re`);
        c = e;
      }
    }
    // y grows downwards inside the matrix (row 0 at the top of the code)
    this.ops.push(
      `q 1 1 1 rg ${n(x)} ${n(bottom)} ${n(sizePt)} ${n(sizePt)} re f 0 0 0 rg ${n(cell)} 0 0 ${n(-cell)} ${n(x)} ${n(bottom + sizePt)} cm\n${rects.join('\n')}\nf Q`,
    );
  }
}

/** Owns the pdf-lib document, the fonts used in it and the pages' content. */
export class DocumentWriter {
  readonly pages: PageCanvas[] = [];
  private readonly fontUses = new Map<FontKey, PdfFontUse>();

  constructor(
    readonly doc: PDFDocument,
    readonly engine: TextEngine,
  ) {}

  static async create(engine: TextEngine): Promise<DocumentWriter> {
    const doc = await PDFDocument.create({ updateMetadata: false });
    return new DocumentWriter(doc, engine);
  }

  font(key: FontKey): PdfFontUse {
    let use = this.fontUses.get(key);
    if (!use) {
      use = new PdfFontUse(this.doc, this.engine.fonts[key].ttf, key === 'regular' ? 'F1' : 'F2');
      this.fontUses.set(key, use);
    }
    return use;
  }

  addPage(): PageCanvas {
    const page = this.doc.addPage(A4);
    const canvas = new PageCanvas(page, this);
    this.pages.push(canvas);
    return canvas;
  }

  /** Writes content streams and fonts. Call once before saving. */
  async finish(): Promise<void> {
    const context = this.doc.context;
    const used = [...this.fontUses.values()].filter((use) => use.used);
    await Promise.all([
      ...this.pages.map(async (canvas) => {
        for (const use of used) canvas.page.node.setFontDictionary(PDFName.of(use.resourceName), use.ref);
        canvas.page.node.addContentStream(await registerFlateStream(context, canvas.ops.join('\n')));
      }),
      ...used.map((use) => use.embed()),
    ]);
  }
}
