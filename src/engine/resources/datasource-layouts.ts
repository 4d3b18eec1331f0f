/**
 * The data source types flowmock knows (GetDatasourceTypes, GetDatasourceType: a documented
 * catalogue, flowmock's choice) and a data source's layout derived from its own configuration
 * (GetDatasourceLayout, GetDatasourceEntityLayout): flowmock connects to nothing, so the entities
 * and fields are those the data source's properties name. Properties every type reads:
 * `entity` (the primary entity), `fields` (its fields, comma-separated; the type's default when
 * absent) and `lookups` (`field:entity,...`: fields that point at another entity; a bare `field`
 * points at the entity of that name). The full layout adds each looked-up entity (fields: the
 * type's defaults). No HTTP: it throws ResourceError.
 */
import { ResourceError } from './resource-engine.js';

type Obj = Record<string, unknown>;
const isObj = (v: unknown): v is Obj => typeof v === 'object' && v !== null && !Array.isArray(v);

export interface DatasourceTypeProperty { displayName: string; description: string; type: 'string'; default?: string; required: boolean }
export interface DatasourceTypeDef {
  id: string;
  displayName: string;
  description: string;
  connectorType: { id: string; displayName: string; type: 'connectorType' };
  javaType: string;
  properties: Record<string, DatasourceTypeProperty>;
}

const props = (entityHelp: string, defaultFields: string): Record<string, DatasourceTypeProperty> => ({
  entity: { displayName: 'Entity', description: entityHelp, type: 'string', required: true },
  fields: { displayName: 'Fields', description: 'The entity\'s fields, comma-separated.', type: 'string', default: defaultFields, required: false },
  lookups: { displayName: 'Lookups', description: 'Fields that point at another entity: field:entity, comma-separated (a bare field points at the entity of its name).', type: 'string', default: '', required: false },
});

export const DATASOURCE_TYPES: readonly DatasourceTypeDef[] = [
  {
    id: 'dynamics-entity', displayName: 'Dynamics 365 table', description: 'Rows of one Dynamics 365 table through the Web API.',
    connectorType: { id: 'dynamics', displayName: 'Microsoft Dynamics 365', type: 'connectorType' },
    javaType: 'com.invenso.xperido.datasource.dynamics.DynamicsEntityDatasource',
    properties: props('The table\'s logical name (account, contact).', 'name,createdon'),
  },
  {
    id: 'rest-entity', displayName: 'REST entity', description: 'Records of one resource of a REST API (JSON over HTTP).',
    connectorType: { id: 'rest', displayName: 'REST', type: 'connectorType' },
    javaType: 'com.invenso.xperido.datasource.rest.RestEntityDatasource',
    properties: props('The resource\'s name (account, order).', 'id,name'),
  },
  {
    id: 'salesforce-object', displayName: 'Salesforce object', description: 'Records of one Salesforce object through its REST API.',
    connectorType: { id: 'salesforce', displayName: 'Salesforce', type: 'connectorType' },
    javaType: 'com.invenso.xperido.datasource.salesforce.SalesforceObjectDatasource',
    properties: props('The object\'s API name (Account, Contact).', 'Id,Name'),
  },
];

/** The layout fields when neither the data source nor its type names any. */
const FALLBACK_FIELDS = 'id,name';

export function datasourceType(id: string): DatasourceTypeDef {
  const t = DATASOURCE_TYPES.find((x) => x.id === id);
  if (!t) throw new ResourceError('notFound', `No datasource type ${id}; the types: ${DATASOURCE_TYPES.map((x) => x.id).join(', ')}.`);
  return t;
}

/** The vendor's EntityDefinition (what flowmock fills of it). */
export interface EntityDefinitionView {
  name: string; displayName: string; schemaName: string; description: string; canBePrimary: boolean;
  fields: Array<{ name: string; displayName: string }>;
  lookups: Array<{ name: string; displayName: string; to: string[] }>;
  relationships: never[];
}

export interface DatasourceLayoutView {
  type: 'relational';
  datasourceType?: { id: string; displayName: string };
  entities: EntityDefinitionView[];
}

const list = (v: unknown): string[] => (typeof v === 'string' ? v.split(',').map((x) => x.trim()).filter(Boolean) : []);
const title = (name: string) => name.replace(/[_-]+/g, ' ').replace(/([a-z])([A-Z])/g, '$1 $2').replace(/^./, (c) => c.toUpperCase());

function entity(name: string, fields: string[], lookups: Array<[string, string]>, primary: boolean, from: string): EntityDefinitionView {
  return {
    name, displayName: title(name), schemaName: name,
    description: primary ? `The entity of data source ${from}.` : `An entity a lookup of data source ${from} points at.`,
    canBePrimary: primary,
    fields: [...new Set([...fields, ...lookups.map(([f]) => f)])].map((f) => ({ name: f, displayName: title(f) })),
    lookups: lookups.map(([f, to]) => ({ name: f, displayName: title(f), to: [to] })),
    relationships: [],
  };
}

/** A data source's layout from its configuration: its entity, and with `full` the entities its lookups point at. */
export function datasourceLayout(datasource: { id: string; body: Obj }, full: boolean): DatasourceLayoutView {
  const props = isObj(datasource.body.properties) ? datasource.body.properties : {};
  const typeRef = isObj(datasource.body.datasourceType) ? datasource.body.datasourceType : null;
  const type = typeRef && typeof typeRef.id === 'string' ? DATASOURCE_TYPES.find((t) => t.id === typeRef.id) : undefined;
  const defaults = list(type?.properties.fields.default ?? FALLBACK_FIELDS);
  const view: DatasourceLayoutView = {
    type: 'relational',
    ...(typeRef && typeof typeRef.id === 'string' ? { datasourceType: { id: typeRef.id, displayName: type?.displayName ?? String(typeRef.displayName ?? typeRef.id) } } : {}),
    entities: [],
  };
  const name = typeof props.entity === 'string' ? props.entity.trim() : '';
  if (!name) return view;
  const fields = list(props.fields);
  const lookups = list(props.lookups).map((l): [string, string] => {
    const at = l.indexOf(':');
    return at < 0 ? [l, l] : [l.slice(0, at).trim(), l.slice(at + 1).trim() || l.slice(0, at).trim()];
  });
  view.entities.push(entity(name, fields.length ? fields : defaults, lookups, true, datasource.id));
  if (full) {
    for (const to of [...new Set(lookups.map(([, t]) => t))].filter((t) => t !== name)) view.entities.push(entity(to, defaults, [], false, datasource.id));
  }
  return view;
}

/** One entity of the full layout; 404 naming the entities there are. */
export function datasourceEntityLayout(datasource: { id: string; body: Obj }, entityName: string): EntityDefinitionView {
  const all = datasourceLayout(datasource, true).entities;
  const found = all.find((e) => e.name === entityName);
  if (!found) {
    throw new ResourceError('notFound', `Data source ${datasource.id} has no entity ${entityName}${all.length ? `; its entities: ${all.map((e) => e.name).join(', ')}` : ' (its properties name no entity)'}.`);
  }
  return found;
}
