/**
 * The SQL of the user list (users.query), one translation for both backends: the list's
 * properties (the vendor's User field names) as column expressions, the filter through the one
 * filter translation (filter-sql.ts), a deterministic sort (the field, then id in the same
 * direction). Only the fixed expressions here reach the SQL; every value is a bound parameter.
 */
import { groupToSql, type FilterDialect, StoreQueryError } from './filter-sql.js';
import type { UserQuery } from './types.js';

/** The user list's properties (see USER_LIST in src/api/users) as SQL over the users table. */
export const USER_COLUMNS: ReadonlyMap<string, string> = new Map([
  ['id', 'id'], ['userName', 'username'], ['displayName', 'display_name'], ['firstName', 'first_name'],
  ['lastName', 'last_name'], ['emailAddress', "COALESCE(email, '')"], ['description', "COALESCE(description, '')"],
  ['active', 'enabled'], ['createdAt', 'created_at'], ['modifiedAt', 'COALESCE(modified_at, created_at)'], ['lastLogin', 'last_login'],
]);
export const USER_SORT_FIELDS = ['userName', 'displayName', 'firstName', 'lastName', 'emailAddress', 'createdAt', 'modifiedAt', 'lastLogin', 'id'] as const;

/** WHERE (with its parameters), ORDER BY and the paging of a user query; throws StoreQueryError on what the API layer should have refused. */
export function userQuerySql(q: UserQuery, dialect: FilterDialect): { where: string; orderBy: string; params: unknown[] } {
  if (!Number.isInteger(q.page) || q.page < 0) throw new StoreQueryError(`page must be an integer >= 0, got ${q.page}`);
  if (!Number.isInteger(q.size) || q.size < 1) throw new StoreQueryError(`size must be an integer >= 1, got ${q.size}`);
  const column = (USER_SORT_FIELDS as readonly string[]).includes(q.sort?.field) ? USER_COLUMNS.get(q.sort.field) : undefined;
  if (!column) throw new StoreQueryError(`unknown sort field: ${String(q.sort?.field)}`);
  const dir = q.sort.direction === 'asc' ? 'ASC' : q.sort.direction === 'desc' ? 'DESC' : null;
  if (!dir) throw new StoreQueryError(`unknown sort direction: ${String(q.sort.direction)}`);
  const params: unknown[] = [];
  const where = q.filter ? groupToSql(q.filter, USER_COLUMNS, params, 0, { nodes: 0 }, dialect) : dialect.always;
  // Nulls (a user who never logged in) sort last ascending on both backends.
  return { where, orderBy: `(${column}) IS NULL ${dir}, ${column} ${dir}, id ${dir}`, params };
}
