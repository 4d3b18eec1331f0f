/**
 * The flow language's constructs (if, try/catch, switch, iterate, zones) and the report tree they
 * produce (the vendor's FlowZoneState/FlowBlockState), run on the virtual clock: each case states
 * the flow, the input, the tree and the status it must end with. No sleeps: `clock.advance`
 * returns once the engine is idle.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { openStore } from '../../store/sqlite-store.js';
import type { ExecutionRecord, ExecutionStatus, FlowZoneState, Store } from '../../store/types.js';
import { VirtualClock } from '../clock.js';
import { loadDefinitionSources } from '../definitions/load.js';
import type { FlowDef, StepDef } from '../definitions/types.js';
import { FlowEngine } from './flow-engine.js';
import type { EngineFlow, FlowInput } from './types.js';

const T0 = new Date('2026-11-22T10:00:00.000Z');
const cleanups: Array<() => void> = [];
afterEach(async () => {
  while (cleanups.length) cleanups.pop()!();
});

function setup(flows: EngineFlow[], store: Store = openStore(':memory:')) {
  const clock = new VirtualClock(T0);
  const byId = new Map(flows.map((f) => [f.def.id, f]));
  const engine = new FlowEngine({ store, flows: () => byId, speed: 1, clock });
  clock.addProbe(engine.activity);
  cleanups.push(() => {
    engine.shutdown();
    clock.close();
  });
  return { store, engine, clock };
}

/** The tree as one line: `zone[block block]`; step `id:Status`, condition `id?result{...}`, try `id:try{...}!error catch{...}`, switch `id=value{...}`. */
function shape(zones: FlowZoneState[]): string {
  return zones.map((z) => `${z.id}[${z.blocks.map((b) => {
    if (b.step) return `${b.id}:${b.step.status ?? 'open'}`;
    if (b.condition) return `${b.id}?${b.condition.result}{${shape(b.condition.body)}}`;
    if (b.try) return `${b.id}:try{${shape(b.try.bodyTry)}}${b.try.error ? `!${b.try.error}` : ''} catch{${shape(b.try.bodyCatch)}}`;
    if (b.switch) return `${b.id}=${b.switch.caseValue}{${shape(b.switch.caseBody)}}`;
    return `${b.id}:?`;
  }).join(' ')}]`).join(' ');
}

let n = 0;
function flow(steps: StepDef[], extra: Partial<FlowDef> = {}): EngineFlow {
  n++;
  const def: FlowDef = { kind: 'flow', id: `c-${n}`, displayName: `Constructs ${n}`, input: { kind: 'any' }, steps, sourceFile: 'test', ...extra };
  return { def, conditions: new Map(), templates: new Map() };
}
const work = (id: string, durationMs = 1000): StepDef => ({ id, type: 'progress', durationMs });
const fail = (id: string, message: string): StepDef => ({ id, type: 'fail', status: 'Error', message });
const plugin = (ids: string[]): FlowInput => ({ kind: 'plugin', value: { id: ids, entity: 'account' } });

async function run(f: EngineFlow, input: FlowInput = { kind: 'none' }): Promise<ExecutionRecord> {
  const { engine, store, clock } = await setup([f]);
  const rec = (await engine.start({ flowId: f.def.id, userId: 'u1', input, skipUserInput: false }));
  await clock.advance(60_000);
  return (await store.executions.byId(rec.id))!;
}

interface Case {
  name: string;
  flow: EngineFlow;
  input?: FlowInput;
  status: ExecutionStatus;
  report: string;
  warnings?: string[];
  errors?: string[];
}

