/**
 * Helpers for the reliability tests (and the benchmark): (`flowmock serve` as a child process is
 * test/support/process.ts) a bounded pool of concurrent request loops, latency percentiles, and the spec's
 * documented statuses per operation.
 */
import { readFileSync } from 'node:fs';
import { listOperations, type OperationSpec } from '../../src/http/openapi-document.js';

export { ROOT, BIN, RELIABILITY_ADMIN_KEY } from '../support/process.js';

/** Statuses any operation may answer: unknown path, method, body over the limit, media type. */
export const SERVER_WIDE_STATUSES = new Set([404, 405, 413, 415]);

/** VmRSS / VmHWM of a process in bytes (Linux); null elsewhere. */
export function memoryOf(pid: number): { rss: number; hwm: number } | null {
  try {
    const status = readFileSync(`/proc/${pid}/status`, 'utf8');
    const kb = (name: string) => Number(new RegExp(`^${name}:\\s+(\\d+) kB`, 'm').exec(status)?.[1] ?? NaN) * 1024;
    return { rss: kb('VmRSS'), hwm: kb('VmHWM') };
  } catch {
    return null;
  }
}

/**
 * Runs `worker` in `concurrency` loops until `count` calls have been started or `deadline`
 * (epoch ms) has passed, whichever comes first. Returns the number of calls made.
 */
export async function pool(concurrency: number, limits: { count?: number; deadline?: number }, worker: (i: number) => Promise<void>): Promise<number> {
  let started = 0;
  const more = () => (limits.count === undefined || started < limits.count) && (limits.deadline === undefined || Date.now() < limits.deadline);
  await Promise.all(Array.from({ length: concurrency }, async () => {
    while (more()) await worker(started++);
  }));
  return started;
}

export function percentile(sorted: number[], p: number): number {
  if (!sorted.length) return NaN;
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))];
}

/** operationId → documented statuses (numbers). */
export function documentedStatuses(ops: OperationSpec[] = listOperations()): Map<string, Set<number>> {
  return new Map(ops.map((op) => [op.operationId, new Set([...op.responses.keys()].map(Number))]));
}

/** A small seeded PRNG (mulberry32), for reproducible traffic mixes. */
export function prng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** The seed a test uses: RELIABILITY_SEED when set, else a fresh one; printed so a failure can be replayed. */
export function seedFor(name: string): number {
  const seed = process.env.RELIABILITY_SEED ? Number(process.env.RELIABILITY_SEED) : Math.floor(Math.random() * 2 ** 31);
  console.log(`[${name}] seed ${seed} (replay with RELIABILITY_SEED=${seed})`);
  return seed;
}
