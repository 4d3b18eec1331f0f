/**
 * Helpers for the benchmark: child processes on loopback (the reference server as a user runs
 * it, the bare Express baseline), RSS sampling from /proc, and an autocannon wrapper that
 * returns the few numbers the report needs.
 */
import path from 'node:path';
import autocannon from 'autocannon';
import { memoryOf } from '../test/reliability/support.js';
import { ROOT, launch, spawnFlowmock, type Launched } from '../test/support/process.js';

export { ROOT, memoryOf };
export const BENCH_ADMIN_KEY = 'bench-admin-key-0123456789abcdefghijklmnopqrstuv';
export type Child = Launched;

/** `flowmock serve` as a user runs it: file-backed SQLite, auth and request validation on, response validation off. */
export function startFlowmock(opts: { db: string; speed?: number; maxConcurrent?: number; logLevel?: string; nodeArgs?: string[] }): Promise<Child> {
  return spawnFlowmock({ ...opts, adminKey: BENCH_ADMIN_KEY });
}

/** The bare Express baseline (bench/bare-server.ts), answering with the given bodies. */
export function startBare(bodies: { progress: string; envelope: string }): Promise<Child> {
  return launch(process.execPath, ['--import', 'tsx', path.join(ROOT, 'bench', 'bare-server.ts')],
    { ready: /bare listening on (http:\/\/127\.0\.0\.1:\d+)/, env: { BARE_PROGRESS: bodies.progress, BARE_ENVELOPE: bodies.envelope }, timeoutMs: 30_000 });
}

/** Samples a process's RSS every `everyMs` until stopped; `hwm` is the kernel's peak (VmHWM). */
export function sampleRss(pid: number, everyMs = 100) {
  let max = 0;
  const tick = () => { const m = memoryOf(pid); if (m && m.rss > max) max = m.rss; };
  tick();
  const timer = setInterval(tick, everyMs);
  return {
    stop(): { sampledMaxRss: number; hwm: number } {
      clearInterval(timer);
      tick();
      return { sampledMaxRss: max, hwm: memoryOf(pid)?.hwm ?? NaN };
    },
  };
}

export interface CannonResult {
  rps: number;
  p50: number;
  p99: number;
  requests: number;
  non2xx: number;
  errors: number;
  statusCodes: Record<string, number>;
}

export async function cannon(opts: {
  url: string; method?: 'GET' | 'POST'; headers?: Record<string, string>; body?: string;
  connections: number; duration: number; warmup: number;
  /** Called between the warm-up and the measured run (e.g. to read the server's CPU time). */
  onMeasureStart?: () => void;
}): Promise<CannonResult> {
  const common = {
    url: opts.url, method: opts.method ?? 'GET', headers: opts.headers, body: opts.body, connections: opts.connections,
  };
  // Warm-up on its own run, so JIT, statement caches and connection set-up are out of the figures.
  if (opts.warmup > 0) await autocannon({ ...common, duration: opts.warmup });
  opts.onMeasureStart?.();
  const r = await autocannon({ ...common, duration: opts.duration });
  const statusCodes: Record<string, number> = {};
  for (const [code, v] of Object.entries(r.statusCodeStats ?? {})) statusCodes[code] = Number((v as { count: number }).count);
  return {
    rps: r.requests.average,
    p50: r.latency.p50,
    p99: r.latency.p99,
    requests: r.requests.total,
    non2xx: r.non2xx,
    errors: r.errors,
    statusCodes,
  };
}
