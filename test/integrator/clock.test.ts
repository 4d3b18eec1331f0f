/**
 * Virtual time (`--clock virtual`): a flow with three 10-minute steps is stepped through in
 * milliseconds with POST /__flowmock/clock, every state seen in order (long-polls included), and
 * its timestamps are the virtual clock's. Actionflow record delays and sync timeouts wait on the
 * same clock. The real clock answers GET but refuses POST (409). Retry-After on progress.
 */
import { copyFileSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startServer, type TestServer } from '../support/server.js';
import { FLOW, STABLE, executionOf, expectProblem, json, pollUntil, progressOf, type Progress } from '../smartflows/helpers.js';
import { call, envelopeOf, get, triggerPath } from '../phixflow/helpers.js';

const TEN_MINUTES = 10 * 60 * 1000;
const FLOW_ID = '33333333-3333-4333-8333-333333333301';

let dir: string;
let v: TestServer;
let r: TestServer;

beforeAll(async () => {
  dir = mkdtempSync(path.join(tmpdir(), 'flowmock-clock-'));
  writeFileSync(path.join(dir, 'long.yaml'), `kind: flow
id: ${FLOW_ID}
displayName: Half-hour report
input: { kind: none }
maxDurationMs: 3600000
steps:
  - { id: gather, type: progress, message: Gathering, durationMs: 600000, percentage: 33 }
  - { id: crunch, type: progress, message: Crunching, durationMs: 600000, percentage: 66 }
  - { id: report, type: document, message: Writing, durationMs: 600000, percentage: 100, fileName: Report.pdf, template: Half an hour of work }
`);
  writeFileSync(path.join(dir, 'slow-records.yaml'), `kind: actionflow
application: Test
name: Slow records
mode: async
allowAnonymous: true
recordDelayMs: 60000
output: { name: Out }
`);
  writeFileSync(path.join(dir, 'slow-sync.yaml'), `kind: actionflow
application: Test
name: Slow sync
mode: sync
allowAnonymous: true
timeoutMs: 150000
recordDelayMs: 60000
output: { name: Out }
`);
  copyFileSync(path.resolve('flows/slow.yaml'), path.join(dir, 'slow.yaml'));
  [v, r] = await Promise.all([startServer({ speed: 1, clock: 'virtual', flowsDir: dir }), startServer({ speed: 0 })]);
});
afterAll(async () => {
  await Promise.all([v?.close(), r?.close()]);
  rmSync(dir, { recursive: true, force: true });
});

interface ClockState { mode: string; now: string; pendingTimers?: number; fired?: number }

const clockOf = async (t: TestServer) => json<ClockState>(await t.call('/__flowmock/clock', { key: t.adminKey }));
const post = (t: TestServer, body: unknown, key = t.adminKey) =>
  t.call('/__flowmock/clock', { method: 'POST', key, headers: { 'Content-Type': 'application/json' }, body: JSON.stringify(body) });
const advance = async (t: TestServer, advanceMs: number) => json<ClockState>(await post(t, { advanceMs }));
const at = (t0: number, ms: number) => new Date(t0 + ms).toISOString();

