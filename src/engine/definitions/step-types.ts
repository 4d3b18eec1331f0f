/**
 * The one list of step types of the flow definition language. The definition schema dispatches
 * on it, the loader walks construct bodies with it, the engine compiles it (flows/program.ts), and
 * the API lists it (GetFlowSteps). Adding a type means: its entry here, its schema fragment in
 * definition-schema.ts, its runner in the engine; the type checker then points at what is missing.
 */
import type { StepDef } from './types.js';

/** Steps that do work: a report block with a `step` state (vendor FlowDoStepState). */
export const DO_STEP_TYPES = ['progress', 'document', 'userInput', 'waitForCallback', 'fail'] as const;
/**
 * Constructs: a report block with a `condition`, `try` or `switch` state (vendor FlowConditionState,
 * FlowTryState, FlowSwitchState); `iterate` fills state.iterations (vendor FlowExecutionIteration).
 */
export const CONSTRUCT_TYPES = ['if', 'try', 'switch', 'iterate'] as const;
export const STEP_TYPES = [...DO_STEP_TYPES, ...CONSTRUCT_TYPES] as const;

export type StepType = (typeof STEP_TYPES)[number];

/** What each type is, for GetFlowSteps (vendor FlowStep: type data|gendoc|convert|postprocess|other). */
export const STEP_TYPE_INFO: Record<StepType, { displayName: string; description: string; vendorType: 'data' | 'gendoc' | 'convert' | 'postprocess' | 'other'; group: string }> = {
  progress: { displayName: 'Progress', description: 'Does work for durationMs and raises the percentage.', vendorType: 'data', group: 'steps' },
  document: { displayName: 'Generate document', description: 'Renders a PDF from a template and puts it in the output model under the step id.', vendorType: 'gendoc', group: 'steps' },
  userInput: { displayName: 'User input', description: 'Stops in UserInput with a form until its values are posted.', vendorType: 'other', group: 'steps' },
  waitForCallback: { displayName: 'Wait for callback', description: 'Stops in Waiting until POST /flows/callback/{callbackId}.', vendorType: 'other', group: 'steps' },
  fail: { displayName: 'Fail', description: 'Ends the execution Error, Warning or Interrupted (inside a try, Error goes to the catch).', vendorType: 'postprocess', group: 'steps' },
  if: { displayName: 'Condition', description: 'Runs `then` when its JSONata condition holds, else `else`; reported as condition {result, body}.', vendorType: 'other', group: 'control' },
  try: { displayName: 'Try', description: 'Runs `try`; a failure there runs `catch` and the execution ends Warning; reported as try {bodyTry, error, bodyCatch}.', vendorType: 'other', group: 'control' },
  switch: { displayName: 'Switch', description: 'Runs the first case whose value equals the JSONata value as text, else `default`; reported as switch {caseValue, caseBody}.', vendorType: 'other', group: 'control' },
  iterate: { displayName: 'Iterate', description: 'Runs its steps once per item of a JSONata list; each run is a state.iterations entry with its own report. Top level only.', vendorType: 'other', group: 'control' },
};

/** A construct's bodies: JSON-pointer suffix and steps, in definition order. */
export function bodiesOf(step: StepDef): Array<{ at: string; steps: StepDef[] }> {
  switch (step.type) {
    case 'if':
      return [{ at: 'then', steps: step.then ?? [] }, ...(step.else ? [{ at: 'else', steps: step.else }] : [])];
    case 'try':
      return [{ at: 'try', steps: step.try ?? [] }, ...(step.catch ? [{ at: 'catch', steps: step.catch }] : [])];
    case 'switch':
      return [
        ...(step.cases ?? []).map((c, n) => ({ at: `cases/${n}/steps`, steps: c.steps ?? [] })),
        ...(step.default ? [{ at: 'default', steps: step.default }] : []),
      ];
    case 'iterate':
      return [{ at: 'steps', steps: step.steps ?? [] }];
    default:
      return [];
  }
}
