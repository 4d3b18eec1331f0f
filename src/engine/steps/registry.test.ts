/**
 * Proves the step types agree everywhere they are named: the registry (steps/registry.ts), the
 * generated flow definition schema (generated/definition-schema.json: the step `type` enum and one
 * `<type>Step` definition, equal to the module's fragment), the engine (each type compiles to the
 * op the engine dispatches, and its module has that runner) and the spec's FlowStepType enum
 * (generated/openapi.json). One row per step type; the rows are the union of every source, so a
 * type named in one place only fails its row. The drift cases prove the check fails when a
 * source loses or gains a type.
 */
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import _Ajv2020 from 'ajv/dist/2020.js';
import _addFormats from 'ajv-formats';
import { describe, expect, it } from 'vitest';
import type { StepDef } from '../definitions/types.js';
import { compileProgram } from '../flows/program.js';
import { STEP_MODULES } from './registry.js';
import type { StepModule, StepType } from './types.js';

const Ajv2020 = _Ajv2020 as unknown as typeof _Ajv2020.default;
const addFormats = _addFormats as unknown as typeof _addFormats.default;
const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../..');
const readJson = (file: string) => JSON.parse(readFileSync(path.join(ROOT, file), 'utf8')) as Record<string, any>;

type Schema = Record<string, any>;
const definitionSchema = readJson('generated/definition-schema.json');
const flowSchema: Schema = definitionSchema.$defs.flow;
const specEnum: string[] = readJson('generated/openapi.json').components.schemas.FlowStepType.enum;

/** A small valid step of each type (the type checker wants one per StepType). */
const body: StepDef[] = [{ id: 'inner', type: 'progress', durationMs: 0 }];
const SAMPLES: Record<StepType, StepDef> = {
  progress: { id: 's', type: 'progress', durationMs: 0 },
  document: { id: 's', type: 'document', fileName: 'a.pdf', template: 'text' },
  userInput: { id: 's', type: 'userInput', fields: [{ key: 'k', title: 'K', type: 'string' }] },
  waitForCallback: { id: 's', type: 'waitForCallback' },
  fail: { id: 's', type: 'fail', status: 'Error', message: 'no' },
  if: { id: 's', type: 'if', condition: 'true', then: body },
  try: { id: 's', type: 'try', try: body },
  switch: { id: 's', type: 'switch', value: '"a"', cases: [{ value: 'a', steps: body }] },
  iterate: { id: 's', type: 'iterate', items: '[1]', steps: body },
};

/** What the engine does with a step of each type: the op its program starts with, and whether its module has the runner for it. */
function engineRunners(modules: readonly StepModule[]): Map<string, string> {
  const runners = new Map<string, string>();
  for (const module of modules) {
    const sample = SAMPLES[module.type];
    if (!sample) continue;
    const first = compileProgram({ kind: 'flow', id: 'f', displayName: 'F', input: { kind: 'none' }, steps: [sample], sourceFile: 'test' }).ops[0];
    const runs = module.kind === 'do' ? typeof module.run === 'function' : typeof module.enter === 'function';
    if (runs && first) runners.set(module.type, first.kind === 'do' ? 'do' : `enter ${first.op}`);
  }
  return runners;
}

interface Sources {
  registry: readonly StepModule[];
  schema: Schema;
  specEnum: readonly string[];
  runners: Map<string, string>;
}

const real: Sources = { registry: STEP_MODULES, schema: flowSchema, specEnum, runners: engineRunners(STEP_MODULES) };

/** Every type any source names. */
const typesIn = (s: Sources): string[] =>
  [...new Set([...s.registry.map((m) => m.type), ...(s.schema.$defs.step.properties.type.enum as string[]), ...s.specEnum, ...s.runners.keys()])];

/** What is wrong with one type across the sources ([] = they agree). */
function disagreements(s: Sources, type: string): string[] {
  const problems: string[] = [];
  const module = s.registry.find((m) => m.type === type);
  if (!module) problems.push(`${type}: not in the registry`);
  if (!(s.schema.$defs.step.properties.type.enum as string[]).includes(type)) problems.push(`${type}: not in the definition schema's step type enum`);
  const fragment = s.schema.$defs[`${type}Step`];
  if (!fragment) problems.push(`${type}: no $defs/${type}Step in the definition schema`);
  else if (module && JSON.stringify(fragment) !== JSON.stringify(module.schema)) problems.push(`${type}: $defs/${type}Step differs from its module's fragment (npm run generate)`);
  if (!(s.schema.$defs.step.allOf as Schema[]).some((branch) => branch.if.properties.type.const === type && branch.then.$ref === `#/$defs/${type}Step`)) {
    problems.push(`${type}: the definition schema does not dispatch to $defs/${type}Step`);
  }
  if (!s.specEnum.includes(type)) problems.push(`${type}: not in the spec's FlowStepType enum`);
  const runner = s.runners.get(type);
  const expected = module?.kind === 'construct' ? `enter ${type}` : 'do';
  if (runner !== expected) problems.push(`${type}: the engine runs it as ${runner ?? 'nothing'}, expected ${expected}`);
  return problems;
}

