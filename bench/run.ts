/**
 * `npm run bench`: the reference server against Prism's mock and a bare Express app, on loopback.
 *
 *   1. GET progress of a finished execution (X-API-Key), 20 connections.
 *   2. Synchronous PhixFlow trigger of the 10-record echo actionflow (token), 20 connections.
 *   3. 1,000 starts of the invoice flow at speed 0, time until all are Success, peak RSS of the
 *      server process; once with ~1k and once with ~10k executions already stored.
 *   4. The execution life cycle through the store: SQLite, PostgreSQL with 1 replica, PostgreSQL
 *      with 3 replica processes sharing the queue (bench/store-workload.ts; a scratch database).
 *   5. HTTP through real servers: SQLite, PostgreSQL with 1 and with 3 replicas (progress polls, starts,
 *      the cross-replica long-poll wake-up; bench/replica-http-workload.ts; scratch databases).
 *   6. Cold start (spawn to the first answered GET /__flowmock/health, compiled dist/), `--help`,
 *      RSS at the first answer and idle, beside Prism's mock (bench/cold-start.ts; `npm run build` first).
 *   7-10. Throughput beside Prism's mock and bare Express (bench/throughput-workloads.ts): 7 the
 *      execution list with a filter, 100,000 stored; 8 async PhixFlow trigger + status poll; 9 the
 *      download of a ~100 KB PDF; 10 a resource-family list (templates) with a filter.
 *
 * Every server is a child process (the benchmark's own process runs autocannon), started here
 * and stopped here. Results: bench/results/latest.json and bench/results/latest.md.
 *
 * Options: --duration 10 --warmup 2 --connections 20 --workloads 1,2,3,4,6,7,8,9,10 (5: opt-in) --executions 1000
 *          --store-executions 1000 --store-loops 24
 *          --stored 1000,10000 --max-concurrent 100 --rounds 1 --targets reference,prism,bare
 *          --wake-tries 20 (workload 5) --starts 10 --idle-ms 5000 (workload 6) --list-stored 100000 --templates 1000 (7, 10) --cpu-prof (profiles of the reference server in <out>/prof, for `node --cpu-prof` viewers)
 */
