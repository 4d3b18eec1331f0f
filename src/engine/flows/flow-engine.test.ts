import { afterEach, describe, expect, it } from 'vitest';
import { openStore } from '../../store/sqlite-store.js';
import type { ExecutionRecord, ExecutionStatus, Store } from '../../store/types.js';
import { loadDefinitions } from '../definitions/load.js';
import type { FlowDef, StepDef } from '../definitions/types.js';
import { FlowInputValidationError, FlowStateError } from './errors.js';
import { FlowEngine, QUEUED_MESSAGE } from './flow-engine.js';
import { parseFlowInput } from './input.js';
import type { EngineFlow, FlowInput } from './types.js';
import { VirtualClock } from '../clock.js';
import { settled, waitFor } from '../../../test/support/wait.js';

// ------------------------------------------------------------------ kit

let counter = 0;
function flowDef(steps: StepDef[], extra: Partial<FlowDef> = {}): FlowDef {
  counter++;
  return { kind: 'flow', id: `flow-${counter}`, displayName: `Flow ${counter}`, input: { kind: 'any' }, steps, sourceFile: 'test', ...extra };
}

interface Saved { id: string; status: ExecutionStatus; message: string; percentage: number }

const cleanups: Array<() => Promise<void>> = [];
afterEach(async () => {
  while (cleanups.length) await cleanups.pop()!();
});

function setup(defs: FlowDef[], opts: { speed?: number; maxConcurrent?: number; store?: Store; clock?: VirtualClock } = {}) {
  const store = opts.store ?? openStore(':memory:');
  const flows = new Map<string, EngineFlow>(defs.map((def) => [def.id, { def, conditions: new Map(), templates: new Map() }]));
  const engine = new FlowEngine({ store, flows: () => flows, speed: opts.speed ?? 0, maxConcurrent: opts.maxConcurrent, clock: opts.clock });
  opts.clock?.addProbe(engine.activity);
  // Every save, in order: proves what was visible and when.
  const saves: Saved[] = [];
  const saveIf = store.executions.saveIf.bind(store.executions);
  store.executions.saveIf = async (e, expected) => {
    const v = await saveIf(e, expected);
    if (v !== null) saves.push({ id: e.id, status: e.status, message: e.progress.message, percentage: e.progress.percentage });
    return v;
  };
  cleanups.push(async () => {
    engine.shutdown();
    if (!opts.store) await store.close();
  });
  const start = async (flow: FlowDef, input: FlowInput = { kind: 'none' }, skipUserInput = false, userId = 'u1') =>
    await engine.start({ flowId: flow.id, userId, input, skipUserInput });
  return { store, engine, saves, start };
}

/** Waits (via long polls) until the record matches. */
async function until(engine: FlowEngine, store: Store, id: string, pred: (r: ExecutionRecord) => boolean, timeoutMs = 5000): Promise<ExecutionRecord> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const rec = (await store.executions.byId(id))!;
    if (pred(rec)) return rec;
    if (Date.now() > deadline) throw new Error(`timed out waiting; execution is ${rec.status} (${rec.progress.message})`);
    const next = await engine.waitForChange(id, rec.version, 100);
    if (next?.version === rec.version) await new Promise((r) => setTimeout(r, 5));
  }
}
const is = (...statuses: ExecutionStatus[]) => (r: ExecutionRecord) => statuses.includes(r.status);

const progress = (id: string, percentage: number, durationMs = 10, extra: Partial<StepDef> = {}): StepDef =>
  ({ id, type: 'progress', message: `Doing ${id}`, durationMs, percentage, ...extra }) as StepDef;

const approvalStep: StepDef = {
  id: 'approval',
  type: 'userInput',
  message: 'Please approve',
  percentage: 50,
  fields: [
    { key: 'approver', title: 'Approver', type: 'string', required: true },
    { key: 'approved', title: 'Approved', type: 'boolean', default: false },
    { key: 'count', title: 'Count', type: 'integer' },
    { key: 'due', title: 'Due date', type: 'date' },
  ],
};

// ------------------------------------------------------------------ tests

