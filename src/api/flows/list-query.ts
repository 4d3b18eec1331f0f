/**
 * GetFlows paging, sorting and filtering, kept in one place so a shared list-query helper can
 * replace it: `page` (0-based), `size`, `sort` (`property,asc|desc`), `filter`
 * (`property:value,...`, each property containing the value, case-insensitive).
 */
import { invalidField } from '../../handler-contract/problem.js';
import type { components } from '../../../generated/openapi-types.js';

type Flow = components['schemas']['Flow'];

const FILTERABLE: Record<string, (f: Flow) => string | undefined> = {
  displayName: (f) => f.displayName,
  description: (f) => f.description,
  id: (f) => f.id,
  type: (f) => f.type,
  'input.type': (f) => f.input?.type,
};
const SORTABLE = ['displayName', 'id', 'type', 'createdAt', 'modifiedAt'] as const;

export interface FlowListQuery { page?: number; size?: number; sort?: string; filter?: string }

/** Parses `property:value,property:value`; a value may contain ':' after the first one. */
function parseFilter(filter: string): Array<[string, string]> {
  return filter.split(',').filter((part) => part.trim() !== '').map((part) => {
    const at = part.indexOf(':');
    const key = (at < 0 ? part : part.slice(0, at)).trim();
    if (at < 0 || !(key in FILTERABLE)) {
      throw invalidField('query', '/filter', 'filter', `"${part}" is not property:value with a property of ${Object.keys(FILTERABLE).join(', ')}`);
    }
    return [key, part.slice(at + 1).trim().toLowerCase()];
  });
}

export function listFlows(flows: Flow[], q: FlowListQuery): Flow[] {
  const page = q.page ?? 0;
  const size = q.size ?? 20;
  const conditions = q.filter ? parseFilter(q.filter) : [];
  const [property, direction] = (q.sort ?? 'displayName,asc').split(',') as [(typeof SORTABLE)[number], string | undefined];
  const sign = direction === 'desc' ? -1 : 1;
  return flows
    .filter((f) => conditions.every(([key, value]) => (FILTERABLE[key](f) ?? '').toLowerCase().includes(value)))
    .sort((a, b) => sign * (String(a[property] ?? '').localeCompare(String(b[property] ?? '')) || a.id!.localeCompare(b.id!)))
    .slice(page * size, page * size + size);
}
