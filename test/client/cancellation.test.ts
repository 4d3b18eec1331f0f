/**
 * Cancellation of the helpers through `AbortSignal` and `timeoutMs`, against a server at real
 * speed (speed 1: the invoice flow takes about 2.4 s, so it is still running when aborted):
 * runFlow and trigger reject promptly with a FlowmockAbortError (name AbortError), stop
 * following, cancel the execution only when asked to, and leave no unhandled rejection behind.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startServer, type TestServer } from '../support/server.js';
import { FlowmockAbortError, unwrap, type PhixFlowClient, type SmartFlowsClient } from '../../src/client/index.js';
import { FLOW, failOnUnhandledRejections, phixFlow, rejectionOf, sleep, smartFlows } from './support.js';

failOnUnhandledRejections();

let s: TestServer;
let sf: SmartFlowsClient;
let px: PhixFlowClient;
beforeAll(async () => {
  s = await startServer({ speed: 1 });
  sf = smartFlows(s);
  px = await phixFlow(s);
});
afterAll(() => s?.close());

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
    let abortedAt = 0;
    const promise = sf.runFlow(FLOW.invoice, undefined, {
      signal: controller.signal,
      onProgress: (p) => {
        if (p.percentage === 0) {
          // Abort while the next long-poll is in flight.
          setTimeout(() => {
            abortedAt = Date.now();
            controller.abort();
          }, 200);
        }
      },
    });
    const e = expectAbortError(await rejectionOf(promise), 'aborted');
    expect(Date.now() - abortedAt).toBeLessThan(300);
    expect(e.executionId).toMatch(/^[0-9a-f-]{36}$/);
    expect(e.canceled).toBe(false);
    expect(e.message).toContain(`execution ${e.executionId}`);
    expect(await statusOf(e.executionId!)).toBe('Running');
  });

  it('with cancelOnAbort, aborting mid-run also cancels the execution on the server (status Canceled)', async () => {
    const controller = new AbortController();
    const promise = sf.runFlow(FLOW.invoice, undefined, { signal: controller.signal, cancelOnAbort: true });
    setTimeout(() => controller.abort(), 300);
    const e = expectAbortError(await rejectionOf(promise), 'aborted');
    expect(e.canceled).toBe(true);
    expect(await statusOf(e.executionId!)).toBe('Canceled');
  });

  it('timeoutMs rejects with AbortError reason "timeout" soon after the time passes, while the flow still runs', async () => {
    const started = Date.now();
    const e = expectAbortError(await rejectionOf(sf.runFlow(FLOW.invoice, undefined, { timeoutMs: 400 })), 'timeout');
    const elapsed = Date.now() - started;
    expect(elapsed).toBeGreaterThanOrEqual(390);
    expect(elapsed).toBeLessThan(1_200);
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
    const e = expectAbortError(
      await rejectionOf(sf.runFlow(FLOW.approval, undefined, {
        timeoutMs: 1_200,
        cancelOnAbort: true,
        onUserInput: () => new Promise<never>(() => {}),
      })),
      'timeout',
    );
    expect(e.canceled).toBe(true);
    expect(await statusOf(e.executionId!)).toBe('Canceled');
  });

  it('the onUserInput callback gets a signal that aborts with the run', async () => {
    const controller = new AbortController();
    let inner: AbortSignal | undefined;
    const promise = sf.runFlow(FLOW.approval, undefined, {
      signal: controller.signal,
      cancelOnAbort: true,
      onUserInput: (_p, { signal }) => {
        inner = signal;
        setTimeout(() => controller.abort(), 50);
        return new Promise((_resolve, reject) => signal.addEventListener('abort', () => reject(new Error('form closed'))));
      },
    });
    expectAbortError(await rejectionOf(promise), 'aborted');
    expect(inner?.aborted).toBe(true);
  });
});

describe('trigger cancellation', () => {
  it('an AbortSignal aborted while polling an async run (Long report, 4 × 500 ms) rejects with AbortError naming the process, and polling stops', async () => {
    const controller = new AbortController();
    const polls: number[] = [];
    const promise = px.trigger('Demo', 'Long report', [1, 2, 3, 4], {
      signal: controller.signal,
      onPoll: () => polls.push(Date.now()),
    });
    setTimeout(() => controller.abort(), 900);
    const e = expectAbortError(await rejectionOf(promise), 'aborted');
    expect(e.processId).toMatch(/^[0-9a-f-]{36}$/);
    const pollsAtAbort = polls.length;
    expect(pollsAtAbort).toBeGreaterThan(0);
    await sleep(1_500);
    expect(polls.length).toBe(pollsAtAbort);
  });

  it('timeoutMs rejects a synchronous trigger still waiting for its answer (Slow import, 3 × 300 ms) with reason "timeout"', async () => {
    const started = Date.now();
    const e = expectAbortError(await rejectionOf(px.trigger('Demo', 'Slow import', [1, 2, 3], { timeoutMs: 300 })), 'timeout');
    expect(Date.now() - started).toBeLessThan(800);
    expect(e.processId).toBeUndefined();
  });
});