const cases: Case[] = [
  {
    name: 'if true: condition {result: true} holding the then-branch',
    flow: flow([work('a'), { id: 'big', type: 'if', condition: '$count(input.id) > 1', then: [work('note')], else: [work('other')] }, work('z')]),
    input: plugin(['1', '2']),
    status: 'Success',
    report: 'main[a:Output big?true{big.then[note:Output]} z:Output]',
  },
  {
    name: 'if false with else: the else-branch is the body',
    flow: flow([{ id: 'big', type: 'if', condition: '$count(input.id) > 1', then: [work('note')], else: [work('other')] }]),
    input: plugin(['1']),
    status: 'Success',
    report: 'main[big?false{big.else[other:Output]}]',
  },
  {
    name: 'if false without else: an empty body, the flow runs on',
    flow: flow([{ id: 'big', type: 'if', condition: 'false', then: [work('note')] }, work('z')]),
    status: 'Success',
    report: 'main[big?false{} z:Output]',
  },
  {
    name: 'try without failure: bodyTry ran, no error, empty bodyCatch, Success',
    flow: flow([{ id: 't', type: 'try', try: [work('send')], catch: [work('archive')] }, work('z')]),
    status: 'Success',
    report: 'main[t:try{t.try[send:Output]} catch{} z:Output]',
  },
  {
    name: 'try with a failing step: the catch runs, the rest of bodyTry does not, the flow runs on and ends Warning',
    flow: flow([{ id: 't', type: 'try', try: [work('prep'), fail('send', 'Mail server unavailable'), work('never')], catch: [work('archive')] }, work('z')]),
    status: 'Warning',
    report: 'main[t:try{t.try[prep:Output send:Error]}!Mail server unavailable catch{t.catch[archive:Output]} z:Output]',
    warnings: ['FlowStepError: Mail server unavailable'],
  },
  {
    name: 'try without catch steps: the failure is recorded and the flow runs on, Warning',
    flow: flow([{ id: 't', type: 'try', try: [fail('send', 'down')] }, work('z')]),
    status: 'Warning',
    report: 'main[t:try{t.try[send:Error]}!down catch{} z:Output]',
    warnings: ['FlowStepError: down'],
  },
  {
    name: 'a step that throws at run time inside a try is caught like a failing step',
    flow: flow([{ id: 't', type: 'try', try: [{ id: 'bad', type: 'progress', durationMs: 0, message: '{{ $error("broken") }}' }], catch: [work('c')] }]),
    status: 'Warning',
    report: 'main[t:try{t.try[bad:Error]}!Error in step "bad": JSONata evaluation error D3137 at position 8: broken catch{t.catch[c:Output]}]',
    warnings: ['FlowStepError: Error in step "bad": JSONata evaluation error D3137 at position 8: broken'],
  },
  {
    name: 'a failure in the catch goes to the enclosing try',
    flow: flow([{ id: 'outer', type: 'try', try: [{ id: 'inner', type: 'try', try: [fail('a', 'one')], catch: [fail('b', 'two')] }], catch: [work('c')] }]),
    status: 'Warning',
    report: 'main[outer:try{outer.try[inner:try{inner.try[a:Error]}!one catch{inner.catch[b:Error]}]}!two catch{outer.catch[c:Output]}]',
    warnings: ['FlowStepError: one', 'FlowStepError: two'],
  },
  {
    name: 'a failure inside an if inside a try closes both bodies',
    flow: flow([{ id: 't', type: 'try', try: [{ id: 'cond', type: 'if', condition: 'true', then: [fail('x', 'bad')] }], catch: [work('c')] }, work('z')]),
    status: 'Warning',
    report: 'main[t:try{t.try[cond?true{cond.then[x:Error]}]}!bad catch{t.catch[c:Output]} z:Output]',
    warnings: ['FlowStepError: bad'],
  },
  {
    name: 'an Error outside any try ends the execution Error with a FlowException in errors',
    flow: flow([work('a'), fail('boom', 'Could not end'), work('never')]),
    status: 'Error',
    report: 'main[a:Output boom:Error]',
    errors: ['FlowError: Could not end'],
  },
  {
    name: 'switch: the case whose value equals the value as text runs',
    flow: flow([{ id: 'sw', type: 'switch', value: 'input.entity', cases: [{ value: 'contact', steps: [work('c')] }, { value: 'account', steps: [work('a')] }], default: [work('d')] }]),
    input: plugin(['1']),
    status: 'Success',
    report: 'main[sw=account{sw.case-2[a:Output]}]',
  },
  {
    name: 'switch without a matching case runs the default; numbers compare as text',
    flow: flow([{ id: 'sw', type: 'switch', value: '1 + 1', cases: [{ value: '3', steps: [work('c')] }], default: [work('d')] }]),
    status: 'Success',
    report: 'main[sw=2{sw.default[d:Output]}]',
  },
  {
    name: 'switch without match and without default: an empty caseBody',
    flow: flow([{ id: 'sw', type: 'switch', value: '"x"', cases: [{ value: 'y', steps: [work('c')] }] }, work('z')]),
    status: 'Success',
    report: 'main[sw=x{} z:Output]',
  },
  {
    name: 'zones: consecutive top-level steps are reported under their zone ids',
    flow: flow([work('a'), work('b'), work('c')], { zones: [{ id: 'pre', steps: ['a', 'b'] }, { id: 'gen', steps: ['c'] }] }),
    status: 'Success',
    report: 'pre[a:Output b:Output] gen[c:Output]',
  },
];

