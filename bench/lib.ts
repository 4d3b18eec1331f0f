/**
 * Helpers for the benchmark: child processes on loopback (the reference server as a user runs
 * it, the bare Express baseline), RSS sampling from /proc, and an autocannon wrapper that
 * returns the few numbers the report needs; the sections of latest.md and latest.json that
 * workloads 5 to 10 write on their own.
 */
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import autocannon, { type Request as CannonRequest } from 'autocannon';
import { memoryOf } from '../test/reliability/support.js';
import { ROOT, launch, spawnFlowmock, type Launched } from '../test/support/process.js';

export { ROOT, memoryOf };
export const BENCH_ADMIN_KEY = 'bench-admin-key-0123456789abcdefghijklmnopqrstuv';
export type Child = Launched;
export type { CannonRequest };

/** `flowmock serve` as a user runs it: file-backed SQLite, auth and request validation on, response validation off. */
export function startFlowmock(opts: { db: string; speed?: number; maxConcurrent?: number; logLevel?: string; nodeArgs?: string[]; extraArgs?: string[] }): Promise<Child> {
  return spawnFlowmock({ ...opts, adminKey: BENCH_ADMIN_KEY });
}

/** One answer of the bare Express baseline: the route (an Express path), and the status, headers and bytes it sends. */
export interface BareRoute { method: 'GET' | 'POST'; path: string; status: number; headers: Record<string, string>; body: Buffer }

/**
 * The bare Express baseline (bench/bare-server.ts), answering with the given bodies (workloads 1
 * and 2) and `routes` (the later workloads; written to a file in `dir`, the bytes as base64).
 */
export function startBare(bodies: { progress: string; envelope: string }, routes: BareRoute[] = [], dir?: string): Promise<Child> {
  const env: Record<string, string> = { BARE_PROGRESS: bodies.progress, BARE_ENVELOPE: bodies.envelope };
  if (routes.length) {
    if (!dir) throw new Error('startBare: routes need a folder for their file');
    const file = path.join(dir, `bare-routes-${process.pid}-${Date.now()}.json`);
    writeFileSync(file, JSON.stringify(routes.map((r) => ({ ...r, body: r.body.toString('base64') }))));
    env.BARE_ROUTES_FILE = file;
  }
  return launch(process.execPath, ['--import', 'tsx', path.join(ROOT, 'bench', 'bare-server.ts')],
    { ready: /bare listening on (http:\/\/127\.0\.0\.1:\d+)/, env, timeoutMs: 30_000 });
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
  /** A sequence of requests each connection runs in turn (autocannon's `requests`), instead of one. */
  requests?: CannonRequest[];
  connections: number; duration: number; warmup: number;
  /** Called between the warm-up and the measured run (e.g. to read the server's CPU time). */
  onMeasureStart?: () => void;
}): Promise<CannonResult> {
  const common = {
    url: opts.url, method: opts.method ?? 'GET', headers: opts.headers, body: opts.body, connections: opts.connections,
    ...(opts.requests ? { requests: opts.requests } : {}),
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

/** Workloads that write their own section of latest.md (between markers) and their own key of latest.json. */
const SECTION_KEYS = {
  5: 'replicaHttp', 6: 'coldStart', 7: 'executionList', 8: 'asyncTrigger', 9: 'documentDownload', 10: 'resourceList',
} as const;
export type SectionWorkload = keyof typeof SECTION_KEYS;
const sectionPattern = (n: number) => new RegExp(`<!-- bench:workload-${n} -->[\\s\\S]*?<!-- /bench:workload-${n} -->\\n?`);

/**
 * Writes workload `n`'s markdown (which starts and ends with its markers) into latest.md in place
 * of an earlier one, or after what is there, and `value` under its key of latest.json: the other
 * workloads' results stay as they are.
 */
export function saveSection(outDir: string, n: SectionWorkload, md: string, value: unknown): string {
  mkdirSync(outDir, { recursive: true });
  const mdFile = path.join(outDir, 'latest.md');
  const before = existsSync(mdFile) ? readFileSync(mdFile, 'utf8') : '';
  const section = sectionPattern(n);
  writeFileSync(mdFile, section.test(before) ? before.replace(section, md) : `${before.replace(/\n*$/, '\n\n')}${md}`);
  const jsonFile = path.join(outDir, 'latest.json');
  const json = existsSync(jsonFile) ? JSON.parse(readFileSync(jsonFile, 'utf8')) as Record<string, unknown> : {};
  writeFileSync(jsonFile, JSON.stringify({ ...json, [SECTION_KEYS[n]]: value }, null, 2) + '\n');
  return md;
}

/** The sections of workloads 5 to 10 already in latest.md / latest.json, for a run of workloads 1-4 to keep. */
export function keptSections(outDir: string): { md: string[]; json: Record<string, unknown> } {
  const mdFile = path.join(outDir, 'latest.md');
  const jsonFile = path.join(outDir, 'latest.json');
  const md = existsSync(mdFile) ? readFileSync(mdFile, 'utf8') : '';
  const json = existsSync(jsonFile) ? JSON.parse(readFileSync(jsonFile, 'utf8')) as Record<string, unknown> : {};
  return {
    md: Object.keys(SECTION_KEYS).map((n) => sectionPattern(Number(n)).exec(md)?.[0]).filter((s): s is string => !!s),
    json: Object.fromEntries(Object.values(SECTION_KEYS).filter((k) => k in json).map((k) => [k, json[k]])),
  };
}