import { copyFileSync, existsSync, mkdtempSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { randomUUID } from 'node:crypto';
import os from 'node:os';
import path from 'node:path';
import { parseArgs } from 'node:util';
import Database from 'better-sqlite3';
import { startPrism, type PrismProcess } from '../test/support/prism.js';
import { storeMarkdown, storeWorkload, type StoreRow } from './store-workload.js';
import { coldStartWorkload, saveColdStart } from './cold-start.js';
import { replicaHttpWorkload, saveReplicaHttp } from './replica-http-workload.js';
import { saveThroughput, throughputWorkloads } from './throughput-workloads.js';
import { BENCH_ADMIN_KEY, ROOT, cannon, keptSections, sampleRss, startBare, startFlowmock, type CannonResult, type Child } from './lib.js';

const INVOICE = '11111111-1111-4111-8111-111111111101';
const ECHO_PATH = '/phixflow/api/1/action/Demo/Echo%20and%20enrich/trigger';
const ECHO_BODY = JSON.stringify(Array.from({ length: 10 }, (_, i) => ({
  name: `Customer ${i + 1}`, email: `customer${i + 1}@example${i % 3}.com`, amount: 100 * (i + 1),
})));

const { values: opt } = parseArgs({
  options: {
    duration: { type: 'string', default: '10' },
    warmup: { type: 'string', default: '2' },
    connections: { type: 'string', default: '20' },
    workloads: { type: 'string', default: '1,2,3,4,6,7,8,9,10' },
    'list-stored': { type: 'string', default: '100000' },
    templates: { type: 'string', default: '1000' },
    starts: { type: 'string', default: '10' },
    'idle-ms': { type: 'string', default: '5000' },
    'store-executions': { type: 'string', default: '1000' },
    'store-loops': { type: 'string', default: '24' },
    executions: { type: 'string', default: '1000' },
    stored: { type: 'string', default: '1000,10000' },
    'max-concurrent': { type: 'string', default: '100' },
    rounds: { type: 'string', default: '1' },
    targets: { type: 'string', default: 'reference,prism,bare' },
    'cpu-prof': { type: 'boolean', default: false },
    'wake-tries': { type: 'string', default: '20' },
    out: { type: 'string', default: path.join(ROOT, 'bench', 'results') },
  },
});
const DURATION = Number(opt.duration);
const WARMUP = Number(opt.warmup);
const CONNECTIONS = Number(opt.connections);
const WORKLOADS = new Set(opt.workloads!.split(',').map(Number));
const EXECUTIONS = Number(opt.executions);
const STORED = opt.stored!.split(',').map(Number);
const MAX_CONCURRENT = Number(opt['max-concurrent']);
const ROUNDS = Number(opt.rounds);
const TARGETS = opt.targets!.split(',') as Array<'reference' | 'prism' | 'bare'>;
const PROF_DIR = path.join(opt.out!, 'prof');
const nodeArgs = opt['cpu-prof'] ? ['--cpu-prof', '--cpu-prof-dir', PROF_DIR] : [];

const log = (...a: unknown[]) => console.error('[bench]', ...a);
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
const adminHeaders = { 'X-API-Key': BENCH_ADMIN_KEY };

async function json(res: Response): Promise<any> {
  const text = await res.text();
  if (!res.ok) throw new Error(`${res.status} ${res.url}: ${text.slice(0, 500)}`);
  return JSON.parse(text);
}

async function post(base: string, p: string, body: unknown, headers: Record<string, string> = adminHeaders): Promise<any> {
  return json(await fetch(base + p, { method: 'POST', headers: { ...headers, 'Content-Type': 'application/json' }, body: JSON.stringify(body) }));
}

/** Starts one invoice execution and waits until it is Success; its id and progress body. */
async function finishedExecution(base: string): Promise<{ id: string; progress: string }> {
  const started = await json(await fetch(`${base}/api/v1/flows/executions/start?flow=${INVOICE}`, { method: 'POST', headers: adminHeaders }));
  const deadline = Date.now() + 30_000;
  while (Date.now() < deadline) {
    const res = await fetch(`${base}/api/v1/flows/executions/${started.id}/progress?timeout=5`, { headers: adminHeaders });
    const text = await res.text();
    if (JSON.parse(text).status === 'Success') return { id: started.id, progress: text };
  }
  throw new Error('the invoice execution did not finish');
}

// ------------------------------------------------------------------------------------------ 1 & 2

/** `cpuUsPerRequest`: user + system time of the server process during the run, per request answered. */
interface Row { workload: string; target: 'reference' | 'prism' | 'bare'; round: number; result: CannonResult; cpuUsPerRequest: number }

async function httpWorkloads(tmp: string): Promise<Row[]> {
  const rows: Row[] = [];
  let ref: Child | null = null;
  let prism: PrismProcess | null = null;
  let bare: Child | null = null;
  try {
    ref = await startFlowmock({ db: path.join(tmp, 'http.db'), speed: 0, nodeArgs });
    const { id, progress } = await finishedExecution(ref.base);
    const { token } = await post(ref.base, '/__flowmock/phixflow/tokens', { user: 'api-user' });
    const trig = await fetch(ref.base + ECHO_PATH, { method: 'POST', headers: { Authorization: `Bearer ${token}`, 'Content-Type': 'application/json' }, body: ECHO_BODY });
    const envelope = await trig.text();
    if (trig.status !== 200 || JSON.parse(envelope).data?.Customers?.length !== 10) throw new Error(`echo trigger: ${trig.status} ${envelope}`);
    if (TARGETS.includes('prism')) prism = await startPrism(['mock', 'generated/openapi.json']);
    if (TARGETS.includes('bare')) bare = await startBare({ progress, envelope });
    const targets = { reference: ref.base, prism: prism?.base, bare: bare?.base };
    const pids = { reference: ref.pid, prism: prism?.pid, bare: bare?.pid };

    const workloads = [
      {
        n: 1, name: 'GET progress (finished execution)',
        req: { method: 'GET' as const, path: `/api/v1/flows/executions/${id}/progress`, headers: adminHeaders, body: undefined },
      },
      {
        n: 2, name: 'POST sync trigger, 10 records',
        req: { method: 'POST' as const, path: ECHO_PATH, headers: { Authorization: `Bearer ${token}`, 'Content-Type': 'application/json' }, body: ECHO_BODY },
      },
    ];
    for (const w of workloads) {
      if (!WORKLOADS.has(w.n)) continue;
      for (let round = 1; round <= ROUNDS; round++) {
        // Interleaved, so that load from other work on the machine falls on all three alike.
        for (const target of TARGETS) {
          log(`workload ${w.n} (${w.name}), ${target}, round ${round}`);
          let cpu0 = NaN;
          const result = await cannon({
            url: targets[target]! + w.req.path, method: w.req.method, headers: w.req.headers, body: w.req.body,
            connections: CONNECTIONS, duration: DURATION, warmup: WARMUP, onMeasureStart: () => { cpu0 = cpuSecondsOf(pids[target]!); },
          });
          const cpuUsPerRequest = ((cpuSecondsOf(pids[target]!) - cpu0) * 1e6) / result.requests;
          log(`  ${Math.round(result.rps)} req/s, p50 ${result.p50} ms, p99 ${result.p99} ms, server CPU ${cpuUsPerRequest.toFixed(0)} µs/request, statuses ${JSON.stringify(result.statusCodes)}, errors ${result.errors}`);
          rows.push({ workload: `${w.n}. ${w.name}`, target, round, result, cpuUsPerRequest });
        }
      }
    }
  } finally {
    await Promise.all([ref?.stop(), prism?.stop(), bare?.stop()]);
  }
  return rows;
}

// ------------------------------------------------------------------------------------------ 3

/** Fills the database up to `total` executions, copies of a finished one (with its document). */
function fillExecutions(dbFile: string, total: number): void {
  const db = new Database(dbFile);
  try {
    const have = db.prepare('SELECT COUNT(*) FROM executions').pluck().get() as number;
    const tpl = db.prepare(`SELECT * FROM executions WHERE status = 'Success' ORDER BY created_at LIMIT 1`).get() as Record<string, any>;
    const docs = db.prepare('SELECT * FROM documents WHERE execution_id = ?').all(tpl.id) as Array<Record<string, any>>;
    // Every column of the row, whatever the schema version: copies differ in ids and times only.
    const insertAll = (table: string) => {
      const cols = (db.prepare(`PRAGMA table_info(${table})`).all() as Array<{ name: string }>).map((c) => c.name);
      return db.prepare(`INSERT INTO ${table} (${cols.join(', ')}) VALUES (${cols.map((c) => `@${c}`).join(', ')})`);
    };
    const insExec = insertAll('executions');
    const insDoc = insertAll('documents');
    const base = Date.parse(tpl.created_at);
    db.transaction(() => {
      for (let i = have; i < total; i++) {
        const id = randomUUID();
        const at = new Date(base - (i + 1) * 1000).toISOString();
        // Ids appear in the JSON columns (data, and progress from schema version 3 on).
        const json = Object.fromEntries(['data', 'progress'].filter((c) => typeof tpl[c] === 'string').map((c) => [c, tpl[c].replaceAll(tpl.id, id) as string]));
        const newDocs = docs.map((d) => ({ ...d, id: randomUUID(), execution_id: id, created_at: at }));
        docs.forEach((d, k) => { for (const c in json) json[c] = json[c].replaceAll(d.id, newDocs[k].id); });
        insExec.run({ ...tpl, id, created_at: at, modified_at: at, ...json });
        for (const d of newDocs) insDoc.run(d);
      }
    })();
  } finally {
    db.close();
  }
}

interface ExecPhase {
  stored: number;
  round: number;
  /** CPU time (user + system, all threads) of the server process during the phase. */
  cpuSeconds: number;
  cpuMsPerExecution: number;
  executions: number;
  startSeconds: number;
  doneSeconds: number;
  msPerExecution: number;
  startStatuses: Record<string, number>;
  peakRssMb: number;
  sampledMaxRssMb: number;
  finalStatuses: Record<string, number>;
}

/** utime + stime of a process in seconds (Linux /proc; NaN elsewhere). */
function cpuSecondsOf(pid: number): number {
  try {
    const fields = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1].split(' ');
    return (Number(fields[11]) + Number(fields[12])) / 100; // fields 14 and 15 of stat, in USER_HZ (100)
  } catch {
    return NaN;
  }
}

