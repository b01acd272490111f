import { defineConfig } from 'electron-vite'
import vue from '@vitejs/plugin-vue'
import { fileURLToPath } from 'node:url'

const r = (p: string): string => fileURLToPath(new URL(p, import.meta.url))
const alias = { '@shared': r('./shared'), '@renderer': r('./renderer/src') }

export default defineConfig({
  main: {
    resolve: { alias },
    build: {
      outDir: 'out/main',
      // The engine's worker thread is its own entry, emitted beside index.js where EngineHost
      // looks for it.
      rollupOptions: {
        input: {
          index: r('./electron/main/index.ts'),
          worker: r('./electron/main/core/engine/worker.ts'),
          // Pubky Ring pairing runs in its own worker (a fresh SDK realm), found beside index.js too.
          'pair-worker': r('./electron/main/core/engine/pair-worker.ts'),
        },
      },
    },
  },
  preload: {
    resolve: { alias },
    build: {
      outDir: 'out/preload',
      // A sandboxed preload must be CommonJS and self-contained (no npm imports).
      rollupOptions: {
        input: { index: r('./electron/preload/index.ts') },
        output: { format: 'cjs', entryFileNames: '[name].cjs' },
      },
    },
  },
  renderer: {
    root: r('./renderer'),
    resolve: { alias },
    plugins: [vue()],
    build: {
      outDir: r('./out/renderer'),
      rollupOptions: { input: r('./renderer/index.html') },
    },
  },
})
