/**
 * Bench workload 5: HTTP through real `flowmock serve` processes, SQLite (one server) against
 * PostgreSQL with 1 and with 3 replicas on one scratch database (issue 16).
 *
 *   a. GET progress of a finished execution (GetFlowExecutionProgress);
 *   b. starts of the invoice flow (StartFlow, speed 0: the flow runs to Success by itself).
 *
 * One autocannon run per measure with one URL per replica: autocannon gives connection i the
 * URL i mod n, so the connections are spread round-robin over the replicas and the latencies
 * land in one histogram (exact p50/p99 for the whole set). Server CPU is user + system time of
 * every flowmock process of the setup during the measured run, per request answered; on
 * PostgreSQL the CPU of the database's backends (pg_stat_activity) is reported beside it.
 *
 * Then the cross-replica long-poll wake-up: the slow flow (speed 1: a step every 2.5 s) started
 * on replica A, a long-poll (timeout 30 s) on replica B, a cancel through A; how long after the
 * cancel was sent (and after A answered it) B's poll answers `Canceled`. The same on one SQLite
 * server and on one replica (poll and cancel on A) as baselines.
 *
 * Every server is started and stopped here; each PostgreSQL setup has its own scratch database,
 * dropped afterwards. Without a reachable PostgreSQL only the SQLite rows are measured (said so).
 */
import { readFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import pg from 'pg';
import { createScratchDatabase, postgresAdminUrl, type ScratchDatabase } from '../test/support/postgres.js';
import { BIN, SERVE_READY, launch } from '../test/support/process.js';
import { BENCH_ADMIN_KEY, cannon, saveSection, type CannonResult, type Child } from './lib.js';

const INVOICE = '11111111-1111-4111-8111-111111111101';
const SLOW = '11111111-1111-4111-8111-111111111108';
const STABLE = ['Success', 'Warning', 'Error', 'Interrupted', 'Canceled'];
const headers = { 'X-API-Key': BENCH_ADMIN_KEY };
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
const load1 = () => Number(os.loadavg()[0].toFixed(2));
const median = (xs: number[]) => { const s = [...xs].sort((a, b) => a - b); const m = s.length >> 1; return s.length ? (s.length % 2 ? s[m] : (s[m - 1] + s[m]) / 2) : NaN; };

export interface ReplicaHttpOptions {
  duration: number; warmup: number; connections: number; maxConcurrent: number; rounds: number; wakeTries: number;
  log: (...a: unknown[]) => void;
}

type Setup = 'SQLite' | 'PostgreSQL';
export interface ReplicaHttpRow {
  sub: 'a. GET progress (finished execution)' | 'b. POST StartFlow (invoice, speed 0)';
  setup: Setup; replicas: number; round: number;
  result: CannonResult;
  /** User + system time of all flowmock processes of the setup during the measure, per request. */
  serverCpuUsPerRequest: number;
  /** The same for the PostgreSQL backends serving the scratch database (null on SQLite). */
  pgCpuUsPerRequest: number | null;
  /** 1-minute load average when the measure began and when it ended. */
  loadStart: number; loadEnd: number;
  /** Starts only: executions per status right after the measure (the limit's Queued show here). */
  statusesAfter?: Record<string, number>;
}
export interface WakeRow {
  setup: string;
  /** Tries made; `woke` of them measured (the others were woken by another save first, and repeated). */
  tries: number; woke: number;
  /** From the cancel sent through A to B's poll answering Canceled. */
  afterSendMs: { median: number; max: number };
  /** From A's answer to the cancel to B's answer (negative: B answered first). */
  afterAnswerMs: { median: number; max: number };
  loadStart: number; loadEnd: number;
}
export interface ReplicaHttpResult { date: string; loadAverage: string; loadAverageEnd: string; options: Omit<ReplicaHttpOptions, 'log'>; rows: ReplicaHttpRow[]; wake: WakeRow[]; skipped?: string }

/** utime + stime of a process in seconds (Linux /proc; 0 when it is gone). */
function cpuSecondsOf(pid: number): number {
  try {
    const fields = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1].split(' ');
    return (Number(fields[11]) + Number(fields[12])) / 100;
  } catch {
    return 0;
  }
}

