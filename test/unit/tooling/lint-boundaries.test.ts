/**
 * The layer boundaries of the architecture are enforced by ESLint (eslint.config.js).
 * These tests lint deliberate violations as if they were files in each layer and expect
 * the run to fail, and lint a clean file to prove the rules do not fire on everything.
 */
import { ESLint } from 'eslint';
import { copyFileSync, mkdirSync, mkdtempSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';

// A scratch copy of the project's lint set-up (same eslint.config.js and tsconfig.json, the
// real node_modules linked in), so probe files never appear in the working tree.
const root = resolve(import.meta.dirname, '../../..');
const scratch = mkdtempSync(join(tmpdir(), 'sila-lint-'));
copyFileSync(join(root, 'eslint.config.js'), join(scratch, 'eslint.config.js'));
copyFileSync(join(root, 'tsconfig.json'), join(scratch, 'tsconfig.json'));
copyFileSync(join(root, 'package.json'), join(scratch, 'package.json'));
symlinkSync(join(root, 'node_modules'), join(scratch, 'node_modules'), 'dir');
afterAll(() => rmSync(scratch, { recursive: true, force: true }));

let probeCount = 0;
async function ruleIdsFor(code: string, filePath: string): Promise<string[]> {
  const target = join(scratch, filePath.replace('__probe__', `__probe${probeCount++}__`));
  mkdirSync(dirname(target), { recursive: true });
  writeFileSync(target, code);
  const eslint = new ESLint({ cwd: scratch });
  const [result] = await eslint.lintFiles([target]);
  return (result?.messages ?? []).map((m) => `${m.ruleId ?? 'fatal'}: ${m.message}`);
}

describe('layer boundaries (eslint)', () => {
  const cases: Array<[string, string, string]> = [
    ['shared imports a Node built-in', 'shared/__probe__.ts', `import { readFileSync } from 'node:fs';\nexport const x = readFileSync;\n`],
    ['shared imports a bare Node built-in', 'shared/__probe__.ts', `import path from 'path';\nexport const x = path;\n`],
    ['shared imports electron', 'shared/__probe__.ts', `import { app } from 'electron';\nexport const x = app;\n`],
    ['shared imports the renderer', 'shared/__probe__.ts', `import * as r from '../renderer/src/main';\nexport const x = r;\n`],
    ['shared imports hq', 'shared/__probe__.ts', `import * as h from '../hq/server';\nexport const x = h;\n`],
    ['shared uses the DOM', 'shared/__probe__.ts', `export const x = document.title;\n`],
    ['renderer imports electron/', 'renderer/src/__probe__.ts', `import * as e from '../../electron/main';\nexport const x = e;\n`],
    ['renderer imports the electron module', 'renderer/src/__probe__.ts', `import { ipcRenderer } from 'electron';\nexport const x = ipcRenderer;\n`],
    ['hq imports the renderer', 'hq/__probe__.ts', `import * as r from '../renderer/src/main';\nexport const x = r;\n`],
    ['hq imports electron/', 'hq/__probe__.ts', `import * as e from '../electron/main';\nexport const x = e;\n`],
  ];

  it.each(cases)('fails when %s', async (_name, filePath, code) => {
    const messages = await ruleIdsFor(code, filePath);
    expect(messages.some((m) => /no-restricted-(imports|globals)/.test(m))).toBe(true);
  });

  it('reports a floating promise', async () => {
    const messages = await ruleIdsFor(
      `async function f(): Promise<number> { return 1; }\nexport function g(): void { f(); }\n`,
      'shared/__probe__.ts',
    );
    expect(messages.some((m) => m.startsWith('@typescript-eslint/no-floating-promises'))).toBe(true);
  });

  it('accepts a clean shared module', async () => {
    const messages = await ruleIdsFor(`export const answer = (a: number): number => a + 1;\n`, 'shared/__probe__.ts');
    expect(messages).toEqual([]);
  });
});
