/**
 * Paging, sorting and filtering of small in-memory lists (printers, documents) by the vendor's
 * list parameters: `page` (0-based), `size`, `sort` (`property,asc|desc`), the query `filter`
 * (`property:value,...`, "contains") and the filter body's condition group. Kept isolated so the
 * shared list-query module can replace it. Properties are top-level fields of the presented model;
 * an IdWithName field compares by its displayName, else its id.
 */
import { invalidField, type FieldError, ProblemError } from '../../handler-contract/problem.js';
import type { components } from '../../../generated/openapi-types.js';

type Group = components['schemas']['ListFilterGroup'];
type Cond = components['schemas']['ListFilterCondition'];
type Row = Record<string, unknown>;

const MAX_DEPTH = 8;

function scalar(v: unknown): unknown {
  if (v && typeof v === 'object' && !Array.isArray(v)) {
    const o = v as Row;
    return o.displayName ?? o.id ?? null;
  }
  return v;
}

function compare(a: unknown, b: unknown): number {
  const x = scalar(a);
  const y = scalar(b);
  if (x === y) return 0;
  if (x === undefined || x === null) return -1;
  if (y === undefined || y === null) return 1;
  if (typeof x === 'number' && typeof y === 'number') return x - y;
  if (typeof x === 'boolean' && typeof y === 'boolean') return Number(x) - Number(y);
  return String(x).localeCompare(String(y));
}

/** `property:value,property:value`: every named property contains its value (case-insensitive). */
export function parseFilterQuery(filter: string | undefined): Array<[string, string]> {
  if (!filter) return [];
  return filter.split(',').filter((p) => p.length).map((part, i) => {
    const at = part.indexOf(':');
    if (at <= 0) throw invalidField('query', '/filter', 'format', `part ${i + 1} ("${part}") is not property:value`);
    return [part.slice(0, at), part.slice(at + 1)];
  });
}

function matches(c: Cond, row: Row): boolean {
  const v = scalar(row[c.key]);
  const vals = (c.values ?? []).map(scalar);
  const text = (x: unknown) => String(x ?? '').toLowerCase();
  switch (c.operator) {
    case 'isNull': return v === undefined || v === null;
    case 'isNotNull': return v !== undefined && v !== null;
    case 'isBlank': return v === undefined || v === null || String(v).trim() === '';
    case 'notIsBlank': return !(v === undefined || v === null || String(v).trim() === '');
    case 'isTrue': return v === true;
    case 'isFalse': return v === false;
    case 'equalTo': return compare(v, vals[0]) === 0;
    case 'notEqualTo': return compare(v, vals[0]) !== 0;
    case 'like': return text(v).includes(text(vals[0]));
    case 'notLike': return !text(v).includes(text(vals[0]));
    case 'greaterThan': return compare(v, vals[0]) > 0;
    case 'lessThan': return compare(v, vals[0]) < 0;
    case 'greaterThanOrEqualTo': return compare(v, vals[0]) >= 0;
    case 'lessThanOrEqualTo': return compare(v, vals[0]) <= 0;
    case 'between': return compare(v, vals[0]) >= 0 && compare(v, vals[1]) <= 0;
    case 'notBetween': return !(compare(v, vals[0]) >= 0 && compare(v, vals[1]) <= 0);
    case 'in': return vals.some((x) => compare(v, x) === 0);
  }
}

const NEEDS: Partial<Record<Cond['operator'], number>> = {
  equalTo: 1, notEqualTo: 1, like: 1, notLike: 1, greaterThan: 1, lessThan: 1,
  greaterThanOrEqualTo: 1, lessThanOrEqualTo: 1, between: 2, notBetween: 2,
};

/** 400 naming each condition whose key is not a property of the model or whose values do not fit its operator. */
export function checkFilterGroup(group: Group, properties: readonly string[]): void {
  const errors: FieldError[] = [];
  const walk = (g: Group, ptr: string, depth: number) => {
    if (depth > MAX_DEPTH) {
      errors.push({ in: 'body', pointer: ptr, rule: 'maxDepth', message: `groups may be nested at most ${MAX_DEPTH} deep` });
      return;
    }
    g.nodes.forEach((n, i) => {
      const at = `${ptr}/nodes/${i}`;
      if (n.group) return walk(n.group, `${at}/group`, depth + 1);
      const c = n.condition!;
      if (!properties.includes(c.key)) {
        errors.push({ in: 'body', pointer: `${at}/condition/key`, rule: 'enum', message: `must be one of: ${properties.join(', ')}` });
      }
      const need = NEEDS[c.operator];
      const have = c.values?.length ?? 0;
      if (need !== undefined && have !== need) {
        errors.push({ in: 'body', pointer: `${at}/condition/values`, rule: 'count', message: `operator ${c.operator} takes exactly ${need} value${need > 1 ? 's' : ''}` });
      }
      if (c.operator === 'in' && have === 0) {
        errors.push({ in: 'body', pointer: `${at}/condition/values`, rule: 'minItems', message: 'operator in takes at least one value' });
      }
    });
  };
  walk(group, '/group', 0);
  if (errors.length) throw new ProblemError(400, errors.map((e) => `${e.in} ${e.pointer}: ${e.message}`).join('; '), errors);
}

function groupMatches(g: Group, row: Row): boolean {
  const results = g.nodes.map((n) => (n.group ? groupMatches(n.group, row) : matches(n.condition!, row)));
  return g.type === 'and' ? results.every(Boolean) : results.some(Boolean);
}

export interface ListQuery {
  page?: number;
  size?: number;
  sort?: string;
  filter?: string;
  group?: Group;
}

/** One page of `rows` (already presented) after the query's filter and sort; 400 for an unknown property. */
export function listPage<T extends object>(rows: T[], properties: readonly string[], q: ListQuery, defaultSort: string): T[] {
  const filters = parseFilterQuery(q.filter);
  for (const [key] of filters) {
    if (!properties.includes(key)) throw invalidField('query', '/filter', 'enum', `property ${key} must be one of: ${properties.join(', ')}`);
  }
  if (q.group) checkFilterGroup(q.group, properties);
  const [sortKey, dir = 'asc'] = (q.sort ?? defaultSort).split(',');
  if (!properties.includes(sortKey)) throw invalidField('query', '/sort', 'enum', `property ${sortKey} must be one of: ${properties.join(', ')}`);
  const picked = rows.filter((r) => {
    const row = r as Row;
    if (!filters.every(([k, v]) => String(scalar(row[k]) ?? '').toLowerCase().includes(v.toLowerCase()))) return false;
    return q.group ? groupMatches(q.group, row) : true;
  });
  const sign = dir === 'desc' ? -1 : 1;
  picked.sort((a, b) => sign * compare((a as Row)[sortKey], (b as Row)[sortKey]));
  const size = q.size ?? 20;
  const page = q.page ?? 0;
  return picked.slice(page * size, page * size + size);
}