describe('the virtual clock', () => {
  it('steps a 30-minute flow through every state in order; timestamps follow the virtual clock', async () => {
    const before = await clockOf(v);
    expect(before.mode).toBe('virtual');
    const t0 = Date.parse(before.now);

    const res = await v.call(`/api/v1/flows/executions?flowId=${FLOW_ID}`, { method: 'POST' });
    const first = await json<Progress>(res);
    expect(first).toMatchObject({ status: 'Running', percentage: 0, message: 'Gathering' });
    expect(res.headers.get('retry-after')).toBe('1');

    // Nothing moves without the clock: the long-poll times out (real time) on the same state.
    const idle = await progressOf(v, first.id, { timeout: 1 });
    expect(idle).toMatchObject({ status: 'Running', percentage: 0, message: 'Gathering' });

    // Before each advance a long-poll is waiting: it answers with the first state saved after the
    // step's timer fired (the step ended); a read right after the advance shows the next step.
    const seen: Array<[string, number, string]> = [];
    for (let i = 0; i < 3; i++) {
      const waiting = v.fm.services.flows.pendingWaiters();
      const poll = v.call(`/api/v1/flows/executions/${first.id}/progress?timeout=30`);
      await v.pollsWaiting(waiting + 1); // the poll is waiting
      const moved = await advance(v, TEN_MINUTES);
      expect(moved).toMatchObject({ mode: 'virtual', now: at(t0, (i + 1) * TEN_MINUTES) });
      expect(moved.fired).toBe(1);
      const p = await json<Progress>(await poll);
      const now = await progressOf(v, first.id, { timeout: 0 });
      seen.push([p.status, p.percentage, p.message ?? ''], [now.status, now.percentage, now.message ?? '']);
    }
    expect(seen).toEqual([
      ['Running', 33, 'Gathering'], ['Running', 33, 'Crunching'],
      ['Running', 66, 'Crunching'], ['Running', 66, 'Writing'],
      ['Running', 100, 'Writing'], ['Success', 100, 'Done'],
    ]);

    const final = await progressOf(v, first.id, { timeout: 0 });
    const finalRes = await v.call(`/api/v1/flows/executions/${first.id}/progress?timeout=0`);
    expect(finalRes.headers.get('retry-after')).toBeNull();
    expect(final.status).toBe('Success');

    const e = await executionOf(v, first.id);
    expect(e.createdAt).toBe(at(t0, 0));
    expect(e.modifiedAt).toBe(at(t0, 3 * TEN_MINUTES));
    expect(e.state.stages).toEqual([expect.objectContaining({ start: at(t0, 0), end: at(t0, 3 * TEN_MINUTES) })]);
    expect(e.state.report![0].blocks.map((b) => [b.id, b.step?.start, b.step?.end])).toEqual([
      ['gather', at(t0, 0), at(t0, TEN_MINUTES)],
      ['crunch', at(t0, TEN_MINUTES), at(t0, 2 * TEN_MINUTES)],
      ['report', at(t0, 2 * TEN_MINUTES), at(t0, 3 * TEN_MINUTES)],
    ]);
    expect((await clockOf(v)).now).toBe(at(t0, 3 * TEN_MINUTES));
  });

  it('one long advance fires every timer due, in order, and answers when all their states are saved', async () => {
    const t0 = Date.parse((await clockOf(v)).now);
    const a = await json<Progress>(await v.call(`/api/v1/flows/executions?flowId=${FLOW_ID}`, { method: 'POST' }));
    const moved = await json<ClockState>(await post(v, { to: at(t0, 3 * TEN_MINUTES + 5) }));
    expect(moved).toMatchObject({ mode: 'virtual', now: at(t0, 3 * TEN_MINUTES + 5) });
    expect(moved.fired).toBeGreaterThanOrEqual(3);
    expect(await progressOf(v, a.id, { timeout: 0 })).toMatchObject({ status: 'Success', percentage: 100 });
    expect((await executionOf(v, a.id)).modifiedAt).toBe(at(t0, 3 * TEN_MINUTES));
  });

  it('the maximum duration is virtual time too (Slow report: Interrupted at 3 s)', async () => {
    const a = await json<Progress>(await v.call(`/api/v1/flows/executions?flowId=${FLOW.slow}`, { method: 'POST' }));
    await advance(v, 2999);
    expect(await progressOf(v, a.id, { timeout: 0 })).toMatchObject({ status: 'Running', percentage: 25 });
    await advance(v, 1);
    expect((await progressOf(v, a.id, { timeout: 0 })).status).toBe('Interrupted');
  });

  it('actionflow record delays and sync timeouts wait on the virtual clock', async () => {
    const res = await call(v, triggerPath('Test', 'Slow records'), { json: [1, 2, 3] });
    const accepted = await envelopeOf(res, 202); // the async answer waits real time (500 ms)
    const location = res.headers.get('location')!;
    await advance(v, 60_000);
    const status = (await v.fm.services.store.processes.byId(accepted.processId))!;
    expect(status).toMatchObject({ status: 'Running', recordsDone: 1 });
    expect((await envelopeOf(await get(v, location), 200)).status).toBe('Running');
    await advance(v, 120_000);
    expect(await envelopeOf(await get(v, location), 200)).toMatchObject({ status: 'Success', message: 'Processed 3 records' });

    // Sync: the call is answered once the clock has moved past both records (2 × 60 s < 150 s).
    const timers = v.clock().pending();
    const pending = call(v, triggerPath('Test', 'Slow sync'), { json: ['a', 'b'] });
    await v.timersPending(timers + 2); // its timeout and first record delay
    await advance(v, 120_000);
    expect(await envelopeOf(await pending, 200)).toMatchObject({ status: 'Success', data: { Out: ['a', 'b'] } });
    // Three records need 180 s: the 150 s timeout (virtual) aborts it with a 504.
    const timersBefore = v.clock().pending();
    const late = call(v, triggerPath('Test', 'Slow sync'), { json: ['a', 'b', 'c'] });
    await v.timersPending(timersBefore + 2);
    await advance(v, 150_000);
    expect(await envelopeOf(await late, 504)).toMatchObject({ status: 'Fail', message: 'Timed out after 150000 ms; aborted after 2 of 3 records' });
  });

  it('refuses a time in the past, both fields, neither, and callers without the right', async () => {
    const { now } = await clockOf(v);
    const past = await expectProblem(await post(v, { to: at(Date.parse(now), -1000) }), 400);
    expect(past.errors?.[0]).toMatchObject({ in: 'body', pointer: '/to' });
    expect(past.detail).toContain('never goes back');
    await expectProblem(await post(v, { advanceMs: 1, to: now }), 400);
    await expectProblem(await post(v, {}), 400);
    await expectProblem(await post(v, { advanceMs: -1 }), 400);
    await expectProblem(await post(v, { advanceMs: 1 }, v.integratorKey), 403);
    await expectProblem(await v.call('/__flowmock/clock'), 403);
    expect((await clockOf(v)).now).toBe(now);
  });
});