/** CPU of the PostgreSQL backends connected to one database: read at two instants, summed by pid. */
async function pgBackendCpu(adminUrl: string, database: string): Promise<Map<number, number>> {
  const c = new pg.Client({ connectionString: adminUrl });
  await c.connect();
  try {
    const { rows } = await c.query<{ pid: number }>('SELECT pid FROM pg_stat_activity WHERE datname = $1', [database]);
    return new Map(rows.map((r) => [r.pid, cpuSecondsOf(r.pid)]));
  } finally {
    await c.end();
  }
}
const pgCpuDelta = (a: Map<number, number>, b: Map<number, number>) => [...b].reduce((s, [pid, cpu]) => s + cpu - (a.get(pid) ?? 0), 0);

async function ok(res: Response): Promise<any> {
  const text = await res.text();
  if (!res.ok) throw new Error(`${res.status} ${res.url}: ${text.slice(0, 500)}`);
  return JSON.parse(text);
}

/** One `flowmock serve` (bin/flowmock.js: the compiled dist when it is current), as bench/lib.ts starts them. */
function serve(store: string[], opts: { speed: number; maxConcurrent: number; secrets: string }): Promise<Child> {
  return launch(process.execPath, [
    BIN, 'serve', '--port', '0', '--host', '127.0.0.1', ...store, '--log-level', 'warn', '--admin-key', BENCH_ADMIN_KEY,
    '--speed', String(opts.speed), '--max-concurrent', String(opts.maxConcurrent), '--no-watch',
  ], { ready: SERVE_READY, env: { FLOWMOCK_SECRETS_FILE: opts.secrets }, timeoutMs: 90_000 });
}

interface ServerSet { servers: Child[]; db: ScratchDatabase | null; stop(): Promise<void> }

async function startSet(setup: Setup, replicas: number, speed: number, opts: ReplicaHttpOptions, tmp: string, tag: string): Promise<ServerSet> {
  const db = setup === 'PostgreSQL' ? await createScratchDatabase() : null;
  const store = db ? ['--store', db.url] : ['--db', path.join(tmp, `replica-http-${tag}.db`)];
  const secrets = path.join(tmp, `replica-http-${tag}.secrets`);
  const servers: Child[] = [];
  const stop = async () => {
    await Promise.all(servers.map((s) => s.stop()));
    await db?.drop();
  };
  try {
    // One at a time: the first creates the schema and the key file, the others find them.
    for (let i = 0; i < replicas; i++) servers.push(await serve(store, { speed, maxConcurrent: opts.maxConcurrent, secrets }));
  } catch (err) {
    await stop();
    throw err;
  }
  return { servers, db, stop };
}

/** Starts one invoice execution on `a` and waits (polling `b`) until it is Success. */
async function finishedExecution(a: string, b: string): Promise<string> {
  const { id } = await ok(await fetch(`${a}/api/v1/flows/executions/start?flow=${INVOICE}`, { method: 'POST', headers }));
  const deadline = Date.now() + 30_000;
  while (Date.now() < deadline) {
    if ((await ok(await fetch(`${b}/api/v1/flows/executions/${id}/progress?timeout=5`, { headers }))).status === 'Success') return id;
  }
  throw new Error('the invoice execution did not finish');
}

/** Executions per status, through the first server (the vendor's Statistics, summed over its periods). */
async function statuses(base: string, since: string): Promise<Record<string, number>> {
  const filter = { group: { type: 'and', nodes: [{ condition: { key: 'createdAt', operator: 'greaterThanOrEqualTo', values: [since] } }] } };
  const stats = await ok(await fetch(`${base}/api/v1/flows/executions/statistics`, { method: 'POST', headers: { ...headers, 'Content-Type': 'application/json' }, body: JSON.stringify(filter) }));
  const out: Record<string, number> = {};
  for (const t of stats.perTime ?? []) for (const p of t.perStatus ?? []) out[p.status] = (out[p.status] ?? 0) + p.count;
  return out;
}