async function executionPhase(dbFile: string, stored: number, round: number): Promise<ExecPhase> {
  const server = await startFlowmock({ db: dbFile, speed: 0, maxConcurrent: MAX_CONCURRENT, nodeArgs });
  const rss = sampleRss(server.pid);
  try {
    // A few starts first, so the timed run does not include first-use compilation.
    for (let i = 0; i < 5; i++) await finishedExecution(server.base);
    await sleep(200);
    const since = new Date().toISOString();
    const cpu0 = cpuSecondsOf(server.pid);
    const t0 = performance.now();
    const startStatuses: Record<string, number> = {};
    let next = 0;
    await Promise.all(Array.from({ length: CONNECTIONS }, async () => {
      while (next < EXECUTIONS) {
        next++;
        const res = await fetch(`${server.base}/api/v1/flows/executions/start?flow=${INVOICE}`, { method: 'POST', headers: adminHeaders });
        await res.arrayBuffer();
        startStatuses[res.status] = (startStatuses[res.status] ?? 0) + 1;
      }
    }));
    const startSeconds = (performance.now() - t0) / 1000;
    const filter = { group: { type: 'and', nodes: [{ condition: { key: 'createdAt', operator: 'greaterThanOrEqualTo', values: [since] } }] } };
    let perStatus: Record<string, number> = {};
    const deadline = Date.now() + 180_000;
    while (Date.now() < deadline) {
      // The vendor's Statistics: counts per status inside each period of perTime.
      perStatus = {};
      for (const t of (await post(server.base, '/api/v1/flows/executions/statistics', filter)).perTime ?? []) {
        for (const p of t.perStatus ?? []) perStatus[p.status] = (perStatus[p.status] ?? 0) + p.count;
      }
      if ((perStatus.Success ?? 0) >= EXECUTIONS) break;
      await sleep(50);
    }
    const doneSeconds = (performance.now() - t0) / 1000;
    const cpuSeconds = cpuSecondsOf(server.pid) - cpu0;
    const mem = rss.stop();
    return {
      stored, round, cpuSeconds, cpuMsPerExecution: (cpuSeconds * 1000) / EXECUTIONS, executions: EXECUTIONS, startSeconds, doneSeconds, msPerExecution: (doneSeconds * 1000) / EXECUTIONS, startStatuses,
      peakRssMb: Math.max(mem.hwm, mem.sampledMaxRss) / 2 ** 20, sampledMaxRssMb: mem.sampledMaxRss / 2 ** 20, finalStatuses: perStatus,
    };
  } finally {
    rss.stop();
    await server.stop();
  }
}

