/**
 * A flow's steps as a flat program the engine runs with one program counter (`cursor.stepIndex`).
 * Constructs (if, try, switch, iterate) become an entry op, their bodies' ops, and close ops that
 * jump; nothing but the counter and a few stacks in the cursor is needed to resume after user
 * input, a callback or a restart. A flow without constructs compiles to one op per step, in
 * order, so cursors saved before constructs existed still point at the right step.
 *
 * Every op carries the id of the report zone its block goes into: top-level ops the id of their
 * definition zone (`main` without zones), body ops the id of their body's zone.
 */
import type {
  DoStepDef, FlowDef, IfStepDef, IterateStepDef, StepDef, SwitchStepDef, TryStepDef,
} from '../definitions/types.js';

export const MAIN_ZONE = 'main';

export type Op =
  | { op: 'do'; step: DoStepDef; zone: string }
  /** Evaluates the condition; opens the then-body (falls through) or the else-body (jumps to elseAt). */
  | { op: 'if'; step: IfStepDef; zone: string; elseAt: number; endAt: number }
  /** Opens bodyTry; a failure before the matching `endTry` jumps to catchAt (or endAt without catch steps). */
  | { op: 'try'; step: TryStepDef; zone: string; catchAt: number; endAt: number }
  /** Evaluates the value; opens caseBody and jumps to the matching case (or the default). */
  | { op: 'switch'; step: SwitchStepDef; zone: string; cases: Array<{ value: string; at: number }>; defaultAt: number; endAt: number }
  /** Evaluates the items; starts the first iteration (or jumps to endAt when there are none). */
  | { op: 'iterate'; step: IterateStepDef; zone: string; endAt: number }
  /** Closes the innermost body; jumps when `to` is set (end of a then-branch, a case). */
  | { op: 'close'; owner: string; to?: number }
  /** bodyTry finished without failure: closes it, drops the try, skips the catch. */
  | { op: 'endTry'; owner: string; to: number }
  /** End of an iteration body: the next iteration starts at `bodyAt`, or the loop ends. */
  | { op: 'nextIteration'; owner: string; bodyAt: number };

export interface Program {
  ops: Op[];
  /** True when an `iterate` construct builds state.iterations (plug-in record iterations then stay off). */
  iterates: boolean;
}

/** Zone id of a construct's body: `<block id>.<part>` (then, else, try, catch, case-<n>, default, iteration). */
export const bodyZone = (blockId: string, part: string): string => `${blockId}.${part}`;

const cache = new WeakMap<FlowDef, Program>();

export function programOf(def: FlowDef): Program {
  let program = cache.get(def);
  if (!program) {
    program = compile(def);
    cache.set(def, program);
  }
  return program;
}

function compile(def: FlowDef): Program {
  const ops: Op[] = [];
  let iterates = false;
  const zoneOfStep = new Map<string, string>();
  for (const zone of def.zones ?? []) for (const id of zone.steps) zoneOfStep.set(id, zone.id);

  const emit = (op: Op): number => ops.push(op) - 1;
  const emitAll = (steps: readonly StepDef[], zone: string): void => {
    for (const step of steps) emitStep(step, zone);
  };
  const emitStep = (step: StepDef, zone: string): void => {
    switch (step.type) {
      case 'if': {
        const op: Extract<Op, { op: 'if' }> = { op: 'if', step, zone, elseAt: 0, endAt: 0 };
        emit(op);
        emitAll(step.then, bodyZone(step.id, 'then'));
        const closeThen: Extract<Op, { op: 'close' }> = { op: 'close', owner: step.id, to: 0 };
        emit(closeThen);
        op.elseAt = ops.length;
        emitAll(step.else ?? [], bodyZone(step.id, 'else'));
        emit({ op: 'close', owner: step.id });
        op.endAt = ops.length;
        closeThen.to = op.endAt;
        return;
      }
      case 'try': {
        const op: Extract<Op, { op: 'try' }> = { op: 'try', step, zone, catchAt: 0, endAt: 0 };
        emit(op);
        emitAll(step.try, bodyZone(step.id, 'try'));
        const endTry: Extract<Op, { op: 'endTry' }> = { op: 'endTry', owner: step.id, to: 0 };
        emit(endTry);
        op.catchAt = ops.length;
        emitAll(step.catch ?? [], bodyZone(step.id, 'catch'));
        emit({ op: 'close', owner: step.id });
        op.endAt = ops.length;
        endTry.to = op.endAt;
        return;
      }
      case 'switch': {
        const op: Extract<Op, { op: 'switch' }> = { op: 'switch', step, zone, cases: [], defaultAt: 0, endAt: 0 };
        emit(op);
        const closes: Array<Extract<Op, { op: 'close' }>> = [];
        step.cases.forEach((c, n) => {
          op.cases.push({ value: c.value, at: ops.length });
          emitAll(c.steps, bodyZone(step.id, `case-${n + 1}`));
          const close: Extract<Op, { op: 'close' }> = { op: 'close', owner: step.id, to: 0 };
          closes.push(close);
          emit(close);
        });
        op.defaultAt = ops.length;
        emitAll(step.default ?? [], bodyZone(step.id, 'default'));
        emit({ op: 'close', owner: step.id });
        op.endAt = ops.length;
        for (const close of closes) close.to = op.endAt;
        return;
      }
      case 'iterate': {
        iterates = true;
        const op: Extract<Op, { op: 'iterate' }> = { op: 'iterate', step, zone, endAt: 0 };
        emit(op);
        const bodyAt = ops.length;
        emitAll(step.steps, bodyZone(step.id, 'iteration'));
        emit({ op: 'nextIteration', owner: step.id, bodyAt });
        op.endAt = ops.length;
        return;
      }
      default:
        emit({ op: 'do', step, zone });
    }
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
export function* allSteps(steps: readonly StepDef[]): Generator<StepDef> {
  for (const step of steps) {
    yield step;
    switch (step.type) {
      case 'if':
        yield* allSteps(step.then);
        yield* allSteps(step.else ?? []);
        break;
      case 'try':
        yield* allSteps(step.try);
        yield* allSteps(step.catch ?? []);
        break;
      case 'switch':
        for (const c of step.cases) yield* allSteps(c.steps);
        yield* allSteps(step.default ?? []);
        break;
      case 'iterate':
        yield* allSteps(step.steps);
        break;
    }
  }
}

/** The step an op starts (for progress messages), or undefined for close ops. */
export function opStep(op: Op | undefined): StepDef | undefined {
  return op && 'step' in op ? op.step : undefined;
}
