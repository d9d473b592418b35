// A minimal, platform-free binding to HarfBuzz's WebAssembly build (the `harfbuzz.wasm` that ships in
// the `harfbuzzjs` npm package). The package's own JavaScript entry loads the .wasm itself at import
// time (from the file system or by fetch next to the module), which is not what we want in shared/:
// here the caller passes the .wasm bytes (loaded from the app's own origin or from node_modules), and
// we call the few C functions shaping needs directly.

export type HbWasmSource = Uint8Array | ArrayBuffer | WebAssembly.Module;

/** One shaped glyph, in font units (the font's units per em), in visual (left-to-right) order. */
export interface ShapedGlyph {
  glyphId: number;
  /** Index (UTF-16 code unit offset in the shaped text) of the first character of this glyph's cluster. */
  cluster: number;
  xAdvance: number;
  xOffset: number;
  yOffset: number;
}

interface HbExports {
  memory: WebAssembly.Memory;
  __wasm_call_ctors: () => void;
  malloc: (size: number) => number;
  free: (ptr: number) => void;
  hb_blob_create: (data: number, length: number, mode: number, userData: number, destroy: number) => number;
  hb_face_create: (blob: number, index: number) => number;
  hb_face_get_upem: (face: number) => number;
  hb_font_create: (face: number) => number;
  hb_font_get_nominal_glyph: (font: number, unicode: number, glyphPtr: number) => number;
  hb_buffer_create: () => number;
  hb_buffer_clear_contents: (buf: number) => void;
  hb_buffer_add_utf16: (buf: number, text: number, textLength: number, itemOffset: number, itemLength: number) => void;
  hb_buffer_set_direction: (buf: number, dir: number) => void;
  hb_buffer_set_cluster_level: (buf: number, level: number) => void;
  hb_buffer_set_language: (buf: number, lang: number) => void;
  hb_buffer_guess_segment_properties: (buf: number) => void;
  hb_buffer_get_length: (buf: number) => number;
  hb_buffer_get_glyph_infos: (buf: number, lengthPtr: number) => number;
  hb_buffer_get_glyph_positions: (buf: number, lengthPtr: number) => number;
  hb_language_from_string: (str: number, len: number) => number;
  hb_shape: (font: number, buf: number, features: number, numFeatures: number) => void;
}

const HB_MEMORY_MODE_READONLY = 1;
const HB_DIRECTION_LTR = 4;
const HB_DIRECTION_RTL = 5;
/**
 * HB_BUFFER_CLUSTER_LEVEL_MONOTONE_GRAPHEMES: a base letter and its marks (shadda, kasra, the
 * hamza-and-damma Amiri draws as one mark) form one cluster, whose characters the layout hands out
 * to the cluster's glyphs in reading order of their positions (see textLayout attachText): a mark
 * drawn inside its letter's box cannot otherwise be read back after the letter.
 */
const HB_CLUSTER_LEVEL_MONOTONE_GRAPHEMES = 0;

class HarfBuzzAbort extends Error {}

/** A HarfBuzz instance (one WebAssembly memory). Create once per worker/process and reuse. */
export class HarfBuzz {
  private constructor(
    private readonly hb: HbExports,
    private readonly languageArabic: number,
  ) {}

  static async instantiate(wasm: HbWasmSource): Promise<HarfBuzz> {
    const state: { memory?: WebAssembly.Memory } = {};
    const imports: WebAssembly.Imports = {
      env: {
        _abort_js: () => {
          throw new HarfBuzzAbort('HarfBuzz aborted');
        },
        _emscripten_runtime_keepalive_clear: () => undefined,
        _setitimer_js: () => 0,
        emscripten_resize_heap: (requested: number) => {
          const memory = state.memory;
          if (!memory) return 0;
          const current = memory.buffer.byteLength;
          const wanted = Math.max(requested >>> 0, current * 1.2);
          const pages = Math.ceil((wanted - current) / 65536);
          try {
            memory.grow(pages);
            return 1;
          } catch {
            return 0;
          }
        },
      },
      wasi_snapshot_preview1: {
        proc_exit: (code: number) => {
          throw new HarfBuzzAbort(`HarfBuzz exited with ${code}`);
        },
      },
    };
    const instance =
      wasm instanceof WebAssembly.Module
        ? await WebAssembly.instantiate(wasm, imports)
        : (await WebAssembly.instantiate(wasm instanceof Uint8Array ? copyToArrayBuffer(wasm) : wasm, imports)).instance;
    const hb = instance.exports as unknown as HbExports;
    state.memory = hb.memory;
    hb.__wasm_call_ctors();
    const lang = writeAscii(hb, 'ar');
    const languageArabic = hb.hb_language_from_string(lang, 2);
    hb.free(lang);
    return new HarfBuzz(hb, languageArabic);
  }

