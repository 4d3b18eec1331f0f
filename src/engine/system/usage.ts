/**
 * What the installation has used, counted from the store: executions and documents created since
 * a time (the settings' counters, the licence's document limit), users, and the executions that
 * ended in Error since a time (the notifications).
 */
import type { ConditionGroup, ExecutionRecord, StoreCollections } from '../../store/types.js';

const since = (key: string, iso: string): ConditionGroup['nodes'][number] => ({ condition: { key, operator: 'greaterThanOrEqualTo', values: [iso] } });

export async function executionsSince(store: StoreCollections, startIso: string): Promise<number> {
  const page = await store.executions.query({ ownerId: null, filter: { type: 'and', nodes: [since('createdAt', startIso)] }, sort: { field: 'createdAt', direction: 'asc' }, page: 0, size: 1 });
  return page.totalElements;
}

/** Documents of executions (`execution`) and made on their own by CreateDocument (`preview`). */
export async function documentsSince(store: StoreCollections, startIso: string): Promise<{ preview: number; execution: number }> {
  const docs = (await store.documents.listVisible(null, 1_000_000)).filter((d) => d.doc.createdAt >= startIso);
  const execution = docs.filter((d) => d.doc.executionId !== null).length;
  return { execution, preview: docs.length - execution };
}

/** Executions that ended in Error since a time: how many, and the latest. */
export async function failedSince(store: StoreCollections, startIso: string): Promise<{ count: number; latest: ExecutionRecord | null }> {
  const page = await store.executions.query({
    ownerId: null,
    filter: { type: 'and', nodes: [{ condition: { key: 'status', operator: 'equalTo', values: ['Error'] } }, since('modifiedAt', startIso)] },
    sort: { field: 'modifiedAt', direction: 'desc' }, page: 0, size: 1,
  });
  return { count: page.totalElements, latest: page.content[0] ?? null };
}

/** The start of the calendar month or year (UTC) `now` is in. */
export function windowStart(window: 'month' | 'year', now: Date): Date {
  return new Date(Date.UTC(now.getUTCFullYear(), window === 'month' ? now.getUTCMonth() : 0, 1));
}