describe('the real clock', () => {
  it('GET answers the mode and time; POST is a 409', async () => {
    const before = Date.now();
    const c = await clockOf(r);
    expect(c.mode).toBe('real');
    expect(Date.parse(c.now)).toBeGreaterThanOrEqual(before - 5);
    expect(c.pendingTimers).toBeUndefined();
    const p = await expectProblem(await post(r, { advanceMs: 1000 }), 409);
    expect(p.detail).toContain('--clock virtual');
  });
});

describe('Retry-After on progress answers', () => {
  it('is 1 on Running and Queued progress, absent on UserInput, Waiting and stable ones', async () => {
    // Running: a stuck execution stays Running.
    const stuck = await r.call(`/api/v1/flows/executions?flowId=${FLOW.invoice}`, { method: 'POST', headers: { Prefer: 'scenario=stuck' } });
    const id = ((await stuck.json()) as Progress).id;
    expect(stuck.headers.get('retry-after')).toBe('1');
    const running = await r.call(`/api/v1/flows/executions/${id}/progress?timeout=0`);
    expect(running.headers.get('retry-after')).toBe('1');
    expect(((await running.json()) as Progress).status).toBe('Running');
    const canceled = await r.call(`/api/v1/flows/executions/${id}/progress`, { method: 'DELETE' });
    expect(canceled.headers.get('retry-after')).toBeNull();

    const approval = await json<Progress>(await r.call(`/api/v1/flows/executions?flowId=${FLOW.approval}`, { method: 'POST' }));
    await pollUntil(r, approval.id);
    const userInput = await r.call(`/api/v1/flows/executions/${approval.id}/progress?timeout=0`);
    expect(((await userInput.json()) as Progress).status).toBe('UserInput');
    expect(userInput.headers.get('retry-after')).toBeNull();
    const resumed = await r.call(`/api/v1/flows/executions/${approval.id}/progress`, {
      method: 'POST', headers: { 'Content-Type': 'application/json' }, body: '{"approver":"Ann"}',
    });
    expect(((await resumed.json()) as Progress).status).toBe('Running');
    expect(resumed.headers.get('retry-after')).toBe('1');
    await pollUntil(r, approval.id, { until: STABLE });
    const done = await r.call(`/api/v1/flows/executions/${approval.id}/progress?timeout=0`);
    expect(done.headers.get('retry-after')).toBeNull();
  });
});
