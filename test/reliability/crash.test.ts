/**
 * Crash: `flowmock serve` on a temp SQLite file at speed 1, with finished executions (and their
 * PDFs), executions waiting for input and for a callback, 200 slow executions (Running and
 * Queued) and 50 asynchronous actionflow runs in flight, is killed with SIGKILL and started
 * again on the same file. Then every execution and process is there; finished ones are exactly
 * as before and their documents download byte for byte; Running and Queued ones are
 * Interrupted, UserInput and Waiting ones kept (and can still be continued), the runs are Fail
 * with the interrupted message, as documented; and `PRAGMA integrity_check` is ok.
 */
import { createHash } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import Database from 'better-sqlite3';
import { afterAll, describe, expect, it } from 'vitest';
import { RELIABILITY_ADMIN_KEY, pool } from './support.js';
import { spawnFlowmock, type Launched } from '../support/process.js';
import { waitFor as waitForAny } from '../support/wait.js';

/** Child processes under load: a longer hang bound than in-process tests. */
const waitFor = <T>(what: string, check: () => Promise<T | null>, opts: { timeoutMs?: number; intervalMs?: number } = {}) =>
  waitForAny(what, check, { timeoutMs: 30_000, intervalMs: 100, ...opts });
import { FLOW } from '../support/demo-flows.js';

const LONG_REPORT = '/phixflow/api/1/action/Demo/Long%20report';
const STABLE = new Set(['Success', 'Warning', 'Error', 'Interrupted', 'Canceled']);

const dir = mkdtempSync(path.join(tmpdir(), 'flowmock-crash-'));
const db = path.join(dir, 'crash.db');
const servers: Launched[] = [];
afterAll(async () => {
  for (const s of servers) await s.kill9();
  rmSync(dir, { recursive: true, force: true });
});

function client(base: string) {
  const call = async (p: string, init: RequestInit & { token?: string } = {}) => {
    const headers: Record<string, string> = init.token ? { Authorization: `Bearer ${init.token}` } : { 'X-API-Key': RELIABILITY_ADMIN_KEY };
    if (init.body) headers['Content-Type'] = 'application/json';
    return fetch(base + p, { ...init, headers: { ...headers, ...(init.headers as Record<string, string>) } });
  };
  const json = async (p: string, init: RequestInit & { token?: string } = {}, expected = [200, 201, 202]) => {
    const res = await call(p, init);
    const text = await res.text();
    if (!expected.includes(res.status)) throw new Error(`${init.method ?? 'GET'} ${p}: ${res.status} ${text.slice(0, 300)}`);
    return JSON.parse(text);
  };
  return { call, json };
}

async function allExecutions(base: string): Promise<Map<string, any>> {
  const { json } = client(base);
  const out = new Map<string, any>();
  for (let page = 0; ; page++) {
    // Lists are plain arrays (as the vendor's): a page shorter than its size is the last.
    const p = await json(`/api/v1/flows/executions?size=100&page=${page}&sort=createdAt,asc`);
    for (const e of p) out.set(e.id, e);
    if (p.length < 100) return out;
  }
}

const sha = (b: ArrayBuffer) => createHash('sha256').update(Buffer.from(b)).digest('hex');