async function throughput(setup: Setup, replicas: number, round: number, opts: ReplicaHttpOptions, tmp: string, adminUrl: string | null): Promise<ReplicaHttpRow[]> {
  const set = await startSet(setup, replicas, 0, opts, tmp, `${setup}-${replicas}-${round}`);
  const rows: ReplicaHttpRow[] = [];
  try {
    const bases = set.servers.map((s) => s.base);
    const id = await finishedExecution(bases[0], bases[bases.length - 1]);
    const subs = [
      { sub: 'a. GET progress (finished execution)' as const, method: 'GET' as const, path: `/api/v1/flows/executions/${id}/progress` },
      { sub: 'b. POST StartFlow (invoice, speed 0)' as const, method: 'POST' as const, path: `/api/v1/flows/executions/start?flow=${INVOICE}` },
    ];
    for (const s of subs) {
      opts.log(`workload 5 (${s.sub}), ${setup}, ${replicas} replica${replicas > 1 ? 's' : ''}, round ${round}`);
      let cpu0 = 0;
      let pg0 = new Map<number, number>();
      let loadStart = 0;
      let since = '';
      // The warm-up (a run of its own in cannon) is where a start's executions first compile and the pools fill.
      const result = await cannon({
        // autocannon takes an array of URLs (connection i gets URL i mod n); bench/autocannon.d.ts declares a string only.
        url: bases.map((b) => b + s.path) as unknown as string, method: s.method, headers, connections: opts.connections, duration: opts.duration, warmup: opts.warmup,
        onMeasureStart: () => {
          loadStart = load1();
          since = new Date().toISOString();
          cpu0 = set.servers.reduce((n, p) => n + cpuSecondsOf(p.pid), 0);
          if (set.db && adminUrl) pgBackendCpu(adminUrl, set.db.name).then((m) => { pg0 = m; }, (err) => opts.log(`  PostgreSQL CPU not read: ${(err as Error).message}`));
        },
      });
      const serverCpu = set.servers.reduce((n, p) => n + cpuSecondsOf(p.pid), 0) - cpu0;
      const pgCpu = set.db && adminUrl ? pgCpuDelta(pg0, await pgBackendCpu(adminUrl, set.db.name)) : null;
      const row: ReplicaHttpRow = {
        sub: s.sub, setup, replicas, round, result, loadStart, loadEnd: load1(),
        serverCpuUsPerRequest: (serverCpu * 1e6) / result.requests,
        pgCpuUsPerRequest: pgCpu === null ? null : (pgCpu * 1e6) / result.requests,
      };
      if (s.method === 'POST') {
        row.statusesAfter = await statuses(bases[0], since);
        // Let the started executions finish before the next measure (or the stop), so their work is not in the next figures.
        const deadline = Date.now() + 120_000;
        let st = row.statusesAfter;
        while (Date.now() < deadline && ((st.Running ?? 0) + (st.Queued ?? 0)) > 0) { await sleep(250); st = await statuses(bases[0], since); }
        opts.log(`  after the measure: ${JSON.stringify(row.statusesAfter)}; settled: ${JSON.stringify(st)}`);
      }
      opts.log(`  ${Math.round(result.rps)} req/s, p50 ${result.p50} ms, p99 ${result.p99} ms, flowmock CPU ${row.serverCpuUsPerRequest.toFixed(0)} µs/request`
        + `${row.pgCpuUsPerRequest === null ? '' : `, PostgreSQL CPU ${row.pgCpuUsPerRequest.toFixed(0)} µs/request`}, statuses ${JSON.stringify(result.statusCodes)}, errors ${result.errors}, load ${row.loadStart}→${row.loadEnd}`);
      rows.push(row);
    }
  } finally {
    await set.stop();
  }
  return rows;
}

