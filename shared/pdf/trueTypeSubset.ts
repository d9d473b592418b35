// A small TrueType (glyf-outline) subsetter for embedding in PDF as a CIDFontType2 (FontFile2).
// Keeps only the glyphs used (plus composite components), renumbers them densely, and writes the
// tables a PDF renderer needs: head, hhea, maxp, hmtx, loca, glyf, post (v3), and the hinting
// tables (cvt, fpgm, prep) when present. No cmap: the PDF maps codes to glyphs (CIDToGIDMap).
// Written here instead of using @pdf-lib/fontkit, whose subsetter writes a corrupt `loca` table
// (Hopding/pdf-lib #1232), and much faster than parsing the font with fontkit 2 on every build.

interface TableRecord {
  offset: number;
  length: number;
}

export class TrueTypeFont {
  readonly unitsPerEm: number;
  readonly numGlyphs: number;
  readonly ascent: number;
  readonly descent: number;
  readonly capHeight: number;
  readonly bbox: [number, number, number, number];
  readonly italicAngle: number;
  readonly postScriptName: string;
  private readonly tables = new Map<string, TableRecord>();
  private readonly view: DataView;
  private readonly numHMetrics: number;
  private readonly longLoca: boolean;

  constructor(readonly bytes: Uint8Array) {
    this.view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
    const numTables = this.view.getUint16(4);
    for (let i = 0; i < numTables; i++) {
      const o = 12 + i * 16;
      const tag = String.fromCharCode(bytes[o] ?? 0, bytes[o + 1] ?? 0, bytes[o + 2] ?? 0, bytes[o + 3] ?? 0);
      this.tables.set(tag, { offset: this.view.getUint32(o + 8), length: this.view.getUint32(o + 12) });
    }
    for (const required of ['head', 'hhea', 'maxp', 'hmtx', 'loca', 'glyf']) {
      if (!this.tables.has(required)) throw new Error(`Font has no '${required}' table (only TrueType outlines are supported)`);
    }
    const head = this.table('head');
    this.unitsPerEm = this.view.getUint16(head.offset + 18);
    this.bbox = [
      this.view.getInt16(head.offset + 36),
      this.view.getInt16(head.offset + 38),
      this.view.getInt16(head.offset + 40),
      this.view.getInt16(head.offset + 42),
    ];
    this.longLoca = this.view.getInt16(head.offset + 50) === 1;
    const hhea = this.table('hhea');
    this.ascent = this.view.getInt16(hhea.offset + 4);
    this.descent = this.view.getInt16(hhea.offset + 6);
    this.numHMetrics = this.view.getUint16(hhea.offset + 34);
    this.numGlyphs = this.view.getUint16(this.table('maxp').offset + 4);
    const os2 = this.tables.get('OS/2');
    this.capHeight = os2 && os2.length >= 90 ? this.view.getInt16(os2.offset + 88) : this.ascent;
    const post = this.tables.get('post');
    this.italicAngle = post ? this.view.getInt32(post.offset + 4) / 65536 : 0;
    this.postScriptName = this.readPostScriptName() ?? 'SilaFont';
  }

  private table(tag: string): TableRecord {
    const t = this.tables.get(tag);
    if (!t) throw new Error(`Font has no '${tag}' table`);
    return t;
  }

  /** Advance width (font units) from hmtx. */
  advanceWidth(glyphId: number): number {
    const hmtx = this.table('hmtx');
    const index = Math.min(glyphId, this.numHMetrics - 1);
    return this.view.getUint16(hmtx.offset + index * 4);
  }

  private leftSideBearing(glyphId: number): number {
    const hmtx = this.table('hmtx');
    if (glyphId < this.numHMetrics) return this.view.getInt16(hmtx.offset + glyphId * 4 + 2);
    return this.view.getInt16(hmtx.offset + this.numHMetrics * 4 + (glyphId - this.numHMetrics) * 2);
  }

  private glyphRange(glyphId: number): [number, number] {
    const loca = this.table('loca');
    if (this.longLoca) {
      return [this.view.getUint32(loca.offset + glyphId * 4), this.view.getUint32(loca.offset + glyphId * 4 + 4)];
    }
    return [this.view.getUint16(loca.offset + glyphId * 2) * 2, this.view.getUint16(loca.offset + glyphId * 2 + 2) * 2];
  }

