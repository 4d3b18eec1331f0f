/**
 * The flow engine on PostgreSQL, two replicas (two stores, two engines) on one scratch database,
 * without HTTP: the demo flows end as they do on SQLite; the concurrency limit holds across both
 * engines; a long-poll on one engine wakes when the other's runner saves; a cancel through one
 * stops the other's runner for good; a callback through one resumes an execution started on the
 * other.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadDefinitions, type LoadedDefinitions } from '../../src/engine/definitions/load.js';
import { FlowEngine } from '../../src/engine/flows/flow-engine.js';
import { Credentials } from '../../src/auth/credentials.js';
import { seedStore } from '../../src/auth/seed.js';
import type { EngineFlow } from '../../src/engine/flows/types.js';
import { openPgStore, type PgStore } from '../../src/store/postgres/pg-store.js';
import { openStore } from '../../src/store/sqlite-store.js';
import type { ExecutionRecord, FlowZoneState, Store } from '../../src/store/types.js';
import { FLOW } from '../support/demo-flows.js';
import { createScratchDatabase, postgresAvailable, type ScratchDatabase } from '../support/postgres.js';

const available = await postgresAvailable();
const STABLE = ['Success', 'Warning', 'Error', 'Interrupted', 'Canceled'];
const SPEED = 0.02;

/** Waits through the engine's long-poll until `pred` holds. */
async function until(engine: FlowEngine, store: Store, id: string, pred: (r: ExecutionRecord) => boolean, timeoutMs = 20_000): Promise<ExecutionRecord> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const rec = (await store.executions.byId(id))!;
    if (pred(rec)) return rec;
    if (Date.now() > deadline) throw new Error(`timed out; execution ${id} is ${rec.status} (${rec.progress.message})`);
    await engine.waitForChange(id, rec.version, 200);
  }
}

const blocks = (zones: FlowZoneState[]): unknown => zones.map((z) => ({
  id: z.id, blocks: z.blocks.map((b) => ({ id: b.id, step: b.step?.status, condition: b.condition?.result, try: b.try?.error, switch: b.switch?.caseValue })),
}));
const normalized = (r: ExecutionRecord) => ({
  status: r.status, message: r.progress.message, percentage: r.progress.percentage, report: blocks(r.report),
  stages: r.stages.length, warnings: r.warnings.map((w) => w.message), errors: r.errors.map((e) => e.message),
});

