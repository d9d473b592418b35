// A top-to-bottom, right-to-left page flow on A4: headings, label/value tables, column tables,
// paragraphs; starts a new page when a block does not fit, and writes page footers at the end.

import type { DocumentWriter, PageCanvas, Rgb } from './pageWriter';
import type { FontKey, LaidOutLine } from './textLayout';

export const MARGIN = { top: 40, bottom: 58, side: 40 };
const GREY: Rgb = [0.35, 0.35, 0.35];
const BAND: Rgb = [0.93, 0.95, 0.94];
const BORDER: Rgb = [0.7, 0.72, 0.72];

export class Flow {
  page!: PageCanvas;
  y = 0;
  readonly left = MARGIN.side;
  readonly width: number;

  constructor(
    readonly writer: DocumentWriter,
    private readonly onNewPage?: (flow: Flow) => void,
  ) {
    this.newPage();
    this.width = this.page.width - 2 * MARGIN.side;
  }

  get bottom(): number {
    return this.page.height - MARGIN.bottom;
  }

  newPage(): void {
    this.page = this.writer.addPage();
    this.y = MARGIN.top;
    this.onNewPage?.(this);
  }

  ensure(height: number): void {
    if (this.y + height > this.bottom && this.y > MARGIN.top + 1) this.newPage();
  }

  lines(text: string, font: FontKey, size: number, width: number): LaidOutLine[] {
    return this.writer.engine.layout(text, { font, size }, width);
  }

  paragraph(text: string, opts: { font?: FontKey; size?: number; align?: 'right' | 'center' | 'left'; color?: Rgb; gap?: number } = {}): void {
    const size = opts.size ?? 11;
    const lh = size * 1.65;
    for (const line of this.lines(text, opts.font ?? 'regular', size, this.width)) {
      this.ensure(lh);
      this.page.drawAligned(line, this.left, this.width, this.y + size * 1.15, opts.align ?? 'right', opts.color);
      this.y += lh;
    }
    this.y += opts.gap ?? 4;
  }

  heading(text: string): void {
    const size = 12;
    this.y += 4;
    this.ensure(size * 2 + 30);
    this.page.rect(this.left, this.y, this.width, size * 1.9, { fill: BAND });
    const line = this.lines(text, 'bold', size, this.width - 12)[0];
    if (line) this.page.drawAligned(line, this.left + 6, this.width - 12, this.y + size * 1.3, 'right');
    this.y += size * 1.9 + 2;
  }

  /** Label/value rows; label column on the right (RTL). */
  keyValues(rows: Array<[string, string]>, labelWidth = 150): void {
    const size = 10.5;
    const lh = size * 1.6;
    const pad = 4;
    const valueWidth = this.width - labelWidth;
    for (const [label, value] of rows) {
      const labelLines = this.lines(label, 'bold', size, labelWidth - 2 * pad);
      const valueLines = this.lines(value || '—', 'regular', size, valueWidth - 2 * pad);
      const h = Math.max(labelLines.length, valueLines.length) * lh + 2 * pad;
      this.ensure(h);
      const top = this.y;
      this.page.rect(this.left + valueWidth, top, labelWidth, h, { fill: [0.975, 0.98, 0.98], stroke: BORDER });
      this.page.rect(this.left, top, valueWidth, h, { stroke: BORDER });
      labelLines.forEach((l, i) => this.page.drawAligned(l, this.left + valueWidth + pad, labelWidth - 2 * pad, top + pad + i * lh + size * 1.15, 'right', GREY));
      valueLines.forEach((l, i) => this.page.drawAligned(l, this.left + pad, valueWidth - 2 * pad, top + pad + i * lh + size * 1.15, 'right'));
      this.y += h;
    }
    this.y += 8;
  }

  /** A table with columns given right to left; widths are fractions of the full width. */
  table(headers: string[], fractions: number[], rows: string[][]): void {
    const size = 10;
    const lh = size * 1.6;
    const pad = 4;
    const widths = fractions.map((f) => f * this.width);
    const drawRow = (cells: string[], header: boolean): void => {
      const laid = cells.map((c, i) => this.lines(c || '—', header ? 'bold' : 'regular', size, (widths[i] ?? 50) - 2 * pad));
      const h = Math.max(...laid.map((l) => l.length)) * lh + 2 * pad;
      this.ensure(h + (header ? lh + 2 * pad : 0));
      const top = this.y;
      let right = this.left + this.width;
      laid.forEach((lines, i) => {
        const w = widths[i] ?? 50;
        const x = right - w;
        this.page.rect(x, top, w, h, header ? { fill: BAND, stroke: BORDER } : { stroke: BORDER });
        lines.forEach((l, k) => this.page.drawAligned(l, x + pad, w - 2 * pad, top + pad + k * lh + size * 1.15, 'right'));
        right = x;
      });
      this.y += h;
    };
    drawRow(headers, true);
    for (const r of rows) {
      if (this.y + lh * 2 > this.bottom) {
        this.newPage();
        drawRow(headers, true);
      }
      drawRow(r, false);
    }
    this.y += 8;
  }

  /** Footers: "صفحة i من n" and the reference on every page. */
  footers(reference: string, extra?: string): void {
    const total = this.writer.pages.length;
    this.writer.pages.forEach((page, i) => {
      const y = page.height - MARGIN.bottom + 22;
      page.rule(this.left, y - 14, this.left + this.width, y - 14, 0.5, BORDER);
      const pageLine = this.lines(`صفحة ${i + 1} من ${total}`, 'regular', 9, this.width)[0];
      if (pageLine) page.drawAligned(pageLine, this.left, this.width, y, 'center', GREY);
      const refLine = this.lines(`المرجع: ${reference}`, 'regular', 9, this.width / 3)[0];
      if (refLine) page.drawAligned(refLine, this.left, this.width, y, 'right', GREY);
      if (extra) {
        const extraLine = this.lines(extra, 'regular', 8, this.width / 3)[0];
        if (extraLine) page.drawAligned(extraLine, this.left, this.width, y, 'left', GREY);
      }
    });
  }
}