async function executionWorkload(tmp: string): Promise<ExecPhase[]> {
  // One real execution to copy from, then one database per size, filled with copies of it.
  const template = path.join(tmp, 'template.db');
  const first = await startFlowmock({ db: template, speed: 0 });
  try { await finishedExecution(first.base); } finally { await first.stop(); }
  if (existsSync(`${template}-wal`)) throw new Error('the template database was not checkpointed on close');
  const dbs = STORED.map((stored) => {
    const file = path.join(tmp, `executions-${stored}.db`);
    copyFileSync(template, file);
    // The database's key file goes with it (the server refuses a database without its secrets).
    if (existsSync(`${template}.secrets`)) copyFileSync(`${template}.secrets`, `${file}.secrets`);
    fillExecutions(file, stored);
    return { stored, file };
  });
  const phases: ExecPhase[] = [];
  // Rounds alternate between the sizes, so that load from other work falls on both alike.
  for (let round = 1; round <= ROUNDS; round++) {
    for (const { stored, file } of dbs) {
      log(`workload 3: ${EXECUTIONS} executions with ~${stored} stored, round ${round}`);
      const phase = await executionPhase(file, stored, round);
      log(`  starts ${phase.startSeconds.toFixed(2)} s, all Success ${phase.doneSeconds.toFixed(2)} s, ${phase.msPerExecution.toFixed(2)} ms/execution, `
        + `server CPU ${phase.cpuMsPerExecution.toFixed(2)} ms/execution, peak RSS ${phase.peakRssMb.toFixed(0)} MB, ${JSON.stringify(phase.finalStatuses)}`);
      phases.push(phase);
    }
  }
  return phases;
}

