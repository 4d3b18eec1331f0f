/**
 * The engine's bookkeeping inside `ExecutionRecord.cursor`. It lives in the store with the rest
 * of the record, so a restarted server knows where a UserInput or Waiting execution stopped.
 */
import type { ExecutionRecord } from '../../store/types.js';

// A type alias (not an interface) so it fits ExecutionRecord.cursor's Record<string, unknown>.
export type EngineCursor = {
  /** Index of the step running now, or waiting for input/callback. */
  stepIndex: number;
  /** The parsed input templates see (XML object, plug-in JSON, null). */
  input: unknown;
  /** Every form value submitted so far (later forms win). */
  form: Record<string, unknown>;
  /** Data of the last callback, or null. */
  callback: unknown;
  /** Time spent Running before the current Running period (for maxDurationMs). */
  activeMs: number;
  /** When the current Running period began; null while not Running. */
  runningSince: string | null;
  /** The scenario this execution runs with (flowmock extension; see scenarios.ts); absent: none. */
  scenario?: string;
  /** Open construct bodies, outermost first: where in the report tree the next block goes (execution-state.ts). */
  frames: ReportFrame[];
  /** Open try constructs, outermost first: where a failure inside one of them goes. */
  tries: TryFrame[];
  /** The running `iterate` construct, if any: its blocks go into state.iterations[at].report. */
  iteration?: IterationFrame;
  /** True once an `iterate` construct owns state.iterations (plug-in record iterations stay off). */
  ownIterations?: boolean;
  /** Failures a catch handled: the execution then ends Warning instead of Success. */
  caught: number;
};

/** One open body: the block at zones[zone].blocks[block] of the enclosing list, and which body of it. */
export type ReportFrame = { zone: number; block: number; key: 'body' | 'bodyTry' | 'bodyCatch' | 'caseBody' };
export type TryFrame = { owner: string; catchAt: number; endAt: number; hasCatch: boolean; depth: number };
export type IterationFrame = { owner: string; items: unknown[]; index: number; at: number };

/** The record's cursor, typed; missing fields get defaults (mutating it mutates the record). */
export function cursorOf(rec: ExecutionRecord): EngineCursor {
  const c = rec.cursor as Partial<EngineCursor>;
  c.stepIndex ??= 0;
  c.input ??= null;
  c.form ??= {};
  c.callback ??= null;
  c.activeMs ??= 0;
  c.runningSince ??= null;
  c.frames ??= [];
  c.tries ??= [];
  c.caught ??= 0;
  return c as EngineCursor;
}

export function newCursor(input: unknown, runningSince: string | null): EngineCursor {
  return { stepIndex: 0, input, form: {}, callback: null, activeMs: 0, runningSince, frames: [], tries: [], caught: 0 };
}