  /** Loads a font (TTF/OTF bytes). The bytes are copied into WebAssembly memory and kept for the font's life. */
  loadFont(bytes: Uint8Array): HbFont {
    const { hb } = this;
    const ptr = hb.malloc(bytes.byteLength);
    new Uint8Array(hb.memory.buffer, ptr, bytes.byteLength).set(bytes);
    const blob = hb.hb_blob_create(ptr, bytes.byteLength, HB_MEMORY_MODE_READONLY, 0, 0);
    const face = hb.hb_face_create(blob, 0);
    const font = hb.hb_font_create(face);
    const upem = hb.hb_face_get_upem(face);
    return new HbFont(hb, font, upem, this.languageArabic);
  }
}

export class HbFont {
  private readonly buffer: number;
  private readonly glyphPtr: number;
  private textPtr = 0;
  private textCapacity = 0;

  constructor(
    private readonly hb: HbExports,
    private readonly font: number,
    readonly unitsPerEm: number,
    private readonly languageArabic: number,
  ) {
    this.buffer = hb.hb_buffer_create();
    this.glyphPtr = hb.malloc(4);
  }

  /** The font's glyph for a code point, or undefined when the font cannot draw it. */
  nominalGlyph(codePoint: number): number | undefined {
    const ok = this.hb.hb_font_get_nominal_glyph(this.font, codePoint, this.glyphPtr);
    if (!ok) return undefined;
    return new Uint32Array(this.hb.memory.buffer, this.glyphPtr, 1)[0];
  }

  /**
   * Shapes one directional run. `rtl` runs come back in visual order (left to right) as HarfBuzz
   * produces them; brackets in RTL runs are mirrored by HarfBuzz (bidi rule L4).
   */
  shape(text: string, rtl: boolean): ShapedGlyph[] {
    const { hb, buffer } = this;
    if (text.length === 0) return [];
    if (text.length > this.textCapacity) {
      if (this.textPtr) hb.free(this.textPtr);
      this.textCapacity = Math.max(256, text.length * 2);
      this.textPtr = hb.malloc(this.textCapacity * 2);
    }
    const units = new Uint16Array(hb.memory.buffer, this.textPtr, text.length);
    for (let i = 0; i < text.length; i++) units[i] = text.charCodeAt(i);
    hb.hb_buffer_clear_contents(buffer);
    hb.hb_buffer_add_utf16(buffer, this.textPtr, text.length, 0, text.length);
    hb.hb_buffer_set_direction(buffer, rtl ? HB_DIRECTION_RTL : HB_DIRECTION_LTR);
    hb.hb_buffer_set_language(buffer, this.languageArabic);
    hb.hb_buffer_set_cluster_level(buffer, HB_CLUSTER_LEVEL_MONOTONE_GRAPHEMES);
    hb.hb_buffer_guess_segment_properties(buffer);
    hb.hb_shape(this.font, buffer, 0, 0);
    const length = hb.hb_buffer_get_length(buffer);
    const infos = new Uint32Array(hb.memory.buffer, hb.hb_buffer_get_glyph_infos(buffer, 0), length * 5);
    const positions = new Int32Array(hb.memory.buffer, hb.hb_buffer_get_glyph_positions(buffer, 0), length * 5);
    const out: ShapedGlyph[] = new Array<ShapedGlyph>(length);
    for (let i = 0; i < length; i++) {
      out[i] = {
        glyphId: infos[i * 5] ?? 0,
        cluster: infos[i * 5 + 2] ?? 0,
        xAdvance: positions[i * 5] ?? 0,
        xOffset: positions[i * 5 + 2] ?? 0,
        yOffset: positions[i * 5 + 3] ?? 0,
      };
    }
    return out;
  }
}

function writeAscii(hb: HbExports, text: string): number {
  const ptr = hb.malloc(text.length + 1);
  const view = new Uint8Array(hb.memory.buffer, ptr, text.length + 1);
  for (let i = 0; i < text.length; i++) view[i] = text.charCodeAt(i) & 0x7f;
  view[text.length] = 0;
  return ptr;
}

function copyToArrayBuffer(bytes: Uint8Array): ArrayBuffer {
  const copy = new Uint8Array(bytes.byteLength);
  copy.set(bytes);
  return copy.buffer;
}
