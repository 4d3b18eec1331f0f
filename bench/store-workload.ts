/**
 * Bench workload 4: the execution life cycle through the store (insert Queued, start through the
 * shared queue under the global limit, 3 progress saves and polls, the final save), on SQLite
 * (one server), on PostgreSQL with one replica, and on PostgreSQL with three replicas sharing
 * the work: each replica is its own process (bench/store-replica-worker.ts), all started
 * together. The HTTP layer is not in it: this measures what the store and the queue across
 * replicas cost. PostgreSQL runs on a scratch database, dropped afterwards; skipped (said so)
 * when PostgreSQL is not reachable.
 */
import { spawn } from 'node:child_process';
import path from 'node:path';
import { createScratchDatabase, postgresAdminUrl } from '../test/support/postgres.js';
import { ROOT } from './lib.js';

export interface StoreRow {
  setup: string;
  replicas: number;
  executions: number;
  seconds: number;
  executionsPerSecond: number;
  statementsPerSecond: number;
  saveP50: number; saveP99: number; pollP50: number; pollP99: number;
}

interface WorkerResult { replicaId: string; seconds: number; started: number; statements: number; saveP50: number; saveP99: number; pollP50: number; pollP99: number }

async function runReplicas(backend: 'sqlite' | 'postgres', location: string, replicas: number, total: number, loops: number, maxConcurrent: number, tmp: string): Promise<WorkerResult[]> {
  const secrets = path.join(tmp, `${backend}-${replicas}.secrets`);
  const workers = Array.from({ length: replicas }, (_, i) => {
    const child = spawn(process.execPath, ['--import', 'tsx', path.join(ROOT, 'bench/store-replica-worker.ts'),
      backend, location, `bench-${i + 1}`, String(Math.ceil(total / replicas)), String(loops), String(maxConcurrent), secrets],
    { cwd: ROOT, stdio: ['pipe', 'pipe', 'inherit'] });
    let out = '';
    child.stdout!.on('data', (d) => { out += d; });
    const ready = new Promise<void>((resolve, reject) => {
      const check = setInterval(() => {
        if (out.includes('ready')) { clearInterval(check); resolve(); }
        if (child.exitCode !== null) { clearInterval(check); reject(new Error(`worker exited early: ${out}`)); }
      }, 20);
    });
    const done = new Promise<WorkerResult>((resolve, reject) => child.once('exit', (code) => {
      const line = out.split('\n').find((l) => l.startsWith('{'));
      if (code === 0 && line) resolve(JSON.parse(line) as WorkerResult);
      else reject(new Error(`worker ${i + 1} failed (${code}): ${out}`));
    }));
    return { child, ready, done };
  });
  // Sequential opens: the first migrates, the others find the schema ready.
  for (const w of workers) await w.ready;
  for (const w of workers) w.child.stdin!.write('go\n');
  return Promise.all(workers.map((w) => w.done));
}

const row = (setup: string, replicas: number, total: number, results: WorkerResult[]): StoreRow => {
  const seconds = Math.max(...results.map((r) => r.seconds));
  const statements = results.reduce((n, r) => n + r.statements, 0);
  const worst = (k: keyof WorkerResult) => Math.max(...results.map((r) => r[k] as number));
  return {
    setup, replicas, executions: total, seconds: Number(seconds.toFixed(2)),
    executionsPerSecond: Math.round(total / seconds), statementsPerSecond: Math.round(statements / seconds),
    saveP50: worst('saveP50'), saveP99: worst('saveP99'), pollP50: worst('pollP50'), pollP99: worst('pollP99'),
  };
};

export async function storeWorkload(tmp: string, opts: { executions: number; loops: number; maxConcurrent: number; log: (...a: unknown[]) => void }): Promise<StoreRow[]> {
  const rows: StoreRow[] = [];
  const { executions: total, loops, maxConcurrent, log } = opts;
  log(`workload 4: ${total} executions through the store, SQLite, 1 server`);
  rows.push(row('SQLite', 1, total, await runReplicas('sqlite', path.join(tmp, 'store-bench.db'), 1, total, loops, maxConcurrent, tmp)));
  if (!(await postgresAdminUrl())) {
    log('workload 4: PostgreSQL is not reachable on 127.0.0.1:5432 (or FLOWMOCK_TEST_PG): its rows are skipped');
    return rows;
  }
  for (const replicas of [1, 3]) {
    const db = await createScratchDatabase();
    try {
      log(`workload 4: ${total} executions through the store, PostgreSQL, ${replicas} replica${replicas > 1 ? 's' : ''}`);
      rows.push(row('PostgreSQL', replicas, total, await runReplicas('postgres', db.url, replicas, total, Math.ceil(loops / replicas), maxConcurrent, tmp)));
    } finally {
      await db.drop();
    }
  }
  return rows;
}

export function storeMarkdown(rows: StoreRow[]): string[] {
  if (!rows.length) return [];
  const lines = ['', '## 4. Execution life cycle through the store (SQLite vs PostgreSQL, 1 vs 3 replicas)', '',
    'Insert Queued, start through the shared queue (global limit), 3 progress saves and polls, final save; each replica its own process, '
    + 'the same total of concurrent loops split between them. No HTTP.', '',
    '| store | replicas | executions | seconds | executions/s | statements/s | save p50/p99 ms | poll p50/p99 ms |', '|---|---:|---:|---:|---:|---:|---:|---:|'];
  for (const r of rows) {
    lines.push(`| ${r.setup} | ${r.replicas} | ${r.executions} | ${r.seconds} | ${r.executionsPerSecond} | ${r.statementsPerSecond} | ${r.saveP50} / ${r.saveP99} | ${r.pollP50} / ${r.pollP99} |`);
  }
  return lines;
}
