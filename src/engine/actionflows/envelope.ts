/** The response envelope and the wording of its messages, in one place. */
import type { ProcessRecord } from '../../store/types.js';
import type { RunEnding, RunProgress } from './records.js';
import type { ActionflowEnvelope } from './types.js';

export const RUNNING_MESSAGE = 'Running';
export const INTERRUPTED_MESSAGE = 'Interrupted: the server stopped while the run was in progress';

export function runningEnvelope(processId: string): ActionflowEnvelope {
  return { status: 'Running', message: RUNNING_MESSAGE, processId };
}

/** Why a run that ended early was aborted; decides its message. */
export type AbortCause = { kind: 'timeout'; timeoutMs: number } | { kind: 'shutdown' };

export function finalEnvelope(
  processId: string,
  outputName: string,
  progress: RunProgress,
  ending: RunEnding,
  cause: AbortCause | null,
): ActionflowEnvelope {
  const { status, message } = outcomeOf(progress, ending, cause);
  const envelope: ActionflowEnvelope = { status, message, processId, data: { [outputName]: progress.data } };
  if (progress.failures.length > 0) envelope.failures = progress.failures;
  return envelope;
}

/** For envelopes the store lacks (runs interrupted before the last restart). */
export function envelopeFromRecord(p: ProcessRecord): ActionflowEnvelope {
  if (p.status === 'Running') return runningEnvelope(p.id);
  if (p.envelope) return p.envelope as ActionflowEnvelope;
  return { status: p.status, message: p.message ?? '', processId: p.id, data: {} };
}

function outcomeOf(
  progress: RunProgress,
  ending: RunEnding,
  cause: AbortCause | null,
): { status: 'Success' | 'Fail'; message: string } {
  switch (ending.kind) {
    case 'aborted':
      if (cause?.kind === 'timeout') {
        return {
          status: 'Fail',
          message: `Timed out after ${cause.timeoutMs} ms; aborted after ${progress.done} of ${records(progress.total)}`,
        };
      }
      return { status: 'Fail', message: INTERRUPTED_MESSAGE };
    case 'stopped':
      return { status: 'Fail', message: `Stopped: ${ending.message}` };
    case 'failed':
      return { status: 'Fail', message: ending.message };
    case 'completed':
      if (progress.failures.length > 0) {
        return { status: 'Fail', message: `${progress.failures.length} of ${records(progress.total)} failed` };
      }
      return { status: 'Success', message: `Processed ${records(progress.total)}` };
  }
}

function records(n: number): string {
  return `${n} ${n === 1 ? 'record' : 'records'}`;
}
