/**
 * The list query every resource family shares (the vendor's paging): `page` (0-based), `size`
 * (default 20), `sort=property,asc|desc`, `filter=property:value,property:value` (contains), and
 * the filter body (FilterGroup: nested and/or groups, seventeen operators). A list declares its
 * properties once (ListSpec); everything here answers bad input with a 400 naming the parameter
 * or the field and the rule. The store turns the checked group into its query language (SQLite: src/store/filter-sql.ts).
 */
import { ProblemError, invalidField, type FieldError } from '../../handler-contract/problem.js';
import type { ConditionGroup, FilterOperator } from '../../store/types.js';
import { OPERATOR_ARITY, MAX_FILTER_DEPTH, MAX_FILTER_NODES, MAX_FILTER_VALUES } from '../../store/query-rules.js';

export interface ListProperty {
  /** text: compared as text; date: ISO-8601, normalized to UTC; enum: one of `values`; boolean. */
  kind: 'text' | 'date' | 'enum' | 'boolean';
  values?: readonly string[];
}

export interface ListSpec<S extends string = string> {
  /** Filter properties by name (the names the API shows). */
  filter: Readonly<Record<string, ListProperty>>;
  sort: readonly S[];
  defaultSort: { field: S; direction: 'asc' | 'desc' };
}

export const DEFAULT_PAGE_SIZE = 20;
/** Terms of the `filter` query parameter at most (see spec parameters.FilterQuery). */
export const MAX_QUERY_FILTER_TERMS = 20;

export interface ListPaging<S extends string> { page: number; size: number; sort: { field: S; direction: 'asc' | 'desc' } }

/** page/size (already typed and bounded by the spec) and `sort` checked against the list's properties. */
export function listPaging<S extends string>(query: { page?: number; size?: number; sort?: string }, spec: ListSpec<S>): ListPaging<S> {
  return { page: query.page ?? 0, size: query.size ?? DEFAULT_PAGE_SIZE, sort: parseSort(query.sort, spec) };
}

function parseSort<S extends string>(text: string | undefined, spec: ListSpec<S>): ListPaging<S>['sort'] {
  if (text === undefined || text === '') return spec.defaultSort;
  const [field, direction = 'asc', extra] = text.split(',');
  if (!(spec.sort as readonly string[]).includes(field)) {
    throw invalidField('query', '/sort', 'enum', `sort property must be one of: ${spec.sort.join(', ')} (got ${field})`);
  }
  const dir = direction.toLowerCase();
  if (extra !== undefined || (dir !== 'asc' && dir !== 'desc')) {
    throw invalidField('query', '/sort', 'pattern', 'sort must be property,asc or property,desc');
  }
  return { field: field as S, direction: dir };
}

/** `property:value,property:value`: every property contains its value (case-insensitive). */
export function queryFilter(text: string | undefined, spec: ListSpec): ConditionGroup | undefined {
  if (text === undefined || text === '') return undefined;
  const terms = text.split(',');
  if (terms.length > MAX_QUERY_FILTER_TERMS) {
    throw invalidField('query', '/filter', 'maxItems', `filter takes at most ${MAX_QUERY_FILTER_TERMS} property:value terms`);
  }
  const nodes = terms.map((term) => {
    const colon = term.indexOf(':');
    if (colon <= 0) throw invalidField('query', '/filter', 'pattern', `filter terms are property:value, separated by commas (got "${term.slice(0, 50)}")`);
    const key = term.slice(0, colon);
    if (!Object.hasOwn(spec.filter, key)) {
      throw invalidField('query', '/filter', 'enum', `filter property must be one of: ${Object.keys(spec.filter).join(', ')} (got ${key.slice(0, 50)})`);
    }
    return { condition: { key, operator: 'like' as const, values: [term.slice(colon + 1)] } };
  });
  return { type: 'and', nodes };
}

const ISO_DATE = /^\d{4}-\d{2}-\d{2}(T\d{2}:\d{2}(:\d{2}(\.\d{1,9})?)?(Z|[+-]\d{2}:\d{2})?)?$/;
/** Operators comparing order: on an enum, text order means nothing a caller could want. */
const ORDERING = new Set<FilterOperator>(['between', 'notBetween', 'greaterThan', 'lessThan', 'greaterThanOrEqualTo', 'lessThanOrEqualTo']);

interface RawCondition { key: string; operator: FilterOperator; values?: unknown[] }
interface RawNode { id?: string; condition?: RawCondition; group?: RawGroup }
interface RawGroup { type: 'and' | 'or'; nodes: RawNode[] }

/**
 * Checks a filter group that passed the spec's schema against the list's properties and each
 * operator's rules, and returns it as the store takes it: values as text, dates as UTC
 * ISO-8601 with milliseconds (how the store keeps times, so text order is time order).
 * Every problem is collected and named by its JSON pointer under `base`.
 */
