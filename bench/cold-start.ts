/**
 * Workload 6 of `npm run bench` (issue 17): cold start and idle memory, flowmock beside Prism's mock.
 *
 *   - cold start: from spawning the process to the first answered GET /__flowmock/health (any
 *     HTTP answer counts; polled every 5 ms), `starts` times, median shown. flowmock runs compiled
 *     (dist/, `npm run build`) as `flowmock serve` with a new SQLite file each time; Prism as
 *     `prism mock generated/openapi.yaml`. Beside the wall time: the user + system CPU time the
 *     process used until that answer (less sensitive to other load on the machine than wall time).
 *   - RSS at the first answer, and idle RSS after `idleMs` without requests (the server's own
 *     timers and garbage collection have settled; nothing forces a GC from outside).
 *   - `--help`: wall time of `flowmock --help` (the compiled CLI) and `prism --help`, median.
 * Starts alternate between flowmock and Prism, so that load from other work falls on both alike;
 * the 1-minute load average is recorded with each sample and its median shown beside each figure.
 */
import { spawn, spawnSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { freePort } from '../test/support/prism.js';
import { ROOT, memoryOf, saveSection } from './lib.js';

const COMPILED_CLI = path.join(ROOT, 'dist', 'server', 'src', 'cli', 'main.js');
const PRISM = path.join(ROOT, 'node_modules', '.bin', 'prism');

export interface StartSample { wallMs: number; cpuMs: number; rssMb: number; idleRssMb: number; load: number }
export interface HelpSample { wallMs: number; cpuMs: number; load: number }
export interface ColdStartTarget { name: 'flowmock' | 'Prism mock'; starts: StartSample[]; help: HelpSample[] }
export interface ColdStartResult { starts: number; idleMs: number; targets: ColdStartTarget[] }

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
const load1 = () => os.loadavg()[0];

/** utime + stime of a process in ms (Linux /proc). */
function cpuMsOf(pid: number): number {
  const fields = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1].split(' ');
  return (Number(fields[11]) + Number(fields[12])) * 10; // USER_HZ 100
}

async function oneStart(cmd: string, args: (port: number) => string[], idleMs: number): Promise<StartSample> {
  const port = await freePort();
  const t0 = performance.now();
  const child = spawn(cmd, args(port), { cwd: ROOT, stdio: ['ignore', 'ignore', 'pipe'] });
  let stderr = '';
  child.stderr!.on('data', (d) => { stderr += String(d); });
  const exited = new Promise<void>((r) => child.once('exit', () => r()));
  try {
    const deadline = Date.now() + 60_000;
    for (;;) {
      if (child.exitCode !== null) throw new Error(`${cmd} exited before answering: ${stderr.slice(0, 500)}`);
      if (Date.now() > deadline) throw new Error(`${cmd} did not answer within 60 s`);
      try {
        const res = await fetch(`http://127.0.0.1:${port}/__flowmock/health`);
        await res.arrayBuffer();
        break; // any answer: the server is up and answering
      } catch {
        await sleep(5);
      }
    }
    const wallMs = performance.now() - t0;
    const cpuMs = cpuMsOf(child.pid!);
    const rssMb = (memoryOf(child.pid!)?.rss ?? NaN) / 2 ** 20;
    const load = load1();
    await sleep(idleMs);
    const idleRssMb = (memoryOf(child.pid!)?.rss ?? NaN) / 2 ** 20;
    return { wallMs, cpuMs, rssMb, idleRssMb, load };
  } finally {
    child.kill('SIGTERM');
    const killer = setTimeout(() => child.kill('SIGKILL'), 5000);
    await exited;
    clearTimeout(killer);
  }
}

/** One `--help` run: wall time; its CPU is what getrusage(RUSAGE_CHILDREN) grew by (helpOf). */
function oneHelp(cmd: string, args: string[]): { wallMs: number; load: number } {
  const load = load1();
  const t0 = performance.now();
  const r = spawnSync(cmd, args, { cwd: ROOT, stdio: ['ignore', 'pipe', 'pipe'] });
  const wallMs = performance.now() - t0;
  if (r.status !== 0) throw new Error(`${cmd} ${args.join(' ')} exited ${r.status}: ${String(r.stderr).slice(0, 300)}`);
  return { wallMs, load };
}

/** CPU time (user + system, ms) of this process's waited-for children so far, from /proc/self/stat (cutime, cstime). */
function childrenCpuMs(): number {
  const fields = readFileSync('/proc/self/stat', 'utf8').split(') ')[1].split(' ');
  return (Number(fields[13]) + Number(fields[14])) * 10;
}

