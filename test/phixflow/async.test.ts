/**
 * Poll for result (asynchronous) over HTTP: 202 with a Location, polling the status URL until
 * the run ends, and the status URL's errors. The record delays are engine waits: the server runs
 * the virtual clock and the tests move it, so each state is seen at an exact time. The async
 * answer's wait (500 ms, or `?timeout=`) is an HTTP wait and runs in real time (spec: AdvanceClock).
 */
import { describe, expect, it } from 'vitest';
import type { TestServer } from '../support/server.js';
import { sleep } from '../support/wait.js';
import { call, envelopeOf, expectProblem, get, statusPath, tokenFor, triggerPath, usePhixflowServer } from './helpers.js';

let s: TestServer;
let token: string;
usePhixflowServer((started) => ({ s, token } = started), { clock: 'virtual' });

// One virtual clock for the file: the tests run one after the other.
describe('Long report (async, 500 ms per record)', () => {
  it('answers 202 with a Running envelope and a Location to the status URL once its async timeout passes; the status URL gives Running until the last record, then Success with data.Rows', async () => {
    const started = Date.now();
    const res = await call(s, triggerPath('Demo', 'Long report'), { token, json: [{ q: 1 }, { q: 2 }, { q: 3 }] });
    const accepted = await envelopeOf(res, 202);
    expect(accepted).toEqual({ status: 'Running', message: 'Running', processId: accepted.processId });
    // The answer waited for the run (real time) before giving up with a 202: a lower bound, never flaky.
    expect(Date.now() - started).toBeGreaterThanOrEqual(450);

    const location = res.headers.get('location');
    expect(location).toBe(statusPath('Demo', 'Long report', accepted.processId));
    expect(location).toBe(`/phixflow/api/1/action/Demo/Long%20report/status/${accepted.processId}`);
    const status = async () => envelopeOf(await get(s, location!, token), 200);

    expect(await status()).toEqual(accepted);
    await s.advance(1_000); // two of the three records
    expect(await status()).toEqual(accepted);
    expect(await s.fm.services.store.processes.byId(accepted.processId)).toMatchObject({ status: 'Running', recordsDone: 2 });
    await s.advance(499);
    expect((await status()).status).toBe('Running');
    await s.advance(1); // 3 × 500 ms
    expect(await status()).toEqual({
      status: 'Success',
      message: 'Processed 3 records',
      processId: accepted.processId,
      data: { Rows: [{ row: 1, data: { q: 1 } }, { row: 2, data: { q: 2 } }, { row: 3, data: { q: 3 } }] },
    });
    expect(await s.fm.services.store.processes.byId(accepted.processId)).toMatchObject({ status: 'Success', recordsDone: 3, httpStatus: 200 });
  });

  it('answers 200 with the full envelope at once when the run ends within the async timeout (no records)', async () => {
    const res = await call(s, triggerPath('Demo', 'Long report'), { token, json: [] });
    const env = await envelopeOf(res, 200);
    expect(env).toMatchObject({ status: 'Success', message: 'Processed 0 records', data: { Rows: [] } });
    expect(res.headers.get('location')).toBeNull();
  });

  it('takes the URL ?timeout= as its async timeout: with timeout=60000 two records (1 s) end within it and come back with 200', async () => {
    let answered = false;
    const answer = call(s, triggerPath('Demo', 'Long report', '?timeout=60000'), { token, json: ['a', 'b'] });
    const mark = () => { answered = true; };
    void answer.then(mark, mark);
    await s.timersPending();
    // The async answer's wait is real time, with no event to wait on: past the default 500 ms,
    // where an answer ignoring ?timeout= would already be a 202.
    await sleep(800);
    expect(answered).toBe(false);
    await s.advance(1_000);
    const env = await envelopeOf(await answer, 200);
    expect(env).toMatchObject({ status: 'Success', data: { Rows: [{ row: 1, data: 'a' }, { row: 2, data: 'b' }] } });
  });
});

describe('the status URL', () => {
  it('an unknown process id is 404 problem+json', async () => {
    const res = await get(s, statusPath('Demo', 'Long report', '00000000-0000-4000-8000-000000000000'), token);
    await expectProblem(res, 404, { detail: 'No process 00000000-0000-4000-8000-000000000000' });
  });

  it("a process id of another actionflow is 404 (a run is only visible under its own actionflow's URL)", async () => {
    const env = await envelopeOf(await call(s, triggerPath('Demo', 'Echo and enrich'), { token, json: [] }), 200);
    await expectProblem(await get(s, statusPath('Demo', 'Long report', env.processId), token), 404);
  });

  it('an unknown actionflow is 404 problem+json', async () => {
    await expectProblem(await get(s, statusPath('Demo', 'No such flow', 'x'), token), 404, { detail: 'No actionflow "No such flow"' });
  });

  it('needs the same rights as the trigger: no token 401, a token of a user without the privileges 403', async () => {
    const env = await envelopeOf(await call(s, triggerPath('Demo', 'Long report'), { token, json: [] }), 200);
    const path = statusPath('Demo', 'Long report', env.processId);
    await expectProblem(await get(s, path, null), 401);
    await expectProblem(await get(s, path, await tokenFor(s, 'integrator')), 403, { detail: 'integrator' });
  });
});
