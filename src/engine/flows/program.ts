/**
 * A flow's steps as a flat program the engine runs with one program counter (`cursor.stepIndex`).
 * A step that does work is one `do` op; a construct (if, try, switch, iterate) is compiled by its
 * step module (`src/engine/steps/<type>.ts`) into an entry op, its bodies' ops, and close or inner
 * ops that jump; nothing but the counter and a few stacks in the cursor is needed to resume after
 * user input, a callback or a restart. A flow without constructs compiles to one op per step, in
 * order, so cursors saved before constructs existed still point at the right step.
 *
 * Every op carries the id of the report zone its block goes into: top-level ops the id of their
 * definition zone (`main` without zones), body ops the id of their body's zone.
 */
import type { ConstructDef, DoStepDef, FlowDef, StepDef } from '../definitions/types.js';
import { stepModule, walkSteps } from '../steps/registry.js';
import type { ConstructType, Emitter } from '../steps/types.js';
import type { EngineCaches } from './caches.js';
import { MAIN_ZONE } from './zones.js';

export { MAIN_ZONE, bodyZone } from './zones.js';

/** A step that does work: its module's `run` runs it. */
export interface DoOp { kind: 'do'; op: 'do'; step: DoStepDef; zone: string }
/** Closes the innermost body; jumps when `to` is set (end of a then-branch, a case), else falls through. */
export interface CloseOp { kind: 'close'; op: 'close'; owner: string; to?: number }
/** A construct's entry op (`op` is its type): its module's `enter` runs it; `jumps` are what its compile set. */
export interface EnterOp<S extends ConstructDef = ConstructDef, J = Record<string, unknown>> {
  kind: 'enter'; op: S['type']; step: S; zone: string; jumps: J;
}
/** One of a construct's own ops (e.g. try's `endTry`, iterate's `nextIteration`): its module's `inner` runs it. */
export interface InnerOp<J = Record<string, number>> { kind: 'inner'; op: string; type: ConstructType; owner: string; jumps: J }

export type Op = DoOp | CloseOp | EnterOp | InnerOp;

export interface Program {
  ops: Op[];
  /** True when an `iterate` construct builds state.iterations (plug-in record iterations then stay off). */
  iterates: boolean;
}

/** The program of a flow, compiled once per definition object and kept in the engine's caches. */
export function programOf(def: FlowDef, caches: EngineCaches): Program {
  return caches.program(def, compileProgram);
}

/** Compiles a flow's steps (uncached: the engine goes through `programOf`). */
export function compileProgram(def: FlowDef): Program {
  const ops: Op[] = [];
  let iterates = false;
  const zoneOfStep = new Map<string, string>();
  for (const zone of def.zones ?? []) for (const id of zone.steps) zoneOfStep.set(id, zone.id);

  const emitter: Emitter = {
    get next() {
      return ops.length;
    },
    emit(op) {
      ops.push(op);
      return op;
    },
    body(steps, zone) {
      for (const step of steps) emitStep(step, zone);
    },
  };
  const emitStep = (step: StepDef, zone: string): void => {
    const module = stepModule(step.type);
    if (module.kind === 'do') {
      emitter.emit<DoOp>({ kind: 'do', op: 'do', step: step as DoStepDef, zone });
      return;
    }
    if (module.ownsIterations) iterates = true;
    (module.compile as (s: StepDef, z: string, e: Emitter) => void)(step, zone, emitter);
  };

  let zone = MAIN_ZONE;
  for (const step of def.steps) {
    // Steps a scenario inserted belong to no zone: they join the zone before them.
    zone = zoneOfStep.get(step.id) ?? zone;
    emitStep(step, zone);
  }
  return { ops, iterates };
}

/** Every step of the flow, constructs and the steps in their bodies, depth first. */
export function allSteps(steps: readonly StepDef[]): Generator<StepDef> {
  return walkSteps(steps);
}

/** The step an op starts (for progress messages), or undefined for close and inner ops. */
export function opStep(op: Op | undefined): StepDef | undefined {
  return op && 'step' in op ? op.step : undefined;
}
