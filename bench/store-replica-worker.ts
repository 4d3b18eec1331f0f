/**
 * One replica of bench workload 4 (bench/store-workload.ts), as its own process: opens the
 * store (argv: backend, location, replica id), waits for `go` on stdin, then runs `loops`
 * concurrent loops that each insert a Queued execution, drain the shared queue (global limit
 * `maxConcurrent`, src/store/postgres/replicas.ts) and take every execution it started through
 * its life (3 progress saves, 3 progress polls, the final save), until `quota` executions were
 * inserted here and the queue is empty everywhere. Prints one JSON line of results.
 */
import { createInterface } from 'node:readline';
import type { ExecutionRecord, Store } from '../src/store/types.js';
import { openStore } from '../src/store/sqlite-store.js';
import { openPgStore } from '../src/store/postgres/pg-store.js';
import { drainQueueOnce } from '../src/store/postgres/replicas.js';

const [backend, location, replicaId, quotaArg, loopsArg, maxArg, secretsFile] = process.argv.slice(2);
const quota = Number(quotaArg);
const loops = Number(loopsArg);
const maxConcurrent = Number(maxArg);

const store: Store = backend === 'postgres'
  ? await openPgStore(location, { replicaId, secretsFile, poolMax: loops + 2 })
  : openStore(location, { env: { FLOWMOCK_SECRETS_FILE: secretsFile } });

const saveMs: number[] = [];
const pollMs: number[] = [];
const timed = async <T>(into: number[], fn: () => Promise<T>): Promise<T> => {
  const t0 = performance.now();
  try {
    return await fn();
  } finally {
    into.push(performance.now() - t0);
  }
};

const blank = (id: string, seq: number): ExecutionRecord => {
  const at = new Date().toISOString();
  return {
    id, flowId: 'invoice', flowName: 'Invoice', status: 'Queued', progress: { percentage: 0, message: 'Queued', status: 'Queued' },
    createdAt: at, createdBy: 'bench', modifiedAt: at, modifiedBy: 'bench', inputKind: 'none', inputData: null, skipUserInput: false,
    stages: [], iterations: [], report: [], warnings: [], errors: [], output: { model: {} }, waitingFor: null, cursor: {}, version: 0, queueSeq: seq,
  };
};

async function run(rec: ExecutionRecord): Promise<void> {
  for (let step = 1; step <= 3; step++) {
    rec.progress = { percentage: step * 25, message: `Step ${step}`, status: 'Running' };
    rec.modifiedAt = new Date().toISOString();
    await timed(saveMs, () => store.executions.save(rec));
    await timed(pollMs, () => store.executions.progressById(rec.id));
  }
  rec.status = 'Success';
  rec.progress = { percentage: 100, message: 'Done', status: 'Success' };
  await timed(saveMs, () => store.executions.save(rec));
}

let inserted = 0;
let started = 0;
async function loop(n: number): Promise<void> {
  for (;;) {
    if (inserted < quota) {
      const i = inserted++;
      await store.executions.insert(blank(`${replicaId}-${n}-${i}`, i + 1));
    }
    const batch = await drainQueueOnce(store, maxConcurrent, async (tx, rec) => {
      rec.status = 'Running';
      rec.queueSeq = null;
      rec.progress = { percentage: 0, message: 'Step 1', status: 'Running' };
      await tx.executions.save(rec);
    });
    started += batch.length;
    for (const rec of batch) await run(rec);
    if (inserted >= quota && batch.length === 0) {
      if ((await store.executions.countByStatus('Queued')) === 0) return;
      await new Promise((r) => setTimeout(r, 2));
    }
  }
}

const rl = createInterface({ input: process.stdin });
console.log('ready');
await new Promise<void>((resolve) => rl.once('line', () => resolve()));
const t0 = performance.now();
await Promise.all(Array.from({ length: loops }, (_, n) => loop(n)));
const seconds = (performance.now() - t0) / 1000;
const pct = (xs: number[], p: number) => {
  const s = [...xs].sort((a, b) => a - b);
  return s.length ? Number(s[Math.min(s.length - 1, Math.floor(s.length * p))].toFixed(2)) : 0;
};
console.log(JSON.stringify({
  replicaId, seconds, started, statements: saveMs.length + pollMs.length,
  saveP50: pct(saveMs, 0.5), saveP99: pct(saveMs, 0.99), pollP50: pct(pollMs, 0.5), pollP99: pct(pollMs, 0.99),
}));
rl.close();
await store.close();
