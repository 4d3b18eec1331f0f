import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { openStore } from '../../store/sqlite-store.js';
import type { Store } from '../../store/types.js';
import type { LoadedActionflow } from '../definitions/load.js';
import { ActionflowEngine } from './actionflow-engine.js';
import { INTERRUPTED_MESSAGE } from './envelope.js';
import { REDACTED } from './input.js';
import { actionflow, request } from '../../../test/support/actionflows.js';
import { VirtualClock } from '../clock.js';
import type { IncomingRequest, TriggerOptions, TriggerOutcome } from './types.js';

let store: Store;
let engine: ActionflowEngine;

beforeEach(async () => {
  store = openStore(':memory:');
  engine = new ActionflowEngine({ store });
});
afterEach(async () => {
  await engine.shutdown();
  await engine.idle();
  await store.close();
});

const SYNC: TriggerOptions = { userId: 'u1', timeoutMs: 5_000, mode: 'sync' };

/** Replaces the test's engine with one on a virtual clock (record delays and sync timeouts wait on it). */
function onVirtualClock(): VirtualClock {
  engine.shutdown();
  const clock = new VirtualClock();
  engine = new ActionflowEngine({ store, clock });
  clock.addProbe(engine.activity);
  return clock;
}

async function run(af: LoadedActionflow, req: IncomingRequest, opts: TriggerOptions = SYNC): Promise<TriggerOutcome> {
  return engine.trigger(af, engine.prepareInput(af, req), opts);
}

async function logsOf(processId: string) {
  return (await store.actionflowLogs.query({ processId, page: 0, size: 10 })).content;
}

const customers = [
  { name: 'Ada Lovelace', email: 'ada@example.com' },
  { name: 'Alan Turing', email: 'alan@example.com' },
  { name: 'Grace Hopper', email: 'grace@navy.mil' },
];