const allDisagreements = (s: Sources): string[] => typesIn(s).flatMap((t) => disagreements(s, t));

describe('step types: registry, definition schema, engine and spec agree', () => {
  it('every source names the same step types, in the same order where there is one', () => {
    const names = STEP_MODULES.map((m) => m.type);
    expect(flowSchema.$defs.step.properties.type.enum).toEqual(names);
    expect(specEnum).toEqual(names);
    expect([...real.runners.keys()]).toEqual(names);
  });

  const ajv = new Ajv2020({ allErrors: true, strict: true, allowUnionTypes: true });
  addFormats(ajv);
  const validate = ajv.compile(definitionSchema);

  it.each(typesIn(real))('%s', (type) => {
    expect(disagreements(real, type)).toEqual([]);
    // The generated schema accepts the sample step in a flow: fragment and sample fit each other.
    const flow = { id: '11111111-1111-4111-8111-111111111111', displayName: 'F', input: { kind: 'none' }, steps: [SAMPLES[type as StepType]] };
    expect(validate(flow), JSON.stringify(validate.errors)).toBe(true);
  });

  describe('the check fails when one source drifts', () => {
    const withoutType = (schema: Schema, type: string): Schema => {
      const copy = structuredClone(schema);
      copy.$defs.step.properties.type.enum = copy.$defs.step.properties.type.enum.filter((t: string) => t !== type);
      copy.$defs.step.allOf = copy.$defs.step.allOf.filter((b: Schema) => b.if.properties.type.const !== type);
      delete copy.$defs[`${type}Step`];
      return copy;
    };
    const cases: Array<{ name: string; sources: Sources; expected: string[] }> = [
      {
        name: 'a registry copy missing fail',
        sources: (() => {
          const registry = STEP_MODULES.filter((m) => m.type !== 'fail');
          return { ...real, registry, runners: engineRunners(registry) };
        })(),
        expected: ['fail: not in the registry', 'fail: the engine runs it as nothing, expected do'],
      },
      {
        name: 'a fake spec enum with an extra sendMail',
        sources: { ...real, specEnum: [...specEnum, 'sendMail'] },
        expected: [
          'sendMail: not in the registry',
          "sendMail: not in the definition schema's step type enum",
          'sendMail: no $defs/sendMailStep in the definition schema',
          'sendMail: the definition schema does not dispatch to $defs/sendMailStep',
          'sendMail: the engine runs it as nothing, expected do',
        ],
      },
      {
        name: 'a spec enum without iterate',
        sources: { ...real, specEnum: specEnum.filter((t) => t !== 'iterate') },
        expected: ["iterate: not in the spec's FlowStepType enum"],
      },
      {
        name: 'a definition schema without switch',
        sources: { ...real, schema: withoutType(flowSchema, 'switch') },
        expected: [
          "switch: not in the definition schema's step type enum",
          'switch: no $defs/switchStep in the definition schema',
          'switch: the definition schema does not dispatch to $defs/switchStep',
        ],
      },
      {
        name: 'a stale schema fragment (generate not run)',
        sources: { ...real, registry: STEP_MODULES.map((m) => (m.type === 'progress' ? { ...m, schema: { ...m.schema, required: ['id'] } } : m)) as StepModule[] },
        expected: ['progress: $defs/progressStep differs from its module\'s fragment (npm run generate)'],
      },
      {
        name: 'a construct module without its runner',
        sources: (() => {
          const registry = STEP_MODULES.map((m) => (m.type === 'try' ? { ...m, enter: undefined } : m)) as unknown as StepModule[];
          return { ...real, registry, runners: engineRunners(registry) };
        })(),
        expected: ['try: the engine runs it as nothing, expected enter try'],
      },
    ];
    it.each(cases)('$name', ({ sources, expected }) => {
      expect(allDisagreements(sources)).toEqual(expected);
    });
  });
});
