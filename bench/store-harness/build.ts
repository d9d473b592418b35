/** Build the store harness page into an output directory (production mode: no RxDB dev-mode). */
import { build } from 'vite';
import { fileURLToPath } from 'node:url';

export async function buildStoreHarness(outDir: string): Promise<void> {
  const root = fileURLToPath(new URL('.', import.meta.url));
  await build({
    configFile: false,
    root,
    logLevel: 'warn',
    mode: 'production',
    build: { outDir, emptyOutDir: true, target: 'es2022', sourcemap: false, reportCompressedSize: false },
  });
}
