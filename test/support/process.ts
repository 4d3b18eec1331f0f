/**
 * The one process launcher of the tests (and the benchmark): spawns a command (`flowmock serve`,
 * `prism`, `npx flowmock` …), collects its output, waits until the output shows it is ready, and
 * stops it. Every process launched here is also stopped by `stopLaunched()`, which the test setup
 * (test/support/setup.ts) calls after each file, so a failing test leaves no process behind.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { HANG_LIMIT_MS, waitFor } from './wait.js';

export const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..');
export const BIN = path.join(ROOT, 'bin', 'flowmock.js');

export interface Launched {
  child: ChildProcess;
  pid: number;
  /** The ready pattern's first group (a base URL for the servers), or '' when it has none. */
  base: string;
  /** Everything the process wrote to stdout and stderr so far (the last 200 kB of a long run). */
  output(): string;
  /** SIGTERM (SIGKILL after `killAfterMs`, default 5 s); resolves with the exit code once the process has exited. */
  stop(): Promise<number | null>;
  /** SIGKILL, no clean-up at all; resolves once the process has exited. */
  kill9(): Promise<void>;
  alive(): boolean;
  exited: Promise<number | null>;
}

export interface LaunchOptions {
  cwd?: string;
  env?: NodeJS.ProcessEnv;
  /** Waits until the output matches (default: does not wait). */
  ready?: RegExp;
  /** Bound on the start-up (default HANG_LIMIT_MS; longer for npx and Prism). */
  timeoutMs?: number;
  /** Its own process group, stopped as a group (npx and the server it starts). */
  group?: boolean;
  killAfterMs?: number;
  /** stdin: 'pipe' to write to it (default 'ignore'). */
  stdin?: 'pipe' | 'ignore';
}

const launched = new Set<Launched>();

export async function launch(cmd: string, args: string[], opts: LaunchOptions = {}): Promise<Launched> {
  const child = spawn(cmd, args, {
    cwd: opts.cwd ?? ROOT, env: { ...process.env, ...opts.env }, stdio: [opts.stdin ?? 'ignore', 'pipe', 'pipe'], detached: opts.group ?? false,
  });
  let out = '';
  const keep = (d: Buffer): void => {
    out += d;
    if (out.length > 400_000) out = out.slice(-200_000);
  };
  child.stdout!.on('data', keep);
  child.stderr!.on('data', keep);
  const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
  const alive = (): boolean => child.exitCode === null && child.signalCode === null;
  const signal = (sig: NodeJS.Signals): void => {
    try {
      if (opts.group) process.kill(-child.pid!, sig);
      else child.kill(sig);
    } catch {
      // already gone
    }
  };
  const p: Launched = {
    child, pid: child.pid!, base: '', output: () => out, alive, exited,
    async stop() {
      launched.delete(p);
      if (alive()) {
        const kill = setTimeout(() => signal('SIGKILL'), opts.killAfterMs ?? 5000);
        signal('SIGTERM');
        const code = await exited;
        clearTimeout(kill);
        return code;
      }
      return child.exitCode;
    },
    async kill9() {
      launched.delete(p);
      if (alive()) {
        signal('SIGKILL');
        await exited;
      }
    },
  };
  launched.add(p);
  if (!opts.ready) return p;
  const ready = opts.ready;
  const timeoutMs = opts.timeoutMs ?? HANG_LIMIT_MS;
  try {
    const m = await waitFor(`${path.basename(cmd)} ${args.join(' ')} to be ready`, () => {
      const found = ready.exec(out);
      if (found) return found;
      if (!alive()) throw new Error(`${path.basename(cmd)} ${args.join(' ')} exited early (${child.exitCode ?? child.signalCode}):\n${out}`);
      return undefined;
    }, { timeoutMs, intervalMs: 50 });
    p.base = m[1] ?? '';
    return p;
  } catch (err) {
    await p.stop();
    throw err instanceof Error && /timed out/.test(err.message) ? new Error(`${err.message}\n${out}`) : err;
  }
}

/** Stops every process launched and not stopped yet (the setup file calls it after each test file). */
export async function stopLaunched(): Promise<void> {
  await Promise.all([...launched].map((p) => p.stop()));
}

/** The start-up banner of `flowmock serve` is one write, ending with an empty line. */
export const SERVE_READY = /listening on (http:\/\/127\.0\.0\.1:\d+)[\s\S]*\n\n/;

export const RELIABILITY_ADMIN_KEY = 'reliability-admin-key-0123456789abcdefghijklmnop';

/** `flowmock serve` as a user runs it (auth and request validation on), on a free loopback port. */
export function spawnFlowmock(opts: {
  db: string; speed?: number; maxConcurrent?: number; logLevel?: string; adminKey?: string;
  validateResponses?: boolean; nodeArgs?: string[]; extraArgs?: string[];
}): Promise<Launched> {
  const args = [
    ...(opts.nodeArgs ?? []), BIN, 'serve', '--port', '0', '--host', '127.0.0.1', '--db', opts.db,
    '--log-level', opts.logLevel ?? 'warn', '--admin-key', opts.adminKey ?? RELIABILITY_ADMIN_KEY,
    '--speed', String(opts.speed ?? 0), '--max-concurrent', String(opts.maxConcurrent ?? 4),
    ...(opts.validateResponses ? ['--validate-responses'] : []), ...(opts.extraArgs ?? []),
  ];
  return launch(process.execPath, args, { ready: SERVE_READY, timeoutMs: 30_000 });
}
