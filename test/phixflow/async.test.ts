/**
 * Poll for result (asynchronous) over HTTP: 202 with a Location, polling the status URL until
 * the run ends, and the status URL's errors.
 */
import { describe, expect, it } from 'vitest';
import type { TestServer } from '../support/server.js';
import { call, envelopeOf, expectProblem, get, pollUntilDone, statusPath, tokenFor, triggerPath, usePhixflowServer } from './helpers.js';

let s: TestServer;
let token: string;
usePhixflowServer((started) => ({ s, token } = started));

// Independent runs that mostly wait on timers: side by side.
describe.concurrent('Long report (async, 500 ms per record)', () => {
  it('answers 202 with a Running envelope and a Location to the status URL; polling it gives Running, then Success with data.Rows', async () => {
    const started = Date.now();
    const res = await call(s, triggerPath('Demo', 'Long report'), { token, json: [{ q: 1 }, { q: 2 }, { q: 3 }] });
    const accepted = await envelopeOf(res, 202);
    const elapsed = Date.now() - started;
    expect(accepted).toEqual({ status: 'Running', message: 'Running', processId: accepted.processId });
    // Answered after the default async timeout (500 ms), long before the 1.5 s of work.
    expect(elapsed).toBeGreaterThanOrEqual(450);
    expect(elapsed).toBeLessThan(1400);

    const location = res.headers.get('location');
    expect(location).toBe(statusPath('Demo', 'Long report', accepted.processId));
    expect(location).toBe(`/phixflow/api/1/action/Demo/Long%20report/status/${accepted.processId}`);

    const { final, seen } = await pollUntilDone(s, location!, token);
    expect(seen[0]).toBe('Running');
    expect(final).toEqual({
      status: 'Success',
      message: 'Processed 3 records',
      processId: accepted.processId,
      data: { Rows: [{ row: 1, data: { q: 1 } }, { row: 2, data: { q: 2 } }, { row: 3, data: { q: 3 } }] },
    });
    expect(Date.now() - started).toBeGreaterThanOrEqual(1400); // the work really took 3 × 500 ms
    expect(s.fm.services.store.processes.byId(accepted.processId)).toMatchObject({ status: 'Success', recordsDone: 3, httpStatus: 200 });
  });

  it('answers 200 with the full envelope at once when the run ends within the async timeout (no records)', async () => {
    const res = await call(s, triggerPath('Demo', 'Long report'), { token, json: [] });
    const env = await envelopeOf(res, 200);
    expect(env).toMatchObject({ status: 'Success', message: 'Processed 0 records', data: { Rows: [] } });
    expect(res.headers.get('location')).toBeNull();
  });

  it('takes the URL ?timeout= as its async timeout: with timeout=3000 two records (1 s) end within it and come back with 200', async () => {
    const env = await envelopeOf(await call(s, triggerPath('Demo', 'Long report', '?timeout=3000'), { token, json: ['a', 'b'] }), 200);
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
