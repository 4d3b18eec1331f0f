/**
 * Flow scenarios (flowmock extension): how one execution behaves, independent of the others.
 * Most are a rewrite of the flow's steps for that execution only (the definition is not
 * changed); the engine runs the rewritten flow as any other, so states, report blocks, stages and
 * timestamps come out as for a flow written that way. The rest are small engine hooks.
 *
 * | scenario | how |
 * |---|---|
 * | `slow-success` | every step duration and the maximum duration × 5 |
 * | `stuck` | a hold marker where `interrupted-after-progress` would stop: the runner stops there and the execution stays Running at its percentage until canceled or its maximum duration |
 * | `interrupted-after-progress` | a `fail` step (status Interrupted) after the first step that sets a percentage above 0 (else before the last step) |
 * | `error-at-<p>` | the first step whose percentage is >= p loses its percentage and is followed by a `fail` step (status Error); if no step reaches p, the fail step is the last step (Success would be 100) |
 * | `user-input` | a generic approval form (`approved`, `comment`) before the first document step (else at the end); /start skips it with its defaults, as any user-input step |
 * | `waiting` | a `waitForCallback` step before finishing (before a trailing `fail` step, if any) |
 * | `queued` | engine hook: starts Queued and stays Queued for 5 s × speed (engine clock), then queues as usual |
 * | `document-missing` | engine hook: document steps put the document in the model but never store it; its metadata and content answer 404 |
 *
 * The scenario is kept in the engine cursor (`cursor.scenario`), never in the vendor's model.
 */
import type { ExecutionRecord } from '../../store/types.js';
import type { FailStepDef, FlowDef, ProgressStepDef, StepDef, UserInputStepDef, WaitForCallbackStepDef } from '../definitions/types.js';
import { errorAtPercent } from '../scenarios.js';
import type { EngineCaches } from './caches.js';
import type { EngineFlow } from './types.js';

/** How long the `queued` scenario holds an execution in Queued, at speed 1. */
export const QUEUED_HOLD_MS = 5000;
export const SLOW_FACTOR = 5;
/** Id of the step the `stuck` scenario inserts: the runner stops when it reaches it. */
export const STUCK_STEP_ID = 'flowmock-stuck';

/** The scenario an execution runs with (undefined: none). For the journal and dashboard too. */
export function scenarioOf(rec: ExecutionRecord): string | undefined {
  const s = (rec.cursor as { scenario?: unknown }).scenario;
  return typeof s === 'string' ? s : undefined;
}

/** The hold step `stuck` inserted (a flow's own step may have any id: the caches know the inserted objects). */
export const isHoldStep = (step: StepDef | undefined, caches: EngineCaches): boolean => caches.isHold(step);

/** Held in Queued first (scenario `queued`). */
export const holdsInQueue = (scenario: string | undefined): boolean => scenario === 'queued';

/** Documents are put in the model but not stored (scenario `document-missing`). */
export const storesDocuments = (rec: ExecutionRecord): boolean => scenarioOf(rec) !== 'document-missing';

/**
 * The flow as an execution with this scenario runs it; the same object for the same flow and
 * scenario (kept in the engine's caches; a definitions reload brings new flow objects, so a view
 * never outlives its flow).
 */
export function scenarioFlow(base: EngineFlow, scenario: string | undefined, caches: EngineCaches): EngineFlow {
  if (!scenario) return base;
  return caches.scenarioView(base, scenario, () => {
    const def = rewrite(base.def, scenario, caches);
    // Conditions and templates are keyed by step id: rewritten steps keep theirs; inserted steps
    // have plain text, which the engine compiles on the spot.
    return def === base.def ? base : { def, conditions: base.conditions, templates: base.templates };
  });
}

function rewrite(def: FlowDef, scenario: string, caches: EngineCaches): FlowDef {
  const steps = [...def.steps];
  const ids = new Set(steps.map((s) => s.id));
  const uniqueId = (id: string): string => {
    let candidate = id;
    for (let n = 2; ids.has(candidate); n++) candidate = `${id}-${n}`;
    ids.add(candidate);
    return candidate;
  };
  const tag = `(flowmock scenario ${scenario})`;

  const errorAt = errorAtPercent(scenario);
  if (errorAt !== undefined) {
    const fail: FailStepDef = {
      id: uniqueId('flowmock-error'),
      type: 'fail',
      status: 'Error',
      displayName: `Error at ${errorAt}%`,
      message: `Error: the execution failed when its percentage would have reached ${errorAt}% ${tag}`,
    };
    const k = steps.findIndex((s) => s.percentage !== undefined && s.percentage >= errorAt);
    if (k < 0) {
      steps.push(fail); // Success would set 100
    } else {
      const { percentage: _dropped, ...withoutPercentage } = steps[k];
      steps.splice(k, 1, withoutPercentage as StepDef, fail);
    }
    return { ...def, steps };
  }

  switch (scenario) {
    case 'slow-success':
      return {
        ...def,
        steps: steps.map((s) => ('durationMs' in s && s.durationMs !== undefined ? { ...s, durationMs: s.durationMs * SLOW_FACTOR } : s)),
        ...(def.maxDurationMs !== undefined ? { maxDurationMs: def.maxDurationMs * SLOW_FACTOR } : {}),
      };
    case 'stuck': {
      const hold: ProgressStepDef = { id: uniqueId(STUCK_STEP_ID), type: 'progress', durationMs: 0 };
      caches.markHold(hold);
      steps.splice(afterSomeProgress(steps), 0, hold);
      return { ...def, steps };
    }
    case 'interrupted-after-progress': {
      const interrupt: FailStepDef = {
        id: uniqueId('flowmock-interrupt'),
        type: 'fail',
        status: 'Interrupted',
        displayName: 'Interrupted',
        message: `Interrupted: the execution stopped after some progress ${tag}`,
      };
      steps.splice(afterSomeProgress(steps), 0, interrupt);
      return { ...def, steps };
    }
    case 'user-input': {
      const form: UserInputStepDef = {
        id: uniqueId('flowmock-approval'),
        type: 'userInput',
        displayName: 'Approval',
        message: `Waiting for approval ${tag}`,
        fields: [
          { key: 'approved', title: 'Approved', type: 'boolean', default: true },
          { key: 'comment', title: 'Comment', type: 'text' },
        ],
      };
      const firstDocument = steps.findIndex((s) => s.type === 'document');
      steps.splice(firstDocument < 0 ? steps.length : firstDocument, 0, form);
      return { ...def, steps };
    }
    case 'waiting': {
      const wait: WaitForCallbackStepDef = {
        id: uniqueId('flowmock-callback'),
        type: 'waitForCallback',
        displayName: 'External event',
        message: `Waiting for a callback ${tag}`,
      };
      let at = steps.length;
      while (at > 0 && steps[at - 1].type === 'fail') at--;
      steps.splice(at, 0, wait);
      return { ...def, steps };
    }
    default:
      return def; // queued, document-missing: engine hooks; unknown names: as defined
  }
}

/**
 * Where `stuck` and `interrupted-after-progress` cut in: after the first step that sets a
 * percentage above 0, else before the last step (after the only step of a one-step flow).
 */
function afterSomeProgress(steps: StepDef[]): number {
  const k = steps.findIndex((s) => s.type !== 'fail' && s.percentage !== undefined && s.percentage > 0);
  if (k >= 0) return k + 1;
  return steps.length >= 2 ? steps.length - 1 : steps.length;
}
