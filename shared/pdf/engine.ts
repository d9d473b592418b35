// The PDF engine: HarfBuzz + the two Amiri faces, loaded once from bytes the caller supplies
// (from the app's origin in the renderer or a Web Worker, from node_modules in Node).

import { HarfBuzz, type HbWasmSource } from './harfbuzz';
import { TextEngine } from './textLayout';
import { TrueTypeFont } from './trueTypeSubset';

export interface PdfAssets {
  /** harfbuzzjs's `dist/harfbuzz.wasm` (bytes or a compiled module). */
  harfbuzzWasm: HbWasmSource;
  /** TrueType fonts with Arabic and Latin glyphs: Amiri Regular and Amiri Bold. */
  fonts: { regular: Uint8Array; bold: Uint8Array };
}

export interface PdfEngine {
  readonly text: TextEngine;
}

const engines = new WeakMap<PdfAssets, Promise<PdfEngine>>();

async function load(assets: PdfAssets): Promise<PdfEngine> {
  const hb = await HarfBuzz.instantiate(assets.harfbuzzWasm);
  const text = new TextEngine({
    regular: { hb: hb.loadFont(assets.fonts.regular), ttf: new TrueTypeFont(assets.fonts.regular) },
    bold: { hb: hb.loadFont(assets.fonts.bold), ttf: new TrueTypeFont(assets.fonts.bold) },
  });
  return { text };
}

/** The engine for these assets; created once per assets object and reused (warm builds are fast). */
export function createPdfEngine(assets: PdfAssets): Promise<PdfEngine> {
  let engine = engines.get(assets);
  if (!engine) {
    engine = load(assets);
    engines.set(assets, engine);
    engine.catch(() => engines.delete(assets));
  }
  return engine;
}
