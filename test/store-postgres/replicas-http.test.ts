/**
 * Three `flowmock serve --store postgres://…` processes on one scratch database, as a team would
 * run them behind a load balancer:
 * - a client spreading its calls across them (start on one, polls on the next, continue or
 *   callback on the third) runs every demo flow to its end with the same answers as one server;
 * - a long-poll on one replica wakes when the execution changes through another;
 * - `kill -9` of one replica with 100 live executions: nothing lost, nothing left Running past
 *   its lease, the documents of its finished executions downloadable through the survivors.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createScratchDatabase, postgresAvailable, type ScratchDatabase } from '../support/postgres.js';
import { startServer, type TestServer } from '../support/server.js';
import { FLOW } from '../support/demo-flows.js';
import { BIN, RELIABILITY_ADMIN_KEY, launch, type Launched } from '../support/process.js';

const available = await postgresAvailable();
const STABLE = ['Success', 'Warning', 'Error', 'Interrupted', 'Canceled'];
const SETTLED = [...STABLE, 'UserInput', 'Waiting'];
const LEASE_SECONDS = 2;

interface Target { base: string; name: string }
type Json = any; // eslint-disable-line @typescript-eslint/no-explicit-any

async function call(t: Target, p: string, init: RequestInit = {}): Promise<Response> {
  const headers = new Headers(init.headers);
  headers.set('X-API-Key', RELIABILITY_ADMIN_KEY);
  return fetch(t.base + p, { ...init, headers });
}
async function ok(res: Response, status = 200): Promise<Json> {
  const text = await res.text();
  if (res.status !== status) throw new Error(`expected ${status}, got ${res.status}: ${text}`);
  return text && /json/.test(res.headers.get('content-type') ?? '') ? JSON.parse(text) : text;
}

/** What a run's answers say, without ids and times: what must be identical on one server and on three. */
function normalized(e: Json): Json {
  const blocks = (zones: Json[] = []): Json => zones.map((z) => ({
    id: z.id,
    blocks: z.blocks.map((b: Json) => ({
      id: b.id, step: b.step?.status, condition: b.condition ? { result: b.condition.result, body: blocks(b.condition.body) } : undefined,
      switch: b.switch ? { caseValue: b.switch.caseValue, caseBody: blocks(b.switch.caseBody) } : undefined,
      try: b.try ? { error: b.try.error, bodyTry: blocks(b.try.bodyTry), bodyCatch: blocks(b.try.bodyCatch) } : undefined,
    })),
  }));
  return {
    status: e.status, flow: e.flow?.displayName, stages: e.state.stages?.length, report: blocks(e.state.report),
    iterations: (e.state.iterations ?? []).map((i: Json) => ({ displayName: i.displayName, report: blocks(i.report) })),
    warnings: e.state.warnings?.map((w: Json) => w.message), errors: e.state.errors?.map((w: Json) => w.message),
    documents: Object.keys(e.state.output?.model ?? {}).sort(),
  };
}

/** Each demo scenario, its calls spread over `targets` (start on the first, polls round-robin, resumes on another). */
const SCENARIOS: Array<{ name: string; run(targets: Target[]): Promise<Json> }> = [
  { name: 'invoice', run: (t) => runFlow(t, FLOW.invoice) },
  { name: 'order (XML, large)', run: (t) => runFlow(t, FLOW.order, { body: '<order><customer>ACME</customer><amount>1500</amount></order>', type: 'application/xml' }) },
  { name: 'crm letter (3 records)', run: (t) => runFlow(t, FLOW.crm, { body: JSON.stringify({ id: ['r-1', 'r-2', 'r-3'], entity: 'contact' }), type: 'application/json' }) },
  { name: 'routing', run: (t) => runFlow(t, FLOW.routing, { body: JSON.stringify({ id: ['vip-1', 'r-2'], entity: 'account' }), type: 'application/json' }) },
  { name: 'approval (/start)', run: (t) => runFlow(t, FLOW.approval, { start: true }) },
  { name: 'esign (callback)', run: (t) => runFlow(t, FLOW.esign) },
  { name: 'warning', run: (t) => runFlow(t, FLOW.warning) },
  { name: 'error', run: (t) => runFlow(t, FLOW.error) },
  // Its 150 ms deadline races its steps: which block it cuts depends on each save's time, so
  // only how it ends is compared.
  { name: 'slow (maximum duration)', run: async (t) => { const r = await runFlow(t, FLOW.slow); return { status: r.status, errors: r.errors }; } },
];

