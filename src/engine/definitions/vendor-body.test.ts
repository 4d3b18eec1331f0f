/**
 * Proves that a vendor Flow body becomes the program a definition file with the same steps would
 * (FlowDoStep -> its step type, FlowCondition -> if, FlowTry -> try, FlowSwitch -> switch, zones
 * kept), and that what cannot run is refused with the JSON pointer of the block and the rule.
 */
import { describe, expect, it } from 'vitest';
import { FlowBodyError, translateVendorFlow } from './vendor-body.js';
import { compileProgram } from '../flows/program.js';

const ID = '22222222-2222-4222-8222-222222222201';
const progress = (id: string, durationMs = 10) => ({ id, step: { stepId: 'progress', parameters: { durationMs } } });
const flowOf = (blocks: unknown[], extra: Record<string, unknown> = {}) =>
  ({ displayName: 'API flow', input: { type: 'none' }, body: { preZones: [{ id: 'main', displayName: 'Main', blocks }] }, ...extra });
const expr = (expression: string) => ({ id: 'c', condition: { type: 'expression', expression } });

/** The program as op kinds with their step id (close ops as close:<owner>), and each op's zone. */
function shape(flow: Record<string, unknown>): string[] {
  return compileProgram(translateVendorFlow(flow, ID).def).ops.map((op) =>
    'step' in op ? `${op.op}:${op.step.id}@${op.zone}` : `${op.op}:${op.owner}`);
}

describe('translateVendorFlow: runnable bodies', () => {
  const cases: Array<{ name: string; flow: Record<string, unknown>; ops: string[] }> = [
    { name: 'do steps in order, in their zone', flow: flowOf([progress('a'), { id: 'b', displayName: 'Wait', step: { stepId: 'waitForCallback' } }]), ops: ['do:a@main', 'do:b@main'] },
    {
      name: 'two zones (preZones then postZones)',
      flow: { input: { type: 'user' }, body: { preZones: [{ id: 'z1', blocks: [progress('a')] }], postZones: [{ id: 'z2', blocks: [progress('b')] }] } },
      ops: ['do:a@z1', 'do:b@z2'],
    },
    {
      name: 'FlowCondition -> if with then and else bodies',
      flow: flowOf([{ id: 'check', condition: { conditions: { type: 'and', nodes: [expr('1 = 1')] }, bodyIfTrue: [{ id: 't', blocks: [progress('yes')] }], bodyIfFalse: [{ id: 'f', blocks: [progress('no')] }] } }]),
      ops: ['if:check@main', 'do:yes@check.then', 'close:check', 'do:no@check.else', 'close:check'],
    },
    {
      name: 'FlowTry -> try/catch',
      flow: flowOf([{ id: 'guard', try: { bodyTry: [{ id: 't', blocks: [{ id: 'boom', step: { stepId: 'fail', parameters: { status: 'Error', message: 'no' } } }] }], bodyCatch: [{ id: 'c', blocks: [progress('recover')] }] } }]),
      ops: ['try:guard@main', 'do:boom@guard.try', 'endTry:guard', 'do:recover@guard.catch', 'close:guard'],
    },
    {
      name: 'FlowSwitch -> switch with cases and default',
      flow: flowOf([{ id: 'route', switch: { switchValue: '"b"', cases: [{ caseValue: 'a', caseBody: [{ id: 'x', blocks: [progress('isA')] }] }, { caseValue: 'b', caseBody: [{ id: 'y', blocks: [progress('isB')] }] }], default: [{ id: 'd', blocks: [progress('other')] }] } }]),
      ops: ['switch:route@main', 'do:isA@route.case-1', 'close:route', 'do:isB@route.case-2', 'close:route', 'do:other@route.default', 'close:route'],
    },
    {
      name: 'nested constructs (a try inside a condition)',
      flow: flowOf([{ id: 'outer', condition: { conditions: { type: 'or', nodes: [expr('false'), { id: 'g', group: { type: 'and', nodes: [expr('true')] } }] }, bodyIfTrue: [{ id: 't', blocks: [{ id: 'inner', try: { bodyTry: [{ id: 'i', blocks: [progress('work')] }] } }] }] } }]),
      ops: ['if:outer@main', 'try:inner@outer.then', 'do:work@inner.try', 'endTry:inner', 'close:inner', 'close:outer', 'close:outer'],
    },
  ];
  it.each(cases)('$name', ({ flow, ops }) => {
    expect(shape(flow)).toEqual(ops);
  });

  it('joins condition groups into one JSONata expression (or of and)', () => {
    const loaded = translateVendorFlow(flowOf([{ id: 'k', condition: { conditions: { type: 'or', nodes: [expr('a = 1'), { id: 'g', group: { type: 'and', nodes: [expr('b'), expr('c')] } }] }, bodyIfTrue: [{ id: 't', blocks: [progress('a')] }] } }]), ID);
    expect(loaded.def.steps[0]).toMatchObject({ type: 'if', condition: '(a = 1) or ((b) and (c))' });
  });

  it('maps the input type and keeps the flow id given, not the body\'s', () => {
    const loaded = translateVendorFlow({ ...flowOf([progress('a')]), id: 'ignored', input: { type: 'plugin' } }, ID);
    expect(loaded.def).toMatchObject({ id: ID, displayName: 'API flow', input: { kind: 'plugin' } });
  });
});

