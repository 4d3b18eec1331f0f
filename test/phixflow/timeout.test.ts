/**
 * Wait-for-result timeouts over HTTP with the `Slow import` demo (sync, timeoutMs 1000,
 * 300 ms per record): the 504 Fail answer, the run really aborted, and the URL `?timeout=`
 * override in both directions. The record delays and the timeout are engine waits: the server
 * runs the virtual clock and each test moves it, so every answer is exact (records done at 300,
 * 600, 900 ms; the timeout at 1000 ms) and takes no real time.
 */
import { describe, expect, it } from 'vitest';
import type { TestServer } from '../support/server.js';
import { call, envelopeOf, expectProblem, get, statusPath, triggerPath, usePhixflowServer } from './helpers.js';

let s: TestServer;
let token: string;
usePhixflowServer((started) => ({ s, token } = started), { clock: 'virtual' });

const SIX = [1, 2, 3, 4, 5, 6]; // 6 × 300 ms = 1.8 s of work

/** Sends a trigger and waits until the run waits on the clock (its timeout and first record delay). */
async function triggered(query: string, records: unknown[]): Promise<{ answer: Promise<Response>; answered: () => boolean }> {
  let done = false;
  const answer = call(s, triggerPath('Demo', 'Slow import', query), { token, json: records });
  void answer.then(() => { done = true; }, () => { done = true; });
  await s.timersPending(2);
  return { answer, answered: () => done };
}

// One virtual clock for the file: the tests run one after the other.
describe('Slow import (sync, endpoint timeout 1000 ms, 300 ms per record)', () => {
  it('answers 504 with a Fail envelope exactly at its 1000 ms timeout (3 of 6 records done), and the run stays aborted after all six would have finished', async () => {
    const { answer, answered } = await triggered('', SIX);
    await s.advance(999);
    expect(answered(), 'no answer before the timeout').toBe(false);
    await s.advance(1);
    const env = await envelopeOf(await answer, 504);
    expect(env).toMatchObject({ status: 'Fail', message: 'Timed out after 1000 ms; aborted after 3 of 6 records', data: { Imported: [1, 2, 3] } });

    // Well past the 1.8 s all six records would have taken: nothing more happened.
    await s.advance(2_000);
    expect(s.clock().pending(), 'no timer of the run is left').toBe(0);
    const stored = await s.fm.services.store.processes.byId(env.processId);
    expect(stored).toMatchObject({ status: 'Fail', httpStatus: 504, recordsDone: 3, message: env.message });

    // The status URL shows the same aborted run: still Fail, still the same records.
    const later = await envelopeOf(await get(s, statusPath('Demo', 'Slow import', env.processId), token), 200);
    expect(later).toEqual(env);
  });

  it('finishes within the endpoint timeout with 200 when the records fit (3 records, 0.9 s)', async () => {
    const { answer } = await triggered('', [1, 2, 3]);
    await s.advance(900);
    const env = await envelopeOf(await answer, 200);
    expect(env).toMatchObject({ status: 'Success', message: 'Processed 3 records', data: { Imported: [1, 2, 3] } });
  });

  it('a large URL ?timeout= overrides the endpoint timeout: timeout=5000 lets all six records finish with 200 Success (at 1.8 s, past the endpoint\'s 1 s)', async () => {
    const { answer, answered } = await triggered('?timeout=5000', SIX);
    await s.advance(1_799);
    expect(answered(), 'still working at 1.799 s').toBe(false);
    await s.advance(1);
    const env = await envelopeOf(await answer, 200);
    expect(env).toMatchObject({ status: 'Success', message: 'Processed 6 records', data: { Imported: SIX } });
    expect((await s.fm.services.store.processes.byId(env.processId))).toMatchObject({ status: 'Success', recordsDone: 6, httpStatus: 200 });
  });

  it('a small URL ?timeout= overrides it the other way: timeout=200 answers 504 at 200 ms, naming that timeout', async () => {
    const { answer, answered } = await triggered('?timeout=200', SIX);
    await s.advance(199);
    expect(answered()).toBe(false);
    await s.advance(1);
    const env = await envelopeOf(await answer, 504);
    expect(env).toMatchObject({ status: 'Fail', message: 'Timed out after 200 ms; aborted after 0 of 6 records', data: { Imported: [] } });
  });

  it('a ?timeout= that is not a positive integer (abc, 1.5, 0) is 400 problem+json naming the query parameter timeout', async () => {
    for (const bad of ['abc', '1.5', '0']) {
      const res = await call(s, triggerPath('Demo', 'Slow import', `?timeout=${bad}`), { token, json: [1] });
      await expectProblem(res, 400, { field: { in: 'query', pointer: '/timeout' } });
    }
  });
});