describe('FlowEngine', () => {
  it('saves the states in order: Running with the first message, each message then its percentage, then Success 100 "Done"', async () => {
    const flow = flowDef([progress('a', 30), progress('b', 70), progress('c', 90)]);
    const { engine, store, saves, start } = await setup([flow]);
    const started = await start(flow);
    expect(started).toMatchObject({ status: 'Running', progress: { percentage: 0, message: 'Doing a', status: 'Running' }, version: 1 });
    expect(started.stages).toEqual([{ start: started.createdAt, end: null, input: null, lastProgress: null }]);

    const done = await until(engine, store, started.id, is('Success'));
    expect(saves.map((s) => `${s.status} ${s.message} ${s.percentage}`)).toEqual([
      'Running Doing a 0', 'Running Doing a 30',
      'Running Doing b 30', 'Running Doing b 70',
      'Running Doing c 70', 'Running Doing c 90',
      'Success Done 100',
    ]);
    expect(done.progress).toEqual({ percentage: 100, message: 'Done', status: 'Success', model: {} });
    expect(done.stages).toHaveLength(1);
    expect(done.stages[0].end).not.toBeNull();
    expect(done.stages[0].lastProgress).toMatchObject({ status: 'Success', percentage: 100 });
    expect(done.report).toEqual([{ id: 'main', blocks: expect.any(Array) }]);
    expect(done.report[0].blocks.map((b) => `${b.id}:${b.step?.status}`)).toEqual(['a:Output', 'b:Output', 'c:Output']);
    expect(done.version).toBe(1 + saves.length);
  });

  it('never lowers the percentage, even when a later step names a lower one', async () => {
    const flow = flowDef([progress('a', 60), progress('b', 20)]);
    const { engine, store, saves, start } = await setup([flow]);
    await until(engine, store, (await start(flow)).id, is('Success'));
    const pct = saves.map((s) => s.percentage);
    expect(pct).toEqual([...pct].sort((x, y) => x - y));
  });

  it('reports a step whose condition is false as Skipped and uses the XML input in conditions and messages', async () => {
    const flow = flowDef(
      [
        progress('check', 10, 1, { message: 'Checking {{ input.order.customer }}' }),
        progress('review', 50, 1, { when: 'input.order.amount > 1000' }),
      ],
      { input: { kind: 'xml', rootElement: 'order' } },
    );
    const { engine, store, saves, start } = await setup([flow]);
    const input = parseFlowInput(flow, { contentType: 'application/xml', raw: Buffer.from('<order><customer>ACME</customer><amount>5</amount></order>') });
    const rec = await start(flow, input);
    expect(rec.inputData).toEqual({ contentType: 'application/xml', xml: '<order><customer>ACME</customer><amount>5</amount></order>' });
    const done = await until(engine, store, rec.id, is('Success'));
    expect(saves.some((s) => s.message === 'Checking ACME')).toBe(true);
    expect(done.report[0].blocks.find((b) => b.id === 'review')).toMatchObject({ step: { status: 'Skipped', output: { message: 'Skipped: its condition was false' } } });
  });

  it('queues with maxConcurrent 1: later starts are Queued and run one after another in start order', async () => {
    const flow = flowDef([progress('a', 50, 1), progress('b', 100, 1)]);
    const { engine, store, saves, start } = await setup([flow], { maxConcurrent: 1 });
    const first = await start(flow);
    const second = await start(flow);
    const third = await start(flow);
    expect(first.status).toBe('Running');
    expect(second).toMatchObject({ status: 'Queued', queueSeq: 1, progress: { percentage: 0, message: QUEUED_MESSAGE } });
    expect(third).toMatchObject({ status: 'Queued', queueSeq: 2 });
    expect((await store.executions.listQueued()).map((e) => e.id)).toEqual([second.id, third.id]);

    await until(engine, store, third.id, is('Success'));
    const order = saves.filter((s) => s.status === 'Running' || s.status === 'Success').map((s) => `${[first.id, second.id, third.id].indexOf(s.id)}${s.status[0]}`);
    // Each execution finishes before the next one starts running, in queue order.
    const compact = order.filter((x, i) => x !== order[i - 1]);
    expect(compact).toEqual(['0R', '0S', '1R', '1S', '2R', '2S']);
    expect((await store.executions.byId(second.id))!.queueSeq).toBeNull();
    // At no moment were two executions Running.
    const running = new Set<string>();
    let most = 0;
    for (const s of saves) {
      if (s.status === 'Running') running.add(s.id);
      else running.delete(s.id);
      most = Math.max(most, running.size);
    }
    expect(most).toBe(1);
  });

  it('frees the queue slot when an execution stops for user input', async () => {
    const flow = flowDef([approvalStep]);
    const quick = flowDef([progress('x', 100, 1)]);
    const { engine, store, start } = await setup([flow, quick], { maxConcurrent: 1 });
    const waiting = await start(flow);
    const queued = await start(quick);
    expect(queued.status).toBe('Queued');
    await until(engine, store, waiting.id, is('UserInput'));
    await until(engine, store, queued.id, is('Success'));
  });

  it('stops in UserInput with schema, form and defaults, and validation errors name each field', async () => {
    const flow = flowDef([progress('prep', 20, 1), approvalStep, progress('after', 100, 1)]);
    const { engine, store, start } = await setup([flow]);
    const rec = await until(engine, store, (await start(flow)).id, is('UserInput'));
    expect(rec.progress).toEqual({
      percentage: 20,
      message: 'Please approve',
      status: 'UserInput',
      schema: {
        type: 'object',
        properties: {
          approver: { type: 'string', title: 'Approver' },
          approved: { type: 'boolean', title: 'Approved' },
          count: { type: 'integer', title: 'Count' },
          due: { type: 'string', format: 'date', title: 'Due date' },
        },
        required: ['approver'],
      },
      model: { approved: false },
      form: [
        { key: 'approver', title: 'Approver', type: 'string', required: true },
        { key: 'approved', title: 'Approved', type: 'boolean' },
        { key: 'count', title: 'Count', type: 'integer' },
        { key: 'due', title: 'Due date', type: 'date' },
      ],
    });
    expect(rec.waitingFor).toMatchObject({ type: 'userInput' });

    let err: unknown;
    try {
      await engine.continueWithInput(rec.id, { count: 1.5, due: '2026-02-30', colour: 'red' }, 'u1');
    } catch (e) {
      err = e;
    }
    expect(err).toBeInstanceOf(FlowInputValidationError);
    const problems = (err as FlowInputValidationError).problems;
    expect(problems).toEqual(expect.arrayContaining([
      expect.objectContaining({ pointer: '/approver', rule: 'required', message: expect.stringContaining('"approver"') }),
      expect.objectContaining({ pointer: '/count', rule: 'type', message: expect.stringContaining('"count"') }),
      expect.objectContaining({ pointer: '/due', rule: 'format', message: expect.stringContaining('"due"') }),
      expect.objectContaining({ pointer: '/colour', rule: 'additionalProperties', message: expect.stringContaining('"colour"') }),
    ]));
    // Nothing changed.
    expect((await store.executions.byId(rec.id))!.version).toBe(rec.version);
  });

  it('continue closes the UserInput stage, opens a new one with the values, and runs on with them', async () => {
    const doc: StepDef = { id: 'record', type: 'document', fileName: 'Approval {{ form.approver }}.pdf', template: 'Approved: {{ form.approved }}', percentage: 90 };
    const flow = flowDef([approvalStep, doc]);
    const { engine, store, start } = await setup([flow]);
    const waiting = await until(engine, store, (await start(flow)).id, is('UserInput'));

    const resumed = (await engine.continueWithInput(waiting.id, { approver: 'Jane' }, 'u2'));
    expect(resumed).toMatchObject({ status: 'Running', waitingFor: null, modifiedBy: 'u2', progress: { percentage: 50 } });
    expect(resumed.progress.schema).toBeUndefined();
    expect(resumed.stages).toHaveLength(2);
    expect(resumed.stages[0].end).not.toBeNull();
    expect(resumed.stages[0].lastProgress).toMatchObject({ status: 'UserInput', message: 'Please approve' });
    expect(resumed.stages[1]).toMatchObject({ end: null, input: { approver: 'Jane' }, lastProgress: null });

    const done = await until(engine, store, waiting.id, is('Success'));
    expect(done.output.model.record).toEqual({ document: { id: expect.any(String), displayName: 'Approval Jane.pdf', type: 'document' } });
    expect(done.stages[1].end).not.toBeNull();
    expect(done.report[0].blocks.map((b) => `${b.id}:${b.step?.status}`)).toEqual(['approval:Output', 'record:Output']);
  });

  it('refuses continue when the execution is not in UserInput, naming its status', async () => {
    const flow = flowDef([progress('a', 100, 1)]);
    const { engine, store, start } = await setup([flow]);
    const rec = await until(engine, store, (await start(flow)).id, is('Success'));
    await expect(engine.continueWithInput(rec.id, {}, 'u1')).rejects.toThrow(/Success/);
    try {
      await engine.continueWithInput(rec.id, {}, 'u1');
    } catch (e) {
      expect(e).toBeInstanceOf(FlowStateError);
      expect((e as FlowStateError).kind).toBe('conflict');
    }
  });

  it('with skipUserInput the form is not shown, the defaults are used and the step is reported Skipped, saying why', async () => {
    const flow = flowDef([{ ...approvalStep, fields: [{ key: 'approver', title: 'Approver', type: 'string', default: 'robot' }] } as StepDef,
      progress('after', 100, 1, { message: 'Approved by {{ form.approver }}' })]);
    const { engine, store, saves, start } = await setup([flow]);
    const done = await until(engine, store, (await start(flow, { kind: 'none' }, true)).id, is('Success'));
    expect(saves.some((s) => s.status === 'UserInput')).toBe(false);
    expect(saves.some((s) => s.message === 'Approved by robot')).toBe(true);
    expect(done.stages).toHaveLength(1);
    // Skipped like a step whose condition is false (one status for every step that did not run).
    expect(done.report[0].blocks.find((b) => b.id === 'approval')).toMatchObject({
      step: { status: 'Skipped', output: { message: 'Skipped: started without user input (/start), the form defaults were used' } },
    });
  });

  it('callback resumes a Waiting execution with a new stage, and its data is in the context', async () => {
    const flow = flowDef([
      { id: 'sign', type: 'waitForCallback', message: 'Waiting for signature', percentage: 40 },
      progress('archive', 100, 1, { message: 'Signed by {{ callback.signer }}' }),
    ]);
    const { engine, store, saves, start } = await setup([flow]);
    const waiting = await until(engine, store, (await start(flow)).id, is('Waiting'));
    const callbackId = waiting.waitingFor!.callbackId!;
    expect(waiting.waitingFor).toEqual({
      type: 'callback',
      callbackId,
      callbackUrl: `/api/v1/flows/callback/${callbackId}?executionId=${waiting.id}`,
      since: expect.any(String),
    });
    expect(waiting.progress).toMatchObject({ status: 'Waiting', message: 'Waiting for signature' });

    await expect(engine.callback(waiting.id, 'not-the-id', {}, 'u1')).rejects.toThrow(FlowStateError);
    const resumed = (await engine.callback(waiting.id, callbackId, { signer: 'jane@example.com' }, 'u1'));
    expect(resumed.status).toBe('Running');
    expect(resumed.stages[1].input).toEqual({ signer: 'jane@example.com' });

    const done = await until(engine, store, waiting.id, is('Success'));
    expect(saves.some((s) => s.message === 'Signed by jane@example.com')).toBe(true);
    expect(done.report[0].blocks.find((b) => b.id === 'sign')).toMatchObject({ step: { status: 'Output', input: { signer: expect.any(String) } } });
    // A used callback id cannot resume it again.
    await expect(engine.callback(waiting.id, callbackId, {}, 'u1')).rejects.toThrow(/Success/);
  });

  it('cancel ends a live execution as Canceled by the user and refuses a stable one', async () => {
    const flow = flowDef([progress('long', 50, 60_000)]);
    const clock = new VirtualClock();
    const { engine, store, start } = await setup([flow], { speed: 1, clock });
    await store.users.create({ id: 'u1', username: 'integrator', displayName: 'Integrator', email: null, enabled: true, roleIds: [], passwordHash: null, createdAt: new Date().toISOString() });
    const rec = await until(engine, store, (await start(flow)).id, (r) => r.report[0]?.blocks.length === 1);
    expect(clock.pending(), 'the step waits on its timer').toBe(1);

    const canceled = (await engine.cancel(rec.id, 'u1'));
    expect(canceled).toMatchObject({ status: 'Canceled', progress: { message: 'Canceled by integrator', status: 'Canceled' }, modifiedBy: 'u1' });
    expect(canceled.stages[0].end).not.toBeNull();
    expect(canceled.stages[0].lastProgress).toMatchObject({ status: 'Canceled' });
    expect(canceled.report[0].blocks[0]).toMatchObject({ id: 'long', step: { end: expect.any(String), output: { message: 'Canceled by integrator' } } });

    let err: unknown;
    try {
      await engine.cancel(rec.id, 'u1');
    } catch (e) {
      err = e;
    }
    expect(err).toBeInstanceOf(FlowStateError);
    expect((err as FlowStateError).kind).toBe('conflict');
    expect((err as Error).message).toContain('Canceled');
    // The step's timer is cleared: nothing is left to bring it back, however long the clock moves on.
    expect(clock.pending()).toBe(0);
    await clock.advance(3_600_000);
    expect((await store.executions.byId(rec.id))!.status).toBe('Canceled');
  });

  it('cancel removes a Queued execution from the queue; cancel of UserInput works too', async () => {
    const flow = flowDef([approvalStep]);
    const blocker = flowDef([progress('long', 50, 60_000)]);
    const { engine, store, start } = await setup([flow, blocker], { speed: 1, maxConcurrent: 1 });
    const running = await start(blocker);
    const queued = await start(flow);
    expect((await engine.cancel(queued.id, 'someone')).progress.message).toBe('Canceled by someone');
    expect((await store.executions.listQueued())).toEqual([]);
    await engine.cancel(running.id, 'someone');

    const waiting = await until(engine, store, (await start(flow)).id, is('UserInput'));
    const canceled = (await engine.cancel(waiting.id, 'someone'));
    expect(canceled).toMatchObject({ status: 'Canceled', waitingFor: null });
    expect(canceled.progress.schema).toBeUndefined();
  });

  it('interrupts an execution running longer than maxDurationMs × speed', async () => {
    const flow = flowDef([progress('long', 50, 100_000)], { maxDurationMs: 2_000 });
    const clock = new VirtualClock();
    const { engine, store, start } = await setup([flow], { speed: 0.5, clock }); // 1 s allowed, the step needs 50 s
    const id = (await start(flow)).id;
    await until(engine, store, id, (r) => r.report[0]?.blocks.length === 1);
    await clock.advance(999);
    expect((await store.executions.byId(id))!.status).toBe('Running');
    await clock.advance(1);
    const rec = (await store.executions.byId(id))!;
    expect(rec.status).toBe('Interrupted');
    expect(rec.progress.message).toBe("Interrupted: ran longer than the flow's maximum duration of 2000 ms");
    expect(rec.stages[0].end).not.toBeNull();
    expect(rec.report[0].blocks[0]).toMatchObject({ step: { status: 'Error', end: expect.any(String) } });
  });

  it('does not count time spent in UserInput towards maxDurationMs', async () => {
    const flow = flowDef([approvalStep, progress('after', 100, 100)], { maxDurationMs: 5_000 });
    const clock = new VirtualClock();
    const { engine, store, start } = await setup([flow], { speed: 1, clock });
    const waiting = await until(engine, store, (await start(flow)).id, is('UserInput'));
    await clock.advance(60_000); // well past the limit, but waiting for a person
    await engine.continueWithInput(waiting.id, { approver: 'Jane' }, 'u1');
    await until(engine, store, waiting.id, (r) => r.status === 'Running' && r.progress.message === 'Doing after');
    await clock.advance(100);
    const done = await until(engine, store, waiting.id, is('Success', 'Interrupted'));
    expect(done.status).toBe('Success');
  });

  it('ends with the status and message of a fail step', async () => {
    const warn = flowDef([progress('a', 40, 1), { id: 'post', type: 'fail', status: 'Warning', message: 'Post-processing failed for {{ execution.flowName }}' }]);
    const error = flowDef([{ id: 'boom', type: 'fail', status: 'Error', message: 'Could not end' }, progress('never', 100, 1)]);
    const { engine, store, start } = await setup([warn, error]);
    const w = await until(engine, store, (await start(warn)).id, is('Warning'));
    expect(w.progress).toMatchObject({ message: `Post-processing failed for ${warn.displayName}`, percentage: 40 });
    expect(w.report[0].blocks[1]).toMatchObject({ id: 'post', step: { status: 'Error' } });
    expect(w.warnings).toEqual([{ error: 'FlowWarning', message: `Post-processing failed for ${warn.displayName}` }]);
    const e = await until(engine, store, (await start(error)).id, is('Error'));
    expect(e.progress.message).toBe('Could not end');
    expect(e.report[0].blocks.map((b) => b.id)).toEqual(['boom']);
    expect(e.errors).toEqual([{ error: 'FlowError', message: 'Could not end' }]);
  });

  it('ends the execution Error (no crash, no unhandled rejection) when a template fails at run time', async () => {
    const flow = flowDef([progress('bad', 50, 1, { message: '{{ $error("broken on purpose") }}' })]);
    const { engine, store, start } = await setup([flow]);
    const rec = await until(engine, store, (await start(flow)).id, is('Error'));
    expect(rec.progress.message).toMatch(/^Error in step "bad": .*broken on purpose/);
    expect(rec.stages[0].end).not.toBeNull();
  });

  it('waitForChange wakes on the next save and otherwise at the timeout, and leaves no listeners', async () => {
    const flow = flowDef([progress('a', 50, 30), progress('b', 60, 60_000)]);
    const { engine, store, start } = await setup([flow], { speed: 1 });
    const rec = await start(flow);
    // Wakes on the save of the first step, long before its 60 s timeout (the hang limit is far below).
    const changed = await settled('waitForChange', engine.waitForChange(rec.id, rec.version, 60_000));
    expect(changed!.version).toBeGreaterThan(rec.version);

    const inLongStep = await until(engine, store, rec.id, (r) => r.progress.message === 'Doing b');
    // Many concurrent waiters, all resolved at the timeout with the unchanged record.
    const t1 = Date.now();
    const results = await Promise.all(Array.from({ length: 50 }, async () => (await engine.waitForChange(rec.id, inLongStep.version, 60))));
    expect(Date.now() - t1).toBeGreaterThanOrEqual(55);
    expect(results.every((r) => r!.version === inLongStep.version)).toBe(true);
    expect(engine.pendingWaiters()).toBe(0);

    // An abort resolves with the current record; a stale version answers at once.
    const ac = new AbortController();
    const aborted = engine.waitForChange(rec.id, inLongStep.version, 60_000, ac.signal);
    // The waiter registers after its first read of the store.
    await waitFor('the waiter registered', () => engine.pendingWaiters() === 1);
    ac.abort();
    expect((await aborted)!.id).toBe(rec.id);
    expect(engine.pendingWaiters()).toBe(0);
    expect((await engine.waitForChange(rec.id, 0, 60_000))!.version).toBe(inLongStep.version);
  });

  it('waitForChange answers at once for a stable, UserInput or Waiting execution', async () => {
    const flow = flowDef([approvalStep]);
    const { engine, store, start } = await setup([flow]);
    const rec = await until(engine, store, (await start(flow)).id, is('UserInput'));
    // At once, not after its 60 s timeout (the hang limit is far below).
    expect((await settled('waitForChange on UserInput', engine.waitForChange(rec.id, rec.version, 60_000)))!.status).toBe('UserInput');
    expect(await engine.waitForChange('nope', 1, 60_000)).toBeNull();
  });

  it('recoverOnStartup marks Running and Queued as Interrupted and keeps UserInput and Waiting resumable', async () => {
    const store = openStore(':memory:');
    cleanups.push(() => store.close());
    const long = flowDef([progress('long', 50, 60_000)]);
    const form = flowDef([approvalStep, progress('after', 100, 1)]);
    const first = await setup([long, form], { store, speed: 1, maxConcurrent: 2 });
    const waiting = await until(first.engine, store, (await first.start(form)).id, is('UserInput'));
    const running = await first.start(long);
    const running2 = await first.start(long);
    const queued = await first.start(long);
    expect(queued.status).toBe('Queued');
    first.engine.shutdown(); // the "server" stops

    const second = await setup([long, form], { store, speed: 0 });
    expect((await second.engine.recoverOnStartup())).toEqual({ interrupted: 3 });
    for (const [id, was] of [[running.id, 'Running'], [running2.id, 'Running'], [queued.id, 'Queued']]) {
      const rec = (await store.executions.byId(id))!;
      expect(rec.status).toBe('Interrupted');
      expect(rec.progress.message).toBe(`Interrupted: the server stopped while the execution was ${was}`);
      expect(rec.stages.at(-1)!.end).not.toBeNull();
      expect(rec.stages.at(-1)!.lastProgress).toMatchObject({ status: 'Interrupted' });
      expect(rec.queueSeq).toBeNull();
    }
    expect((await store.executions.byId(waiting.id))!.status).toBe('UserInput');
    await second.engine.continueWithInput(waiting.id, { approver: 'Jane' }, 'u1');
    await until(second.engine, store, waiting.id, is('Success'));
  });

  it('produces a PDF document: stored with %PDF bytes, listed in the output model under the step id', async () => {
    const flow = flowDef([
      { id: 'invoice', type: 'document', displayName: 'Invoice PDF', fileName: 'Invoice {{ input.entity }}.pdf', template: 'Invoice for {{ input.id[0] }}', templateId: 'inv', language: 'en', percentage: 100 },
    ], { input: { kind: 'plugin' } });
    const { engine, store, start } = await setup([flow]);
    const input: FlowInput = { kind: 'plugin', value: { id: ['r1', 'r2'], entity: 'account' } };
    const done = await until(engine, store, (await start(flow, input)).id, is('Success'));
    const entry = done.output.model.invoice as { document: { id: string; displayName: string; type: string } };
    expect(entry.document).toMatchObject({ displayName: 'Invoice account.pdf', type: 'document' });
    expect(done.progress.model).toEqual(done.output.model);

    const meta = (await store.documents.byId(entry.document.id))!;
    const bytes = (await store.documents.content(entry.document.id))!;
    expect(bytes.subarray(0, 4).toString('latin1')).toBe('%PDF');
    expect(meta).toMatchObject({ executionId: done.id, contentType: 'application/pdf', finished: true, size: bytes.length, templateId: 'inv', language: 'en', createdBy: 'u1' });

    // Plug-in input with several record ids: one iteration per record.
    expect(done.inputData).toEqual({ id: ['r1', 'r2'], entity: 'account' });
    expect(done.iterations.map((i) => [i.id, i.displayName])).toEqual([['r1', 'account r1'], ['r2', 'account r2']]);
    expect(done.iterations[0].report).toEqual(done.report);
  });

  it('runs the shipped order-xml flow as loaded from flows/ (loader output fits the engine)', async () => {
    const defs = await loadDefinitions('flows');
    const loaded = defs.flows.find((f) => f.def.id === '11111111-1111-4111-8111-111111111102');
    expect(loaded, 'flows/order-xml.yaml (id ...102) is shipped').toBeDefined();
    if (!loaded) return;
    const store = openStore(':memory:');
    const engine = new FlowEngine({ store, flows: () => new Map(defs.flows.map((f) => [f.def.id, f])), speed: 0 });
    cleanups.push(async () => {
      engine.shutdown();
      await store.close();
    });
    const input = parseFlowInput(loaded.def, { contentType: 'application/xml', raw: Buffer.from('<order><customer>ACME</customer><amount>1500</amount></order>') });
    const rec = (await engine.start({ flowId: loaded.def.id, userId: 'u1', input, skipUserInput: false }));
    const done = await until(engine, store, rec.id, is('Success', 'Error'));
    expect(done.status).toBe('Success');
    const docs = (await store.documents.byExecution(done.id));
    expect(docs.map((d) => d.displayName)).toEqual(['Order confirmation ACME.pdf']);
    const [validate, large, confirmation] = done.report[0].blocks;
    expect([validate.step?.status, confirmation.step?.status]).toEqual(['Output', 'Output']);
    expect(large.condition).toMatchObject({ result: true, body: [{ id: 'large-order.then', blocks: [{ id: 'review', step: { status: 'Output' } }] }] });
  });
});
