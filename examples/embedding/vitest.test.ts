/**
 * Embedding flowmock in a vitest suite (the README's example, run by `npm test`): one in-process
 * server per file on a free port with an in-memory store, reset before each test; a flow run
 * through the typed client, the request journal verified, a scenario picked per request, and timed
 * steps moved by the virtual clock instead of waited for.
 */
// #region readme
import { afterAll, beforeAll, beforeEach, expect, test } from 'vitest';
import { startFlowmock, type Flowmock } from 'flowmock';
import { runFlow } from 'flowmock/client';

const INVOICE = '11111111-1111-4111-8111-111111111101'; // demo flow: one step, one PDF
const SLOW_REPORT = '11111111-1111-4111-8111-111111111108'; // demo flow: 10 s of steps, interrupted after 3 s

let fm: Flowmock;
beforeAll(async () => { fm = await startFlowmock(); }); // virtual clock, steps take no time
afterAll(() => fm.close());
beforeEach(() => fm.reset()); // a fresh server on the same URL, with the same keys

const start = (flowId: string, headers: Record<string, string> = {}) =>
  fetch(`${fm.url}/api/v1/flows/executions?flowId=${flowId}`, { method: 'POST', headers: { 'X-API-Key': fm.userKey, ...headers } })
    .then((r) => r.json() as Promise<{ id: string; status: string }>);
const execution = (id: string) =>
  fetch(`${fm.url}/api/v1/flows/executions/${id}`, { headers: { 'X-API-Key': fm.userKey } }).then((r) => r.json() as Promise<{ status: string }>);

test('the invoice flow ends in Success with a PDF, started exactly once', async () => {
  const run = await runFlow({ baseUrl: fm.url, apiKey: fm.userKey }, INVOICE);
  expect(run.status).toBe('Success');
  expect(run.documents).toHaveLength(1);
  expect(await fm.journal.verify({ operationId: 'ExecuteFlow', count: 1 })).toBe(1);
  await expect(fm.journal.verify({ operationId: 'ExecuteFlow', count: 2 })).rejects.toThrow(/1 request matched .*expected exactly 2/);
});

test('a scenario picked for one start makes that execution fail', async () => {
  const { id } = await start(INVOICE, fm.scenario('error-at-50'));
  await fm.clock.advance('1s'); // lets the engine finish what is due
  expect((await execution(id)).status).toBe('Error');
});

test('reset forgot the previous test: the journal is empty and the keys still work', async () => {
  expect(await fm.journal.count()).toBe(0);
  const me = await fetch(`${fm.url}/api/v1/users/me`, { headers: { 'X-API-Key': fm.userKey } });
  expect(me.status).toBe(200);
});
// #endregion readme

test('with real step durations, the virtual clock moves a slow flow to its 3 s limit at once', async () => {
  const timed = await startFlowmock({ speed: 1 }); // steps take their time, on the virtual clock
  try {
    const { id } = await fetch(`${timed.url}/api/v1/flows/executions?flowId=${SLOW_REPORT}`, {
      method: 'POST', headers: { 'X-API-Key': timed.userKey },
    }).then((r) => r.json() as Promise<{ id: string }>);
    const read = () => fetch(`${timed.url}/api/v1/flows/executions/${id}`, { headers: { 'X-API-Key': timed.userKey } }).then((r) => r.json() as Promise<{ status: string }>);
    expect((await read()).status).toBe('Running');
    expect(timed.clock.pending()).toBeGreaterThan(0);
    await timed.clock.advance('3s');
    expect((await read()).status).toBe('Interrupted');
  } finally {
    await timed.close();
  }
});