  private glyphData(glyphId: number): Uint8Array {
    const [start, end] = this.glyphRange(glyphId);
    const glyf = this.table('glyf');
    return this.bytes.subarray(glyf.offset + start, glyf.offset + end);
  }

  /** Component glyph ids of a composite glyph (empty for simple glyphs). */
  private components(data: Uint8Array): Array<{ at: number; glyphId: number }> {
    if (data.byteLength < 10) return [];
    const dv = new DataView(data.buffer, data.byteOffset, data.byteLength);
    if (dv.getInt16(0) >= 0) return [];
    const out: Array<{ at: number; glyphId: number }> = [];
    let p = 10;
    for (;;) {
      const flags = dv.getUint16(p);
      out.push({ at: p + 2, glyphId: dv.getUint16(p + 2) });
      p += 4 + (flags & 0x0001 ? 4 : 2);
      if (flags & 0x0008) p += 2;
      else if (flags & 0x0040) p += 4;
      else if (flags & 0x0080) p += 8;
      if (!(flags & 0x0020)) break;
    }
    return out;
  }

  /**
   * Writes a subset font holding `glyphIds` (in that order after .notdef, which is always new glyph 0).
   * Returns the font bytes and the old→new glyph id map (components of composites are appended).
   */
  subset(glyphIds: Iterable<number>): { bytes: Uint8Array; newGlyphId: Map<number, number> } {
    const order: number[] = [0];
    const newGlyphId = new Map<number, number>([[0, 0]]);
    const add = (gid: number): void => {
      if (newGlyphId.has(gid) || gid >= this.numGlyphs) return;
      newGlyphId.set(gid, order.length);
      order.push(gid);
    };
    for (const gid of glyphIds) add(gid);
    // Composite closure (components may themselves be composite).
    for (let i = 0; i < order.length; i++) {
      for (const c of this.components(this.glyphData(order[i] ?? 0))) add(c.glyphId);
    }

    const glyphChunks: Uint8Array[] = [];
    const loca = new DataView(new ArrayBuffer((order.length + 1) * 4));
    const hmtx = new DataView(new ArrayBuffer(order.length * 4));
    let glyfLength = 0;
    order.forEach((gid, newId) => {
      const source = this.glyphData(gid);
      let data = source;
      const comps = this.components(source);
      if (comps.length > 0) {
        data = source.slice();
        const dv = new DataView(data.buffer, data.byteOffset, data.byteLength);
        for (const c of comps) dv.setUint16(c.at, newGlyphId.get(c.glyphId) ?? 0);
      }
      loca.setUint32(newId * 4, glyfLength);
      const padded = (data.byteLength + 3) & ~3;
      if (padded !== data.byteLength) {
        const p = new Uint8Array(padded);
        p.set(data);
        data = p;
      }
      glyphChunks.push(data);
      glyfLength += data.byteLength;
      hmtx.setUint16(newId * 4, this.advanceWidth(gid));
      hmtx.setInt16(newId * 4 + 2, this.leftSideBearing(gid));
    });
    loca.setUint32(order.length * 4, glyfLength);
    const glyf = new Uint8Array(glyfLength);
    let at = 0;
    for (const chunk of glyphChunks) {
      glyf.set(chunk, at);
      at += chunk.byteLength;
    }

    const head = this.copyTable('head');
    const headView = new DataView(head.buffer);
    headView.setUint32(8, 0); // checkSumAdjustment, set below
    headView.setInt16(50, 1); // long loca
    const hhea = this.copyTable('hhea');
    new DataView(hhea.buffer).setUint16(34, order.length);
    const maxp = this.copyTable('maxp');
    new DataView(maxp.buffer).setUint16(4, order.length);
    const post = this.copyTable('post').slice(0, 32);
    new DataView(post.buffer).setUint32(0, 0x00030000); // version 3: no glyph names

    const tables = new Map<string, Uint8Array>([
      ['glyf', glyf],
      ['head', head],
      ['hhea', hhea],
      ['hmtx', new Uint8Array(hmtx.buffer)],
      ['loca', new Uint8Array(loca.buffer)],
      ['maxp', maxp],
      ['post', post],
    ]);
    for (const hinting of ['cvt ', 'fpgm', 'prep']) {
      if (this.tables.has(hinting)) tables.set(hinting, this.copyTable(hinting));
    }
    const bytes = writeSfnt(tables);
    const adjustment = (0xb1b0afba - checksum(bytes)) >>> 0;
    const headOffset = tableOffset(bytes, 'head');
    new DataView(bytes.buffer).setUint32(headOffset + 8, adjustment);
    return { bytes, newGlyphId };
  }

