// ESLint flat config. Beyond style, it enforces the one-way dependency rule of the design:
// renderer → shared ← core ← main. Each zone below names what it may not import.
import js from '@eslint/js'
import tseslint from 'typescript-eslint'
import vue from 'eslint-plugin-vue'
import prettierConfig from 'eslint-config-prettier'
import { builtinModules } from 'node:module'

const nodeBuiltins = [...builtinModules, ...builtinModules.map((m) => `node:${m}`)]

const sdkOnlyInGateway = {
  name: '@synonymdev/pubky',
  message: 'Only electron/main/core/pubky/gateway.ts loads the SDK (it replaces global fetch).',
}

function coreZone(forbidSdk) {
  return {
    paths: [
      { name: 'electron', message: 'The core runs under plain Node; it may not import electron.' },
      ...(forbidSdk ? [sdkOnlyInGateway] : []),
    ],
    patterns: [
      {
        group: ['**/main/app/**', '**/main/ipc/**', '**/main/platform/**', '**/renderer/**', '**/preload/**'],
        message: 'The core depends only on shared/ and itself.',
      },
    ],
  }
}

const rawIpc = {
  name: 'electron',
  importNames: ['ipcMain', 'ipcRenderer'],
  message: 'Raw IPC lives only in electron/main/ipc/register.ts and electron/preload/.',
}

export default tseslint.config(
  { ignores: ['node_modules/**', 'out/**', 'dist/**', 'test-artifacts/**', 'coverage/**'] },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  ...vue.configs['flat/recommended'],
  {
    files: ['**/*.vue'],
    languageOptions: { parserOptions: { parser: tseslint.parser } },
    // vue-tsc checks identifiers in .vue files; ESLint's scope analysis does not know their types.
    rules: { 'no-undef': 'off' },
  },
  // Prettier owns formatting; this turns off every stylistic rule (including Vue template layout)
  // that would fight it.
  prettierConfig,
  {
    rules: {
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
      'no-console': ['error', { allow: ['warn', 'error'] }],
      'vue/multi-word-component-names': 'off',
      'vue/no-v-html': 'error',
      'no-eval': 'error',
      'no-implied-eval': 'error',
    },
  },
  // Renderer: browser only. No Node, no Electron, no main-process code.
  {
    files: ['renderer/**/*.{ts,vue}'],
    rules: {
      'no-restricted-imports': [
        'error',
        {
          paths: [
            { name: 'electron', message: 'The renderer talks to main only through window.pos.' },
            ...nodeBuiltins.map((name) => ({ name, message: 'No Node in the renderer.' })),
          ],
          patterns: [{ group: ['**/electron/**'], message: 'The renderer may import only shared/.' }],
        },
      ],
    },
  },
  // shared/: browser-safe types and schemas used on both sides.
  {
    files: ['shared/**/*.ts'],
    rules: {
      'no-restricted-imports': [
        'error',
        {
          paths: [
            { name: 'electron' },
            { name: 'vue' },
            { name: 'pinia' },
            ...nodeBuiltins.map((name) => ({ name })),
          ],
          patterns: [
            { group: ['**/electron/**', '**/renderer/**'], message: 'shared/ depends on nothing of ours.' },
          ],
        },
      ],
    },
  },
  // The core: Node-only, never Electron, never the app shell, IPC or renderer; and only the gateway
  // loads the Pubky SDK, because loading it replaces the process-wide fetch.
  {
    files: ['electron/main/core/**/*.ts', 'electron/cli/**/*.ts'],
    rules: { 'no-restricted-imports': ['error', coreZone(true)] },
  },
  {
    files: ['electron/main/core/pubky/gateway.ts'],
    rules: { 'no-restricted-imports': ['error', coreZone(false)] },
  },
  // The rest of main: may use electron, but raw IPC only in the registration wrapper.
  {
    files: ['electron/main/**/*.ts'],
    ignores: ['electron/main/core/**', 'electron/main/ipc/register.ts'],
    rules: {
      'no-restricted-imports': [
        'error',
        { paths: [rawIpc, sdkOnlyInGateway], patterns: [{ group: ['**/renderer/**'] }] },
      ],
    },
  },
  // Plain-JS Node entry points (TypeScript files get Node's types from tsconfig instead).
  {
    files: ['bin/**/*.mjs', 'scripts/**/*.mjs'],
    languageOptions: { globals: { process: 'readonly', console: 'readonly' } },
  },
  {
    files: ['test/**/*.ts', 'scripts/**/*.{ts,mjs}', 'bench/**/*.ts'],
    rules: { 'no-console': 'off' },
  },
)