describe.skipIf(!available)('flow engines on two PostgreSQL replicas', () => {
  let db: ScratchDatabase;
  let defs: LoadedDefinitions;
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'flowmock-engines-pg-'));
  const stores: PgStore[] = [];
  const engines: FlowEngine[] = [];
  let a: { store: PgStore; engine: FlowEngine };
  let b: { store: PgStore; engine: FlowEngine };
  const flows = () => new Map<string, EngineFlow>(defs.flows.map((f) => [f.def.id, f]));
  const replica = async (id: string, maxConcurrent: number) => {
    const store = await openPgStore(db.url, { replicaId: id, secretsFile: path.join(dir, 'shared.secrets') });
    const engine = new FlowEngine({ store, flows, speed: SPEED, maxConcurrent });
    stores.push(store);
    engines.push(engine);
    return { store, engine };
  };

  beforeAll(async () => {
    defs = await loadDefinitions('flows');
    db = await createScratchDatabase();
    a = await replica('engine-a', 3);
    b = await replica('engine-b', 3);
  });
  afterAll(async () => {
    for (const e of engines) e.shutdown();
    for (const s of stores) await s.close();
    await db?.drop();
    fs.rmSync(dir, { recursive: true, force: true });
  });

  it('the demo flows that run by themselves end exactly as on SQLite', async () => {
    const sqlite = openStore(':memory:');
    const local = new FlowEngine({ store: sqlite, flows, speed: SPEED, maxConcurrent: 3 });
    try {
      for (const flowId of [FLOW.invoice, FLOW.warning, FLOW.error, FLOW.slow, FLOW.approval]) {
        const req = { flowId, userId: 'u1', input: { kind: 'none' as const }, skipUserInput: flowId === FLOW.approval };
        const [onPg, onSqlite] = await Promise.all([a.engine.start(req), local.start(req)]);
        const [endPg, endSqlite] = await Promise.all([
          until(a.engine, a.store, onPg.id, (r) => STABLE.includes(r.status)),
          until(local, sqlite, onSqlite.id, (r) => STABLE.includes(r.status)),
        ]);
        // The slow flow races its steps against its maximum duration: where the deadline lands
        // depends on each save's time, so only how it ends is compared.
        if (flowId === FLOW.slow) expect([endPg.status, endPg.progress.message]).toEqual([endSqlite.status, endSqlite.progress.message]);
        else expect(normalized(endPg), flowId).toEqual(normalized(endSqlite));
        // The other replica reads the same record.
        expect(normalized((await b.store.executions.byId(onPg.id))!)).toEqual(normalized(endPg));
      }
    } finally {
      local.shutdown();
      await sqlite.close();
    }
  }, 120_000);

  it('the concurrency limit is global: starts through both engines never run more than it at once, and every one ends', async () => {
    const ids: string[] = [];
    let peak = 0;
    for (let i = 0; i < 10; i++) {
      const { engine } = i % 2 ? b : a;
      ids.push((await engine.start({ flowId: FLOW.invoice, userId: 'u1', input: { kind: 'none' }, skipUserInput: false })).id);
      peak = Math.max(peak, await a.store.executions.countByStatus('Running'));
    }
    const deadline = Date.now() + 60_000;
    while (Date.now() < deadline) {
      peak = Math.max(peak, await a.store.executions.countByStatus('Running'));
      const live = (await a.store.executions.listLive()).filter((r) => ids.includes(r.id));
      if (live.length === 0) break;
      await new Promise((r) => setTimeout(r, 20));
    }
    expect(peak).toBeLessThanOrEqual(3);
    expect(peak).toBeGreaterThan(0);
    for (const id of ids) expect((await b.store.executions.byId(id))!.status).toBe('Success');
  }, 90_000);

  it("a long-poll on one engine wakes when the other engine's runner saves (wake-up measured from A's commit)", async () => {
    const paced = new FlowEngine({ store: a.store, flows, speed: 0.4, maxConcurrent: 3 }); // a step every second on A
    engines.push(paced);
    const started = await paced.start({ flowId: FLOW.invoice, userId: 'u1', input: { kind: 'none' }, skipUserInput: false });
    const latencies: number[] = [];
    for (let i = 0; i < 2; i++) {
      const rec = (await b.store.executions.byId(started.id))!;
      if (STABLE.includes(rec.status)) break;
      let committedAt = 0;
      const stop = a.store.onChange((c) => {
        if (c.kind === 'execution' && c.id === started.id && c.version === rec.version + 1) committedAt = performance.now();
      });
      const next = await b.engine.waitForChange(started.id, rec.version, 30_000);
      const wokeAt = performance.now();
      stop();
      expect(next!.version).toBeGreaterThan(rec.version);
      if (committedAt) latencies.push(wokeAt - committedAt);
    }
    console.log(`engine B's long-poll woke ${latencies.map((ms) => `${ms.toFixed(1)} ms`).join(', ')} after engine A's save committed`);
    expect(latencies.length).toBeGreaterThan(0);
    await until(b.engine, b.store, started.id, (r) => STABLE.includes(r.status));
  }, 60_000);

  it("a cancel through one engine stops the other's runner for good", async () => {
    const slow = new FlowEngine({ store: a.store, flows, speed: 1, maxConcurrent: 3 }); // a runner that takes seconds
    engines.push(slow);
    const started = await slow.start({ flowId: FLOW.invoice, userId: 'u1', input: { kind: 'none' }, skipUserInput: false });
    await until(b.engine, b.store, started.id, (r) => r.status === 'Running');
    const canceled = await b.engine.cancel(started.id, 'u1');
    expect(canceled.status).toBe('Canceled');
    await new Promise((r) => setTimeout(r, 2600)); // past the invoice's remaining steps at speed 1
    const after = (await a.store.executions.byId(started.id))!;
    expect(after.status).toBe('Canceled');
    expect(after.version).toBe(canceled.version); // the runner on A saved nothing more
  }, 30_000);

  it('a callback through one engine resumes an execution started on the other', async () => {
    const started = await a.engine.start({ flowId: FLOW.esign, userId: 'u1', input: { kind: 'none' }, skipUserInput: false });
    const waiting = await until(b.engine, b.store, started.id, (r) => r.status === 'Waiting');
    await b.engine.callback(started.id, waiting.waitingFor!.callbackId!, { signed: true }, 'u1');
    const done = await until(a.engine, a.store, started.id, (r) => STABLE.includes(r.status));
    expect(done.status).toBe('Success');
    expect(done.stages).toHaveLength(2);
  }, 30_000);

  it('a key revoked through one replica is refused by the other, whose verified-key cache had it', async () => {
    const credsA = new Credentials(a.store, { jwtTtlSeconds: 600 });
    const credsB = new Credentials(b.store, { jwtTtlSeconds: 600 });
    await seedStore(a.store, credsA, { now: () => new Date() });
    const integrator = (await a.store.users.byUsername('integrator'))!;
    const { record, key } = await credsA.createApiKey(integrator.id, 'replica test');
    expect((await credsB.verifyApiKey(key)).user.id).toBe(integrator.id); // verified and cached on B
    const before = b.store.credentialsVersion();
    const t0 = performance.now();
    expect(await a.store.apiKeys.revoke(record.id, new Date().toISOString())).toBe(true);
    while (b.store.credentialsVersion() === before && performance.now() - t0 < 10_000) await new Promise((r) => setTimeout(r, 1));
    console.log(`replica B learned of the revocation ${(performance.now() - t0).toFixed(1)} ms after replica A's revoke was sent`);
    await expect(credsB.verifyApiKey(key)).rejects.toThrow('This API key was revoked.');
  }, 30_000);
});