// ------------------------------------------------------------------------------------------ report

const median = (xs: number[]) => { const s = [...xs].sort((a, b) => a - b); const m = s.length >> 1; return s.length % 2 ? s[m] : (s[m - 1] + s[m]) / 2; };

function summarise(rows: Row[]) {
  const byWorkload = new Map<string, Row[]>();
  for (const r of rows) byWorkload.set(r.workload, [...(byWorkload.get(r.workload) ?? []), r]);
  return [...byWorkload].map(([workload, rs]) => {
    const of = (t: Row['target']) => {
      const mine = rs.filter((r) => r.target === t);
      return {
        rps: median(mine.map((r) => r.result.rps)), p50: median(mine.map((r) => r.result.p50)), p99: median(mine.map((r) => r.result.p99)),
        cpuUsPerRequest: median(mine.map((r) => r.cpuUsPerRequest)),
        non2xx: mine.reduce((n, r) => n + r.result.non2xx, 0), errors: mine.reduce((n, r) => n + r.result.errors, 0),
      };
    };
    const reference = of('reference'), prism = of('prism'), bare = of('bare');
    return {
      workload, reference, prism, bare,
      ratioPrism: reference.rps / prism.rps,
      ratioBare: reference.rps / bare.rps,
      // The same comparison by the server's own CPU per request: steadier than req/s when other
      // work (autocannon itself included) competes for the machine's cores.
      cpuRatioPrism: prism.cpuUsPerRequest / reference.cpuUsPerRequest,
      cpuRatioBare: bare.cpuUsPerRequest / reference.cpuUsPerRequest,
      // The targets are workload 1's (3× Prism, 0.5× bare Express, p99 < 20 ms); workload 2 is reported against the same baselines without one.
      targeted: workload.startsWith('1.'),
      targets: { vsPrism: reference.rps >= 3 * prism.rps, vsBare: reference.rps >= 0.5 * bare.rps, p99: reference.p99 < 20 },
    };
  });
}

/** Workload 3 by number stored: medians over the rounds (peak RSS: the highest). */
function summariseExecutions(exec: ExecPhase[]) {
  return STORED.map((stored) => {
    const ps = exec.filter((p) => p.stored === stored);
    return {
      stored, rounds: ps.length,
      startSeconds: median(ps.map((p) => p.startSeconds)),
      doneSeconds: median(ps.map((p) => p.doneSeconds)),
      msPerExecution: median(ps.map((p) => p.msPerExecution)),
      cpuMsPerExecution: median(ps.map((p) => p.cpuMsPerExecution)),
      peakRssMb: Math.max(...ps.map((p) => p.peakRssMb)),
    };
  }).filter((x) => x.rounds > 0);
}

