/**
 * Filter groups (the vendor's FilterGroup: nested and/or groups of conditions with seventeen
 * operators) as SQL. One translation for every list: a resource passes the map from its filter
 * properties to SQL expressions. Only expressions from that map and fixed operator text reach the
 * SQL; every value is a bound parameter, and the number of values is bounded (MAX_FILTER_VALUES).
 */
import type { ConditionGroup, FilterOperator } from './types.js';
import { MAX_FILTER_DEPTH, MAX_FILTER_NODES, MAX_FILTER_VALUES, OPERATOR_ARITY, StoreQueryError } from './query-rules.js';

export { MAX_FILTER_DEPTH, MAX_FILTER_NODES, MAX_FILTER_VALUES, OPERATOR_ARITY, StoreQueryError };

const COMPARISONS: Partial<Record<FilterOperator, string>> = {
  equalTo: '=', notEqualTo: '<>', lessThan: '<', lessThanOrEqualTo: '<=', greaterThan: '>', greaterThanOrEqualTo: '>=',
};

/** `like` means "contains", case-insensitively; % and _ in the value are literal. */
const likePattern = (v: string): string => `%${v.replace(/[\\%_]/g, (c) => `\\${c}`)}%`;

/** ASCII-only lower case: SQLite's LIKE folds ASCII letters only, and so must a match done here. */
const asciiLower = (v: string): string => v.replace(/[A-Z]/g, (c) => String.fromCharCode(c.charCodeAt(0) + 32));

/**
 * A `like` ("contains", case-insensitive) on a property whose column holds one of a fixed set of
 * values (an execution's status) asks the same as `in` over the values that contain it; unlike LIKE,
 * which reads every row, `in` can use the column's index. When no value contains it: `in` the value
 * itself, which no stored value equals either. Everything else is left as it is (and a malformed
 * group to groupToSql, which refuses it).
 */
export function likeOnEnumsAsIn(group: ConditionGroup, enums: ReadonlyMap<string, readonly string[]>, depth = 0): ConditionGroup {
  if (depth > MAX_FILTER_DEPTH || group === null || typeof group !== 'object' || !Array.isArray(group.nodes)) return group;
  return {
    ...group,
    nodes: group.nodes.map((node) => {
      if (node?.group && !node.condition) return { ...node, group: likeOnEnumsAsIn(node.group, enums, depth + 1) };
      const c = node?.condition;
      const values = c && !node.group && c.operator === 'like' ? enums.get(c.key) : undefined;
      if (!values || !Array.isArray(c!.values) || c!.values.length !== 1 || typeof c!.values[0] !== 'string') return node;
      const wanted = asciiLower(c!.values[0]);
      const matching = values.filter((v) => asciiLower(v).includes(wanted));
      return { ...node, condition: { ...c!, operator: 'in', values: matching.length ? [...matching] : [c!.values[0]] } };
    }),
  };
}

/** property -> SQL expression (a column, or a fixed expression over columns). */
export type FilterColumns = ReadonlyMap<string, string>;

/**
 * What differs between the SQL of the two backends: how a bound value is written (after it was
 * pushed onto `params`), the case-insensitive LIKE, and the condition that is always true.
 */
export interface FilterDialect {
  placeholder(params: unknown[]): string;
  like: string;
  always: string;
}
export const SQLITE_FILTER_DIALECT: FilterDialect = { placeholder: () => '?', like: 'LIKE', always: '1' };
/** PostgreSQL: numbered parameters; ILIKE, since its LIKE is case-sensitive (SQLite's is not, for ASCII). */
export const POSTGRES_FILTER_DIALECT: FilterDialect = { placeholder: (params) => `$${params.length}`, like: 'ILIKE', always: 'TRUE' };

export function groupToSql(
  group: ConditionGroup, columns: FilterColumns, params: unknown[], depth = 0, budget = { nodes: 0 }, dialect: FilterDialect = SQLITE_FILTER_DIALECT,
): string {
  const p = (v: unknown): string => {
    params.push(v);
    return dialect.placeholder(params);
  };
  if (depth > MAX_FILTER_DEPTH) throw new StoreQueryError(`filter nested deeper than ${MAX_FILTER_DEPTH} groups`);
  if (Array.isArray(group?.nodes) && (budget.nodes += group.nodes.length) > MAX_FILTER_NODES) {
    throw new StoreQueryError(`a filter takes at most ${MAX_FILTER_NODES} conditions and groups`);
  }
  if (group === null || typeof group !== 'object') throw new StoreQueryError('filter group must be an object');
  if (group.type !== 'and' && group.type !== 'or') throw new StoreQueryError(`unknown filter group type: ${String(group.type)}`);
  if (!Array.isArray(group.nodes)) throw new StoreQueryError('filter group nodes must be an array');
  if (group.nodes.length === 0) return dialect.always; // an empty group matches everything

  const parts = group.nodes.map((node) => {
    if (node?.condition && node.group) throw new StoreQueryError('filter node has both a condition and a group');
    if (node?.group) return groupToSql(node.group, columns, params, depth + 1, budget, dialect);
    if (!node?.condition) throw new StoreQueryError('filter node has neither a condition nor a group');
    const { key, operator } = node.condition;
    const values = node.condition.values ?? [];
    const column = columns.get(key);
    if (!column) throw new StoreQueryError(`unknown filter key: ${String(key)}`);
    const arity = OPERATOR_ARITY[operator as FilterOperator];
    if (arity === undefined) throw new StoreQueryError(`unknown filter operator: ${String(operator)}`);
    if (!Array.isArray(values) || values.some((v) => typeof v !== 'string')) throw new StoreQueryError(`filter values for ${key} must be strings`);
    const [min, max] = typeof arity === 'number' ? [arity, arity] : arity;
    // Silently ignoring extra values would answer a different question than the one asked.
    if (values.length < min || values.length > max) throw new StoreQueryError(`operator ${operator} takes ${min === max ? min : `${min}-${max}`} values, got ${values.length}`);
    if (params.length + values.length > MAX_FILTER_VALUES) throw new StoreQueryError(`a filter takes at most ${MAX_FILTER_VALUES} values`);
    switch (operator as FilterOperator) {
      case 'between': case 'notBetween':
        return `${column} ${operator === 'between' ? '' : 'NOT '}BETWEEN ${p(values[0])} AND ${p(values[1])}`;
      case 'like': case 'notLike':
        return `${operator === 'like' ? '' : 'NOT '}(${column} ${dialect.like} ${p(likePattern(values[0]))} ESCAPE '\\')`;
      case 'in':
        return `${column} IN (${values.map((v) => p(v)).join(', ')})`;
      case 'isNull': return `${column} IS NULL`;
      case 'isNotNull': return `${column} IS NOT NULL`;
      case 'isBlank': return `(${column} IS NULL OR ${column} = '')`;
      case 'notIsBlank': return `(${column} IS NOT NULL AND ${column} <> '')`;
      case 'isTrue': return `${column} = 1`;
      case 'isFalse': return `${column} = 0`;
      default:
        return `${column} ${COMPARISONS[operator as FilterOperator]} ${p(values[0])}`;
    }
  });
  return `(${parts.join(group.type === 'and' ? ' AND ' : ' OR ')})`;
}
