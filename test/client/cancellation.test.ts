/**
 * Cancellation of the helpers through `AbortSignal` and `timeoutMs`. The server runs the demo
 * flows at speed 1 on the virtual clock, which these tests never move unless they say so: a run
 * stays Running (or in UserInput) for as long as a test needs, and a long-poll waits its whole
 * (real-time) timeout. runFlow and trigger reject with a FlowmockAbortError (name AbortError)
 * without waiting for that timeout, stop following, cancel the execution only when asked to, and
 * leave no unhandled rejection behind. `settled` bounds each wait far below the 120 s long-polls.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startServer, type TestServer } from '../support/server.js';
import { settled, sleep, waitFor } from '../support/wait.js';
import { FlowmockAbortError, unwrap, type PhixFlowClient, type SmartFlowsClient } from '../../src/client/index.js';
import { FLOW, failOnUnhandledRejections, phixFlow, rejectionOf, smartFlows } from './support.js';

failOnUnhandledRejections();

let s: TestServer;
let sf: SmartFlowsClient;
let px: PhixFlowClient;
beforeAll(async () => {
  s = await startServer({ speed: 1, clock: 'virtual' });
  sf = smartFlows(s);
  px = await phixFlow(s);
});
afterAll(() => s?.close());

/** Long-polls long enough that only a cut-short poll can end a test in time. */
const POLL = { pollTimeoutSeconds: 120 };

const statusOf = async (execution: string) =>
  (await unwrap(sf.api.GET('/api/v1/flows/executions/{execution}', { params: { path: { execution } } }))).status;

const executionCount = async () => {
  const { response } = await smartFlows(s, s.adminKey).api.GET('/api/v1/flows/executions', { params: { query: { size: 1 } } });
  return Number(response.headers.get('x-total-count'));
};

function expectAbortError(err: unknown, reason: 'aborted' | 'timeout'): FlowmockAbortError {
  expect(err).toBeInstanceOf(FlowmockAbortError);
  const e = err as FlowmockAbortError;
  expect(e.name).toBe('AbortError');
  expect(e.reason).toBe(reason);
  return e;
}

