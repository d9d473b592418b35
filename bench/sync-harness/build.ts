/** Build the initial-sync harness page into an output directory (production mode: no RxDB dev-mode, as on the laptop). */
import { build } from 'vite';
import { fileURLToPath } from 'node:url';

/** `minify: false` keeps function names readable in a CPU profile (--cpu-profile). */
export async function buildSyncHarness(outDir: string, opts: { minify?: boolean } = {}): Promise<void> {
  const root = fileURLToPath(new URL('.', import.meta.url));
  await build({
    configFile: false,
    root,
    logLevel: 'warn',
    mode: 'production',
    build: { outDir, emptyOutDir: true, target: 'es2022', sourcemap: false, reportCompressedSize: false, minify: opts.minify ?? true },
  });
}
