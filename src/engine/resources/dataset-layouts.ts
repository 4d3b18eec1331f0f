/**
 * A data set's layout derived from its definition (GetDatasetLayout, GetDatasetEntityReferences):
 * the entities its definition names (`layout`, and `content.standardContent.entities`, as the
 * vendor's EntityReference) and those of its data sources (each data source's full layout,
 * datasource-layouts.ts), merged by name, the first naming winning. The primary entity is the one
 * the content names (`primaryEntity` of the content of its type), else the first data source's,
 * else the first entity. No HTTP: it throws ResourceError.
 */
import type { ResourceRecord } from '../../store/types.js';
import { ResourceError } from './resource-engine.js';
import { datasourceLayout, type EntityDefinitionView } from './datasource-layouts.js';

type Obj = Record<string, unknown>;
const isObj = (v: unknown): v is Obj => typeof v === 'object' && v !== null && !Array.isArray(v);
const arr = (v: unknown): unknown[] => (Array.isArray(v) ? v : []);
const str = (v: unknown): string | undefined => (typeof v === 'string' && v !== '' ? v : undefined);

/** The vendor's EntityReference as an EntityDefinition. */
function fromReference(ref: Obj, primary: boolean): EntityDefinitionView | null {
  const name = str(ref.name);
  if (!name) return null;
  return {
    name, displayName: str(ref.displayName) ?? name, schemaName: name,
    description: 'An entity the data set\'s definition names.', canBePrimary: primary,
    fields: arr(ref.fields).filter(isObj).flatMap((f) => (str(f.name) ? [{ name: f.name as string, displayName: str(f.displayName) ?? f.name as string }] : [])),
    lookups: arr(ref.lookups).filter(isObj).flatMap((l) => (str(l.name)
      ? [{ name: l.name as string, displayName: str(l.displayName) ?? l.name as string, to: arr(l.relatedEntities).filter((x): x is string => typeof x === 'string') }] : [])),
    relationships: [],
  };
}

/** The primary entity a data set's content names (the content of its type, else any). */
function contentPrimary(dataset: Obj): string | undefined {
  const content = isObj(dataset.content) ? dataset.content : {};
  const own = typeof content.type === 'string' ? content[`${content.type}Content`] : undefined;
  if (isObj(own) && str(own.primaryEntity)) return own.primaryEntity as string;
  for (const v of Object.values(content)) if (isObj(v) && str(v.primaryEntity)) return v.primaryEntity as string;
  return undefined;
}

/**
 * The entities of a data set definition. `datasource(id)` answers a data source's record or null:
 * a data source that does not exist is a 400 naming the field (rule reference).
 */
export async function datasetLayout(dataset: Obj, primaryOnly: boolean, datasource: (id: string) => Promise<ResourceRecord | null>): Promise<EntityDefinitionView[]> {
  const named = contentPrimary(dataset);
  const byName = new Map<string, EntityDefinitionView>();
  const add = (e: EntityDefinitionView | null) => { if (e && !byName.has(e.name)) byName.set(e.name, e); };
  const standard = isObj(dataset.content) && isObj(dataset.content.standardContent) ? dataset.content.standardContent : {};
  for (const r of [...arr(dataset.layout), ...arr(standard.entities)]) if (isObj(r)) add(fromReference(r, false));
  let firstSourcePrimary: string | undefined;
  const problems: Array<{ in: 'body'; pointer: string; rule: string; message: string }> = [];
  for (const [i, ref] of arr(dataset.datasources).entries()) {
    const id = isObj(ref) ? str(ref.id) : undefined;
    if (!id) continue;
    const rec = await datasource(id);
    if (!rec) { problems.push({ in: 'body', pointer: `/datasources/${i}/id`, rule: 'reference', message: `no datasource ${id}` }); continue; }
    const entities = datasourceLayout(rec, true).entities;
    firstSourcePrimary ??= entities.find((e) => e.canBePrimary)?.name;
    for (const e of entities) add(e);
  }
  if (problems.length) throw new ResourceError('invalid', problems.map((p) => `body ${p.pointer}: ${p.message}`).join('; '), problems);
  // A primary entity the content names but nothing defines: an entity without fields yet.
  if (named && !byName.has(named)) add({ name: named, displayName: named, schemaName: named, description: 'The primary entity the data set\'s content names.', canBePrimary: true, fields: [], lookups: [], relationships: [] });
  const all = [...byName.values()];
  const primary = named ?? firstSourcePrimary ?? all[0]?.name;
  const out = all.map((e) => ({ ...e, canBePrimary: e.name === primary }));
  if (primaryOnly) return out.filter((e) => e.name === primary);
  return out;
}
