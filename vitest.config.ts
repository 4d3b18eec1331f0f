import { fileURLToPath } from 'node:url';
import { configDefaults, defineConfig } from 'vitest/config';

/**
 * Two projects, both run by `npm test` (fast first, then slow) and by CI:
 * - fast: unit tests beside the code and HTTP tests against an in-process server
 *   (test/support/server.ts), with engine time on the virtual clock;
 * - slow: tests that launch processes (`flowmock serve`, Prism, npm pack/install, a browser,
 *   the fuzz server), the contract suite through Prism's proxy, crash and lock tests.
 * `npm run test:fast` / `npm run test:slow` run one; `npm run coverage` both, with coverage.
 */
export const SLOW = [
  'contract-tests/**/*.contract.test.ts',
  'test/reliability/crash.test.ts',
  'test/reliability/fuzz.test.ts',
  'test/reliability/load.test.ts',
  'test/reliability/store-locks.test.ts',
  'test/reliability/security.test.ts',
  'test/reliability/secrets-and-files.test.ts',
  'test/package/pack-install.test.ts',
  'test/package/jest-example.test.ts',
  'test/foundation/cli.test.ts',
  'test/foundation/prism-mock.test.ts',
  'test/client/prism-mock-consumer.test.ts',
  'test/client/examples.test.ts',
  'test/phixflow/readme-walkthrough.test.ts',
  'test/smartflows/readme-walkthrough.test.ts',
  'test/flowmock/dashboard-browser.test.ts',
  'test/smartflows/head.test.ts', // Prism's validating proxy
  'test/generators/**/*.test.ts', // four client generators, their output typechecked
  // PostgreSQL: replica processes, and the store contract suite on PostgreSQL (~60 s).
  'test/store-postgres/*.test.ts',
  'test/smartflows/demo-flows-postgres.test.ts',
  'test/smartflows/resources-postgres.test.ts',
  'test/smartflows/admin-postgres.test.ts',
  'test/smartflows/system-admin-postgres.test.ts',
  'test/store-contract/postgres.test.ts',
];

const ALL = ['src/**/*.test.ts', 'test/**/*.test.ts', 'contract-tests/**/*.test.ts', 'examples/**/*.test.ts'];

export default defineConfig({
  // `import … from 'flowmock'` (the embedding examples) runs the sources, as the package export runs dist/.
  resolve: {
    alias: [
      { find: /^flowmock$/, replacement: fileURLToPath(new URL('./src/index.ts', import.meta.url)) },
      { find: /^flowmock\/client$/, replacement: fileURLToPath(new URL('./src/client/index.ts', import.meta.url)) },
    ],
  },
  test: {
    testTimeout: 30_000,
    hookTimeout: 60_000,
    pool: 'forks',
    setupFiles: ['test/support/setup.ts'],
    // On with `npm run coverage` (both projects), or FLOWMOCK_COVERAGE=1 (CI: the fast project's run of `npm test`).
    coverage: {
      enabled: process.env.FLOWMOCK_COVERAGE === '1',
      provider: 'v8',
      include: ['src/**/*.ts', 'contract-tests/**/*.ts'],
      exclude: ['**/*.test.ts', 'src/**/*.d.ts'],
      reporter: ['text-summary', 'html', 'json-summary'],
      reportsDirectory: 'coverage',
    },
    projects: [
      { extends: true, test: { name: 'fast', include: ALL, exclude: [...configDefaults.exclude, ...SLOW] } },
      { extends: true, test: { name: 'slow', include: SLOW } },
    ],
  },
});