  private copyTable(tag: string): Uint8Array {
    const t = this.table(tag);
    return this.bytes.slice(t.offset, t.offset + t.length);
  }

  private readPostScriptName(): string | undefined {
    const name = this.tables.get('name');
    if (!name) return undefined;
    const count = this.view.getUint16(name.offset + 2);
    const strings = name.offset + this.view.getUint16(name.offset + 4);
    for (let i = 0; i < count; i++) {
      const r = name.offset + 6 + i * 12;
      const platform = this.view.getUint16(r);
      const nameId = this.view.getUint16(r + 6);
      if (nameId !== 6) continue;
      const length = this.view.getUint16(r + 8);
      const offset = strings + this.view.getUint16(r + 10);
      let s = '';
      if (platform === 3 || platform === 0) {
        for (let k = 0; k < length; k += 2) s += String.fromCharCode(this.view.getUint16(offset + k));
      } else {
        for (let k = 0; k < length; k++) s += String.fromCharCode(this.bytes[offset + k] ?? 0);
      }
      const clean = s.replace(/[^A-Za-z0-9-]/g, '');
      if (clean) return clean;
    }
    return undefined;
  }
}

function checksum(data: Uint8Array): number {
  let sum = 0;
  const dv = new DataView(data.buffer, data.byteOffset, data.byteLength);
  const whole = data.byteLength & ~3;
  for (let i = 0; i < whole; i += 4) sum = (sum + dv.getUint32(i)) >>> 0;
  if (whole < data.byteLength) {
    let last = 0;
    for (let i = whole; i < whole + 4; i++) last = (last << 8) | (i < data.byteLength ? (data[i] ?? 0) : 0);
    sum = (sum + (last >>> 0)) >>> 0;
  }
  return sum;
}

function writeSfnt(tables: Map<string, Uint8Array>): Uint8Array {
  const tags = [...tables.keys()].sort();
  const numTables = tags.length;
  let searchRange = 1;
  let entrySelector = 0;
  while (searchRange * 2 <= numTables) {
    searchRange *= 2;
    entrySelector++;
  }
  searchRange *= 16;
  let size = 12 + numTables * 16;
  for (const tag of tags) size += ((tables.get(tag)?.byteLength ?? 0) + 3) & ~3;
  const out = new Uint8Array(size);
  const dv = new DataView(out.buffer);
  dv.setUint32(0, 0x00010000);
  dv.setUint16(4, numTables);
  dv.setUint16(6, searchRange);
  dv.setUint16(8, entrySelector);
  dv.setUint16(10, numTables * 16 - searchRange);
  let offset = 12 + numTables * 16;
  tags.forEach((tag, i) => {
    const data = tables.get(tag) ?? new Uint8Array(0);
    const r = 12 + i * 16;
    for (let k = 0; k < 4; k++) out[r + k] = tag.charCodeAt(k);
    dv.setUint32(r + 4, checksum(data));
    dv.setUint32(r + 8, offset);
    dv.setUint32(r + 12, data.byteLength);
    out.set(data, offset);
    offset += (data.byteLength + 3) & ~3;
  });
  return out;
}

function tableOffset(font: Uint8Array, tag: string): number {
  const dv = new DataView(font.buffer, font.byteOffset, font.byteLength);
  const n = dv.getUint16(4);
  for (let i = 0; i < n; i++) {
    const r = 12 + i * 16;
    if (String.fromCharCode(font[r] ?? 0, font[r + 1] ?? 0, font[r + 2] ?? 0, font[r + 3] ?? 0) === tag) return dv.getUint32(r + 8);
  }
  throw new Error(`no ${tag} table`);
}
