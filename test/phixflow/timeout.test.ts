/**
 * Wait-for-result timeouts over HTTP with the `Slow import` demo (sync, timeoutMs 1000,
 * 300 ms per record): the 504 Fail answer, the run really aborted, and the URL `?timeout=`
 * override in both directions.
 */
import { describe, expect, it } from 'vitest';
import type { TestServer } from '../support/server.js';
import { call, envelopeOf, expectProblem, get, sleep, statusPath, triggerPath, usePhixflowServer } from './helpers.js';

let s: TestServer;
let token: string;
usePhixflowServer((started) => ({ s, token } = started));

const SIX = [1, 2, 3, 4, 5, 6]; // 6 × 300 ms = 1.8 s of work

// The runs are independent and mostly wait on timers: run them side by side to keep the file short.
describe.concurrent('Slow import (sync, endpoint timeout 1000 ms, 300 ms per record)', () => {
  it('answers 504 with a Fail envelope after about its 1000 ms timeout, and the run stays aborted: fewer records processed than sent, even after all of them would have finished', async () => {
    const started = Date.now();
    const res = await call(s, triggerPath('Demo', 'Slow import'), { token, json: SIX });
    const env = await envelopeOf(res, 504);
    const elapsed = Date.now() - started;
    expect(elapsed).toBeGreaterThanOrEqual(950);
    expect(elapsed).toBeLessThan(1700); // well before the 1.8 s the six records need

    expect(env.status).toBe('Fail');
    const m = /^Timed out after 1000 ms; aborted after (\d+) of 6 records$/.exec(env.message);
    expect(m, env.message).not.toBeNull();
    const doneAtAnswer = Number(m![1]);
    expect(doneAtAnswer).toBeLessThan(6);
    expect(env.data?.Imported).toEqual(SIX.slice(0, doneAtAnswer));

    // Wait until well past the time all six records would have taken (1.8 s from the start).
    await sleep(Math.max(0, 2_300 - (Date.now() - started)));

    const stored = (await s.fm.services.store.processes.byId(env.processId));
    expect(stored).toMatchObject({ status: 'Fail', httpStatus: 504, recordsDone: doneAtAnswer, message: env.message });
    expect(stored!.recordsDone).toBeLessThan(SIX.length);

    // The status URL shows the same aborted run: still Fail, still the same records.
    const later = await envelopeOf(await get(s, statusPath('Demo', 'Slow import', env.processId), token), 200);
    expect(later).toEqual(env);
  });

  it('finishes within the endpoint timeout with 200 when the records fit (3 records, 0.9 s)', async () => {
    const env = await envelopeOf(await call(s, triggerPath('Demo', 'Slow import'), { token, json: [1, 2, 3] }), 200);
    expect(env).toMatchObject({ status: 'Success', message: 'Processed 3 records', data: { Imported: [1, 2, 3] } });
  });

  it('a large URL ?timeout= overrides the endpoint timeout: timeout=5000 lets all six records finish with 200 Success', async () => {
    const started = Date.now();
    const env = await envelopeOf(await call(s, triggerPath('Demo', 'Slow import', '?timeout=5000'), { token, json: SIX }), 200);
    expect(Date.now() - started).toBeGreaterThanOrEqual(1_700);
    expect(env).toMatchObject({ status: 'Success', message: 'Processed 6 records', data: { Imported: SIX } });
    expect((await s.fm.services.store.processes.byId(env.processId))).toMatchObject({ status: 'Success', recordsDone: 6, httpStatus: 200 });
  });

  it('a small URL ?timeout= overrides it the other way: timeout=200 answers 504 after about 200 ms, naming that timeout', async () => {
    const started = Date.now();
    const env = await envelopeOf(await call(s, triggerPath('Demo', 'Slow import', '?timeout=200'), { token, json: SIX }), 504);
    const elapsed = Date.now() - started;
    expect(elapsed).toBeGreaterThanOrEqual(180);
    expect(elapsed).toBeLessThan(900);
    expect(env).toMatchObject({ status: 'Fail', message: 'Timed out after 200 ms; aborted after 0 of 6 records', data: { Imported: [] } });
  });

  it('a ?timeout= that is not a positive integer (abc, 1.5, 0) is 400 problem+json naming the query parameter timeout', async () => {
    for (const bad of ['abc', '1.5', '0']) {
      const res = await call(s, triggerPath('Demo', 'Slow import', `?timeout=${bad}`), { token, json: [1] });
      await expectProblem(res, 400, { field: { in: 'query', pointer: '/timeout' } });
    }
  });
});
