/**
 * Tolerant reading of execution records saved before the report was the vendor's tree
 * (FlowZoneState/FlowBlockState): old blocks were flat `{id, type, displayName, status, message,
 * start, end}` in zones with a displayName, and records had no warnings/errors. They are turned
 * into the current shape when read, so old databases stay readable without rewriting rows; the
 * next save of a live record stores the new shape.
 */
import type { ExecutionRecord, FlowBlockState, FlowDoStepState, FlowZoneState, IterationRecord, StepStateStatus } from './types.js';

const LEGACY_STATUS: Record<string, StepStateStatus> = { Success: 'Output', Warning: 'Error', Error: 'Error', Skipped: 'Skipped' };

interface LegacyBlock { id: string; type?: string; displayName?: string; status?: string; message?: string; start?: string; end?: string }

function upgradeBlock(raw: FlowBlockState | LegacyBlock): FlowBlockState {
  const b = raw as FlowBlockState & LegacyBlock;
  if (b.step || b.condition || b.try || b.switch || b.type === undefined) return raw as FlowBlockState;
  const step: FlowDoStepState = {};
  if (b.status && LEGACY_STATUS[b.status]) step.status = LEGACY_STATUS[b.status];
  // An old open block of a waiting step: its kind tells what it waits for.
  else if (!b.end && b.type === 'userInput') step.status = 'UserInput';
  else if (!b.end && b.type === 'waitForCallback') step.status = 'Waiting';
  if (b.start) step.start = b.start;
  if (b.end) step.end = b.end;
  if (b.message !== undefined) step.output = { message: b.message };
  return { id: b.id, ...(b.displayName ? { displayName: b.displayName } : {}), step };
}

export function upgradeZones(zones: unknown): FlowZoneState[] {
  if (!Array.isArray(zones)) return [];
  return zones.map((z: { id: string; blocks?: Array<FlowBlockState | LegacyBlock> }) => ({
    id: z.id,
    blocks: Array.isArray(z.blocks) ? z.blocks.map(upgradeBlock) : [],
  }));
}

/** The record in the current shape (mutated in place and returned). */
export function upgradeExecutionReport(rec: ExecutionRecord): ExecutionRecord {
  rec.report = upgradeZones(rec.report);
  rec.iterations = Array.isArray(rec.iterations)
    ? rec.iterations.map((i: IterationRecord) => ({ ...i, report: upgradeZones(i.report) }))
    : [];
  rec.warnings ??= [];
  rec.errors ??= [];
  return rec;
}
