/**
 * Queueing with `maxConcurrent: 1` and real (scaled) time: a second start answers Queued, queued
 * executions run later, one at a time, in start order; a cancel of a Running or a Queued
 * execution works and hands the slot on. Speed 0.05: the invoice flow takes about 120 ms.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startServer, type TestServer } from '../support/server.js';
import { FLOW, STABLE, executionOf, expectNonDecreasing, json, pollUntil, startFlow, type Execution, type Progress } from './helpers.js';

let s: TestServer;
beforeAll(async () => {
  s = await startServer({ speed: 0.05, maxConcurrent: 1 });
});
afterAll(() => s?.close());

const firstBlockStart = (e: Execution) => Date.parse(e.state.report![0].blocks[0].step!.start!);
const lastBlockEnd = (e: Execution) => Date.parse(e.state.report![0].blocks.at(-1)!.step!.end!);

describe('queueing (maxConcurrent 1)', () => {
  it('a second and third start answer Queued; all run to Success later, one at a time, in start order', async () => {
    const a = await startFlow(s, FLOW.invoice);
    const b = await startFlow(s, FLOW.invoice);
    const c = await startFlow(s, FLOW.invoice);
    expect(a.status).toBe('Running');
    expect(b).toEqual({ id: b.id, percentage: 0, message: 'Queued: waiting for other flows to finish', status: 'Queued' });
    expect(c.status).toBe('Queued');

    const [seenA, seenB, seenC] = await Promise.all([a, b, c].map((x) => pollUntil(s, x.id, { until: STABLE })));
    for (const seen of [seenA, seenB, seenC]) {
      expect(seen.at(-1)!.status).toBe('Success');
      expectNonDecreasing(seen);
    }
    // C answered Queued; its first long-poll came back at its next change (Running), then Success.
    const statusesC = [c, ...seenC].map((p) => p.status).filter((st, i, all) => all[i - 1] !== st);
    expect(statusesC).toEqual(['Queued', 'Running', 'Success']);

    const [ea, eb, ec] = await Promise.all([a, b, c].map((x) => executionOf(s, x.id)));
    expect(firstBlockStart(eb)).toBeGreaterThanOrEqual(lastBlockEnd(ea));
    expect(firstBlockStart(ec)).toBeGreaterThanOrEqual(lastBlockEnd(eb));
    expect(Date.parse(ea.modifiedAt!)).toBeLessThanOrEqual(Date.parse(eb.modifiedAt!));
    expect(Date.parse(eb.modifiedAt!)).toBeLessThanOrEqual(Date.parse(ec.modifiedAt!));
  });

  it('cancelling the Running execution hands the slot to the queued one; a Queued one can be canceled and never runs', async () => {
    const slow = await startFlow(s, FLOW.slow);
    const queued = await startFlow(s, FLOW.invoice);
    const alsoQueued = await startFlow(s, FLOW.invoice);
    expect(slow.status).toBe('Running');
    expect([queued.status, alsoQueued.status]).toEqual(['Queued', 'Queued']);

    const canceledQueued = await json<Progress>(await s.call(`/api/v1/flows/executions/${alsoQueued.id}`, { method: 'DELETE' }));
    expect(canceledQueued.status).toBe('Canceled');
    const canceledRunning = await json<Progress>(await s.call(`/api/v1/flows/executions/${slow.id}/progress`, { method: 'DELETE' }));
    expect(canceledRunning).toMatchObject({ id: slow.id, status: 'Canceled' });

    expect((await pollUntil(s, queued.id, { until: STABLE })).at(-1)!.status).toBe('Success');
    const never = await executionOf(s, alsoQueued.id);
    expect(never.status).toBe('Canceled');
    expect(never.state.report).toEqual([]); // no zone: no block ever ran
    expect((await executionOf(s, slow.id)).status).toBe('Canceled');
  });

  it('an execution waiting for user input does not hold the slot', async () => {
    const approval = await startFlow(s, FLOW.approval);
    expect((await pollUntil(s, approval.id)).at(-1)!.status).toBe('UserInput');
    const inv = await startFlow(s, FLOW.invoice);
    expect(inv.status).toBe('Running');
    expect((await pollUntil(s, inv.id, { until: STABLE })).at(-1)!.status).toBe('Success');
    // Resuming is never queued: it already had its turn.
    const resumed = await json<Progress>(await s.call(`/api/v1/flows/executions/${approval.id}/progress`, {
      method: 'POST', body: '{"approver":"Jane"}', headers: { 'Content-Type': 'application/json' },
    }));
    expect(resumed.status).toBe('Running');
    expect((await pollUntil(s, approval.id, { until: STABLE })).at(-1)!.status).toBe('Success');
  });
});
