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
import { RELIABILITY_ADMIN_KEY, pool, spawnFlowmock, type ServerChild } from './support.js';
import { FLOW } from '../support/demo-flows.js';

const LONG_REPORT = '/phixflow/api/1/action/Demo/Long%20report';
const STABLE = new Set(['Success', 'Warning', 'Error', 'Interrupted', 'Canceled']);

const dir = mkdtempSync(path.join(tmpdir(), 'flowmock-crash-'));
const db = path.join(dir, 'crash.db');
const servers: ServerChild[] = [];
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

async function waitFor<T>(what: string, fn: () => Promise<T | null>, timeoutMs = 30_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const v = await fn();
    if (v !== null) return v;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 100));
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
