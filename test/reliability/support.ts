/**
 * Helpers for the reliability tests (and the benchmark): `flowmock serve` as a child process on
 * loopback, a bounded pool of concurrent request loops, latency percentiles, and the spec's
 * documented statuses per operation.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { listOperations, type OperationSpec } from '../../src/http/openapi-document.js';

export const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..');
export const BIN = path.join(ROOT, 'bin', 'flowmock.js');
export const RELIABILITY_ADMIN_KEY = 'reliability-admin-key-0123456789abcdefghijklmnop';

/** Statuses any operation may answer: unknown path, method, body over the limit, media type. */
export const SERVER_WIDE_STATUSES = new Set([404, 405, 413, 415]);

export interface ServerChild {
  child: ChildProcess;
  pid: number;
  base: string;
  output(): string;
  /** SIGTERM (SIGKILL after 5 s); resolves with the exit code once the process has exited. */
  stop(): Promise<number | null>;
  /** SIGKILL, no clean-up at all; resolves once the process has exited. */
  kill9(): Promise<void>;
  alive(): boolean;
}

/** Spawns a process and waits until its output matches `ready`, whose first group is the base URL. */
export async function spawnUntil(cmd: string, args: string[], ready: RegExp, opts: { env?: NodeJS.ProcessEnv; timeoutMs?: number } = {}): Promise<ServerChild> {
  const child = spawn(cmd, args, { cwd: ROOT, env: { ...process.env, ...opts.env }, stdio: ['pipe', 'pipe', 'pipe'] });
  let out = '';
  const keep = (d: Buffer) => {
    out += d;
    if (out.length > 400_000) out = out.slice(-200_000);
  };
  child.stdout!.on('data', keep);
  child.stderr!.on('data', keep);
  const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
  const alive = () => child.exitCode === null && child.signalCode === null;
  const stop = async () => {
    if (alive()) {
      const kill = setTimeout(() => child.kill('SIGKILL'), 5000);
      child.kill('SIGTERM');
      const code = await exited;
      clearTimeout(kill);
      return code;
    }
    return child.exitCode;
  };
  const kill9 = async () => {
    if (alive()) {
      child.kill('SIGKILL');
      await exited;
    }
  };
  const deadline = Date.now() + (opts.timeoutMs ?? 30_000);
  while (Date.now() < deadline) {
    const m = ready.exec(out);
    if (m) return { child, pid: child.pid!, base: m[1], output: () => out, stop, kill9, alive };
    if (!alive()) throw new Error(`${args.join(' ')} exited early (${child.exitCode ?? child.signalCode}):\n${out}`);
    await new Promise((r) => setTimeout(r, 50));
  }
  await stop();
  throw new Error(`${cmd} ${args.join(' ')} did not start within ${opts.timeoutMs ?? 30_000} ms:\n${out}`);
}

/** `flowmock serve` as a user runs it (auth and request validation on), on a free loopback port. */
export function spawnFlowmock(opts: {
  db: string; speed?: number; maxConcurrent?: number; logLevel?: string; adminKey?: string;
  validateResponses?: boolean; nodeArgs?: string[]; extraArgs?: string[];
}): Promise<ServerChild> {
  const args = [
    ...(opts.nodeArgs ?? []), BIN, 'serve', '--port', '0', '--host', '127.0.0.1', '--db', opts.db,
    '--log-level', opts.logLevel ?? 'warn', '--admin-key', opts.adminKey ?? RELIABILITY_ADMIN_KEY,
    '--speed', String(opts.speed ?? 0), '--max-concurrent', String(opts.maxConcurrent ?? 4),
    ...(opts.validateResponses ? ['--validate-responses'] : []), ...(opts.extraArgs ?? []),
  ];
  // The start-up banner is one write, ending with an empty line.
  return spawnUntil(process.execPath, args, /listening on (http:\/\/127\.0\.0\.1:\d+)[\s\S]*\n\n/);
}

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
