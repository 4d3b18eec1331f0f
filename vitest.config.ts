import { fileURLToPath } from 'node:url';
import { defineConfig } from 'vitest/config';

export default defineConfig({
  // `import … from 'flowmock'` (the embedding examples) runs the sources, as the package export runs dist/.
  resolve: {
    alias: [
      { find: /^flowmock$/, replacement: fileURLToPath(new URL('./src/index.ts', import.meta.url)) },
      { find: /^flowmock\/client$/, replacement: fileURLToPath(new URL('./src/client/index.ts', import.meta.url)) },
    ],
  },
  test: {
    include: ['src/**/*.test.ts', 'test/**/*.test.ts', 'contract-tests/**/*.test.ts', 'examples/**/*.test.ts'],
    testTimeout: 30_000,
    hookTimeout: 60_000,
    pool: 'forks',
  },
});
