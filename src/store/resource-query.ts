/**
 * The SQL of a resource list (ResourceStore.query), one translation for both backends: the
 * list's properties become expressions over the columns or the JSON body, the filter goes through
 * the one filter translation (filter-sql.ts, as the execution list's does), and the sort is
 * deterministic on both (nulls last ascending, then by id). Only identifiers checked here and
 * fixed text reach the SQL; every value is a bound parameter.
 */
import { groupToSql, type FilterDialect, StoreQueryError } from './filter-sql.js';
import type { ConditionGroup, ConditionNode, ResourceProperty, ResourceQuery } from './types.js';

const COLUMN_OF: Record<string, string> = {
  id: 'id', createdAt: 'created_at', createdBy: 'created_by', modifiedAt: 'modified_at', modifiedBy: 'modified_by',
};
const SEGMENT = /^[A-Za-z_][A-Za-z0-9_]*$/;

export interface ResourceDialect {
  filter: FilterDialect;
  /** The text of a body field (a JSON scalar as text; null when absent). */
  bodyText(segments: string[]): string;
  /** `true`/`false` for a JSON boolean, else something else or null. */
  bodyBoolean(segments: string[]): string;
  /** Text sorted by code point on every backend. */
  sortable(expr: string): string;
}

export const SQLITE_RESOURCE_DIALECT: ResourceDialect = {
  filter: { placeholder: () => '?', like: 'LIKE', always: '1' },
  bodyText: (s) => `json_extract(body, '$.${s.join('.')}')`,
  bodyBoolean: (s) => `json_type(body, '$.${s.join('.')}')`,
  sortable: (e) => `CAST(${e} AS TEXT) COLLATE BINARY`,
};

export const POSTGRES_RESOURCE_DIALECT: ResourceDialect = {
  filter: { placeholder: (params) => `$${params.length}`, like: 'ILIKE', always: 'TRUE' },
  bodyText: (s) => `(body::jsonb #>> '{${s.join(',')}}')`,
  bodyBoolean: (s) => `(body::jsonb #>> '{${s.join(',')}}')`,
  sortable: (e) => `(${e})::text COLLATE "C"`,
};

function expressionOf(name: string, prop: ResourceProperty, dialect: ResourceDialect): string {
  if (Object.hasOwn(COLUMN_OF, prop.path)) return COLUMN_OF[prop.path];
  const segments = prop.path.split('.');
  if (!segments.every((s) => SEGMENT.test(s))) throw new StoreQueryError(`property ${name}: path ${prop.path} is not dot-separated identifiers`);
  return prop.kind === 'boolean' ? dialect.bodyBoolean(segments) : dialect.bodyText(segments);
}

/** isTrue/isFalse on a body boolean: its JSON type's name, compared as text on every backend. */
function booleansAsText(group: ConditionGroup, props: ResourceQuery['properties']): ConditionGroup {
  if (!group || !Array.isArray(group.nodes)) return group;
  return {
    ...group,
    nodes: group.nodes.map((n): ConditionNode => {
      if (n?.group) return { ...n, group: booleansAsText(n.group, props) };
      const c = n?.condition;
      if (!c || !Object.hasOwn(props, c.key) || props[c.key].kind !== 'boolean') return n;
      if (c.operator === 'isTrue') return { ...n, condition: { key: c.key, operator: 'equalTo', values: ['true'] } };
      if (c.operator === 'isFalse') return { ...n, condition: { key: c.key, operator: 'equalTo', values: ['false'] } };
      return n;
    }),
  };
}

export function checkResourcePaging(page: number, size: number): void {
  if (!Number.isInteger(page) || page < 0) throw new StoreQueryError(`page must be a non-negative integer, got ${page}`);
  if (!Number.isInteger(size) || size < 1) throw new StoreQueryError(`size must be a positive integer, got ${size}`);
}

/**
 * WHERE (after `type = <first parameter>`) and ORDER BY of a resource list; `params` receives the
 * type first, then the filter's values.
 */
export function resourceQuerySql(q: ResourceQuery, dialect: ResourceDialect): { where: string; orderBy: string; params: unknown[] } {
  checkResourcePaging(q.page, q.size);
  const params: unknown[] = [q.type];
  const typeClause = `type = ${dialect.filter.placeholder(params)}`;
  const columns = new Map<string, string>();
  for (const [name, prop] of Object.entries(q.properties)) columns.set(name, expressionOf(name, prop, dialect));
  const where = q.filter === undefined
    ? typeClause
    : `${typeClause} AND ${groupToSql(booleansAsText(q.filter, q.properties), columns, params, 0, { nodes: 0 }, dialect.filter)}`;
  const sortExpr = columns.get(q.sort.field);
  if (!sortExpr) throw new StoreQueryError(`unknown sort field: ${String(q.sort.field)}`);
  const dir = q.sort.direction === 'desc' ? 'DESC' : q.sort.direction === 'asc' ? 'ASC' : null;
  if (!dir) throw new StoreQueryError(`sort direction must be asc or desc, got ${String(q.sort.direction)}`);
  const orderBy = `(${sortExpr} IS NULL) ${dir}, ${dialect.sortable(sortExpr)} ${dir}, id ${dir}`;
  return { where, orderBy, params };
}