/** A long-poll on `b` while the slow flow started on `a` is cancelled through `a`. */
async function wakeTries(setup: string, a: string, b: string, tries: number, log: ReplicaHttpOptions['log']): Promise<WakeRow> {
  const afterSend: number[] = [];
  const afterAnswer: number[] = [];
  const loadStart = load1();
  let attempts = 0;
  // A try that another save woke first is not a measure: it is repeated (up to `tries` more times).
  for (let i = 0; afterSend.length < tries && attempts < 2 * tries; i++) {
    attempts++;
    const started = performance.now();
    const { id } = await ok(await fetch(`${a}/api/v1/flows/executions?flowId=${SLOW}`, { method: 'POST', headers }));
    // Wait until B sees the first step, then 200 ms more (the saves of the step's start; its next
    // save is 2.5 s later), so that only the cancel should wake the poll.
    for (let k = 0; k < 100; k++) {
      const p = await ok(await fetch(`${b}/api/v1/flows/executions/${id}/progress?timeout=0`, { headers }));
      if (p.status === 'Running' && p.message === 'Querying the warehouse') break;
      await sleep(20);
    }
    await sleep(200);
    const poll = fetch(`${b}/api/v1/flows/executions/${id}/progress?timeout=30`, { headers }).then(async (r) => ({ at: performance.now(), body: await ok(r) }));
    await sleep(150); // the poll reaches B and waits
    const t0 = performance.now();
    await ok(await fetch(`${a}/api/v1/flows/executions/${id}/progress`, { method: 'DELETE', headers }));
    const tA = performance.now();
    const woke = await poll;
    if (woke.body.status !== 'Canceled') { log(`  try ${i + 1}: the poll answered ${woke.body.status} (${woke.body.message}, ${woke.body.percentage} %) ${(woke.at - started).toFixed(0)} ms after the start, ${(woke.at - t0).toFixed(0)} ms after the cancel was sent, not Canceled: not counted`); continue; }
    afterSend.push(woke.at - t0);
    afterAnswer.push(woke.at - tA);
  }
  const r = (xs: number[]) => ({ median: Number(median(xs).toFixed(1)), max: Number(Math.max(...xs).toFixed(1)) });
  const row = { setup, tries: attempts, woke: afterSend.length, afterSendMs: r(afterSend), afterAnswerMs: r(afterAnswer), loadStart, loadEnd: load1() };
  log(`  ${setup}: ${row.woke}/${tries} woke, ${row.afterSendMs.median} ms median (max ${row.afterSendMs.max}) after the cancel was sent; ${row.afterAnswerMs.median} ms (max ${row.afterAnswerMs.max}) after A answered`);
  return row;
}

async function wakeUp(opts: ReplicaHttpOptions, tmp: string, withPg: boolean): Promise<WakeRow[]> {
  const rows: WakeRow[] = [];
  opts.log(`workload 5: long-poll wake-up, ${opts.wakeTries} tries per setup`);
  const lite = await startSet('SQLite', 1, 1, opts, tmp, 'wake-sqlite');
  try {
    rows.push(await wakeTries('SQLite, poll and cancel on one server', lite.servers[0].base, lite.servers[0].base, opts.wakeTries, opts.log));
  } finally {
    await lite.stop();
  }
  if (!withPg) return rows;
  const set = await startSet('PostgreSQL', 2, 1, opts, tmp, 'wake-pg');
  try {
    const [a, b] = set.servers.map((s) => s.base);
    rows.push(await wakeTries('PostgreSQL, poll and cancel on replica A', a, a, opts.wakeTries, opts.log));
    rows.push(await wakeTries('PostgreSQL, poll on replica B, cancel on A', a, b, opts.wakeTries, opts.log));
  } finally {
    await set.stop();
  }
  return rows;
}

