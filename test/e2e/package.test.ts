/**
 * What goes into the installed app. Runs after `npm run build` (CI: lint → typecheck → unit →
 * integration → build → e2e). electron-builder packs an unpacked Linux app with a placeholder
 * Electron binary (the real one cannot be downloaded here), fully offline, and the test reads
 * app.asar back with @electron/asar and the flipped fuses with @electron/fuses.
 */
import { extractFile, listPackage } from '@electron/asar';
import { getCurrentFuseWire } from '@electron/fuses';
import { spawnSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { builtinModules } from 'node:module';
import { runInNewContext } from 'node:vm';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

const root = fileURLToPath(new URL('../../', import.meta.url));
const FUSE_SENTINEL = 'dL7pKGdnNz796PbbjQWNKmHXBZaB9tsX';
// Fuse wire of a stock Electron binary: RunAsNode on, cookie encryption off, NODE_OPTIONS on,
// --inspect on, ASAR integrity off, only-from-asar off, V8 snapshot off, file:// privileges on.
const STOCK_FUSES = '10110001';

let work: string;
let appOutDir: string;
let entries: string[];

function requiredModules(bundle: string): string[] {
  return [
    ...new Set([...bundle.matchAll(/\brequire\(\s*["']([^"']+)["']\s*\)/g)].map((m) => m[1] ?? '')),
  ].sort();
}

beforeAll(async () => {
  for (const built of [
    'dist/renderer/index.html',
    'dist-electron/main.cjs',
    'dist-electron/preload.cjs',
  ]) {
    if (!existsSync(join(root, built)))
      throw new Error(`${built} is missing: run \`npm run build\` before the e2e tests`);
  }
  work = await mkdtemp(join(tmpdir(), 'sila-package-test-'));
  const electronDist = join(work, 'electron-dist');
  await mkdir(electronDist);
  await writeFile(
    join(electronDist, 'electron'),
    Buffer.concat([
      Buffer.from('#!/bin/sh\n# placeholder Electron binary\n'),
      Buffer.from(FUSE_SENTINEL),
      Buffer.from([1, 8]),
      Buffer.from(STOCK_FUSES),
    ]),
    { mode: 0o755 },
  );
  const out = join(work, 'out');
  const deadProxy = 'http://127.0.0.1:9'; // any download attempt fails at once instead of going online
  const result = spawnSync(
    process.execPath,
    [
      join(root, 'node_modules', 'electron-builder', 'cli.js'),
      '--dir',
      '--linux',
      '--x64',
      '--config',
      'electron-builder.yml',
      `-c.electronDist=${electronDist}`,
      `-c.directories.output=${out}`,
      '--publish',
      'never',
    ],
    {
      cwd: root,
      encoding: 'utf8',
      timeout: 150_000,
      env: {
        ...process.env,
        ELECTRON_SKIP_BINARY_DOWNLOAD: '1',
        ELECTRON_BUILDER_CACHE: join(work, 'cache'),
        CSC_IDENTITY_AUTO_DISCOVERY: 'false',
        HTTP_PROXY: deadProxy,
        HTTPS_PROXY: deadProxy,
        http_proxy: deadProxy,
        https_proxy: deadProxy,
        NO_PROXY: '',
        no_proxy: '',
      },
    },
  );
  if (result.status !== 0) {
    throw new Error(
      `electron-builder failed (${result.status}):\n${result.stdout}\n${result.stderr}\n${result.error ?? ''}`,
    );
  }
  appOutDir = join(out, 'linux-unpacked');
  entries = listPackage(join(appOutDir, 'resources', 'app.asar'), { isPack: false }).map((e) =>
    e.replaceAll('\\', '/'),
  );
});

afterAll(async () => {
  if (work) await rm(work, { recursive: true, force: true });
});

describe('app.asar contents', () => {
  it.each([
    '/package.json',
    '/dist-electron/main.cjs',
    '/dist-electron/preload.cjs',
    '/dist/renderer/index.html',
  ])('contains %s', (entry) => {
    expect(entries).toContain(entry);
  });

  it('contains the bundled Arabic font under dist/renderer', () => {
    expect(
      entries.filter((e) => /^\/dist\/renderer\/.+\.(ttf|otf|woff2?)$/.test(e)).length,
    ).toBeGreaterThan(0);
  });

  it('contains the renderer bundle', () => {
    expect(entries.some((e) => /^\/dist\/renderer\/.+\.js$/.test(e))).toBe(true);
  });

  it.each([
    ['tests', /^\/test(\/|$)/],
    ['source maps', /\.map$/],
    ['the HQ service', /^\/hq(\/|$)/],
    ['TypeScript sources', /\.tsx?$/],
    ['node_modules', /(^|\/)node_modules(\/|$)/],
    ['electron/ sources', /^\/electron(\/|$)/],
    ['shared/ sources', /^\/shared(\/|$)/],
    ['renderer/ sources', /^\/renderer(\/|$)/],
    ['benchmarks', /^\/bench(\/|$)/],
    ['build resources', /^\/build(\/|$)/],
    [
      'configuration files',
      /^\/(electron-builder\.yml|tsconfig\.json|vite\.config\.ts|vitest\.config\.ts|eslint\.config\.js|\.npmrc|\.env.*)$/,
    ],
    ['HQ data or test results', /^\/(\.hq-data|test-results|coverage|release)(\/|$)/],
  ])('does not contain %s', (_label, pattern) => {
    expect(entries.filter((e) => pattern.test(e))).toEqual([]);
  });

  it('packs exactly the built files', () => {
    const appAsar = join(appOutDir, 'resources', 'app.asar');
    expect(
      extractFile(appAsar, 'dist-electron/main.cjs').equals(
        readFileSync(join(root, 'dist-electron', 'main.cjs')),
      ),
    ).toBe(true);
    expect(
      extractFile(appAsar, 'dist/renderer/index.html').equals(
        readFileSync(join(root, 'dist', 'renderer', 'index.html')),
      ),
    ).toBe(true);
  });

  it('has a package.json whose main is the bundled main process, without scripts or devDependencies', () => {
    const pkg = JSON.parse(
      extractFile(join(appOutDir, 'resources', 'app.asar'), 'package.json').toString('utf8'),
    ) as Record<string, unknown>;
    expect(pkg.main).toBe('dist-electron/main.cjs');
    expect(pkg.devDependencies).toBeUndefined();
    expect(pkg.scripts).toBeUndefined();
  });
});

describe('bundles run without node_modules', () => {
  it('the preload requires nothing but electron (sandboxed preloads can require nothing else)', async () => {
    expect(
      requiredModules(await readFile(join(root, 'dist-electron', 'preload.cjs'), 'utf8')),
    ).toEqual(['electron']);
  });

  it('the main process requires only electron and Node built-ins', async () => {
    const builtins = new Set(builtinModules.flatMap((m) => [m, `node:${m}`]));
    const modules = requiredModules(
      await readFile(join(root, 'dist-electron', 'main.cjs'), 'utf8'),
    );
    expect(modules).toContain('electron');
    expect(modules.filter((m) => m !== 'electron' && !builtins.has(m))).toEqual([]);
  });

  it('neither bundle carries a source map', async () => {
    for (const file of ['main.cjs', 'preload.cjs']) {
      expect(await readFile(join(root, 'dist-electron', file), 'utf8')).not.toContain(
        'sourceMappingURL',
      );
    }
  });
});

describe('the bundles load', () => {
  it('main.cjs starts in plain Node with a stand-in electron: scheme registered, lock requested', () => {
    // A stand-in `electron` that records calls; `ready` never fires, so only the pre-ready
    // start-up runs (scheme registration, sandbox, single-instance lock).
    const hook = `
      const Module = require('node:module');
      const calls = [];
      const EventEmitter = require('node:events');
      const app = Object.assign(new EventEmitter(), {
        enableSandbox: () => calls.push('enableSandbox'),
        requestSingleInstanceLock: () => (calls.push('requestSingleInstanceLock'), false),
        quit: () => calls.push('quit'),
        whenReady: () => new Promise(() => {}),
      });
      const electron = {
        app,
        protocol: { registerSchemesAsPrivileged: (s) => calls.push('registerSchemesAsPrivileged:' + JSON.stringify(s)) },
      };
      const original = Module._load;
      Module._load = function (request, ...rest) {
        return request === 'electron' ? electron : original.call(this, request, ...rest);
      };
      process.on('exit', () => process.stdout.write('CALLS ' + JSON.stringify(calls)));
    `;
    const result = spawnSync(
      process.execPath,
      ['-e', `${hook}; require(${JSON.stringify(join(root, 'dist-electron', 'main.cjs'))})`],
      {
        encoding: 'utf8',
        timeout: 30_000,
      },
    );
    expect(result.stderr).toBe('');
    const calls = JSON.parse(/CALLS (.*)$/.exec(result.stdout)?.[1] ?? '[]') as string[];
    expect(calls[0]).toMatch(
      /^registerSchemesAsPrivileged:\[\{"scheme":"app","privileges":\{"standard":true,"secure":true/,
    );
    expect(calls.slice(1)).toEqual(['enableSandbox', 'requestSingleInstanceLock', 'quit']);
  });

  it('preload.cjs runs with only `electron` to require and exposes window.sila', async () => {
    const code = await readFile(join(root, 'dist-electron', 'preload.cjs'), 'utf8');
    const exposed: Record<string, Record<string, unknown>> = {};
    const electron = {
      contextBridge: {
        exposeInMainWorld: (name: string, api: Record<string, unknown>) => {
          exposed[name] = api;
        },
      },
      ipcRenderer: {
        invoke: () => Promise.resolve(),
        on: () => undefined,
        removeListener: () => undefined,
      },
    };
    const requireOnlyElectron = (id: string) => {
      if (id !== 'electron') throw new Error(`a sandboxed preload cannot require ${id}`);
      return electron;
    };
    const module = { exports: {} };
    runInNewContext(code, { require: requireOnlyElectron, module, exports: module.exports });
    expect(Object.keys(exposed)).toEqual(['sila']);
    expect(Object.keys(exposed.sila ?? {}).sort()).toEqual([
      'decryptSecret',
      'encryptSecret',
      'getAppInfo',
      'onLock',
      'openExternal',
      'printPdf',
      'saveFileAs',
    ]);
  });
});

describe('fuses', () => {
  it('are flipped in the packaged binary', async () => {
    const wire = (await getCurrentFuseWire(join(appOutDir, 'sila'))) as unknown as Record<
      string,
      number
    >;
    const state = (i: number) => String.fromCharCode(wire[i] ?? 0);
    expect(state(0)).toBe('0'); // RunAsNode
    expect(state(1)).toBe('1'); // EnableCookieEncryption
    expect(state(2)).toBe('0'); // EnableNodeOptionsEnvironmentVariable
    expect(state(3)).toBe('0'); // EnableNodeCliInspectArguments
    expect(state(4)).toBe('1'); // EnableEmbeddedAsarIntegrityValidation
    expect(state(5)).toBe('1'); // OnlyLoadAppFromAsar
    expect(state(7)).toBe('0'); // GrantFileProtocolExtraPrivileges
  });
});