describe('flow constructs: report tree and status', () => {
  it.each(cases)('$name', async (c) => {
    const rec = await run(c.flow, c.input);
    expect(rec.status).toBe(c.status);
    expect(shape(rec.report)).toBe(c.report);
    expect(rec.warnings.map((w) => `${w.error}: ${w.message}`)).toEqual(c.warnings ?? []);
    expect(rec.errors.map((w) => `${w.error}: ${w.message}`)).toEqual(c.errors ?? []);
  });

  it('timestamps come from the virtual clock: each 1 s step starts where the one before ended', async () => {
    const rec = await run(flow([{ id: 'cond', type: 'if', condition: 'true', then: [work('a'), work('b')] }]));
    const body = rec.report[0].blocks[0].condition!.body[0].blocks;
    expect(body.map((b) => [b.step!.start, b.step!.end])).toEqual([
      ['2026-11-22T10:00:00.000Z', '2026-11-22T10:00:01.000Z'],
      ['2026-11-22T10:00:01.000Z', '2026-11-22T10:00:02.000Z'],
    ]);
  });

  it('iterate: one FlowExecutionIteration per item (ids unique, names from the template), each with its own report; the main report keeps the rest', async () => {
    const f = flow([
      work('before'),
      { id: 'each', type: 'iterate', items: 'input.id', iterationName: 'Record {{ iteration.item }}', steps: [work('letter'), { id: 'vip', type: 'if', condition: 'iteration.item = "b"', then: [work('gift')] }] },
      work('after'),
    ]);
    const rec = await run(f, plugin(['a', 'b']));
    expect(rec.status).toBe('Success');
    expect(rec.iterations.map((i) => [i.id, i.displayName, shape(i.report)])).toEqual([
      ['each-1', 'Record a', 'each.iteration[letter:Output vip?false{}]'],
      ['each-2', 'Record b', 'each.iteration[letter:Output vip?true{vip.then[gift:Output]}]'],
    ]);
    expect(shape(rec.report)).toBe('main[before:Output after:Output]');
  });

  it('iterate over no items runs no iteration and leaves state.iterations empty', async () => {
    const rec = await run(flow([{ id: 'each', type: 'iterate', items: 'input.nothing', steps: [work('x')] }, work('z')]));
    expect(rec.status).toBe('Success');
    expect(rec.iterations).toEqual([]);
    expect(shape(rec.report)).toBe('main[z:Output]');
  });

  it('user input inside an if: the step waits with status UserInput in the body, and after a restart the continue goes on inside that body', async () => {
    const f = flow([
      { id: 'cond', type: 'if', condition: 'true', then: [
        { id: 'ask', type: 'userInput', fields: [{ key: 'ok', title: 'OK', type: 'boolean', default: true }] },
        work('after-ask'),
      ] },
      work('z'),
    ]);
    const store = openStore(':memory:');
    cleanups.push(() => store.close());
    const first = await setup([f], store);
    const rec = (await first.engine.start({ flowId: f.def.id, userId: 'u1', input: { kind: 'none' }, skipUserInput: false }));
    await first.clock.advance(0);
    const waiting = (await store.executions.byId(rec.id))!;
    expect(waiting.status).toBe('UserInput');
    expect(shape(waiting.report)).toBe('main[cond?true{cond.then[ask:UserInput]}]');
    first.engine.shutdown();

    // A new engine on the same store (a restart): the cursor alone says where to go on.
    const second = await setup([f], store);
    expect((await second.engine.recoverOnStartup())).toEqual({ interrupted: 0 });
    await second.engine.continueWithInput(rec.id, { ok: false }, 'u1');
    await second.clock.advance(10_000);
    const done = (await store.executions.byId(rec.id))!;
    expect(done.status).toBe('Success');
    expect(shape(done.report)).toBe('main[cond?true{cond.then[ask:Output after-ask:Output]} z:Output]');
    expect(done.report[0].blocks[0].condition!.body[0].blocks[0].step).toMatchObject({ input: { ok: false }, output: { ok: false } });
  });

  it('the loader compiles the constructs of a YAML definition and the engine runs them (switch on XML input, try around a fail)', async () => {
    const { flows: [loaded] } = loadDefinitionSources([{
      file: 'c.yaml',
      text: `
id: 7a0d7c8e-5a51-4f63-9a43-0d6c1c7e2b11
displayName: Loaded constructs
input: { kind: any }
zones:
  - id: checks
    steps:
      - id: route
        type: switch
        value: input.entity
        cases:
          - value: account
            steps: [{ id: acc, type: progress, durationMs: 10 }]
  - id: delivery
    steps:
      - id: deliver
        type: try
        try: [{ id: send, type: fail, status: Error, message: "No mail for {{ input.entity }}" }]
        catch: [{ id: keep, type: progress, durationMs: 10 }]
`,
    }]);
    const rec = await run(loaded, plugin(['1']));
    expect(rec.status).toBe('Warning');
    expect(shape(rec.report)).toBe('checks[route=account{route.case-1[acc:Output]}] delivery[deliver:try{deliver.try[send:Error]}!No mail for account catch{deliver.catch[keep:Output]}]');
  });
});
