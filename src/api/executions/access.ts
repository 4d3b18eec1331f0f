/**
 * Who may see which execution: its creator, or a user with `read:flowExecutions`. Others get a
 * 404, so that an execution's existence does not leak.
 */
import type { Principal } from '../../auth/principal.js';
import type { ExecutionRecord, Store } from '../../store/types.js';
import { notFound } from '../../http/problem.js';

export const seesAll = (p: Principal): boolean => p.permissions.has('read:flowExecutions');

export function visibleExecution(store: Store, p: Principal, id: string): ExecutionRecord {
  const e = store.executions.byId(id);
  if (!e || (e.createdBy !== p.user.id && !seesAll(p))) throw notFound(`No flow execution ${id}.`);
  return e;
}
