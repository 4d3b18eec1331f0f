/**
 * Small edits of an execution record's state: stages, report blocks, iterations, percentage.
 * Pure functions on the record; saving is the engine's job.
 */
import type {
  ExecutionRecord, FlowBlockState, FlowDoStepState, FlowException, FlowZoneState, ProgressSnapshot, StepStateStatus,
} from '../../store/types.js';
import { cursorOf, type ReportFrame } from './cursor.js';
import type { StepDef } from '../definitions/types.js';

export { MAIN_ZONE } from './zones.js';

/** A copy of the progress, for a stage's lastProgress (later edits must not change it). */
export function snapshot(progress: ProgressSnapshot): ProgressSnapshot {
  return structuredClone(progress);
}

export function openStage(rec: ExecutionRecord, input: unknown, at: string): void {
  rec.stages.push({ start: at, end: null, input, lastProgress: null });
}

/** Ends the open stage (if any) with the progress as it is now. */
export function closeStage(rec: ExecutionRecord, at: string): void {
  const stage = rec.stages[rec.stages.length - 1];
  if (stage && stage.end === null) {
    stage.end = at;
    stage.lastProgress = snapshot(rec.progress);
  }
}

/** Raises the percentage; it never goes down. */
export function raisePercentage(rec: ExecutionRecord, percentage: number | undefined): void {
  if (percentage === undefined) return;
  rec.progress.percentage = Math.max(rec.progress.percentage, Math.min(100, Math.round(percentage)));
}

/** Which state object of a block holds a body key. */
const HOLDER: Record<ReportFrame['key'], 'condition' | 'try' | 'switch'> = {
  body: 'condition', bodyTry: 'try', bodyCatch: 'try', caseBody: 'switch',
};

/** The zone list blocks go into now: the report (or the running iteration's) and down the open bodies. */
function currentList(rec: ExecutionRecord): FlowZoneState[] {
  const cursor = cursorOf(rec);
  let list = cursor.iteration ? (rec.iterations[cursor.iteration.at]?.report ?? rec.report) : rec.report;
  for (const frame of cursor.frames) {
    const holder = list[frame.zone]?.blocks[frame.block]?.[HOLDER[frame.key]] as Record<string, FlowZoneState[]> | undefined;
    if (!holder) break; // a record edited by hand: keep going at the deepest body found
    holder[frame.key] ??= [];
    list = holder[frame.key];
  }
  return list;
}

/** The last zone of the current list if it has this id, else a new zone. */
function zoneFor(list: FlowZoneState[], zoneId: string): FlowZoneState {
  let zone = list[list.length - 1];
  if (!zone || zone.id !== zoneId) {
    zone = { id: zoneId, blocks: [] };
    list.push(zone);
  }
  return zone;
}

function newBlock(step: StepDef): FlowBlockState {
  return step.displayName ? { id: step.id, displayName: step.displayName } : { id: step.id };
}

/** Adds a block with a step state (started now, no status yet) to the current body. */
export function startBlock(rec: ExecutionRecord, step: StepDef, zoneId: string, at: string): FlowBlockState {
  const block = newBlock(step);
  block.step = { start: at };
  zoneFor(currentList(rec), zoneId).blocks.push(block);
  return block;
}

/** The step state of the open block with this id in the current body. */
function openStepState(rec: ExecutionRecord, stepId: string): FlowDoStepState | undefined {
  const list = currentList(rec);
  for (let z = list.length - 1; z >= 0; z--) {
    const blocks = list[z].blocks;
    for (let b = blocks.length - 1; b >= 0; b--) {
      const state = blocks[b].step;
      if (blocks[b].id === stepId && state && !state.end) return state;
    }
  }
  return undefined;
}

export function hasOpenBlock(rec: ExecutionRecord, stepId: string): boolean {
  return openStepState(rec, stepId) !== undefined;
}