describe('runFlow cancellation', () => {
  it('an AbortSignal aborted mid-run (during a long-poll) rejects at once with AbortError; without cancelOnAbort the execution keeps running', async () => {
    const controller = new AbortController();
    const waiting = s.fm.services.flows.pendingWaiters();
    const promise = sf.runFlow(FLOW.invoice, undefined, { ...POLL, signal: controller.signal });
    await s.pollsWaiting(waiting + 1); // the client's long-poll is in place (it would wait 120 s)
    controller.abort();
    const e = expectAbortError(await settled('the aborted runFlow', rejectionOf(promise)), 'aborted');
    expect(e.executionId).toMatch(/^[0-9a-f-]{36}$/);
    expect(e.canceled).toBe(false);
    expect(e.message).toContain(`execution ${e.executionId}`);
    expect(await statusOf(e.executionId!)).toBe('Running');
  });

  it('with cancelOnAbort, aborting mid-run also cancels the execution on the server (status Canceled)', async () => {
    const controller = new AbortController();
    const waiting = s.fm.services.flows.pendingWaiters();
    const promise = sf.runFlow(FLOW.invoice, undefined, { ...POLL, signal: controller.signal, cancelOnAbort: true });
    const rejected = rejectionOf(promise); // handled from the start: it may reject while this test waits below
    await s.pollsWaiting(waiting + 1);
    controller.abort();
    const e = expectAbortError(await settled('the aborted runFlow', rejected), 'aborted');
    expect(e.canceled).toBe(true);
    expect(await statusOf(e.executionId!)).toBe('Canceled');
  });

  it('timeoutMs rejects with AbortError reason "timeout" once the time passes (client time: real), while the flow still runs', async () => {
    const started = Date.now();
    const e = expectAbortError(await settled('runFlow with timeoutMs', rejectionOf(sf.runFlow(FLOW.invoice, undefined, { ...POLL, timeoutMs: 400 }))), 'timeout');
    expect(Date.now() - started).toBeGreaterThanOrEqual(390); // not before its time
    expect(e.message).toMatch(/timed out after 400 ms/);
    expect(await statusOf(e.executionId!)).toBe('Running');
  });

  it('an already aborted signal rejects without starting an execution', async () => {
    const before = await executionCount();
    const e = expectAbortError(await rejectionOf(sf.runFlow(FLOW.invoice, undefined, { signal: AbortSignal.abort() })), 'aborted');
    expect(e.executionId).toBeUndefined();
    expect(await executionCount()).toBe(before);
  });

  it('timeoutMs also ends a wait on an onUserInput that never answers; cancelOnAbort cancels the execution left in UserInput', async () => {
    let asked = false;
    const promise = sf.runFlow(FLOW.approval, undefined, {
      ...POLL,
      timeoutMs: 2_000, // client time (real): long enough to reach the form first
      cancelOnAbort: true,
      onUserInput: () => {
        asked = true;
        return new Promise<never>(() => {});
      },
    });
    const rejected = rejectionOf(promise); // handled from the start: it may reject while this test waits below
    await reachUserInput(() => asked);
    const e = expectAbortError(await settled('runFlow with timeoutMs', rejected), 'timeout');
    expect(e.canceled).toBe(true);
    expect(await statusOf(e.executionId!)).toBe('Canceled');
  });

  it('the onUserInput callback gets a signal that aborts with the run', async () => {
    const controller = new AbortController();
    let inner: AbortSignal | undefined;
    const promise = sf.runFlow(FLOW.approval, undefined, {
      ...POLL,
      signal: controller.signal,
      cancelOnAbort: true,
      onUserInput: (_p, { signal }) => {
        inner = signal;
        queueMicrotask(() => controller.abort()); // the form is open (its listener below is in place): the caller gives up
        return new Promise((_resolve, reject) => signal.addEventListener('abort', () => reject(new Error('form closed'))));
      },
    });
    const rejected = rejectionOf(promise); // handled from the start: it rejects as soon as the form opens
    await reachUserInput(() => inner !== undefined);
    expectAbortError(await settled('the aborted runFlow', rejected), 'aborted');
    expect(inner?.aborted).toBe(true);
  });
});

/** Moves the clock on until the approval run asks for input (its first step takes 500 ms of engine time) and the client has called onUserInput. */
async function reachUserInput(asked: () => boolean): Promise<void> {
  await waitFor('onUserInput called', async () => {
    if (!asked()) await s.advance(500); // harmless for runs of earlier tests: they are no longer looked at
    return asked();
  });
}

describe('trigger cancellation', () => {
  it('an AbortSignal aborted while polling an async run (Long report, 4 × 500 ms) rejects with AbortError naming the process, and polling stops', async () => {
    const controller = new AbortController();
    const polls: number[] = [];
    const promise = px.trigger('Demo', 'Long report', [1, 2, 3, 4], {
      signal: controller.signal,
      pollIntervalMs: 50,
      maxPollIntervalMs: 50,
      onPoll: () => polls.push(Date.now()),
    });
    // The run waits on the (stopped) clock: the 202 comes after the async timeout, then the client polls.
    await waitFor('a status poll', () => polls.length > 0);
    controller.abort();
    const e = expectAbortError(await settled('the aborted trigger', rejectionOf(promise)), 'aborted');
    expect(e.processId).toMatch(/^[0-9a-f-]{36}$/);
    const pollsAtAbort = polls.length;
    // "No more polls" has no event to wait for: six poll intervals pass without one.
    await sleep(300);
    expect(polls.length).toBe(pollsAtAbort);
  });

  it('timeoutMs rejects a synchronous trigger still waiting for its answer (Slow import, 3 × 300 ms, clock stopped) with reason "timeout"', async () => {
    const e = expectAbortError(await settled('trigger with timeoutMs', rejectionOf(px.trigger('Demo', 'Slow import', [1, 2, 3], { timeoutMs: 300 }))), 'timeout');
    expect(e.processId).toBeUndefined();
  });
});