async function runFlow(targets: Target[], flowId: string, opts: { body?: string; type?: string; start?: boolean } = {}): Promise<Json> {
  let n = 0;
  const next = () => targets[n++ % targets.length];
  const headers = opts.type ? { 'Content-Type': opts.type } : undefined;
  const id: string = opts.start
    ? (await ok(await call(next(), `/api/v1/flows/executions/start?flow=${flowId}`, { method: 'POST', body: opts.body, headers }))).id
    : (await ok(await call(next(), `/api/v1/flows/executions?flowId=${flowId}`, { method: 'POST', body: opts.body, headers }))).id;
  for (let i = 0; i < 400; i++) {
    const p = await ok(await call(next(), `/api/v1/flows/executions/${id}/progress?timeout=5`));
    if (STABLE.includes(p.status)) break;
    if (p.status === 'Waiting') {
      const e = await ok(await call(next(), `/api/v1/flows/executions/${id}`));
      await ok(await call(next(), `${e.state.waitingFor}`, { method: 'POST', body: JSON.stringify({ signed: true }), headers: { 'Content-Type': 'application/json' } }));
    }
  }
  const e = await ok(await call(next(), `/api/v1/flows/executions/${id}`));
  expect(STABLE).toContain(e.status);
  for (const ref of Object.values(e.state.output?.model ?? {}) as Json[]) {
    if (ref?.type === 'document') expect((await call(next(), `/api/v1/documents/${ref.id}/content`)).status).toBe(200);
  }
  return normalized(e);
}

