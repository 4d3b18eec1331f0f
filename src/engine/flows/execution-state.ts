/**
 * Small edits of an execution record's state: stages, report blocks, iterations, percentage.
 * Pure functions on the record; saving is the engine's job.
 */
import type { BlockReport, ExecutionRecord, ProgressSnapshot } from '../../store/types.js';
import type { StepDef } from '../definitions/types.js';

export const MAIN_ZONE = 'main';

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

function blocks(rec: ExecutionRecord): BlockReport[] {
  let zone = rec.report.find((z) => z.id === MAIN_ZONE);
  if (!zone) {
    zone = { id: MAIN_ZONE, displayName: rec.flowName, blocks: [] };
    rec.report.push(zone);
  }
  return zone.blocks;
}

export function startBlock(rec: ExecutionRecord, step: StepDef, at: string): BlockReport {
  const block: BlockReport = { id: step.id, type: step.type, start: at };
  if (step.displayName) block.displayName = step.displayName;
  blocks(rec).push(block);
  return block;
}

export function endBlock(rec: ExecutionRecord, stepId: string, status: NonNullable<BlockReport['status']>, at: string, message?: string): void {
  const block = blocks(rec).find((b) => b.id === stepId && !b.end);
  if (!block) return;
  block.status = status;
  block.end = at;
  if (message !== undefined) block.message = message;
}

export function skippedBlock(rec: ExecutionRecord, step: StepDef, at: string): void {
  startBlock(rec, step, at);
  endBlock(rec, step.id, 'Skipped', at, 'Skipped: its condition was false');
}

/** Ends every block still open when the execution stops early (cancel, interrupt, error). */
export function endOpenBlocks(rec: ExecutionRecord, at: string, message: string, status?: BlockReport['status']): void {
  for (const block of blocks(rec)) {
    if (block.end) continue;
    block.end = at;
    block.message = message;
    if (status) block.status = status;
  }
}

/**
 * Plug-in input naming several records: one iteration per record id, each with the report.
 * Rebuilt before every save so iterations never drift from the report.
 */
export function syncIterations(rec: ExecutionRecord): void {
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