export function checkFilterGroup(group: RawGroup, spec: ListSpec, where: FieldError['in'], base: string): ConditionGroup {
  const errors: FieldError[] = [];
  let valueCount = 0;
  let nodeCount = 0;
  const err = (pointer: string, rule: string, message: string) => errors.push({ in: where, pointer, rule, message });

  const walk = (g: RawGroup, ptr: string, depth: number): ConditionGroup => {
    if (depth > MAX_FILTER_DEPTH) {
      err(ptr, 'maxDepth', `groups may be nested at most ${MAX_FILTER_DEPTH} deep`);
      return { type: g.type, nodes: [] };
    }
    nodeCount += g.nodes.length;
    return {
      type: g.type,
      nodes: g.nodes.map((n, i) => {
        const at = `${ptr}/nodes/${i}`;
        if (n.group) return { group: walk(n.group, `${at}/group`, depth + 1) };
        const c = n.condition!;
        const values = c.values ?? [];
        valueCount += values.length;
        const prop = Object.hasOwn(spec.filter, c.key) ? spec.filter[c.key] : undefined;
        if (!prop) {
          err(`${at}/condition/key`, 'enum', `filter property must be one of: ${Object.keys(spec.filter).join(', ')}`);
          return { condition: { key: c.key, operator: c.operator, values: [] } };
        }
        const arity = OPERATOR_ARITY[c.operator];
        const [min, max] = typeof arity === 'number' ? [arity, arity] : arity;
        if (values.length < min || values.length > max) {
          err(`${at}/condition/values`, values.length < min ? 'minItems' : 'maxItems',
            `operator ${c.operator} takes ${min === max ? `exactly ${min}` : `${min} to ${max}`} value${max === 1 ? '' : 's'}`);
        }
        if ((c.operator === 'isTrue' || c.operator === 'isFalse') && prop.kind !== 'boolean') {
          err(`${at}/condition/operator`, 'type', `operator ${c.operator} applies to boolean properties; ${c.key} is not one`);
        }
        if (prop.kind === 'enum' && ORDERING.has(c.operator)) {
          err(`${at}/condition/operator`, 'enum', `operator ${c.operator} does not apply to ${c.key}, which is one of a set of values`);
        }
        const texts = values.map((v, j) => {
          const vp = `${at}/condition/values/${j}`;
          if (typeof v !== 'string') { err(vp, 'type', `${c.key} values are text`); return ''; }
          if (prop.kind === 'date' && c.operator !== 'like' && c.operator !== 'notLike') {
            if (!ISO_DATE.test(v) || Number.isNaN(Date.parse(v))) { err(vp, 'format', 'must be an ISO-8601 date or date-time'); return v; }
            return utcInstant(v);
          }
          if (prop.kind === 'enum' && c.operator !== 'like' && c.operator !== 'notLike' && !prop.values!.includes(v)) {
            err(vp, 'enum', `must be one of: ${prop.values!.join(', ')}`);
          }
          return v;
        });
        return { ...(n.id !== undefined ? { id: n.id } : {}), condition: { key: c.key, operator: c.operator, values: texts } };
      }),
    };
  };
  const out = walk(group, `${base}/group`, 0);
  if (valueCount > MAX_FILTER_VALUES) err(`${base}/group`, 'maxValues', `a filter takes at most ${MAX_FILTER_VALUES} values in all`);
  if (nodeCount > MAX_FILTER_NODES) err(`${base}/group`, 'maxNodes', `a filter takes at most ${MAX_FILTER_NODES} conditions and groups in all`);
  if (errors.length) throw new ProblemError(400, errors.map((e) => `${e.in} ${e.pointer}: ${e.message}`).join('; '), errors);
  return out;
}

/** A date alone means its midnight UTC; a date-time without a zone, UTC. Call on checked values. */
function utcInstant(value: string): string {
  const zoned = /^\d{4}-\d{2}-\d{2}$/.test(value) || /(Z|[+-]\d{2}:\d{2})$/.test(value) ? value : `${value}Z`;
  return new Date(Date.parse(zoned)).toISOString();
}

/**
 * One page of rows held in memory (catalogues the server computes rather than stores), by the same
 * rules as the stored lists: `sort` checked by listPaging, the query `filter` by queryFilter (every
 * term "contains", case-insensitive; an array property matches when one of its items does), then a
 * stable sort (missing values first ascending) and the page.
 */
export function pageOfRows<T extends object, S extends string>(
  rows: readonly T[], spec: ListSpec<S>, query: { page?: number; size?: number; sort?: string; filter?: string },
): T[] {
  const paging = listPaging(query, spec);
  const group = queryFilter(query.filter, spec);
  const texts = (v: unknown): string[] => (Array.isArray(v) ? v.flatMap(texts) : v === undefined || v === null ? [] : [String(v).toLowerCase()]);
  const picked = rows.filter((row) => (group?.nodes ?? []).every((n) => {
    const c = n.condition!;
    const wanted = (c.values?.[0] ?? '').toLowerCase();
    return texts((row as Record<string, unknown>)[c.key]).some((t) => t.includes(wanted));
  }));
  const { field, direction } = paging.sort;
  const key = (row: T) => texts((row as Record<string, unknown>)[field]).join(',');
  const sign = direction === 'desc' ? -1 : 1;
  const sorted = picked.map((row, i) => ({ row, i })).sort((a, b) => sign * key(a.row).localeCompare(key(b.row)) || a.i - b.i);
  return sorted.slice(paging.page * paging.size, paging.page * paging.size + paging.size).map((x) => x.row);
}