describe('synchronous runs', () => {
  it('returns the records at data.<Output Name> and saves the run as Success', async () => {
    const af = actionflow('application: Demo\nname: Echo\nmode: sync\noutput: { name: Customers }');
    const out = await run(af, request(customers));
    expect(out.kind).toBe('done');
    if (out.kind !== 'done') return;
    expect(out.statusCode).toBe(200);
    expect(out.envelope).toEqual({
      status: 'Success',
      message: 'Processed 3 records',
      processId: out.process.id,
      data: { Customers: customers },
    });
    expect((await store.processes.byId(out.process.id))).toMatchObject({
      status: 'Success', httpStatus: 200, recordsDone: 3, userId: 'u1', envelope: out.envelope,
    });
    expect((await store.processes.byId(out.process.id))?.finishedAt).not.toBeNull();
  });

  it('applies the transform to every record, with $index, $params and $input bound', async () => {
    const af = actionflow(`
application: Demo
name: Enrich
mode: sync
parameters: [{ name: tag, default: t }]
output:
  name: Customers
  transform: '{ "name": name, "domain": $substringAfter(email, "@"), "i": $index, "tag": $params.tag, "type": $input.contentType }'
`);
    const out = await run(af, request(customers.slice(0, 2)));
    expect(out.envelope.data?.Customers).toEqual([
      { name: 'Ada Lovelace', domain: 'example.com', i: 0, tag: 't', type: 'application/json' },
      { name: 'Alan Turing', domain: 'example.com', i: 1, tag: 't', type: 'application/json' },
    ]);
  });

  it('selects the records with the records expression over the input (body parsed)', async () => {
    const af = actionflow(`
application: Demo
name: Orders
mode: sync
records: body.orders
output: { name: Orders, transform: id }
`);
    const out = await run(af, request({ orders: [{ id: 1 }, { id: 2 }] }));
    expect(out.envelope).toMatchObject({ status: 'Success', message: 'Processed 2 records', data: { Orders: [1, 2] } });
  });

  it('fails a record whose failure condition holds and keeps the other records’ results', async () => {
    const af = actionflow(`
application: Demo
name: Validate
mode: sync
output: { name: Customers }
failures:
  - when: '$not($contains(email, "example.com"))'
    message: 'Record {{ $index }}: {{ email }} is not an example address'
`);
    const out = await run(af, request(customers));
    expect(out.kind).toBe('done');
    expect(out.envelope).toMatchObject({
      status: 'Fail',
      message: '1 of 3 records failed',
      data: { Customers: customers.slice(0, 2) },
      failures: [{ index: 2, message: 'Record 2: grace@navy.mil is not an example address' }],
    });
    expect((await store.processes.byId(out.process.id))).toMatchObject({ status: 'Fail', recordsDone: 3, message: null });
  });

  it('stops at the record where stop fires: no further records, the run is Fail, earlier results stay', async () => {
    const af = actionflow(`
application: Demo
name: Credit
mode: sync
output: { name: Orders }
stop: { when: 'total > 1000', message: 'order {{ id }} exceeds the credit limit' }
`);
    const orders = [{ id: 'a', total: 10 }, { id: 'b', total: 5000 }, { id: 'c', total: 20 }];
    const out = await run(af, request(orders));
    expect(out.envelope).toEqual({
      status: 'Fail',
      message: 'Stopped: order b exceeds the credit limit',
      processId: out.process.id,
      data: { Orders: [orders[0]] },
    });
    expect((await store.processes.byId(out.process.id))).toMatchObject({ status: 'Fail', recordsDone: 1 });
  });

  it('fails only the record whose transform throws at run time', async () => {
    const af = actionflow(`
application: Demo
name: Numbers
mode: sync
output: { name: Out, transform: '{ "n": $number(value) }' }
`);
    const out = await run(af, request([{ value: '1' }, { value: 'abc' }, { value: '3' }]));
    expect(out.envelope.status).toBe('Fail');
    expect(out.envelope.data?.Out).toEqual([{ n: 1 }, { n: 3 }]);
    expect(out.envelope.failures).toHaveLength(1);
    expect(out.envelope.failures?.[0].index).toBe(1);
    expect(out.envelope.failures?.[0].message).toMatch(/number/i);
  });

  it('makes a non-JSON body one record { body } with the raw text', async () => {
    const af = actionflow('application: Demo\nname: Text\nmode: sync\noutput: { name: Out }');
    const out = await run(af, request('hello, world'));
    expect(out.envelope).toMatchObject({ status: 'Success', message: 'Processed 1 record', data: { Out: [{ body: 'hello, world' }] } });
  });

  it('makes no body zero records and a single JSON object one record', async () => {
    const af = actionflow('application: Demo\nname: Count\nmode: sync\noutput: { name: Out }');
    expect((await run(af, request(undefined))).envelope).toMatchObject({ status: 'Success', message: 'Processed 0 records', data: { Out: [] } });
    expect((await run(af, request({ a: 1 }))).envelope.data).toEqual({ Out: [{ a: 1 }] });
  });

  it('answers with the endpoint’s own status code and headers', async () => {
    const af = actionflow(`
application: Demo
name: Create
mode: sync
output: { name: Out }
response: { statusCode: 201, headers: { X-Created-By: flowmock } }
`);
    const out = await run(af, request([{ a: 1 }]));
    expect(out).toMatchObject({ kind: 'done', statusCode: 201, headers: { 'X-Created-By': 'flowmock' } });
    expect((await store.processes.byId(out.process.id))?.httpStatus).toBe(201);
  });

  it('aborts at the timeout: fewer records processed than exist, even after waiting longer, saved as Fail with 504', async () => {
    const af = actionflow('application: Demo\nname: Slow\nmode: sync\nrecordDelayMs: 40\noutput: { name: Results }');
    const records = Array.from({ length: 20 }, (_, i) => ({ n: i + 1 }));
    const clock = onVirtualClock();
    const outcome = run(af, request(records), { ...SYNC, timeoutMs: 150 });
    await clock.advance(150); // records end at 40, 80, 120 ms; the timeout fires at 150
    const out = await outcome;
    expect(out.kind).toBe('timedOut');
    const done = out.process.recordsDone;
    expect(done).toBe(3);
    expect(out.envelope).toEqual({
      status: 'Fail',
      message: `Timed out after 150 ms; aborted after ${done} of 20 records`,
      processId: out.process.id,
      data: { Results: records.slice(0, done) },
    });

    expect(clock.pending(), 'no record delay is left').toBe(0);
    await clock.advance(10_000); // many more record delays: nothing may happen any more
    const saved = (await store.processes.byId(out.process.id));
    expect(saved).toMatchObject({ status: 'Fail', httpStatus: 504, recordsDone: done, envelope: out.envelope });
    expect(saved?.message).toMatch(/^Timed out after 150 ms/);
  });
});

