// ESLint flat config. Import boundaries between the layers are enforced here
// (see README "Architecture"): shared/ is platform-free, renderer/ never reaches
// into electron/, hq/ never reaches into renderer/ or electron/.
import js from '@eslint/js';
import tseslint from 'typescript-eslint';
import reactHooks from 'eslint-plugin-react-hooks';
import globals from 'globals';
import { builtinModules } from 'node:module';

const nodeBuiltins = [...builtinModules.filter((m) => !m.startsWith('_')), 'node:*'];

const layer = (name) => ({
  group: [`**/${name}`, `**/${name}/**`, `${name}/**`],
  message: `This layer must not import from ${name}/ (see README, Architecture).`,
});

export default tseslint.config(
  {
    ignores: [
      'node_modules/**',
      'dist/**',
      'dist-electron/**',
      'release/**',
      'test-results/**',
      'artifacts/**',
      'coverage/**',
      '**/*.d.ts',
    ],
  },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    files: ['**/*.{ts,tsx}'],
    languageOptions: {
      parserOptions: { projectService: true, tsconfigRootDir: import.meta.dirname },
    },
    rules: {
      '@typescript-eslint/no-floating-promises': 'error',
      '@typescript-eslint/no-misused-promises': ['error', { checksVoidReturn: { attributes: false } }],
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
      '@typescript-eslint/consistent-type-imports': 'error',
    },
  },
  {
    files: ['**/*.{js,mjs,cjs}'],
    ...tseslint.configs.disableTypeChecked,
    languageOptions: { ...tseslint.configs.disableTypeChecked.languageOptions, globals: { ...globals.node } },
  },
  // shared/: platform-free domain code. No node:*, no electron, no DOM, no other layer.
  {
    files: ['shared/**/*.{ts,tsx}'],
    rules: {
      'no-restricted-imports': [
        'error',
        {
          paths: [
            { name: 'electron', message: 'shared/ is platform-free: no electron.' },
            { name: 'react', message: 'shared/ is platform-free: UI belongs in renderer/.' },
            { name: 'react-dom', message: 'shared/ is platform-free: UI belongs in renderer/.' },
          ],
          patterns: [
            { group: nodeBuiltins, message: 'shared/ is platform-free: no Node built-ins.' },
            layer('renderer'),
            layer('electron'),
            layer('hq'),
          ],
        },
      ],
      'no-restricted-globals': [
        'error',
        ...['window', 'document', 'localStorage', 'sessionStorage', 'navigator', 'location', 'indexedDB', 'HTMLElement', 'process', 'Buffer', 'require', '__dirname'].map(
          (name) => ({ name, message: `shared/ is platform-free: '${name}' is not available everywhere.` }),
        ),
      ],
    },
  },
  // renderer/: runs in Electron and in a plain browser; talks to the shell only through the bridge.
  {
    files: ['renderer/**/*.{ts,tsx}'],
    plugins: { 'react-hooks': reactHooks },
    languageOptions: { globals: { ...globals.browser } },
    rules: {
      ...reactHooks.configs.recommended.rules,
      'no-restricted-imports': [
        'error',
        {
          paths: [{ name: 'electron', message: 'renderer/ reaches the shell only through the platform bridge.' }],
          patterns: [
            { group: nodeBuiltins, message: 'renderer/ must also run in a plain browser: no Node built-ins.' },
            layer('electron'),
            layer('hq'),
          ],
        },
      ],
    },
  },
  // electron/: the thin shell.
  {
    files: ['electron/**/*.ts'],
    languageOptions: { globals: { ...globals.node } },
    rules: {
      'no-restricted-imports': ['error', { patterns: [layer('renderer'), layer('hq')] }],
    },
  },
  // hq/: the sync service.
  {
    files: ['hq/**/*.ts'],
    languageOptions: { globals: { ...globals.node } },
    rules: {
      'no-restricted-imports': ['error', { patterns: [layer('renderer'), layer('electron')] }],
    },
  },
  {
    files: ['test/**/*.{ts,tsx}', 'bench/**/*.{ts,tsx}', 'build/**/*.ts'],
    languageOptions: { globals: { ...globals.node, ...globals.browser } },
  },
);