export async function replicaHttpWorkload(tmp: string, opts: ReplicaHttpOptions): Promise<ReplicaHttpResult> {
  const loadAverage = os.loadavg().map((n) => n.toFixed(2)).join(' ');
  const date = new Date().toISOString();
  const adminUrl = await postgresAdminUrl();
  const rows: ReplicaHttpRow[] = [];
  let skipped: string | undefined;
  if (!adminUrl) {
    skipped = 'PostgreSQL is not reachable on 127.0.0.1:5432 (or FLOWMOCK_TEST_PG): only the SQLite rows were measured';
    opts.log(`workload 5: ${skipped}`);
  }
  // Rounds run the three setups in turn, so that load from other work falls on all alike.
  for (let round = 1; round <= opts.rounds; round++) {
    rows.push(...await throughput('SQLite', 1, round, opts, tmp, adminUrl));
    if (adminUrl) {
      rows.push(...await throughput('PostgreSQL', 1, round, opts, tmp, adminUrl));
      rows.push(...await throughput('PostgreSQL', 3, round, opts, tmp, adminUrl));
    }
  }
  const wake = opts.wakeTries > 0 ? await wakeUp(opts, tmp, !!adminUrl) : [];
  const { log: _log, ...options } = opts;
  return { date, loadAverage, loadAverageEnd: os.loadavg().map((n) => n.toFixed(2)).join(' '), options, rows, wake, skipped };
}

// ------------------------------------------------------------------------------------------ report

function summary(rows: ReplicaHttpRow[]) {
  const keys = [...new Set(rows.map((r) => `${r.sub}|${r.setup}|${r.replicas}`))];
  return keys.map((k) => {
    const rs = rows.filter((r) => `${r.sub}|${r.setup}|${r.replicas}` === k);
    const pgs = rs.map((r) => r.pgCpuUsPerRequest).filter((x): x is number => x !== null);
    return {
      sub: rs[0].sub, setup: rs[0].setup, replicas: rs[0].replicas, rounds: rs.length,
      rps: median(rs.map((r) => r.result.rps)), p50: median(rs.map((r) => r.result.p50)), p99: median(rs.map((r) => r.result.p99)),
      non2xx: rs.reduce((n, r) => n + r.result.non2xx, 0), errors: rs.reduce((n, r) => n + r.result.errors, 0),
      serverCpu: median(rs.map((r) => r.serverCpuUsPerRequest)), pgCpu: pgs.length ? median(pgs) : null,
      load: rs.map((r) => `${r.loadStart}→${r.loadEnd}`).join(', '),
      queuedAfter: rs.map((r) => r.statusesAfter ? `${r.statusesAfter.Queued ?? 0}/${r.statusesAfter.Running ?? 0}` : '').filter(Boolean).join(', '),
    };
  });
}