describe('asynchronous runs', () => {
  const slow = () => actionflow('application: Demo\nname: Async\nmode: async\nrecordDelayMs: 30\noutput: { name: Results }');

  it('answers Running after the async timeout, then the run finishes in the background (polled by status)', async () => {
    const af = slow();
    const clock = onVirtualClock(); // stopped: the run cannot end within the (real-time) 20 ms answer wait
    const out = await run(af, request([{ n: 1 }, { n: 2 }, { n: 3 }, { n: 4 }]), { userId: null, timeoutMs: 20, mode: 'async' });
    expect(out.kind).toBe('accepted');
    expect(out.envelope).toEqual({ status: 'Running', message: 'Running', processId: out.process.id });
    expect(engine.envelopeOf((await engine.status(out.process.id))!)).toEqual(out.envelope);

    await clock.advance(119); // 30 ms a record: three done
    expect(await engine.status(out.process.id)).toMatchObject({ status: 'Running', recordsDone: 3 });
    await clock.advance(1);
    const polled = (await engine.status(out.process.id))!;
    expect(polled).toMatchObject({ status: 'Success', recordsDone: 4, httpStatus: 200, userId: null });
    expect(engine.envelopeOf(polled)).toMatchObject({ status: 'Success', message: 'Processed 4 records', data: { Results: [{ n: 1 }, { n: 2 }, { n: 3 }, { n: 4 }] } });
  });

  it('answers with the full result when the run ends within the async timeout', async () => {
    const out = await run(slow(), request([{ n: 1 }]), { userId: null, timeoutMs: 2_000, mode: 'async' });
    expect(out).toMatchObject({ kind: 'done', envelope: { status: 'Success', data: { Results: [{ n: 1 }] } } });
  });

  it('does not time an accepted run out: it runs past the async timeout to the end', async () => {
    const out = await run(slow(), request(Array.from({ length: 5 }, (_, n) => ({ n }))), { userId: null, timeoutMs: 10, mode: 'async' });
    expect(out.kind).toBe('accepted');
    await engine.idle();
    expect((await engine.status(out.process.id))).toMatchObject({ status: 'Success', recordsDone: 5 });
  });
});

describe('logging', () => {
  const logged = () => actionflow('application: Demo\nname: Logged\nmode: sync\nlogRequest: true\nlogResponse: true\noutput: { name: Out, transform: $input.headers }');

  it('redacts credential headers in the actionflow’s input and in the request log', async () => {
    const out = await run(logged(), request([{}], { headers: { Authorization: 'Bearer abc', 'X-Api-Key': 'k', Cookie: 'c', Accept: 'application/json' } }));
    const seen = { authorization: REDACTED, 'x-api-key': REDACTED, cookie: REDACTED, accept: 'application/json' };
    expect(out.envelope.data?.Out).toEqual([seen]);

    const logs = await logsOf(out.process.id);
    const req = logs.find((l) => l.kind === 'request');
    expect(req?.content).toEqual({ method: 'POST', url: '/phixflow/api/1/action/Demo/Test/trigger', headers: seen, body: '[{}]' });
    expect(JSON.stringify(logs)).not.toContain('Bearer abc');
  });

  it('logs the response with its status code and envelope at the end', async () => {
    const out = await run(logged(), request([]));
    const res = (await logsOf(out.process.id)).find((l) => l.kind === 'response');
    expect(res?.content).toEqual({ statusCode: 200, envelope: out.envelope });
  });

  it('writes no log entries when logging is off', async () => {
    const af = actionflow('application: Demo\nname: Quiet\nmode: sync\noutput: { name: Out }');
    const out = await run(af, request([1]));
    expect(await logsOf(out.process.id)).toEqual([]);
  });
});

describe('restart and shutdown', () => {
  it('marks runs left Running by a stopped server as Fail (interrupted) on startup', async () => {
    await store.processes.insert({
      id: 'p-old', application: 'Demo', actionflow: 'Slow', status: 'Running', userId: null,
      createdAt: new Date().toISOString(), finishedAt: null, httpStatus: null, envelope: null, recordsDone: 2, message: null,
    });
    expect((await engine.recoverOnStartup())).toEqual({ interrupted: 1 });
    const p = (await store.processes.byId('p-old'))!;
    expect(p).toMatchObject({ status: 'Fail', message: INTERRUPTED_MESSAGE, httpStatus: null, recordsDone: 2 });
    expect(engine.envelopeOf(p)).toEqual({ status: 'Fail', message: INTERRUPTED_MESSAGE, processId: 'p-old', data: {} });
    expect((await engine.recoverOnStartup())).toEqual({ interrupted: 0 });
  });

  it('shutdown saves running runs as Fail at once, and they process no further records', async () => {
    const af = actionflow('application: Demo\nname: Long\nmode: async\nrecordDelayMs: 30\noutput: { name: Out }');
    const clock = onVirtualClock();
    const out = await run(af, request(Array.from({ length: 50 }, (_, n) => n)), { userId: null, timeoutMs: 70, mode: 'async' });
    expect(out.kind).toBe('accepted');
    await engine.shutdown();
    const atShutdown = (await store.processes.byId(out.process.id))!;
    expect(atShutdown).toMatchObject({ status: 'Fail', message: INTERRUPTED_MESSAGE });
    await engine.idle();
    expect(clock.pending(), 'its record delay is cleared').toBe(0);
    await clock.advance(10_000);
    expect(await store.processes.byId(out.process.id)).toEqual(atShutdown);
    await expect(run(af, request([1]))).rejects.toThrow(/shut down/);
  });
});
