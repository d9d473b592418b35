/**
 * The PDF engine's assets, served from the app's own origin (never a CDN): HarfBuzz's
 * WebAssembly and the two Amiri faces. Vite copies them into the build and gives their URLs.
 */
import harfbuzzWasmUrl from 'harfbuzzjs/dist/harfbuzz.wasm?url';
import amiriRegularUrl from '@expo-google-fonts/amiri/400Regular/Amiri_400Regular.ttf?url';
import amiriBoldUrl from '@expo-google-fonts/amiri/700Bold/Amiri_700Bold.ttf?url';
import type { PdfAssets } from '../../../shared/pdf';

async function bytesOf(url: string): Promise<Uint8Array> {
  const response = await fetch(url);
  if (!response.ok) throw new Error(`asset ${url}: HTTP ${response.status}`);
  return new Uint8Array(await response.arrayBuffer());
}

let loading: Promise<PdfAssets> | null = null;

/** Loaded once per worker; the same object is reused so the engine (and its shaping cache) is too. */
export function loadPdfAssets(): Promise<PdfAssets> {
  if (!loading) {
    loading = Promise.all([bytesOf(harfbuzzWasmUrl), bytesOf(amiriRegularUrl), bytesOf(amiriBoldUrl)]).then(
      ([harfbuzzWasm, regular, bold]) => ({ harfbuzzWasm, fonts: { regular, bold } }),
    );
    loading.catch(() => {
      loading = null;
    });
  }
  return loading;
}