/** Marks the step's state: `end` is set unless the status says it is still waiting. */
export function endBlock(
  rec: ExecutionRecord, stepId: string, status: StepStateStatus, at: string,
  extra: { input?: unknown; output?: unknown } = {},
): void {
  const state = openStepState(rec, stepId);
  if (!state) return;
  state.status = status;
  if (status !== 'Waiting' && status !== 'UserInput') state.end = at;
  if (extra.input !== undefined) state.input = extra.input;
  if (extra.output !== undefined) state.output = extra.output;
}

export function skippedBlock(rec: ExecutionRecord, step: StepDef, zoneId: string, at: string, reason = 'Skipped: its condition was false'): void {
  startBlock(rec, step, zoneId, at);
  endBlock(rec, step.id, 'Skipped', at, { output: { message: reason } });
}

/**
 * Adds a construct's block (its state given) to the current body and opens one of its bodies:
 * later blocks go there until `closeBody`.
 */
export function openBody(rec: ExecutionRecord, step: StepDef, zoneId: string, state: Pick<FlowBlockState, 'condition' | 'try' | 'switch'>, key: ReportFrame['key']): void {
  const list = currentList(rec);
  const zone = zoneFor(list, zoneId);
  zone.blocks.push({ ...newBlock(step), ...state });
  cursorOf(rec).frames.push({ zone: list.indexOf(zone), block: zone.blocks.length - 1, key });
}

/** The construct state of the innermost open body's block. */
export function openConstruct(rec: ExecutionRecord): FlowBlockState | undefined {
  const cursor = cursorOf(rec);
  const frame = cursor.frames.pop();
  if (!frame) return undefined;
  const list = currentList(rec);
  cursor.frames.push(frame);
  return list[frame.zone]?.blocks[frame.block];
}

export function closeBody(rec: ExecutionRecord): void {
  cursorOf(rec).frames.pop();
}

/** Switches the innermost open body to another body of the same block (try -> catch). */
export function switchBody(rec: ExecutionRecord, key: ReportFrame['key']): void {
  const frames = cursorOf(rec).frames;
  const frame = frames[frames.length - 1];
  if (frame) frame.key = key;
}

function* stepStates(zones: FlowZoneState[]): Generator<FlowDoStepState> {
  for (const zone of zones) {
    for (const block of zone.blocks) {
      if (block.step) yield block.step;
      for (const body of [block.condition?.body, block.try?.bodyTry, block.try?.bodyCatch, block.switch?.caseBody]) {
        if (body) yield* stepStates(body);
      }
    }
  }
}

/** Ends every step still open when the execution stops early (cancel, interrupt, error). */
export function endOpenBlocks(rec: ExecutionRecord, at: string, message: string, status?: StepStateStatus): void {
  const lists = [rec.report, ...rec.iterations.map((i) => i.report)];
  for (const list of lists) {
    for (const state of stepStates(list)) {
      if (state.end) continue;
      state.end = at;
      state.output = { ...(isRecord(state.output) ? state.output : {}), message };
      if (status) state.status = status;
    }
  }
}

const isRecord = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);

/** A FlowException for state.warnings or state.errors. */
export function flowException(error: string, message: string, causes?: string[]): FlowException {
  return causes && causes.length > 0 ? { error, message, causes } : { error, message };
}

/**
 * Plug-in input naming several records: one iteration per record id, each with the report.
 * Rebuilt before every save so iterations never drift from the report.
 */
export function syncIterations(rec: ExecutionRecord): void {
  if (cursorOf(rec).ownIterations) return;
  const data = rec.inputData as { id?: unknown; entity?: unknown } | null;
  const ids = rec.inputKind === 'plugin' && Array.isArray(data?.id) ? (data.id as string[]) : [];
  if (ids.length < 2) return;
  // Iteration ids must be unique within the execution; a repeated record id gets a suffix.
  const seen = new Map<string, number>();
  rec.iterations = ids.map((recordId) => {
    const n = (seen.get(recordId) ?? 0) + 1;
    seen.set(recordId, n);
    const id = n === 1 ? recordId : `${recordId}#${n}`;
    return { id, displayName: `${String(data?.entity)} ${recordId}`, report: structuredClone(rec.report) };
  });
}
