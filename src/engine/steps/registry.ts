/**
 * The one list of step types of the flow definition language: one module per type
 * (`./<type>.ts`: schema fragment, load checks, runner). The definition schema is built from it
 * (definition-schema.ts), the loader checks and walks construct bodies with it (load.ts), the
 * engine compiles and runs it (flows/program.ts, flows/flow-engine.ts), and the API lists it
 * (GetFlowSteps). Adding a type: its module, its entry here, its `…StepDef` in
 * definitions/types.ts, and its name in the spec's FlowStepType enum; registry.test.ts fails
 * until they agree.
 */
import type { StepDef } from '../definitions/types.js';
import { documentStep } from './document.js';
import { failStep } from './fail.js';
import { ifStep } from './if.js';
import { iterateStep } from './iterate.js';
import { progressStep } from './progress.js';
import { switchStep } from './switch.js';
import { tryStep } from './try.js';
import type { ConstructModule, ConstructType, DoStepModule, DoStepType, StepInfo, StepModule, StepOf, StepType } from './types.js';
import { userInputStep } from './user-input.js';
import { waitForCallbackStep } from './wait-for-callback.js';

export type { StepType, DoStepType, ConstructType, StepInfo };

/** Every step type, in the order GetFlowSteps lists them: steps that do work, then constructs. */
export const STEP_MODULES = [
  progressStep, documentStep, userInputStep, waitForCallbackStep, failStep,
  ifStep, tryStep, switchStep, iterateStep,
] as const satisfies readonly StepModule[];

// Every StepDef type has a module (and no module is of an unknown type): a compile error otherwise.
type Listed = (typeof STEP_MODULES)[number]['type'];
const everyTypeListed: [StepType] extends [Listed] ? ([Listed] extends [StepType] ? true : never) : never = true;
void everyTypeListed;

export const STEP_TYPES: readonly StepType[] = STEP_MODULES.map((m) => m.type);
/** Steps that do work: a report block with a `step` state (vendor FlowDoStepState); runnable as FlowDoStep.stepId. */
export const DO_STEP_TYPES: readonly DoStepType[] = STEP_MODULES.filter((m): m is Extract<(typeof STEP_MODULES)[number], { kind: 'do' }> => m.kind === 'do').map((m) => m.type);
/** Constructs: a report block with a `condition`, `try` or `switch` state; `iterate` fills state.iterations. */
export const CONSTRUCT_TYPES: readonly ConstructType[] = STEP_MODULES.filter((m): m is Extract<(typeof STEP_MODULES)[number], { kind: 'construct' }> => m.kind === 'construct').map((m) => m.type);

const BY_TYPE: ReadonlyMap<string, StepModule> = new Map(STEP_MODULES.map((m) => [m.type, m]));

export const isStepType = (s: unknown): s is StepType => typeof s === 'string' && BY_TYPE.has(s);

/** The module of a step type. */
export function stepModule<T extends DoStepType>(type: T): DoStepModule<T>;
export function stepModule<T extends ConstructType>(type: T): ConstructModule<T>;
export function stepModule(type: StepType): StepModule;
export function stepModule(type: StepType): StepModule {
  const module = BY_TYPE.get(type);
  if (!module) throw new TypeError(`unknown step type ${JSON.stringify(type)}`);
  return module;
}

/** A construct's bodies: JSON-pointer suffix and steps, in definition order; none for a step that does work or an unknown type. */
export function bodiesOf(step: StepDef): Array<{ at: string; steps: StepDef[] }> {
  const module = BY_TYPE.get(step.type);
  if (!module || module.kind !== 'construct') return [];
  return (module.bodies as (s: StepDef) => Array<{ at: string; steps: StepDef[] }>)(step);
}

/** Every step, constructs and the steps in their bodies, depth first. */
export function* walkSteps(steps: readonly StepDef[]): Generator<StepDef> {
  for (const step of steps) {
    yield step;
    for (const body of bodiesOf(step)) yield* walkSteps(body.steps);
  }
}

export type { StepOf };
