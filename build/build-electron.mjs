// Bundles the Electron shell:
//   electron/main.ts    → dist-electron/main.cjs
//   electron/preload.ts → dist-electron/preload.cjs
// CommonJS for both: a sandboxed preload cannot be an ES module and may only require
// 'electron', so everything else (the shared IPC contract, zod) is bundled in. No source maps
// (they would end up in the package).
import { build } from 'esbuild';
import console from 'node:console';
import { rm } from 'node:fs/promises';
import process from 'node:process';
import { fileURLToPath, URL } from 'node:url';

const root = fileURLToPath(new URL('..', import.meta.url));
const outdir = fileURLToPath(new URL('../dist-electron/', import.meta.url));

/** @type {import('esbuild').BuildOptions} */
const common = {
  absWorkingDir: root,
  bundle: true,
  platform: 'node',
  format: 'cjs',
  // Electron 45 ships Node 22.
  target: 'node22',
  external: ['electron'],
  sourcemap: false,
  minify: false,
  legalComments: 'none',
  logLevel: 'warning',
  define: { 'process.env.NODE_ENV': '"production"' },
};

export async function buildElectron() {
  await rm(outdir, { recursive: true, force: true });
  await Promise.all([
    build({ ...common, entryPoints: ['electron/main.ts'], outfile: 'dist-electron/main.cjs' }),
    build({
      ...common,
      entryPoints: ['electron/preload.ts'],
      outfile: 'dist-electron/preload.cjs',
    }),
  ]);
}

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) {
  await buildElectron();
  console.log('Electron shell built: dist-electron/main.cjs, dist-electron/preload.cjs');
}
