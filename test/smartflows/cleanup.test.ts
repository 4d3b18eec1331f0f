/**
 * RunCleanup: each action removes what it names from the executions older than the age the
 * cleanup settings give it, on the engine clock (virtual here, so ages are exact): input and
 * internal data, documents and output data, whole executions, waiting executions interrupted.
 * Executions younger than the age, and of other outcomes, stay.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startServer, type TestServer } from '../support/server.js';
import { FLOW, STABLE, documentsOf, executionOf, expectProblem, json, pollUntil, startFlow, type Progress } from './helpers.js';

let s: TestServer;
beforeAll(async () => { s = await startServer({ speed: 0, clock: 'virtual' }); });
afterAll(() => s?.close());

type Obj = Record<string, any>;
const HOUR = 3_600_000;
const admin = { key: undefined as string | undefined };
const cleanup = (action?: string, key?: string) =>
  s.call(`/api/v1/system/cleanup/run${action === undefined ? '' : `?action=${encodeURIComponent(action)}`}`, { key: key ?? admin.key });
async function run(action?: string): Promise<{ statuses: Obj[]; affected: Record<string, number> }> {
  const res = await cleanup(action);
  const affected = Object.fromEntries((res.headers.get('x-flowmock-cleanup-affected') ?? '').split(', ').filter(Boolean).map((p) => {
    const [a, n] = p.split('=');
    return [a, Number(n)];
  }));
  return { statuses: await json<Obj[]>(res), affected };
}
const hours = (period: number) => ({ age: { timeUnit: 'hours', period } });
const ORDER = '<order><customer>ACME</customer><amount>1500</amount></order>';

async function settledAt(p: Progress, status: string): Promise<string> {
  const seen = await pollUntil(s, p.id, { key: admin.key });
  expect(seen.at(-1)!.status).toBe(status);
  return p.id;
}

describe('RunCleanup', () => {
  beforeAll(() => { admin.key = s.adminKey; });

  it('removes data, documents and executions by the ages of the cleanup settings; interrupts what waits too long', async () => {
    const put = await s.call('/api/v1/settings/cleanup', {
      method: 'PUT', key: s.adminKey, headers: { 'Content-Type': 'application/json' },
      body: JSON.stringify({ flowExecutions: {
        completed: { success: { internal: hours(1), output: hours(2), full: hours(3) }, error: { full: { age: { timeUnit: 'days', period: 1 } } } },
        inProgress: { waiting: hours(1), userInput: hours(1), selectFlow: hours(1) },
      } }),
    });
    expect(put.status).toBe(200);

    const order = await settledAt(await startFlow(s, FLOW.order, { body: ORDER, contentType: 'application/xml', key: s.adminKey }), 'Success');
    const failed = (await pollUntil(s, (await startFlow(s, FLOW.error, { key: s.adminKey })).id, { key: s.adminKey, until: STABLE })).at(-1)!;
    expect(failed.status).toBe('Error');
    const esign = await settledAt(await startFlow(s, FLOW.esign, { key: s.adminKey }), 'Waiting');
    const approval = await settledAt(await startFlow(s, FLOW.approval, { key: s.adminKey }), 'UserInput');
    const picking = await json<Progress>(await s.call('/api/v1/flows/executions', { method: 'POST', key: s.adminKey, body: ORDER, headers: { 'Content-Type': 'application/xml' } }));
    expect(picking.status).toBe('SelectFlow');

    const e = await executionOf(s, order, { key: s.adminKey });
    const inputId = e.state.inputData!.id;
    const docId = documentsOf(e).confirmation.id;
    const exists = async (path: string) => (await s.call(path, { key: s.adminKey })).status;

    // Nothing is old enough yet: every configured action runs and touches nothing.
    const first = await run();
    expect(first.statuses.map((r) => r.action)).toEqual([
      'removeInternalSuccess', 'removeOutputSuccess', 'removeFullSuccess', 'removeFullError', 'removeSelectFlow', 'interruptWaiting', 'interruptUserInput',
    ]);
    expect(first.statuses[0]).toEqual({ action: 'removeInternalSuccess', settings: hours(1) });
    expect(Object.values(first.affected).every((n) => n === 0)).toBe(true);
    expect(await exists(`/api/v1/data/${inputId}`)).toBe(200);

    await s.advance(1.5 * HOUR);
    const internal = await run('removeInternalSuccess');
    expect(internal.statuses).toEqual([{ action: 'removeInternalSuccess', settings: hours(1) }]);
    expect(internal.affected).toEqual({ removeInternalSuccess: 1 });
    expect(await exists(`/api/v1/data/${inputId}`)).toBe(404);
    expect(await exists(`/api/v1/documents/${docId}`)).toBe(200); // the output is not internal

    const waiting = await run('interruptWaiting,interruptUserInput,removeSelectFlow');
    expect(waiting.affected).toEqual({ removeSelectFlow: 1, interruptWaiting: 1, interruptUserInput: 1 });
    for (const id of [esign, approval]) {
      const rec = await executionOf(s, id, { key: s.adminKey });
      expect(rec.status).toBe('Interrupted');
      expect(rec.state.errors?.at(-1)?.message).toMatch(/^Interrupted by the cleanup \(interrupt(Waiting|UserInput)\)/);
    }
    expect(await exists(`/api/v1/flows/executions/${picking.id}`)).toBe(404);

    await s.advance(HOUR); // 2.5 h
    expect((await run('removeOutputSuccess')).affected).toEqual({ removeOutputSuccess: 1 });
    expect(await exists(`/api/v1/documents/${docId}`)).toBe(404);
    expect(await exists(`/api/v1/flows/executions/${order}`)).toBe(200);

    await s.advance(HOUR); // 3.5 h
    const all = await run();
    expect(all.affected.removeFullSuccess).toBe(1);
    expect(all.affected.removeFullError).toBe(0); // a day for errors
    expect(await exists(`/api/v1/flows/executions/${order}`)).toBe(404);
    expect(await exists(`/api/v1/flows/executions/${failed.id}`)).toBe(200);
    expect(await exists(`/api/v1/flows/executions/${esign}`)).toBe(200); // interrupted now; no interrupted age is set

    await s.advance(24 * HOUR);
    expect((await run('removeFullError')).affected).toEqual({ removeFullError: 1 });
    expect(await exists(`/api/v1/flows/executions/${failed.id}`)).toBe(404);
  });

  it('a disabled schedule (the action\'s or one above it) leaves the action out of a run of all, not out of a run that names it', async () => {
    await json(await s.call('/api/v1/settings/cleanup', {
      method: 'PUT', key: s.adminKey, headers: { 'Content-Type': 'application/json' },
      body: JSON.stringify({ flowExecutions: { completed: { success: { full: { schedule: { disabled: true }, ...hours(1) } }, error: { full: hours(1) } } } }),
    }));
    expect((await run()).statuses.map((r) => r.action)).toEqual(['removeFullError']);
    expect((await run('removeFullSuccess')).statuses.map((r) => r.action)).toEqual(['removeFullSuccess']);
    // A schedule disabled above the action (all completed executions) leaves out every action below it.
    await json(await s.call('/api/v1/settings/cleanup', {
      method: 'PUT', key: s.adminKey, headers: { 'Content-Type': 'application/json' },
      body: JSON.stringify({ flowExecutions: { completed: { schedule: { disabled: true }, error: { full: hours(1) } }, inProgress: { waiting: hours(1) } } }),
    }));
    expect((await run()).statuses.map((r) => r.action)).toEqual(['interruptWaiting']);
  });

  it('an unknown action, or one with no age in the settings, is a 400 naming action; write:system only', async () => {
    await expectProblem(await cleanup('removeEverything'), 400, { field: { in: 'query', pointer: '/action', rule: 'enum' }, detail: 'removeEverything' });
    await expectProblem(await cleanup('removeFullSuccess,'), 400, { field: { in: 'query', pointer: '/action', rule: 'enum' } });
    await expectProblem(await cleanup('removeInternalCancelled'), 400, { field: { in: 'query', pointer: '/action', rule: 'configured' }, detail: 'cleanup.flowExecutions.completed.cancelled.internal.age' });
    await expectProblem(await cleanup(undefined, s.integratorKey), 403, { detail: 'write:system' });
  });
});