describe.skipIf(!available)('three flowmock replicas on one PostgreSQL database', () => {
  let db: ScratchDatabase;
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'flowmock-replicas-http-'));
  const replicas: Launched[] = [];
  const spawnReplica = (extra: string[] = []) => launch(process.execPath, [
    BIN, 'serve', '--port', '0', '--host', '127.0.0.1', '--store', db.url, '--admin-key', RELIABILITY_ADMIN_KEY,
    '--log-level', 'warn', '--no-watch', ...extra,
  ], { ready: /listening on (http:\/\/\S+)/, env: { FLOWMOCK_SECRETS_FILE: path.join(dir, 'shared.secrets') }, timeoutMs: 90_000 });

  beforeAll(async () => {
    db = await createScratchDatabase();
    // One at a time: the first creates the schema and the users, the others find them.
    // The default lease (15 s): on a loaded machine a short one could expire while a replica is merely slow.
    for (let i = 0; i < 3; i++) replicas.push(await spawnReplica(['--speed', '0.05', '--max-concurrent', '100']));
  }, 300_000);
  afterAll(async () => {
    for (const r of replicas) await r.stop();
    await db?.drop();
    fs.rmSync(dir, { recursive: true, force: true });
  });
  const targets = (): Target[] => replicas.filter((r) => r.alive()).map((r, i) => ({ base: r.base, name: `replica ${i + 1}` }));

  it('a client spreading its calls across the replicas runs every demo flow to its end with the answers of one server', async () => {
    const single = await startServer({ speed: 0.05, adminKey: RELIABILITY_ADMIN_KEY });
    try {
      const one: Target[] = [{ base: single.base, name: 'one server' }];
      for (const sc of SCENARIOS) {
        const [spread, alone] = await Promise.all([sc.run(targets()), sc.run(one)]);
        expect(spread, sc.name).toEqual(alone);
      }
    } finally {
      await single.close();
    }
  }, 240_000);

  it('a long-poll on one replica wakes when the execution changes through another', async () => {
    const [a, b] = targets();
    // The slow flow on A at speed 0.05: a step every 125 ms, run by A's engine. B's long-poll
    // (60 s) can only answer early if A's save reaches it (LISTEN/NOTIFY).
    const { id } = await ok(await call(a, `/api/v1/flows/executions?flowId=${FLOW.slow}`, { method: 'POST' }));
    const before = await ok(await call(b, `/api/v1/flows/executions/${id}/progress?timeout=0`));
    expect(['Running', 'Queued']).toContain(before.status);
    const t0 = performance.now();
    const woke = await ok(await call(b, `/api/v1/flows/executions/${id}/progress?timeout=60`));
    const ms = performance.now() - t0;
    console.log(`long-poll on replica B answered ${ms.toFixed(0)} ms after it began (A saves a step every 125 ms): ${before.message} -> ${woke.message}`);
    expect(['Running', 'Queued', ...STABLE]).toContain(woke.status);
    expect(ms).toBeLessThan(30_000); // far below the 60 s it would have waited unwoken
  }, 60_000);

  it('kill -9 of a replica with 100 live executions: nothing lost, nothing Running past the lease, documents served by the survivors', async () => {
    // Speed 3: the invoice takes about 7 s, so the 100 are still Running when the replica dies.
    // The victim's own lease is what the survivors wait for after its death.
    const victim = await spawnReplica(['--speed', '3', '--max-concurrent', '200', '--replica-lease', String(LEASE_SECONDS)]);
    replicas.push(victim);
    const v: Target = { base: victim.base, name: 'victim' };
    const finished = await ok(await call(v, `/api/v1/flows/executions?flowId=${FLOW.invoice}`, { method: 'POST' }));
    let f = await ok(await call(v, `/api/v1/flows/executions/${finished.id}/progress?timeout=30`));
    while (!STABLE.includes(f.status)) f = await ok(await call(v, `/api/v1/flows/executions/${finished.id}/progress?timeout=30`));
    const ids: string[] = [];
    for (let i = 0; i < 100; i++) ids.push((await ok(await call(v, `/api/v1/flows/executions?flowId=${FLOW.invoice}`, { method: 'POST' }))).id);
    await victim.kill9();
    const killedAt = Date.now();
    const survivors = targets();
    const deadline = Date.now() + 60_000;
    let statuses: string[] = [];
    while (Date.now() < deadline) {
      statuses = await Promise.all(ids.map(async (id, i) => (await ok(await call(survivors[i % survivors.length], `/api/v1/flows/executions/${id}/progress?timeout=0`))).status));
      if (statuses.every((st) => STABLE.includes(st))) break;
      await new Promise((r) => setTimeout(r, 250));
    }
    expect(statuses).toHaveLength(100); // nothing lost
    expect(statuses.filter((st) => !STABLE.includes(st))).toEqual([]); // nothing stuck Running
    expect(statuses.filter((st) => st === 'Interrupted').length).toBeGreaterThan(0); // the survivors recovered them
    console.log(`kill -9 with 100 live executions: ${statuses.filter((st) => st === 'Interrupted').length} Interrupted by the survivors, `
      + `${statuses.filter((st) => st === 'Success').length} had finished; all stable ${((Date.now() - killedAt) / 1000).toFixed(1)} s after the kill (lease ${LEASE_SECONDS} s)`);
    const done = await ok(await call(survivors[0], `/api/v1/flows/executions/${finished.id}`));
    for (const ref of Object.values(done.state.output?.model ?? {}) as Json[]) {
      if (ref?.type === 'document') expect((await call(survivors[1], `/api/v1/documents/${ref.id}/content`)).status).toBe(200);
    }
  }, 180_000);
});