describe('kill -9 and restart on the same database', () => {
  it('keeps every execution and process; live ones are recovered as documented; the file is intact', async () => {
    const s1 = await spawnFlowmock({ db, speed: 1, maxConcurrent: 30 });
    servers.push(s1);
    const c1 = client(s1.base);
    const { token } = await c1.json('/__flowmock/phixflow/tokens', { method: 'POST', body: JSON.stringify({ user: 'api-user' }) });

    // Finished executions (with documents), and executions waiting for a person or a callback.
    const start = (flow: string, interactive = false) => c1.json(interactive ? `/api/v1/flows/executions?flowId=${flow}` : `/api/v1/flows/executions/start?flow=${flow}`, { method: 'POST' });
    const settled: string[] = [];
    for (const [flow, n] of [[FLOW.invoice, 10], [FLOW.warning, 3], [FLOW.error, 3]] as const) {
      for (let i = 0; i < n; i++) settled.push((await start(flow)).id);
    }
    const waiting: string[] = [];
    for (let i = 0; i < 10; i++) waiting.push((await start(FLOW.approval, true)).id, (await start(FLOW.esign, true)).id);
    await waitFor('the finished and waiting executions', async () => {
      const all = await allExecutions(s1.base);
      const ok = settled.every((id) => STABLE.has(all.get(id)?.status)) && waiting.every((id) => ['UserInput', 'Waiting'].includes(all.get(id)?.status));
      return ok ? true : null;
    });

    // 200 slow executions (30 Running, the rest Queued) and 50 asynchronous actionflow runs (20 s each).
    const slow: string[] = [];
    await pool(20, { count: 200 }, async () => { slow.push((await start(FLOW.slow)).id); });
    const records = JSON.stringify(Array.from({ length: 40 }, (_, i) => ({ n: i })));
    const runs: string[] = [];
    await pool(20, { count: 50 }, async () => {
      const env = await c1.json(`${LONG_REPORT}/trigger`, { method: 'POST', token, body: records }, [202]);
      runs.push(env.processId);
    });
    expect(slow).toHaveLength(200);
    expect(runs).toHaveLength(50);

    // What a client saw just before the crash.
    const before = await allExecutions(s1.base);
    const documents = new Map<string, string>();
    for (const id of settled) {
      const e = before.get(id);
      for (const out of Object.values<any>(e.state.output.model ?? {})) {
        if (!out?.document?.id) continue;
        const res = await c1.call(`/api/v1/documents/${out.document.id}/content`);
        expect(res.status).toBe(200);
        documents.set(out.document.id, sha(await res.arrayBuffer()));
      }
    }
    expect(documents.size).toBeGreaterThanOrEqual(13); // 10 invoices and 3 warning reports
    const statusesBefore: Record<string, number> = {};
    for (const e of before.values()) statusesBefore[e.status] = (statusesBefore[e.status] ?? 0) + 1;
    console.log(`[crash] before the kill: ${before.size} executions ${JSON.stringify(statusesBefore)}, ${runs.length} actionflow runs`);
    // Slow ones reach their maximum duration (3 s) and end Interrupted on their own; on a busy
    // machine some do so before the snapshot. Most must still be live.
    expect((statusesBefore.Running ?? 0) + (statusesBefore.Queued ?? 0)).toBeGreaterThan(100);

    await s1.kill9();
    expect(s1.child.signalCode).toBe('SIGKILL');

    const s2 = await spawnFlowmock({ db, speed: 1, maxConcurrent: 30 });
    servers.push(s2);
    const c2 = client(s2.base);
    const recovered = /recovered\s+(\d+) executions and (\d+) actionflow runs/.exec(s2.output());
    expect(recovered, s2.output()).not.toBeNull();
    console.log(`[crash] after the restart: ${recovered![0]}`);
    expect(Number(recovered![2])).toBe(50);

    const after = await allExecutions(s2.base);
    expect([...before.keys()].filter((id) => !after.has(id))).toEqual([]);
    expect(after.size).toBe(before.size);
    let interruptedByRestart = 0;
    for (const [id, was] of before) {
      const now = after.get(id);
      if (STABLE.has(was.status) || was.status === 'UserInput' || was.status === 'Waiting') {
        expect(now, `${was.status} execution ${id} unchanged`).toEqual(was);
      } else {
        // Running or Queued: Interrupted, by the restart or (a slow one) by its maximum duration just before.
        expect(now.status, `${was.status} execution ${id}`).toBe('Interrupted');
        if (/server stopped/.test(now.state.report[0]?.blocks.at(-1)?.message ?? JSON.stringify(now))) interruptedByRestart++;
      }
    }
    expect(interruptedByRestart).toBe(Number(recovered![1]));

    for (const [docId, hash] of documents) {
      const res = await c2.call(`/api/v1/documents/${docId}/content`);
      expect(res.status).toBe(200);
      expect(sha(await res.arrayBuffer())).toBe(hash);
    }

    for (const processId of runs) {
      const env = await c2.json(`${LONG_REPORT}/status/${processId}`, { token });
      expect(env).toMatchObject({ status: 'Fail', processId });
      expect(env.message).toMatch(/interrupt/i);
    }

    // Waiting executions can still be continued after the restart.
    const approval = waiting.find((id) => before.get(id).status === 'UserInput')!;
    const esign = waiting.find((id) => before.get(id).status === 'Waiting')!;
    await c2.json(`/api/v1/flows/executions/${approval}/progress`, { method: 'POST', body: JSON.stringify({ approver: 'Ann', approved: true }) });
    const callbackUrl: string = before.get(esign).state.waitingFor; // the callback URL (waitingFor is text)
    const resumed = await fetch(`${s2.base}${callbackUrl}`, { method: 'POST', body: JSON.stringify({ signed: true }), headers: { 'Content-Type': 'application/json' } });
    expect(await resumed.text()).toBe('Running'); // the callback answers the new status as text, without credentials
    for (const id of [approval, esign]) {
      await waitFor(`${id} to finish`, async () => ((await c2.json(`/api/v1/flows/executions/${id}`)).status === 'Success' ? true : null));
    }

    expect(await s2.stop()).toBe(0);
    const check = new Database(db, { readonly: true });
    try {
      expect(check.pragma('integrity_check', { simple: true })).toBe('ok');
      expect(check.pragma('foreign_key_check')).toEqual([]);
      expect(check.prepare('SELECT COUNT(*) FROM executions').pluck().get()).toBe(before.size);
      expect(check.prepare('SELECT COUNT(*) FROM processes WHERE id IN (SELECT value FROM json_each(?))').pluck().get(JSON.stringify(runs))).toBe(50);
    } finally {
      check.close();
    }
  }, 120_000);
});