export async function coldStartWorkload(tmp: string, opts: { starts: number; idleMs: number; prism: boolean; log: (...a: unknown[]) => void }): Promise<ColdStartResult> {
  if (!existsSync(COMPILED_CLI)) throw new Error(`workload 6 measures the compiled server: ${path.relative(ROOT, COMPILED_CLI)} is missing; run \`npm run build\` first`);
  const flowmock: ColdStartTarget = { name: 'flowmock', starts: [], help: [] };
  const prism: ColdStartTarget = { name: 'Prism mock', starts: [], help: [] };
  for (let i = 0; i < opts.starts; i++) {
    const db = path.join(tmp, `cold-${i}.db`);
    const f = await oneStart(process.execPath, (port) => [COMPILED_CLI, 'serve', '--port', String(port), '--host', '127.0.0.1', '--db', db, '--log-level', 'warn'], opts.idleMs);
    flowmock.starts.push(f);
    opts.log(`workload 6: start ${i + 1}/${opts.starts}: flowmock ${f.wallMs.toFixed(0)} ms (CPU ${f.cpuMs} ms), RSS ${f.rssMb.toFixed(0)} MB, idle ${f.idleRssMb.toFixed(0)} MB, load ${f.load.toFixed(2)}`);
    if (opts.prism) {
      const p = await oneStart(PRISM, (port) => ['mock', 'generated/openapi.yaml', '--port', String(port), '--host', '127.0.0.1'], opts.idleMs);
      prism.starts.push(p);
      opts.log(`  Prism ${p.wallMs.toFixed(0)} ms (CPU ${p.cpuMs} ms), RSS ${p.rssMb.toFixed(0)} MB, idle ${p.idleRssMb.toFixed(0)} MB, load ${p.load.toFixed(2)}`);
    }
  }
  for (let i = 0; i < opts.starts; i++) {
    flowmock.help.push(helpOf(process.execPath, [COMPILED_CLI, '--help']));
    if (opts.prism) prism.help.push(helpOf(PRISM, ['--help']));
  }
  return { starts: opts.starts, idleMs: opts.idleMs, targets: opts.prism ? [flowmock, prism] : [flowmock] };
}

function helpOf(cmd: string, args: string[]): HelpSample {
  const before = childrenCpuMs();
  const s = oneHelp(cmd, args);
  return { ...s, cpuMs: childrenCpuMs() - before };
}

const median = (xs: number[]) => { const s = [...xs].sort((a, b) => a - b); const m = s.length >> 1; return s.length % 2 ? s[m] : (s[m - 1] + s[m]) / 2; };

export function summariseColdStart(r: ColdStartResult) {
  const of = (t: ColdStartTarget) => ({
    name: t.name,
    startMs: median(t.starts.map((s) => s.wallMs)),
    startCpuMs: median(t.starts.map((s) => s.cpuMs)),
    rssMb: median(t.starts.map((s) => s.rssMb)),
    idleRssMb: median(t.starts.map((s) => s.idleRssMb)),
    startLoad: median(t.starts.map((s) => s.load)),
    helpMs: median(t.help.map((s) => s.wallMs)),
    helpCpuMs: median(t.help.map((s) => s.cpuMs)),
    helpLoad: median(t.help.map((s) => s.load)),
  });
  return r.targets.map(of);
}

export function coldStartMarkdown(r: ColdStartResult): string[] {
  const rows = summariseColdStart(r);
  const ok = (b: boolean) => (b ? 'met' : 'NOT met');
  const f0 = (n: number) => n.toFixed(0);
  const lines = [
    '<!-- bench:workload-6 -->',
    `6. Cold start and idle memory (issue 17), median of ${r.starts} starts each, flowmock and Prism alternating; flowmock compiled (dist/, \`flowmock serve\`, a new SQLite file each start), Prism as \`prism mock generated/openapi.yaml\`. `
      + 'Start: from spawning the process to the first answered GET /__flowmock/health; CPU is the user + system time of the process until then (less load-sensitive than wall time). '
      + `Idle RSS: ${(r.idleMs / 1000).toFixed(0)} s after that answer, no requests. Load: the 1-minute load average at the samples (median).`,
    '',
    '| server | start (target < 400 ms) | start CPU | RSS at first answer | idle RSS (target < 80 MB) | load | `--help` (target < 300 ms) | `--help` CPU | load |',
    '|---|---:|---:|---:|---:|---:|---:|---:|---:|',
  ];
  for (const s of rows) {
    const mine = s.name === 'flowmock';
    const mark = (b: boolean) => (mine ? ` (${ok(b)})` : '');
    lines.push(`| ${s.name} | ${f0(s.startMs)} ms${mark(s.startMs < 400)} | ${f0(s.startCpuMs)} ms | ${f0(s.rssMb)} MB | ${f0(s.idleRssMb)} MB${mark(s.idleRssMb < 80)} | ${s.startLoad.toFixed(2)} | `
      + `${f0(s.helpMs)} ms${mark(s.helpMs < 300)} | ${f0(s.helpCpuMs)} ms | ${s.helpLoad.toFixed(2)} |`);
  }
  const [fm, pr] = rows;
  if (pr) {
    lines.push('', `flowmock / Prism: start × ${(fm.startMs / pr.startMs).toFixed(2)} by wall time, × ${(fm.startCpuMs / pr.startCpuMs).toFixed(2)} by CPU; `
      + `idle RSS × ${(fm.idleRssMb / pr.idleRssMb).toFixed(2)}; \`--help\` × ${(fm.helpMs / pr.helpMs).toFixed(2)} (below 1: flowmock is faster or smaller).`);
  }
  lines.push('<!-- /bench:workload-6 -->', '');
  return lines;
}

/** Writes workload 6's section into latest.md (replacing an earlier one) and its figures into latest.json. */
export function saveColdStart(outDir: string, res: ColdStartResult): string {
  return saveSection(outDir, 6, coldStartMarkdown(res).join('\n'), { summary: summariseColdStart(res), raw: res });
}
