/**
 * GET /__flowmock/report/clients for a scripted client that misbehaves on purpose: it polls a
 * progress far faster than the suggested interval, fetches a document before its execution
 * ended (409), asks for an unknown execution (404) and starts an execution it never reads; a
 * second client (the admin key) polls at the suggested pace and reads everything to the end.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startServer, type TestServer } from '../support/server.js';
import { FLOW, startFlow, type Progress } from '../smartflows/helpers.js';
import { clearJournal, createKey, json, type ClientReport } from './helpers.js';
import { sleep, waitFor } from '../support/wait.js';

let s: TestServer;
beforeAll(async () => {
  s = await startServer({ speed: 0.5 }); // Invoice: about 1.2 s; E-signature: a document after 0.4 s, then Waiting
});
afterAll(async () => {
  await s?.close();
});

const report = async (query = '') => json<ClientReport>(await s.call(`/__flowmock/report/clients${query}`, { key: s.adminKey }));
const progress = async (id: string, key: string, timeout = 0) =>
  json<Progress>(await s.call(`/api/v1/flows/executions/${id}/progress?timeout=${timeout}`, { key }));
const stable = (id: string) => waitFor(`execution ${id} stable`, async () => {
  const e = await s.fm.services.store.executions.byId(id);
  return e && ['Success', 'Warning', 'Error', 'Interrupted', 'Canceled'].includes(e.status) ? e : undefined;
});

describe('client report', () => {
  it('shows polls too fast, documents fetched before Success, 4xx answers and executions never read to the end', async () => {
    const client = await createKey(s, 'integrator', 'scripted client');
    await clearJournal(s);

    // 1. Polls an Invoice run every 20 ms (timeout=0) until it ends: too fast, but read to the end.
    const hurried = await startFlow(s, FLOW.invoice, { key: client.key });
    let last: Progress;
    do {
      last = await progress(hurried.id, client.key);
      await sleep(20); // the client's own pacing, which the report measures (in real time): too fast on purpose
    } while (last.status !== 'Success');

    // 2. Starts an Invoice run and never asks about it again.
    const forgotten = await startFlow(s, FLOW.invoice, { key: client.key });
    // 2b. The same with StartFlow (/start?flow=): a start too, never read.
    const batch = await json(await s.call(`/api/v1/flows/executions/start?flow=${FLOW.invoice}`, { key: client.key, method: 'POST' }));

    // 3. E-signature: waits for it to produce its contract, fetches the PDF too early (409), cancels.
    const esign = await startFlow(s, FLOW.esign, { key: client.key });
    await waitFor('E-signature waiting', async () => ((await progress(esign.id, client.key, 5)).status === 'Waiting' ? true : undefined));
    const execution = await json(await s.call(`/api/v1/flows/executions/${esign.id}`, { key: client.key }));
    const docId = (Object.values(execution.state.output.model)[0] as { document: { id: string } }).document.id;
    expect((await s.call(`/api/v1/documents/${docId}/content`, { key: client.key })).status).toBe(409);
    expect((await s.call(`/api/v1/flows/executions/${esign.id}`, { key: client.key, method: 'DELETE' })).status).toBe(200);

    // 4. An unknown execution.
    expect((await s.call('/api/v1/flows/executions/00000000-0000-4000-8000-000000000000', { key: client.key })).status).toBe(404);

    // The admin key as a well-behaved client: one poll per suggested second, until Success.
    const calm = await startFlow(s, FLOW.invoice, { key: s.adminKey });
    for (;;) {
      const p = await progress(calm.id, s.adminKey);
      if (p.status === 'Success') break;
      await sleep(1050); // the client's own pacing (real time, as the report measures it): just over the suggested second
    }
    await stable(forgotten.id);
    await stable(batch.id);

    const r = await report();
    expect(r.defaultPollIntervalSeconds).toBe(1);
    const scripted = r.clients.find((c) => c.client === `key:${client.id}`)!;
    expect(scripted).toMatchObject({
      kind: 'apiKey', apiKeyId: client.id, user: 'integrator', tokenSubject: null,
      executionsStarted: 4,
      executionsUnread: { count: 2, executionIds: expect.arrayContaining([forgotten.id, batch.id]) },
      documentsBeforeSuccess: 1,
      clientErrors: { total: 2, byStatus: [{ status: 404, count: 1 }, { status: 409, count: 1 }] },
    });
    const hurriedPolls = scripted.polling.executions.find((p) => p.executionId === hurried.id)!;
    expect(hurriedPolls.polls).toBeGreaterThan(10);
    expect(hurriedPolls.ratePerSecond).toBeGreaterThan(5);
    expect(hurriedPolls).toMatchObject({ suggestedIntervalSeconds: 1, tooFast: true });
    expect(scripted.polling.tooFast).toBeGreaterThanOrEqual(1);
    expect(scripted.polling.executions.some((p) => p.executionId === forgotten.id)).toBe(false);
    expect(scripted.requests).toBeGreaterThan(hurriedPolls.polls);

    const admin = r.clients.find((c) => c.user === 'admin')!;
    expect(admin).toMatchObject({
      kind: 'apiKey', executionsStarted: 1, executionsUnread: { count: 0, executionIds: [] }, documentsBeforeSuccess: 0,
      clientErrors: { total: 0, byStatus: [] }, polling: { tooFast: 0 },
    });
    const calmPolls = admin.polling.executions[0];
    expect(calmPolls).toMatchObject({ executionId: calm.id, tooFast: false, suggestedIntervalSeconds: 1 });
    expect(calmPolls.ratePerSecond).toBeLessThanOrEqual(1.1);

    // Reading the forgotten executions now clears them from the unread list.
    await progress(forgotten.id, client.key);
    await progress(batch.id, client.key);
    const after = (await report()).clients.find((c) => c.client === `key:${client.id}`)!;
    expect(after.executionsUnread).toEqual({ count: 0, executionIds: [] });

    // `since` limits the report to later requests.
    expect((await report(`?since=${encodeURIComponent(new Date(Date.now() + 60_000).toISOString())}`)).clients).toEqual([]);
  });
});

describe('client report with the virtual clock', () => {
  it('judges "read to the end" by the status the client was shown, not by comparing clocks', async () => {
    const v = await startServer({ speed: 1, clock: 'virtual' });
    try {
      const read = await startFlow(v, FLOW.invoice);
      const unread = await startFlow(v, FLOW.invoice);
      const moved = await v.call('/__flowmock/clock', {
        method: 'POST', key: v.adminKey, headers: { 'Content-Type': 'application/json' }, body: JSON.stringify({ advanceMs: 3_600_000 }),
      });
      expect(moved.status).toBe(200);
      expect((await json<Progress>(await v.call(`/api/v1/flows/executions/${read.id}/progress?timeout=0`))).status).toBe('Success');
      const r = await json<ClientReport>(await v.call('/__flowmock/report/clients', { key: v.adminKey }));
      const integrator = r.clients.find((c) => c.user === 'integrator')!;
      expect(integrator.executionsStarted).toBe(2);
      expect(integrator.executionsUnread).toEqual({ count: 1, executionIds: [unread.id] });
    } finally {
      await v.close();
    }
  });
});
