/**
 * Splits the input into records and processes them one by one, in order, as the product does by
 * default: per record an optional delay, the stop check (stop()), the failure checks (error():
 * only that record fails) and the transform. Knows nothing of the store; the engine persists
 * progress through `onRecordDone`.
 */
import type { LoadedActionflow } from '../definitions/load.js';
import { toBoolean } from '../definitions/expressions.js';
import { abortableDelay } from './abortable-delay.js';
import type { ActionflowInput, ActionflowParams, RecordFailure } from './types.js';

export interface RunProgress {
  /** Records selected; 0 until selection has run. */
  total: number;
  /** Records processed (succeeded or failed). */
  done: number;
  /** Output records, in order; failed records are absent. */
  data: unknown[];
  failures: RecordFailure[];
}

export type RunEnding =
  | { kind: 'completed' }
  /** stop() fired; the rendered stop message. */
  | { kind: 'stopped'; message: string }
  /** The run could not go on (e.g. the `records` expression threw); the whole message. */
  | { kind: 'failed'; message: string }
  /** The signal fired; the engine knows why (timeout or shutdown). */
  | { kind: 'aborted' };

export interface RunContext {
  af: LoadedActionflow;
  input: ActionflowInput;
  params: ActionflowParams;
  signal: AbortSignal;
  progress: RunProgress;
  onRecordDone(progress: RunProgress): void;
  /** Waits the record delay (the engine's clock); default: real time. */
  delay?: (ms: number, signal: AbortSignal) => Promise<boolean>;
  /** What a scenario changes (flowmock extension; see scenarios.ts); absent: as defined. */
  scenario?: RecordScenario;
}

/** The hooks a scenario sets; each is optional. */
export interface RecordScenario {
  /** Waits this long before the first record (the run's signal cuts it short). */
  stallMs?: number;
  /** A failure message forced on the record at this index, or undefined. */
  failRecord?(index: number): string | undefined;
  /** A stop message after the record at this index was processed, or undefined. */
  stopAfter?(index: number): string | undefined;
}

/** Runs every record; never rejects (expression errors become record failures). */
export async function processRecords(ctx: RunContext): Promise<RunEnding> {
  const { af, progress, signal } = ctx;
  const input = expressionInput(ctx.input);
  const shared = { params: ctx.params, input: input.value };
  let records: unknown[];
  try {
    records = await selectRecords(af, input, shared);
  } catch (err) {
    return { kind: 'failed', message: `Could not select the records: ${errorMessage(err)}` };
  }
  progress.total = records.length;
  const delay = ctx.delay ?? abortableDelay;
  const scenario = ctx.scenario;
  if (scenario?.stallMs && !(await delay(scenario.stallMs, signal))) return { kind: 'aborted' };

  for (let index = 0; index < records.length; index++) {
    if (signal.aborted) return { kind: 'aborted' };
    if (af.def.recordDelayMs > 0 && !(await delay(af.def.recordDelayMs, signal))) {
      return { kind: 'aborted' };
    }
    const forced = scenario?.failRecord?.(index);
    const result: RecordResult = forced !== undefined
      ? { kind: 'fail', message: forced }
      : await processRecord(af, records[index], { ...shared, index });
    if (result.kind === 'stop') return { kind: 'stopped', message: result.message };
    if (result.kind === 'fail') progress.failures.push({ index, message: result.message });
    else progress.data.push(result.output);
    progress.done++;
    ctx.onRecordDone(progress);
    const stop = scenario?.stopAfter?.(index);
    if (stop !== undefined) return { kind: 'stopped', message: stop };
  }
  return { kind: 'completed' };
}

type RecordResult =
  | { kind: 'ok'; output: unknown }
  | { kind: 'fail'; message: string }
  | { kind: 'stop'; message: string };

async function processRecord(af: LoadedActionflow, record: unknown, b: Record<string, unknown>): Promise<RecordResult> {
  try {
    if (af.stop && toBoolean(await af.stop.when.evaluate(record, b))) {
      return { kind: 'stop', message: await af.stop.message.render(record, b) };
    }
    for (const failure of af.failures) {
      if (toBoolean(await failure.when.evaluate(record, b))) {
        return { kind: 'fail', message: await failure.message.render(record, b) };
      }
    }
    const output = af.transform ? await af.transform.evaluate(record, b) : record;
    // JSON has no undefined: a transform that yields nothing returns null for that record.
    return { kind: 'ok', output: output === undefined ? null : output };
  } catch (err) {
    // An expression failing at run time fails only the record it ran on.
    return { kind: 'fail', message: errorMessage(err) };
  }
}

/** The input as expressions see it: the body parsed when it is JSON. */
export type ExpressionInput = Omit<ActionflowInput, 'body'> & { body: unknown };

/**
 * What expressions see of the input (`records` as its context, the rest as `$input`): the
 * input connection point's values with the body parsed when it is JSON, as the definitions'
 * expression docs describe. The raw text stays in PreparedInput.input.body for the logs.
 */
export function expressionInput(input: ActionflowInput): { json: boolean; value: ExpressionInput } {
  const parsed = parseJsonBody(input);
  return parsed.json
    ? { json: true, value: { ...input, body: parsed.value } }
    : { json: false, value: input };
}

/**
 * With a `records` expression, it decides: it runs over the input (body parsed when JSON, else
 * the raw text, '' when none), so it may also build records without a body. Without one: no
 * body is zero records, a non-JSON body one record `{ body }` (the raw text), a JSON body itself.
 * Either way an array is one record per element, a single value one record, nothing none.
 */
async function selectRecords(
  af: LoadedActionflow,
  input: { json: boolean; value: ExpressionInput },
  b: Record<string, unknown>,
): Promise<unknown[]> {
  let selected: unknown;
  if (af.records) selected = await af.records.evaluate(input.value, b);
  else if (input.json) selected = input.value.body;
  else if (String(input.value.body).trim() !== '') selected = { body: input.value.body };
  if (selected === undefined || selected === null) return [];
  return Array.isArray(selected) ? [...selected] : [selected];
}

/** JSON when the content type says so, or when there is none and the text parses. */
function parseJsonBody(input: ActionflowInput): { json: true; value: unknown } | { json: false } {
  const type = input.contentType.split(';')[0].trim().toLowerCase();
  const saysJson = type === 'application/json' || type.endsWith('+json');
  if (input.body.trim() === '' || (type !== '' && !saysJson)) return { json: false };
  try {
    return { json: true, value: JSON.parse(input.body) };
  } catch {
    return { json: false }; // malformed JSON: the HTTP layer normally rejects it first
  }
}

export function errorMessage(err: unknown): string {
  if (err instanceof Error) return err.message;
  if (typeof err === 'object' && err !== null && typeof (err as { message?: unknown }).message === 'string') {
    return (err as { message: string }).message; // JSONata throws plain objects with a message
  }
  return String(err);
}