function markdown(meta: Record<string, unknown>, http: ReturnType<typeof summarise>, execs: ReturnType<typeof summariseExecutions>): string {
  const ok = (b: boolean) => (b ? 'met' : '**not met**');
  const f0 = (n: number) => Math.round(n).toLocaleString('en-US');
  const lines = [
    `### Benchmark (${String(meta.date).slice(0, 10)})`,
    '',
    `${meta.cpus} × ${meta.cpuModel}, ${meta.memoryGb} GB, Node ${meta.node}; load average ${meta.loadAverage} at the start and ${meta.loadAverageEnd} at the end: `
      + 'a shared machine, so read the ratios, measured side by side, rather than the absolute figures.',
    `autocannon, ${CONNECTIONS} connections, ${DURATION} s after a ${WARMUP} s warm-up, on loopback; every server a child process, `
      + `${ROUNDS > 1 ? `${ROUNDS} rounds interleaved (medians shown)` : 'one round'}. flowmock runs as \`flowmock serve\`: file-backed SQLite, `
      + 'API-key and token auth and request validation on, response validation off, log level warn.',
    '',
  ];
  if (http.length) {
    lines.push('Targets (issue 6) are set for workload 1; workload 2 is measured against the same baselines without one.', '',
      '| workload | server | req/s | p50 ms | p99 ms | server CPU µs/request | non-2xx | errors |', '|---|---|---:|---:|---:|---:|---:|---:|');
    for (const w of http) {
      for (const [name, r] of [['flowmock', w.reference], ['Prism mock', w.prism], ['bare Express', w.bare]] as const) {
        lines.push(`| ${w.workload} | ${name} | ${f0(r.rps)} | ${r.p50} | ${r.p99} | ${f0(r.cpuUsPerRequest)} | ${r.non2xx} | ${r.errors} |`);
      }
    }
    lines.push('', '| workload | flowmock / Prism (target ≥ 3) | flowmock / bare Express (target ≥ 0.5) | flowmock p99 (target < 20 ms) |', '|---|---:|---:|---:|');
    for (const w of http) {
      const mark = (b: boolean) => (w.targeted ? ` (${ok(b)})` : ' (no target)');
      lines.push(`| ${w.workload} | ${w.ratioPrism.toFixed(2)}${mark(w.targets.vsPrism)} | ${w.ratioBare.toFixed(2)}${mark(w.targets.vsBare)} | ${w.reference.p99} ms${mark(w.targets.p99)} |`);
    }
    lines.push('', 'The same ratios by server CPU per request (the baseline\'s µs / flowmock\'s µs; higher is better for flowmock):', '',
      '| workload | by CPU: flowmock vs Prism | by CPU: flowmock vs bare Express |', '|---|---:|---:|');
    for (const w of http) lines.push(`| ${w.workload} | ${w.cpuRatioPrism.toFixed(2)} | ${w.cpuRatioBare.toFixed(2)} |`);
    lines.push('');
  }
  if (execs.length) {
    lines.push(`3. ${EXECUTIONS.toLocaleString('en-US')} starts of the invoice flow (speed 0, \`--max-concurrent ${MAX_CONCURRENT}\`, ${CONNECTIONS} clients), `
      + 'until all are Success; server CPU is user + system time of the server process (all threads) during the run:', '',
    '| executions stored before | starts sent | all Success (target ≤ 10 s) | per execution | server CPU per execution | peak RSS (target < 250 MB) |',
    '|---:|---:|---:|---:|---:|---:|');
    for (const p of execs) {
      lines.push(`| ~${p.stored.toLocaleString('en-US')} | ${p.startSeconds.toFixed(2)} s | ${p.doneSeconds.toFixed(2)} s (${ok(p.doneSeconds <= 10)}) | `
        + `${p.msPerExecution.toFixed(2)} ms | ${p.cpuMsPerExecution.toFixed(2)} ms | ${p.peakRssMb.toFixed(0)} MB (${ok(p.peakRssMb < 250)}) |`);
    }
    if (execs.length >= 2) {
      const [lo, hi] = [execs[0], execs[execs.length - 1]];
      const wall = hi.msPerExecution / lo.msPerExecution;
      const cpu = hi.cpuMsPerExecution / lo.cpuMsPerExecution;
      lines.push('', `With ~${hi.stored.toLocaleString('en-US')} stored against ~${lo.stored.toLocaleString('en-US')}: time per execution × ${wall.toFixed(2)}, `
        + `server CPU per execution × ${cpu.toFixed(2)} (target: no growth; ≤ 1.25 allowed for noise: ${ok(cpu <= 1.25)} on CPU, ${ok(wall <= 1.25)} on time).`);
    }
    lines.push('');
  }
  lines.push('Run it: `npm run bench` (options: `--duration`, `--warmup`, `--connections`, `--workloads 1,2,3,4,6,7,8,9,10` (5: opt-in), `--rounds`, `--stored`, `--starts`, `--idle-ms`, `--list-stored`, `--templates`, `--cpu-prof`).', '');
  return lines.join('\n');
}

