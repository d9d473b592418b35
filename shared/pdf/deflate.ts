// zlib (FlateDecode) compression with the platform's native CompressionStream (browsers, Web
// Workers, Node ≥ 18), which is several times faster than pdf-lib's bundled JavaScript deflate;
// falls back to pdf-lib's own flateStream where CompressionStream is missing.

import { PDFDict, PDFName, PDFNumber, PDFRawStream, type PDFContext, type PDFRef } from 'pdf-lib';

async function nativeDeflate(data: Uint8Array): Promise<Uint8Array> {
  const stream = new Blob([data as Uint8Array<ArrayBuffer>]).stream().pipeThrough(new CompressionStream('deflate'));
  return new Uint8Array(await new Response(stream).arrayBuffer());
}

/** Registers a FlateDecode stream holding `data` (bytes or text) and returns its reference. */
export async function registerFlateStream(context: PDFContext, data: Uint8Array | string, dict: Record<string, number> = {}): Promise<PDFRef> {
  const bytes = typeof data === 'string' ? new TextEncoder().encode(data) : data;
  if (typeof CompressionStream === 'undefined') {
    return context.register(context.flateStream(bytes, dict));
  }
  // Reserve the object number now, so concurrent compressions keep a deterministic object order.
  const ref = context.nextRef();
  const compressed = await nativeDeflate(bytes);
  const streamDict = PDFDict.withContext(context);
  streamDict.set(PDFName.of('Filter'), PDFName.of('FlateDecode'));
  for (const [key, value] of Object.entries(dict)) streamDict.set(PDFName.of(key), PDFNumber.of(value));
  context.assign(ref, PDFRawStream.of(streamDict, compressed));
  return ref;
}
