// Bundled for the browser by browser.test.ts and run inside a Web Worker in Chromium: proves the
// declaration PDF builds, signs and verifies with no Node APIs (assets passed in as bytes).
import { buildDeclarationPdf } from '../../../shared/pdf';
import { generateDeviceSigningKey, verifyDeclaration, type DeclarationInput } from '../../../shared/declaration';

interface Job {
  wasm: ArrayBuffer;
  regular: ArrayBuffer;
  bold: ArrayBuffer;
  png: ArrayBuffer;
  input: DeclarationInput;
}

self.onmessage = async (event: MessageEvent<Job>) => {
  try {
    const job = event.data;
    const assets = { harfbuzzWasm: new Uint8Array(job.wasm), fonts: { regular: new Uint8Array(job.regular), bold: new Uint8Array(job.bold) } };
    const device = await generateDeviceSigningKey();
    const t = performance.now();
    const result = await buildDeclarationPdf(job.input, { variant: 'signed', signaturePng: new Uint8Array(job.png), device }, assets);
    const ms = performance.now() - t;
    const verification = await verifyDeclaration({ pdf: result.pdf }, job.input.data, { [device.keyId]: device.publicKeySpki });
    self.postMessage({ ok: true, pdf: result.pdf, ms, status: verification.status, publicKeySpki: device.publicKeySpki, keyId: device.keyId, hasDocument: typeof (self as unknown as { document?: unknown }).document !== 'undefined' });
  } catch (error) {
    self.postMessage({ ok: false, error: String((error as Error)?.stack ?? error) });
  }
};
