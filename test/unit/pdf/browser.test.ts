// The same engine in a browser Web Worker (Chromium via playwright-core): bundled with Vite for the
// browser (package "browser" fields, no Node built-ins), fed the .wasm and fonts as bytes.
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { chromium } from 'playwright-core';
import { build } from 'vite';
import { describe, expect, it } from 'vitest';
import { verifyDeclaration } from '../../../shared/declaration';
import { sampleDeclaration, signaturePng } from './fixtures';

const root = join(import.meta.dirname, '../../..');

async function bundleWorker(): Promise<string> {
  const out = await build({
    configFile: false,
    logLevel: 'silent',
    root,
    build: {
      write: false,
      minify: false,
      target: 'es2022',
      lib: { entry: join(import.meta.dirname, 'browser-worker-entry.ts'), formats: ['es'], fileName: 'worker' },
      rollupOptions: { external: [] },
    },
  });
  const outputs = Array.isArray(out) ? out : [out];
  for (const o of outputs) {
    if ('output' in o) {
      const chunk = o.output.find((c) => c.type === 'chunk');
      if (chunk && chunk.type === 'chunk') return chunk.code;
    }
  }
  throw new Error('no bundle');
}

describe('declaration PDF in a browser Web Worker', () => {
  it('builds, signs and verifies in Chromium with no Node APIs', async () => {
    const code = await bundleWorker();
    expect(code).not.toMatch(/from\s+["']node:/);
    const nm = join(root, 'node_modules');
    const b64 = (p: string): string => readFileSync(join(nm, p)).toString('base64');
    const browser = await chromium.launch({
      executablePath: '/usr/bin/chromium',
      args: ['--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--no-first-run', '--disable-sync', '--disable-quic'],
    });
    try {
      const page = await browser.newPage();
      // A real (intercepted, never networked) origin: blob: module workers need a non-opaque origin, Web Crypto a secure one (the app's own app:// origin is both).
      await page.route('https://sila.invalid/**', (route) => route.fulfill({ status: 200, contentType: 'text/html', body: '<!doctype html><title>worker test</title>' }));
      await page.goto('https://sila.invalid/');
      const input = sampleDeclaration();
      const result = await page.evaluate(
        async ({ code, wasm, regular, bold, png, input }) => {
          const bytes = (s: string): ArrayBuffer => Uint8Array.from(atob(s), (c) => c.charCodeAt(0)).buffer;
          const url = URL.createObjectURL(new Blob([code], { type: 'text/javascript' }));
          const worker = new Worker(url, { type: 'module' });
          const reply = await new Promise<Record<string, unknown>>((resolve) => {
            worker.onmessage = (e: MessageEvent<Record<string, unknown>>) => resolve(e.data);
            worker.onerror = (e) => resolve({ ok: false, error: `worker error: ${e.message} ${e.filename}:${e.lineno}` });
            worker.postMessage({ wasm: bytes(wasm), regular: bytes(regular), bold: bytes(bold), png: bytes(png), input });
          });
          worker.terminate();
          const pdf = reply.pdf as Uint8Array | undefined;
          let bin = '';
          if (pdf) for (const x of pdf) bin += String.fromCharCode(x);
          return { ...reply, pdf: pdf ? btoa(bin) : undefined } as Record<string, unknown>;
        },
        {
          code,
          wasm: b64('harfbuzzjs/dist/harfbuzz.wasm'),
          regular: b64('@expo-google-fonts/amiri/400Regular/Amiri_400Regular.ttf'),
          bold: b64('@expo-google-fonts/amiri/700Bold/Amiri_700Bold.ttf'),
          png: Buffer.from(signaturePng()).toString('base64'),
          input,
        },
      );
      expect(result.error, JSON.stringify(result).slice(0, 500)).toBeUndefined();
      expect(result.ok).toBe(true);
      expect(result.hasDocument).toBe(false);
      expect(result.status).toBe('authentic_current');
      const pdf = new Uint8Array(Buffer.from(String(result.pdf), 'base64'));
      // The browser-built PDF verifies in Node too, and its text extracts the same way.
      const v = await verifyDeclaration({ pdf }, input.data, { [String(result.keyId)]: String(result.publicKeySpki) });
      expect(v.status).toBe('authentic_current');
      const file = join(mkdtempSync(join(tmpdir(), 'sila-pdf-browser-')), 'declaration.pdf');
      writeFileSync(file, pdf);
      const text = execFileSync('pdftotext', ['-layout', file, '-'], { encoding: 'utf8' }).replace(/[\u202a-\u202e\s]/g, '');
      for (const value of ['محمّدبنعبداللهلافيالعتيبي', '+966501234567', 'SA0380000000608010167519', 'mohammed.laafi@example.com', '1012345678']) {
        expect(text).toContain(value);
      }
    } finally {
      await browser.close();
    }
  }, 120_000);
});