/**
 * Issue 14, item 2, against a real server process: another process (this test's, a real
 * SQLite connection) holds the database's write lock for 10 s while 50 executions run (and more
 * are started). Real time is inherent here: the lock belongs to another process. Nothing answers
 * 5xx, no execution ends Error because of it, and the health answers within 100 ms throughout
 * (all but at most 1 % of ~170 samples, so that one scheduling stall of a machine shared with
 * other suites does not decide it; the maximum is printed).
 */
describe('an outside write lock held for 10 s during 50 live executions', () => {
  it('zero 5xx, zero executions in Error, health answered within 100 ms throughout', async () => {
    const lockDb = path.join(dir, 'locked.db');
    // Speed 5: the invoice flow takes about 12 s, so every execution is live through the lock.
    const s = await spawnFlowmock({ db: lockDb, speed: 5, maxConcurrent: 100 });
    servers.push(s);
    const c = client(s.base);
    const statuses: number[] = [];
    const counted = async (p: string, init: RequestInit = {}) => {
      const res = await c.call(p, init);
      statuses.push(res.status);
      return res;
    };
    const ids: string[] = [];
    await pool(10, { count: 50 }, async () => {
      ids.push((await (await counted(`/api/v1/flows/executions/start?flow=${FLOW.invoice}`, { method: 'POST' })).json()).id);
    });

    const other = new Database(lockDb);
    other.pragma('busy_timeout = 5000'); // this process may wait for the server's short write
    other.exec('BEGIN IMMEDIATE');
    const lockedAt = Date.now();
    const healthMs: number[] = [];
    const healthStatus: string[] = [];
    const pending: Array<Promise<unknown>> = [];
    let i = 0;
    while (Date.now() - lockedAt < 10_000) {
      const t0 = performance.now();
      const h = await counted('/__flowmock/health');
      healthMs.push(performance.now() - t0);
      healthStatus.push((await h.json()).status);
      // Traffic meanwhile: reads answer now; starts wait for the lock (without holding up the rest).
      if (i % 5 === 0) pending.push(counted(`/api/v1/flows/executions/start?flow=${FLOW.invoice}`, { method: 'POST' }).then(async (r) => { if (r.ok) ids.push((await r.json()).id); }));
      pending.push(counted(`/api/v1/flows/executions/${ids[i % 50]}`));
      pending.push(counted('/api/v1/flows/executions?size=20'));
      i++;
      await new Promise((r) => setTimeout(r, 50));
    }
    other.exec('COMMIT');
    other.close();
    await Promise.all(pending);

    const settled = await waitFor('every execution to finish', async () => {
      const all = await allExecutions(s.base);
      return ids.every((id) => STABLE.has(all.get(id)?.status)) ? all : null;
    }, { timeoutMs: 90_000, intervalMs: 100 });
    const byStatus: Record<string, number> = {};
    for (const id of ids) byStatus[settled.get(id).status] = (byStatus[settled.get(id).status] ?? 0) + 1;
    const sorted = [...healthMs].sort((a, b) => a - b);
    console.log(`[lock] ${statuses.length} requests (${statuses.filter((x) => x >= 500).length} 5xx); ${ids.length} executions ${JSON.stringify(byStatus)}; `
      + `health ${healthMs.length} times: median ${sorted[Math.floor(sorted.length / 2)].toFixed(1)} ms, max ${sorted.at(-1)!.toFixed(1)} ms, `
      + `statuses ${JSON.stringify(Object.fromEntries([...new Set(healthStatus)].map((x) => [x, healthStatus.filter((y) => y === x).length])))}`);
    expect(statuses.filter((x) => x >= 500)).toEqual([]);
    expect(byStatus.Error ?? 0).toBe(0);
    expect(byStatus.Success).toBe(ids.length);
    expect(healthStatus).toContain('degraded'); // it said so while the lock was held
    // Within 100 ms: all but at most 1 % of the answers (a stall of the shared test machine,
    // which runs other suites at the same time, is not the server's; the maximum is printed).
    const slow = healthMs.filter((ms) => ms >= 100).length;
    expect(slow, `${slow} of ${healthMs.length} health answers took 100 ms or more`).toBeLessThanOrEqual(Math.floor(healthMs.length / 100));
    expect(await s.stop()).toBe(0);
  }, 180_000);
});
