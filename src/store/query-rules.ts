/**
 * The rules every backend's list queries follow, whatever language they translate filters to:
 * the error for a query it cannot answer, the limits on a filter, each operator's arity. The API
 * checks the same limits first (src/api/list-query), so a request over them is a 400.
 */
import type { FilterOperator } from './types.js';

/** A query the store cannot translate (unknown key, operator, sort field, bad paging). */
export class StoreQueryError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'StoreQueryError';
  }
}

/** Far below SQLite's expression depth limit (1000); the API never needs more (it answers 400 above). */
export const MAX_FILTER_DEPTH = 32;
/** Bound parameters one filter may add, far below SQLite's limit (32766) and PostgreSQL's (65535). */
export const MAX_FILTER_VALUES = 1000;
/** Conditions and groups in one filter, all levels together: each adds query text. */
export const MAX_FILTER_NODES = 500;

/** How many values each operator takes: exact count, or [min, max]. */
export const OPERATOR_ARITY: Record<FilterOperator, number | [number, number]> = {
  between: 2, notBetween: 2,
  equalTo: 1, notEqualTo: 1, like: 1, notLike: 1,
  greaterThan: 1, lessThan: 1, greaterThanOrEqualTo: 1, lessThanOrEqualTo: 1,
  isTrue: 0, isFalse: 0, isBlank: 0, notIsBlank: 0, isNull: 0, isNotNull: 0,
  in: [1, 100],
};

/**
 * The execution list's filter properties (see EXECUTION_LIST in src/api/executions); `mode` is
 * `batch` for executions started with /start (skipUserInput), else `interactive`. Each backend
 * maps these to its own expressions.
 */
export const EXECUTION_FILTER_KEYS = ['id', 'status', 'flow', 'flowId', 'flow.id', 'flow.displayName', 'createdAt', 'modifiedAt', 'createdBy', 'mode'] as const;