describe('translateVendorFlow: refusals name the block and the rule', () => {
  const cases: Array<{ name: string; flow: Record<string, unknown>; pointer: string; rule: string }> = [
    { name: 'unknown step type', flow: flowOf([{ id: 'x', step: { stepId: 'sendMail' } }]), pointer: '/body/preZones/0/blocks/0/step/stepId', rule: 'runnableStep' },
    { name: 'a construct as a do step', flow: flowOf([{ id: 'x', step: { stepId: 'iterate' } }]), pointer: '/body/preZones/0/blocks/0/step/stepId', rule: 'runnableStep' },
    { name: 'block with two kinds', flow: flowOf([{ id: 'x', step: { stepId: 'progress' }, try: {} }]), pointer: '/body/preZones/0/blocks/0', rule: 'blockKind' },
    { name: 'block with no kind', flow: flowOf([{ id: 'x' }]), pointer: '/body/preZones/0/blocks/0', rule: 'blockKind' },
    { name: 'block without id', flow: flowOf([{ step: { stepId: 'progress', parameters: { durationMs: 1 } } }]), pointer: '/body/preZones/0/blocks/0/id', rule: 'required' },
    { name: 'structured condition', flow: flowOf([{ id: 'k', condition: { conditions: { nodes: [{ id: 'n', condition: { type: 'checkValue' } }] } } }]), pointer: '/body/preZones/0/blocks/0/condition/conditions/nodes/0/condition', rule: 'expressionCondition' },
    { name: 'switch without value', flow: flowOf([{ id: 's', switch: { cases: [] } }]), pointer: '/body/preZones/0/blocks/0/switch/switchValue', rule: 'expression' },
    { name: 'post-processing steps', flow: { body: { postProcessingSteps: [{ id: 'p' }], preZones: [{ id: 'z', blocks: [progress('a')] }] } }, pointer: '/body/postProcessingSteps', rule: 'runnableStep' },
    { name: 'parameters naming the type', flow: flowOf([{ id: 'x', step: { stepId: 'progress', parameters: { type: 'fail' } } }]), pointer: '/body/preZones/0/blocks/0/step/parameters/type', rule: 'reserved' },
    { name: 'too many blocks', flow: flowOf(Array.from({ length: 501 }, (_, n) => progress(`s${n}`))), pointer: '/body/preZones/0/blocks/500', rule: 'maxBlocks' },
    // From the definition loader, mapped back into the vendor body:
    { name: 'missing step parameter (schema)', flow: flowOf([progress('a'), { id: 'b', step: { stepId: 'fail', parameters: { status: 'Error' } } }]), pointer: '/body/preZones/0/blocks/1/step/parameters/message', rule: 'required' },
    { name: 'duplicate block id inside a body', flow: flowOf([progress('a'), { id: 't', try: { bodyTry: [{ id: 'z', blocks: [progress('a')] }] } }]), pointer: '/body/preZones/0/blocks/1/try/bodyTry/0/blocks/0/id', rule: 'unique-step-id' },
    { name: 'JSONata syntax in a condition', flow: flowOf([{ id: 'k', condition: { conditions: { nodes: [expr('1 = ')] }, bodyIfTrue: [{ id: 't', blocks: [progress('a')] }] } }]), pointer: '/body/preZones/0/blocks/0/condition/conditions', rule: 'jsonata' },
    { name: 'bad parameter type in a switch case', flow: flowOf([{ id: 's', switch: { switchValue: '1', cases: [{ caseValue: '1', caseBody: [{ id: 'c', blocks: [progress('a', -5 as number)] }] }] } }]), pointer: '/body/preZones/0/blocks/0/switch/cases/0/caseBody/0/blocks/0/step/parameters/durationMs', rule: 'minimum' },
  ];
  it.each(cases)('$name -> $pointer ($rule)', ({ flow, pointer, rule }) => {
    let error: unknown;
    try { translateVendorFlow(flow, ID); } catch (err) { error = err; }
    expect(error).toBeInstanceOf(FlowBodyError);
    expect((error as FlowBodyError).problems).toContainEqual(expect.objectContaining({ pointer, rule }));
    // Messages speak of the vendor body, never of the definition it was translated to.
    for (const p of (error as FlowBodyError).problems) expect(p.message).not.toMatch(/\/zones\//);
  });
});