async function main() {
  const tmp = mkdtempSync(path.join(os.tmpdir(), 'flowmock-bench-'));
  const cpus = os.cpus();
  const meta = {
    date: new Date().toISOString(),
    cpus: cpus.length,
    cpuModel: cpus[0]?.model.trim() ?? 'unknown',
    memoryGb: Math.round(os.totalmem() / 2 ** 30),
    node: process.version,
    platform: `${os.platform()} ${os.release()}`,
    loadAverage: os.loadavg().map((n) => n.toFixed(2)).join(' '),
    options: { duration: DURATION, warmup: WARMUP, connections: CONNECTIONS, executions: EXECUTIONS, stored: STORED, maxConcurrent: MAX_CONCURRENT, rounds: ROUNDS },
  };
  if (nodeArgs.length) mkdirSync(PROF_DIR, { recursive: true });
  try {
    const rows = WORKLOADS.has(1) || WORKLOADS.has(2) ? await httpWorkloads(tmp) : [];
    const exec = WORKLOADS.has(3) ? await executionWorkload(tmp) : [];
    const store: StoreRow[] = WORKLOADS.has(4)
      ? await storeWorkload(tmp, { executions: Number(opt['store-executions']), loops: Number(opt['store-loops']), maxConcurrent: MAX_CONCURRENT, log })
      : [];
    const cold = WORKLOADS.has(6)
      ? await coldStartWorkload(tmp, { starts: Number(opt.starts), idleMs: Number(opt['idle-ms']), prism: TARGETS.includes('prism'), log })
      : null;
    const replica = WORKLOADS.has(5)
      ? await replicaHttpWorkload(tmp, { duration: DURATION, warmup: WARMUP, connections: CONNECTIONS, maxConcurrent: MAX_CONCURRENT, rounds: ROUNDS, wakeTries: Number(opt['wake-tries']), log })
      : null;
    const throughput = await throughputWorkloads(tmp, {
      workloads: WORKLOADS, duration: DURATION, warmup: WARMUP, connections: CONNECTIONS, rounds: ROUNDS, targets: TARGETS,
      stored: Number(opt['list-stored']), templates: Number(opt.templates), nodeArgs, log,
    });
    const http = summarise(rows);
    const execs = summariseExecutions(exec);
    const end = { ...meta, loadAverageEnd: os.loadavg().map((n) => n.toFixed(2)).join(' ') };
    const result = { ...end, http, executions: execs, store, rawHttp: rows, rawExecutions: exec };
    mkdirSync(opt.out!, { recursive: true });
    // Workloads 1-4 rewrite latest.*, keeping the sections workloads 5-10 wrote earlier; those
    // write their own sections (bench/lib.ts saveSection), so a run of any of them alone keeps the rest.
    if ([1, 2, 3, 4].some((n) => WORKLOADS.has(n))) {
      const kept = keptSections(opt.out!);
      writeFileSync(path.join(opt.out!, 'latest.json'), JSON.stringify({ ...kept.json, ...result }, null, 2) + '\n');
      const md = [markdown(end, http, execs), ...storeMarkdown(store), ''].join('\n');
      writeFileSync(path.join(opt.out!, 'latest.md'), [md, ...kept.md].join('\n'));
      console.log(md);
    }
    if (replica) console.log(saveReplicaHttp(opt.out!, replica));
    if (cold) console.log(saveColdStart(opt.out!, cold));
    for (const t of throughput) console.log(saveThroughput(opt.out!, t));
  } finally {
    rmSync(tmp, { recursive: true, force: true });
  }
}

main().catch((err) => {
  console.error(err);
  process.exitCode = 1;
});
