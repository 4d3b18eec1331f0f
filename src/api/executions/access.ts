/**
 * Who may see which execution: its creator, or a user with `read:flowExecutions`. Others get a
 * 404, so that an execution's existence does not leak. Acting on one (continue, cancel) is for
 * its creator; cancelling also for a holder of `delete:flowExecutions`. A reader of others'
 * executions gets 403 there.
 */
import type { Principal } from '../../auth/principal.js';
import type { ExecutionProgressView, ExecutionRecord, Store } from '../../store/types.js';
import { ProblemError, notFound } from '../../handler-contract/problem.js';

export const seesAll = (p: Principal): boolean => p.permissions.has('read:flowExecutions');

export async function visibleExecution(store: Store, p: Principal, id: string): Promise<ExecutionRecord> {
  return visible((await store.executions.byId(id)), p, id);
}

/** The same rule, reading only what a progress poll needs. */
export async function visibleProgress(store: Store, p: Principal, id: string): Promise<ExecutionProgressView> {
  return visible((await store.executions.progressById(id)), p, id);
}

export function mayAct(p: Principal, e: { id: string; createdBy: string }, action: 'continue' | 'cancel'): void {
  if (e.createdBy === p.user.id) return;
  if (action === 'cancel' && p.permissions.has('delete:flowExecutions')) return;
  throw new ProblemError(403, `User ${p.user.username} may read execution ${e.id} but not ${action} it: it belongs to another user${action === 'cancel' ? ' (cancelling it needs delete:flowExecutions)' : ''}.`);
}

function visible<T extends { createdBy: string }>(e: T | null, p: Principal, id: string): T {
  if (!e || (e.createdBy !== p.user.id && !seesAll(p))) throw notFound(`No flow execution ${id}.`);
  return e;
}
