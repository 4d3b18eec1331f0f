/**
 * The portal lists (GetPortalTemplates, GetPortalTemplateLibraries, GetPortalTemplateGroups,
 * GetPortalForms), derived from the regular collections: the portal's content is the project's
 * templates of type `portal`, each naming its connector (`portalContent.connector`) and the portal
 * templates it offers with their library and group (`portalContent.templates[]`). The templates,
 * libraries and groups are the distinct `template`, `library` and `group` references of those
 * entries; the forms are the `form` of each data set with form content (`content.formContent`),
 * with `connectorid` those whose library is one of that connector's portal libraries. `connectorid`
 * keeps the portal templates of that connector; one that names no connector is a 400 naming it.
 * Paged, sorted and filtered by the shared list query (`id`, `displayName`).
 */
import type { Handlers, RequestContext } from '../../handler-contract/handler-types.js';
import { invalidField } from '../../handler-contract/problem.js';
import { ResourceError } from '../../engine/resources/resource-engine.js';
import type { Services } from '../../handler-contract/services.js';
import { pageOfRows, type ListSpec } from '../list-query/list-query.js';
import type { components } from '../../../generated/openapi-types.js';

type IdWithName = components['schemas']['IdWithName'];
type Obj = Record<string, unknown>;
type PortalOperation = 'GetPortalForms' | 'GetPortalTemplateGroups' | 'GetPortalTemplateLibraries' | 'GetPortalTemplates';

const PORTAL_LIST: ListSpec<'id' | 'displayName'> = {
  filter: { id: { kind: 'text' }, displayName: { kind: 'text' } },
  sort: ['id', 'displayName'],
  defaultSort: { field: 'displayName', direction: 'asc' },
};

/** Every object of a collection (the portal lists are derived in memory from all of them). */
const ALL = 100_000;

const isObj = (v: unknown): v is Obj => typeof v === 'object' && v !== null && !Array.isArray(v);
const asRef = (v: unknown): IdWithName | undefined => (isObj(v) && typeof v.id === 'string' && v.id !== '' ? (v as unknown as IdWithName) : undefined);

/** The portal entries (template, library, group) of the portal templates, of one connector when given. */
async function portalEntries(services: Services, connectorId: string | undefined): Promise<Obj[]> {
  const engine = services.resources;
  if (connectorId !== undefined) {
    try {
      await engine.get(engine.collection('connectors'), connectorId);
    } catch (err) {
      if (err instanceof ResourceError && err.kind === 'notFound') throw invalidField('query', '/connectorid', 'exists', `no connector ${connectorId.slice(0, 100)}`);
      throw err;
    }
  }
  const page = await engine.list(engine.collection('templates'), {
    filter: { type: 'and', nodes: [{ condition: { key: 'type', operator: 'equalTo', values: ['portal'] } }] }, page: 0, size: ALL,
  });
  return page.content.flatMap((v) => {
    const content = v.record.body.portalContent;
    if (!isObj(content)) return [];
    if (connectorId !== undefined && asRef(content.connector)?.id !== connectorId) return [];
    return Array.isArray(content.templates) ? content.templates.filter(isObj) : [];
  });
}

/** The distinct references (by id, the first's name) in the order met, with the given object type. */
function distinct(refs: Array<IdWithName | undefined>, type: IdWithName['type']): IdWithName[] {
  const out = new Map<string, IdWithName>();
  for (const r of refs) if (r && !out.has(r.id)) out.set(r.id, { id: r.id, ...(r.displayName !== undefined ? { displayName: r.displayName } : {}), ...(type ? { type } : {}) });
  return [...out.values()];
}

function listOf(field: 'template' | 'library' | 'group', type: IdWithName['type']) {
  return async (ctx: RequestContext<PortalOperation>) => {
    const { connectorid, ...query } = ctx.query;
    const entries = await portalEntries(ctx.services, connectorid);
    return { status: 200 as const, body: pageOfRows(distinct(entries.map((e) => asRef(e[field])), type), PORTAL_LIST, query) };
  };
}

export const portalHandlers: Pick<Handlers, PortalOperation> = {
  GetPortalTemplates: listOf('template', 'portalTemplate'),
  GetPortalTemplateLibraries: listOf('library', 'portalLibrary'),
  GetPortalTemplateGroups: listOf('group', 'portalGroup'),

  async GetPortalForms(ctx) {
    const { connectorid, ...query } = ctx.query;
    const engine = ctx.services.resources;
    const libraries = connectorid !== undefined
      ? new Set((await portalEntries(ctx.services, connectorid)).map((e) => asRef(e.library)?.id).filter((id) => id !== undefined))
      : undefined;
    const datasets = await engine.list(engine.collection('datasets'), { page: 0, size: ALL });
    const forms = datasets.content.flatMap((v) => {
      const content = v.record.body.content;
      if (!isObj(content) || content.type !== 'form' || !isObj(content.formContent)) return [];
      const form = asRef(content.formContent.form);
      if (!form) return [];
      if (libraries && !libraries.has(asRef(content.formContent.library)?.id ?? '')) return [];
      return [form];
    });
    return { status: 200, body: pageOfRows(distinct(forms, undefined), PORTAL_LIST, query) };
  },
};
