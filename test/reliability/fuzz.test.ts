/**
 * Fuzz, short form (in `npm test`): a few thousand generated requests that break the spec, for
 * every operation (see fuzz.ts for what is generated and the oracle). The long form runs in
 * `npm run soak` (FUZZ_REQUESTS, default there 40,000). RELIABILITY_SEED replays a run.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { listOperations } from '../../src/http/openapi-document.js';
import { generateRecipes, runFuzz, startFuzzServer, type FuzzServer } from './fuzz.js';
import { seedFor } from './support.js';

const COUNT = Number(process.env.FUZZ_REQUESTS ?? 3000);
const HEAP_GROWTH_LIMIT = 24 * 2 ** 20;
/** Time allowed for sending: generous, the machine may be shared. */
const MAX_MS = Math.max(240_000, COUNT * 25);
let server: FuzzServer;

beforeAll(async () => { server = await startFuzzServer(); }, 60_000);
afterAll(async () => { await server?.child.stop(); });

describe('fuzz', () => {
  it('covers every operation of the spec', () => {
    const ops = listOperations();
    const hit = new Set(generateRecipes(1, Math.min(COUNT, 3000)).map((r) => r.op.operationId));
    expect(ops.filter((op) => !hit.has(op.operationId)).map((op) => op.operationId)).toEqual([]);
  });

  it(`${COUNT} requests that break the spec get documented statuses, no 5xx; the server stays up and its heap returns near its baseline`, async () => {
    const seed = seedFor('fuzz');
    const report = await runFuzz(server, seed, COUNT, { concurrency: 8, maxMs: MAX_MS });
    const mb = (n: number) => (n / 2 ** 20).toFixed(1);
    console.log(`[fuzz] seed ${seed}: ${report.sent} requests in ${report.seconds.toFixed(1)} s; statuses ${JSON.stringify(report.byStatus)}; `
      + `heap after GC ${mb(report.heapBaseline)} MB after the warm-up, ${mb(report.heapAfter)} MB at the end`);
    const classes = Object.entries(report.byClass).sort(([a], [b]) => a.localeCompare(b));
    console.log(`[fuzz] per class (requests / 5xx): ${classes.map(([k, v]) => `${k} ${v.sent}/${v.fiveXx}`).join(', ')}`);
    expect(classes.filter(([, v]) => v.fiveXx > 0).map(([k]) => k)).toEqual([]);
    expect(report.failures.slice(0, 20), `${report.failures.length} failures (seed ${seed})`).toEqual([]);
    expect(report.sent).toBe(COUNT);
    expect(server.child.alive()).toBe(true);
    const health = await fetch(`${server.world.base}/__flowmock/health`);
    expect(health.status).toBe(200);
    expect(report.heapAfter - report.heapBaseline, 'heap growth after GC').toBeLessThan(HEAP_GROWTH_LIMIT);
  }, MAX_MS + 60_000);
});
