/** Feeds the lifecycle tracker from answers that carry an execution's or a process's status. */
import type { LifecycleTracker } from '../lifecycle.js';

const PROGRESS_OPS = new Set([
  'ExecuteFlow', 'GetFlowExecutionProgress', 'ContinueFlowExecution',
  'CancelFlowExecution', 'CancelFlowExecutionById',
]);
/** Answers that are a FlowExecution. */
const EXECUTION_OPS = new Set(['GetFlowExecution', 'GetFlowExecutionStatus', 'StartFlow']);
const LIST_OPS = new Set(['GetAllFlowExecutions', 'GetFlowExecutions', 'GetFilteredFlowExecutions']);
const ENVELOPE_OPS = new Set(['TriggerActionflow', 'TriggerActionflowV10', 'GetActionflowStatus']);

type Obj = Record<string, unknown>;
const isObj = (v: unknown): v is Obj => typeof v === 'object' && v !== null;

export function feedLifecycle(t: LifecycleTracker, operationId: string, status: number, body: unknown): void {
  if (status === 200 && LIST_OPS.has(operationId) && Array.isArray(body)) {
    // Lists are plain arrays of FlowExecution, as the vendor's.
    for (const e of body) if (isObj(e) && typeof e.id === 'string' && typeof e.status === 'string') t.observeExecution(e.id, e.status, undefined, operationId);
    return;
  }
  if (!isObj(body)) return;
  if (status === 200 && PROGRESS_OPS.has(operationId) && typeof body.id === 'string' && typeof body.status === 'string') {
    t.observeExecution(body.id, body.status, typeof body.percentage === 'number' ? body.percentage : undefined, operationId);
  } else if (status === 200 && EXECUTION_OPS.has(operationId) && typeof body.id === 'string' && typeof body.status === 'string') {
    t.observeExecution(body.id, body.status, undefined, operationId);
  } else if (ENVELOPE_OPS.has(operationId) && [200, 201, 202, 504].includes(status) && typeof body.processId === 'string' && typeof body.status === 'string') {
    t.observeProcess(body.processId, body.status, operationId);
  }
}
