/**
 * `npm run soak`: the long forms of the reliability tests (test/reliability): 40,000 fuzz
 * requests, 60 s of mixed load, plus the crash and security tests. Not part of `npm test`,
 * which runs the short forms. RELIABILITY_SEED replays a run; FUZZ_REQUESTS and LOAD_SECONDS
 * can be raised further.
 */
import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['test/reliability/**/*.test.ts'],
    env: {
      FUZZ_REQUESTS: process.env.FUZZ_REQUESTS ?? '40000',
      LOAD_SECONDS: process.env.LOAD_SECONDS ?? '60',
    },
    testTimeout: 900_000,
    hookTimeout: 120_000,
    pool: 'forks',
    // One suite at a time: each puts a server under load, and they should not measure each other.
    fileParallelism: false,
  },
});
