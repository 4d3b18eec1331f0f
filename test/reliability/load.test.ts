/**
 * Load: mixed traffic — start, poll (long-poll included), get, download, trigger — from 50
 * concurrent clients against `flowmock serve` (file-backed SQLite, speed 0.01, response
 * validation on, so a reply that breaks the spec would be a 500). Zero undocumented statuses,
 * zero errors; request counts and p50/p99 per operation are printed. Short form 10 s here
 * (LOAD_SECONDS), 60 s in `npm run soak`.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { RELIABILITY_ADMIN_KEY, documentedStatuses, percentile, pool, prng, seedFor } from './support.js';
import { spawnFlowmock, type Launched } from '../support/process.js';

const SECONDS = Number(process.env.LOAD_SECONDS ?? 10);
const CONNECTIONS = 50;
const INVOICE = '11111111-1111-4111-8111-111111111101';
const ECHO = '/phixflow/api/1/action/Demo/Echo%20and%20enrich/trigger';
const ECHO_BODY = JSON.stringify(Array.from({ length: 10 }, (_, i) => ({ name: `C${i}`, email: `c${i}@example.com` })));
const DOCUMENTED = documentedStatuses();

const dir = mkdtempSync(path.join(tmpdir(), 'flowmock-load-'));
let server: Launched;
let token: string;
let integratorKey: string;

beforeAll(async () => {
  server = await spawnFlowmock({ db: path.join(dir, 'load.db'), speed: 0.01, maxConcurrent: 16, validateResponses: true });
  integratorKey = /integrator\s+(fm_\S+)/.exec(server.output())?.[1] ?? '';
  const res = await fetch(`${server.base}/__flowmock/phixflow/tokens`, {
    method: 'POST', headers: { 'X-API-Key': RELIABILITY_ADMIN_KEY, 'Content-Type': 'application/json' }, body: JSON.stringify({ user: 'api-user' }),
  });
  token = (await res.json()).token;
}, 60_000);
afterAll(async () => {
  await server?.stop();
  rmSync(dir, { recursive: true, force: true });
});

interface Stat { statuses: Record<number, number>; latencies: number[] }

describe('load', () => {
  it(`mixed traffic from ${CONNECTIONS} clients for ${SECONDS} s: only documented statuses, no errors`, async () => {
    const random = prng(seedFor('load'));
    const stats = new Map<string, Stat>();
    const errors: string[] = [];
    const undocumented: string[] = [];
    const executions: string[] = [];
    const documents: string[] = [];
    const keys = [RELIABILITY_ADMIN_KEY, integratorKey];
    const pick = <T>(xs: T[]): T | undefined => (xs.length ? xs[Math.floor(random() * xs.length)] : undefined);

    const request = async (operationId: string, p: string, init: RequestInit = {}, label = operationId): Promise<{ status: number; body: any } | null> => {
      const t = performance.now();
      try {
        const res = await fetch(server.base + p, init);
        const type = res.headers.get('content-type') ?? '';
        const body = type.includes('json') ? await res.json() : await res.arrayBuffer();
        const s = stats.get(label) ?? { statuses: {}, latencies: [] };
        s.statuses[res.status] = (s.statuses[res.status] ?? 0) + 1;
        s.latencies.push(performance.now() - t);
        stats.set(label, s);
        if (!DOCUMENTED.get(operationId)!.has(res.status) || res.status >= 500) {
          undocumented.push(`${operationId} ${p} → ${res.status} ${JSON.stringify(body).slice(0, 200)}`);
        }
        return { status: res.status, body };
      } catch (err) {
        errors.push(`${operationId} ${p}: ${(err as Error).message}`);
        return null;
      }
    };

    const step = async () => {
      const key = keys[random() < 0.7 ? 0 : 1];
      const withKey = { headers: { 'X-API-Key': key } };
      const r = random();
      const id = pick(executions);
      if (r < 0.15 || !id) {
        const res = await request('StartFlow', `/api/v1/flows/executions/start?flow=${INVOICE}`, { method: 'POST', ...withKey });
        if (res?.status === 200) executions.push(res.body.id);
      } else if (r < 0.45) {
        const longPoll = random() < 0.2; // waits up to 1 s for the next change of a running execution
        const res = await request('GetFlowExecutionProgress', `/api/v1/flows/executions/${id}/progress?timeout=${longPoll ? 1 : 0}`, withKey,
          longPoll ? 'GetFlowExecutionProgress (long-poll)' : 'GetFlowExecutionProgress');
        const doc = res?.status === 200 ? res.body.model?.invoice?.document?.id : undefined;
        if (doc && !documents.includes(doc)) documents.push(doc);
      } else if (r < 0.65) {
        await request('GetFlowExecution', `/api/v1/flows/executions/${id}`, withKey);
      } else if (r < 0.8) {
        const doc = pick(documents);
        if (doc) await request('GetDocumentContent', `/api/v1/documents/${doc}/content`, withKey);
        else await request('GetFlowExecutions', `/api/v1/flows/${INVOICE}/executions?size=5`, withKey);
      } else {
        await request('TriggerActionflow', ECHO, {
          method: 'POST', headers: { Authorization: `Bearer ${token}`, 'Content-Type': 'application/json' }, body: ECHO_BODY,
        });
      }
    };

    const t0 = Date.now();
    const sent = await pool(CONNECTIONS, { deadline: t0 + SECONDS * 1000 }, step);
    const seconds = (Date.now() - t0) / 1000;

    const all = [...stats].filter(([label]) => !label.includes('long-poll')).flatMap(([, s]) => s.latencies).sort((a, b) => a - b);
    const lines = [...stats].map(([op, s]) => {
      const l = [...s.latencies].sort((a, b) => a - b);
      return `  ${op.padEnd(38)} ${String(l.length).padStart(6)} requests, p50 ${percentile(l, 50).toFixed(1)} ms, p99 ${percentile(l, 99).toFixed(1)} ms, statuses ${JSON.stringify(s.statuses)}`;
    });
    console.log(`[load] ${sent} requests in ${seconds.toFixed(1)} s (${(sent / seconds).toFixed(0)}/s) from ${CONNECTIONS} clients; `
      + `p50 ${percentile(all, 50).toFixed(1)} ms, p99 ${percentile(all, 99).toFixed(1)} ms (long-polls left out); ${executions.length} executions started\n${lines.join('\n')}`);

    expect(errors.slice(0, 10), `${errors.length} errors`).toEqual([]);
    expect(undocumented.slice(0, 10), `${undocumented.length} undocumented statuses`).toEqual([]);
    expect(sent).toBeGreaterThan(SECONDS * 20);
    expect(server.alive()).toBe(true);
  }, (SECONDS + 60) * 1000);
});
