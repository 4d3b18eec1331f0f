/**
 * Checks of a condition group beyond its schema: operators that compare one value get exactly
 * one, dates parse, statuses are statuses. An unknown key or operator never yields an empty list.
 */
import type { ConditionGroup } from '../../store/types.js';
import { EXECUTION_STATUSES } from '../../store/types.js';
import { ProblemError, type FieldError } from '../../http/problem.js';
import { MAX_FILTER_DEPTH, MAX_FILTER_NODES, MAX_FILTER_VALUES } from '../../store/sqlite-store.js';

const SINGLE_VALUE = new Set(['equalTo', 'notEqualTo', 'lessThan', 'lessThanOrEqualTo', 'greaterThan', 'greaterThanOrEqualTo']);
const ISO_DATE = /^\d{4}-\d{2}-\d{2}(T\d{2}:\d{2}(:\d{2}(\.\d{1,9})?)?(Z|[+-]\d{2}:\d{2})?)?$/;

export function checkFilter(group: ConditionGroup, where: FieldError['in'], base: string): void {
  const errors: FieldError[] = [];
  const walk = (g: ConditionGroup, ptr: string, depth: number) => {
    if (depth > MAX_FILTER_DEPTH) {
      // The store refuses deeper groups; say so as a 400 naming the place, not a 500.
      errors.push({ in: where, pointer: ptr, rule: 'maxDepth', message: `groups may be nested at most ${MAX_FILTER_DEPTH} deep` });
      return;
    }
    g.nodes.forEach((n, i) => {
      const at = `${ptr}/nodes/${i}`;
      if (n.group) return walk(n.group, `${at}/group`, depth + 1);
      const c = n.condition!;
      if (SINGLE_VALUE.has(c.operator) && c.values.length !== 1) {
        errors.push({ in: where, pointer: `${at}/condition/values`, rule: 'maxItems', message: `operator ${c.operator} takes exactly one value` });
      }
      c.values.forEach((v, j) => {
        if ((c.key === 'createdAt' || c.key === 'modifiedAt') && (!ISO_DATE.test(v) || Number.isNaN(Date.parse(v)))) {
          errors.push({ in: where, pointer: `${at}/condition/values/${j}`, rule: 'format', message: 'must be an ISO-8601 date or date-time' });
        }
        if (c.key === 'status' && !(EXECUTION_STATUSES as readonly string[]).includes(v)) {
          errors.push({ in: where, pointer: `${at}/condition/values/${j}`, rule: 'enum', message: `must be one of: ${EXECUTION_STATUSES.join(', ')}` });
        }
      });
    });
  };
  // All levels together (each value is one SQL variable): a 400 naming the rule, not a 500.
  const totals = { nodes: 0, values: 0 };
  const count = (g: ConditionGroup, depth: number): void => {
    if (depth > MAX_FILTER_DEPTH || !Array.isArray(g?.nodes)) return;
    totals.nodes += g.nodes.length;
    for (const n of g.nodes) {
      if (n.group) count(n.group, depth + 1);
      else if (Array.isArray(n.condition?.values)) totals.values += n.condition.values.length;
    }
  };
  count(group, 0);
  if (totals.values > MAX_FILTER_VALUES) {
    errors.push({ in: where, pointer: `${base}/group`, rule: 'maxValues', message: `a filter may hold at most ${MAX_FILTER_VALUES} values in all, this one holds ${totals.values}` });
  }
  if (totals.nodes > MAX_FILTER_NODES) {
    errors.push({ in: where, pointer: `${base}/group`, rule: 'maxNodes', message: `a filter may hold at most ${MAX_FILTER_NODES} conditions and groups in all, this one holds ${totals.nodes}` });
  }
  if (errors.length === 0) walk(group, `${base}/group`, 0); // per-value checks only within the bounds
  if (errors.length) throw new ProblemError(400, errors.map((e) => `${e.in} ${e.pointer}: ${e.message}`).join('; '), errors);
}

/**
 * The group with every createdAt/modifiedAt value as the store keeps times: UTC ISO-8601 with
 * milliseconds (`2026-01-01T10:00:00.000Z`). The store compares times as text, which is right
 * only in that one form: `2026-01-01T12:00:00+02:00` or `2026-01-01T10:00:00Z` must mean the
 * instant, not a string. A date alone means its midnight UTC; a date-time without a zone, UTC.
 * Call after checkFilter (the values parse).
 */
export function normalizeFilter(group: ConditionGroup): ConditionGroup {
  return {
    type: group.type,
    nodes: group.nodes.map((n) => {
      if (n.group) return { ...n, group: normalizeFilter(n.group) };
      const c = n.condition!;
      if (c.key !== 'createdAt' && c.key !== 'modifiedAt') return n;
      return { ...n, condition: { ...c, values: c.values.map(utcInstant) } };
    }),
  };
}

function utcInstant(value: string): string {
  const zoned = /^\d{4}-\d{2}-\d{2}$/.test(value) || /(Z|[+-]\d{2}:\d{2})$/.test(value) ? value : `${value}Z`;
  const t = Date.parse(zoned);
  return Number.isNaN(t) ? value : new Date(t).toISOString();
}