export function replicaHttpMarkdown(res: ReplicaHttpResult): string[] {
  const f0 = (n: number) => Math.round(n).toLocaleString('en-US');
  const o = res.options;
  const sum = summary(res.rows);
  const lines = [
    '<!-- bench:workload-5 -->',
    `## 5. HTTP through 1 vs 3 replicas on PostgreSQL, beside SQLite (${res.date.slice(0, 10)})`, '',
    `Load average ${res.loadAverage} at the start and ${res.loadAverageEnd} at the end (${os.cpus().length} cores, shared with other workers; `
      + 'the 1-minute load of each measure is beside its figures): read the ratios, measured side by side, rather than the absolute figures.',
    `Real \`flowmock serve\` processes (bin/flowmock.js, the compiled dist), auth and request validation on, log level warn, \`--max-concurrent ${o.maxConcurrent}\`; `
      + `PostgreSQL: every replica \`--store postgres://…\` on one scratch database per setup (default \`--replica-lease\`), a shared key file. autocannon, `
      + `${o.connections} connections spread round-robin over the replicas (one URL per replica in one run: exact p50/p99 of the whole set), `
      + `${o.duration} s after a ${o.warmup} s warm-up, ${o.rounds > 1 ? `${o.rounds} rounds (medians)` : 'one round'}. flowmock CPU: user + system time of all `
      + 'the setup\'s flowmock processes during the measure, per request; PostgreSQL CPU: the same for the database\'s backends.',
    '(b) starts the invoice flow with StartFlow at speed 0 (it runs to Success by itself); the executions are left to finish before the next measure. '
      + '"Queued/Running after": executions in those states when the measure ended (Queued > 0 means the limit held some back; starts still answer 200).',
  ];
  if (res.skipped) lines.push('', `**${res.skipped}.**`);
  lines.push('', '| sub-workload | store | replicas | req/s | p50 ms | p99 ms | non-2xx | errors | flowmock CPU µs/req | PostgreSQL CPU µs/req | Queued/Running after | load 1 min (start→end) |',
    '|---|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---|');
  for (const s of sum) {
    lines.push(`| ${s.sub} | ${s.setup} | ${s.replicas} | ${f0(s.rps)} | ${s.p50} | ${s.p99} | ${s.non2xx} | ${s.errors} | ${f0(s.serverCpu)} | ${s.pgCpu === null ? '–' : f0(s.pgCpu)} | ${s.queuedAfter || '–'} | ${s.load} |`);
  }
  const subs = [...new Set(sum.map((s) => s.sub))];
  const get = (sub: string, setup: Setup, n: number) => sum.find((s) => s.sub === sub && s.setup === setup && s.replicas === n);
  const ratioLines = subs.map((sub) => {
    const lite = get(sub, 'SQLite', 1); const one = get(sub, 'PostgreSQL', 1); const three = get(sub, 'PostgreSQL', 3);
    if (!lite || !one || !three) return null;
    const x = (n: number) => `× ${n.toFixed(2)}`;
    const cpu = (s: typeof one) => s.serverCpu + (s.pgCpu ?? 0);
    return `| ${sub} | ${x(one.rps / lite.rps)} | ${x(three.rps / one.rps)} | ${x(one.p99 / lite.p99)} | ${x(three.p99 / one.p99)} | ${x(cpu(one) / lite.serverCpu)} | ${x(cpu(three) / cpu(one))} |`;
  }).filter(Boolean) as string[];
  if (ratioLines.length) {
    lines.push('', 'Ratios (CPU: flowmock + PostgreSQL µs per request; below 1 is cheaper):', '',
      '| sub-workload | req/s PG 1 / SQLite | req/s PG 3 / PG 1 | p99 PG 1 / SQLite | p99 PG 3 / PG 1 | CPU/req PG 1 / SQLite | CPU/req PG 3 / PG 1 |',
      '|---|---:|---:|---:|---:|---:|---:|', ...ratioLines);
  }
  if (res.wake.length) {
    lines.push('', `Long-poll wake-up (issue 16: "a poll on replica B wakes within 100 ms of a change made on A"): the slow flow (speed 1) started on A, `
      + 'a long-poll (`timeout=30`) on B, a cancel (CancelFlowExecution) through A 150 ms later (B first saw the first step at least 200 ms before the poll); when B answered `Canceled`, measured from the cancel sent '
      + 'and from A\'s answer to it (the commit is between the two; negative: B answered first). Each try a new execution; a try whose poll '
      + 'another save woke first (answered Running) is repeated, so "woke / tries" counts the measured ones and the tries made.', '',
    '| setup | woke / tries | after the cancel was sent: median / max ms | after A answered: median / max ms | within 100 ms of the cancel | load 1 min (start→end) |',
    '|---|---:|---:|---:|---|---|');
    for (const w of res.wake) {
      lines.push(`| ${w.setup} | ${w.woke} / ${w.tries} | ${w.afterSendMs.median} / ${w.afterSendMs.max} | ${w.afterAnswerMs.median} / ${w.afterAnswerMs.max} | `
        + `${w.afterSendMs.max < 100 ? 'met (every try)' : w.afterSendMs.median < 100 ? 'median met, **not every try**' : '**not met**'} | ${w.loadStart}→${w.loadEnd} |`);
    }
  }
  lines.push('', 'Run it: `npm run bench -- --workloads 5` (options: `--duration`, `--warmup`, `--connections`, `--rounds`, `--max-concurrent`, `--wake-tries`).',
    '<!-- /bench:workload-5 -->', '');
  return lines;
}

/**
 * Writes workload 5 into bench/results/latest.md and latest.json in place of an earlier
 * workload-5 section (between its markers) or after what is there: the other workloads'
 * sections are kept as they are.
 */
export function saveReplicaHttp(outDir: string, res: ReplicaHttpResult): string {
  return saveSection(outDir, 5, replicaHttpMarkdown(res).join('\n'), res);
}
