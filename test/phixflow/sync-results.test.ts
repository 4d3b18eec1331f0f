/**
 * Wait for result (synchronous) over HTTP: the envelope, data.<Output Name>, per-record
 * failures (error()) and stop().
 */
import { describe, expect, it } from 'vitest';
import type { TestServer } from '../support/server.js';
import { call, envelopeOf, get, statusPath, triggerPath, usePhixflowServer } from './helpers.js';

let s: TestServer;
let token: string;
usePhixflowServer((started) => ({ s, token } = started));

describe('Echo and enrich (sync)', () => {
  it('answers 200 with status Success, a message, the processId and the records at data.Customers, each with the domain the transform adds', async () => {
    const customers = [
      { name: 'Ann', email: 'ann@example.com' },
      { name: 'Bob', email: 'bob@corp.example.org' },
    ];
    const res = await call(s, triggerPath('Demo', 'Echo and enrich'), { token, json: customers });
    const env = await envelopeOf(res, 200);
    expect(env).toEqual({
      status: 'Success',
      message: 'Processed 2 records',
      processId: env.processId,
      data: {
        Customers: [
          { name: 'Ann', email: 'ann@example.com', domain: 'example.com' },
          { name: 'Bob', email: 'bob@corp.example.org', domain: 'corp.example.org' },
        ],
      },
    });
    expect(env.failures).toBeUndefined();
  });

  it('records the run under the processId it answers with: stored as Success with HTTP 200 for the calling user', async () => {
    const env = await envelopeOf(await call(s, triggerPath('Demo', 'Echo and enrich'), { token, json: [{ email: 'c@d.e' }] }), 200);
    const stored = (await s.fm.services.store.processes.byId(env.processId));
    const apiUser = (await s.fm.services.store.users.byUsername('api-user'));
    expect(stored).toMatchObject({
      application: 'Demo', actionflow: 'Echo and enrich', status: 'Success', httpStatus: 200, recordsDone: 1, userId: apiUser!.id,
    });
    // The status URL also serves finished synchronous runs, with the same envelope.
    const again = await envelopeOf(await get(s, statusPath('Demo', 'Echo and enrich', env.processId), token), 200);
    expect(again).toEqual(env);
  });

  it('a single JSON object is one record; an empty array is Success with data.Customers []', async () => {
    const one = await envelopeOf(await call(s, triggerPath('Demo', 'Echo and enrich'), { token, json: { email: 'x@y.z' } }), 200);
    expect(one).toMatchObject({ status: 'Success', message: 'Processed 1 record', data: { Customers: [{ email: 'x@y.z', domain: 'y.z' }] } });
    const none = await envelopeOf(await call(s, triggerPath('Demo', 'Echo and enrich'), { token, json: [] }), 200);
    expect(none).toMatchObject({ status: 'Success', message: 'Processed 0 records', data: { Customers: [] } });
  });
});

describe('Validate customers (per-record failures, error())', () => {
  it('lists each failing record in failures (index and message) while the other records stay in data; status Fail, HTTP 200', async () => {
    const records = [
      { name: 'Ann', email: 'ann@example.com' },
      { name: 'No mail' },
      { name: 'Bad', email: 'not-an-address' },
      { name: 'Dan', email: 'dan@example.com' },
      { name: 'Empty', email: '' },
    ];
    const env = await envelopeOf(await call(s, triggerPath('Demo', 'Validate customers'), { token, json: records }), 200);
    expect(env.status).toBe('Fail');
    expect(env.message).toBe('3 of 5 records failed');
    expect(env.failures).toEqual([
      { index: 1, message: 'Record 1 has no email address' },
      { index: 2, message: 'Record 2: "not-an-address" is not an email address' },
      { index: 4, message: 'Record 4 has no email address' },
    ]);
    expect(env.data).toEqual({ Customers: [records[0], records[3]] });
    // Every record was processed: a failure affects only its own record.
    expect((await s.fm.services.store.processes.byId(env.processId))).toMatchObject({ status: 'Fail', recordsDone: 5, httpStatus: 200 });
  });

  it('is Success without failures when every record has a usable email', async () => {
    const env = await envelopeOf(await call(s, triggerPath('Demo', 'Validate customers'), { token, json: [{ email: 'a@b.c' }] }), 200);
    expect(env).toMatchObject({ status: 'Success', data: { Customers: [{ email: 'a@b.c' }] } });
    expect(env.failures).toBeUndefined();
  });
});

describe('Credit check (stop())', () => {
  it('halts at the first amount above 1000: later records are not processed, status Fail with the stop message', async () => {
    const records = [{ id: 'a', amount: 100 }, { id: 'b', amount: 5000 }, { id: 'c', amount: 50 }];
    const env = await envelopeOf(await call(s, triggerPath('Demo', 'Credit check'), { token, json: records }), 200);
    expect(env.status).toBe('Fail');
    expect(env.message).toBe('Stopped: Credit limit exceeded by record 1 (amount 5000)');
    // Only the record before the stop has a result; record c (amount 50, would pass) never ran.
    expect(env.data).toEqual({ Approved: [{ id: 'a', amount: 100, approved: true }] });
    expect(env.failures).toBeUndefined();
    expect((await s.fm.services.store.processes.byId(env.processId))).toMatchObject({
      status: 'Fail', recordsDone: 1, message: 'Stopped: Credit limit exceeded by record 1 (amount 5000)',
    });
  });

  it('approves every record when none is above 1000 (Success)', async () => {
    const env = await envelopeOf(await call(s, triggerPath('Demo', 'Credit check'), { token, json: [{ amount: 1000 }, { amount: 2 }] }), 200);
    expect(env).toMatchObject({ status: 'Success', data: { Approved: [{ amount: 1000, approved: true }, { amount: 2, approved: true }] } });
  });
});
