/**
 * The regular collections as the spec declares them (`components.x-flowmock-resources`): for each
 * collection its model, its vendor object type, its permissions, its list properties, the fields
 * that refer to other collections, its binary content and its seed objects. Parsed once by the
 * composition root from the bundled spec; a declaration that does not fit is an error at start-up
 * (and in the spec test), never at a request.
 */
import type { ResourceProperty } from '../../store/types.js';

export const RESOURCE_ACTIONS = [
  'list', 'filter', 'get', 'create', 'update', 'delete',
  'content-get', 'content-put', 'content-delete', 'history', 'content-language',
  'default-get', 'default-set', 'dependencies',
] as const;
export type ResourceAction = (typeof RESOURCE_ACTIONS)[number];

/** One field that names an object of another collection: `/datasets/*\/id` (`*` any array index). */
export interface ReferenceField { pointer: string; collection: string }

export interface ContentSpec {
  /** `single`: one content (an asset's); `language`: one per language code (a template's). */
  slots: 'single' | 'language';
  /** Fields of the model shown from the newest content (`contentType`, `contentLength`). */
  typeField?: string;
  lengthField?: string;
  /** A field of the create body carrying the first content as base64 (AddAsset's BinaryDataHolder). */
  inlineField?: string;
  /** Dotted path of the list of languages that hold content (`standardContent.supportedLanguages`). */
  languagesField?: string;
  /** Dotted path of the content's URL (`standardContent.link`). */
  linkField?: string;
  /** Where the default language comes from when a request names none: a collection, its flag field and its code field. */
  defaultLanguage?: { collection: string; flag: string; code: string; fallback: string };
}

export interface ResourceCollection {
  /** The key in x-flowmock-resources (`assets`). */
  name: string;
  /** The schema of the model (`Asset`). */
  model: string;
  /** The vendor ObjectType (`asset`). */
  objectType: string;
  /** Base path of the collection (Location of a created object: `<path>/<id>`). */
  path: string;
  permissions: { read: string; write: string; delete: string };
  properties: Readonly<Record<string, ResourceProperty>>;
  defaultSort: { field: string; direction: 'asc' | 'desc' };
  /** Fields a create or update must carry (non-empty), beyond what the body's schema requires. */
  required: string[];
  /** Fields whose value no two objects share (a 409 otherwise). */
  unique: string[];
  /** Fields the server computes: dropped from what a client sends. */
  outputOnly: string[];
  references: ReferenceField[];
  content: ContentSpec | null;
  /** A boolean field at most one object has true (Language.isDefault): the default-get/-set actions. */
  defaultFlag: string | null;
  /** Objects a fresh database holds (each with its `id`). */
  seed: Array<Record<string, unknown>>;
  /** The model's top-level fields: a client's other fields are not kept (the vendor's models are closed). */
  fields: string[];
  /** Which of createdAt, createdBy, modifiedAt, modifiedBy the model shows (ConnectorType: none). */
  serverFields: string[];
}

export interface ResourceBinding {
  collection: string;
  action: ResourceAction;
  /** A list the vendor does not page (GetLanguages): every object, in the default order. */
  paged: boolean;
}

type Obj = Record<string, unknown>;
const isObj = (v: unknown): v is Obj => typeof v === 'object' && v !== null && !Array.isArray(v);
const KINDS = new Set(['text', 'date', 'enum', 'boolean']);
const COMMON_PROPERTIES: Record<string, ResourceProperty> = {
  id: { path: 'id', kind: 'text' }, createdAt: { path: 'createdAt', kind: 'date' }, createdBy: { path: 'createdBy', kind: 'text' },
  modifiedAt: { path: 'modifiedAt', kind: 'date' }, modifiedBy: { path: 'modifiedBy', kind: 'text' },
};

/** Parses `components.x-flowmock-resources` of the bundled spec; throws naming the first problem. */
export function parseResourceCollections(doc: Obj): Map<string, ResourceCollection> {
  const raw = (isObj(doc.components) ? doc.components['x-flowmock-resources'] : undefined) ?? {};
  if (!isObj(raw)) throw new Error('components.x-flowmock-resources must be an object');
  const schemas = isObj(doc.components) && isObj(doc.components.schemas) ? doc.components.schemas : {};
  const out = new Map<string, ResourceCollection>();
  for (const [name, value] of Object.entries(raw)) {
    const where = `x-flowmock-resources.${name}`;
    const fail = (msg: string): never => { throw new Error(`${where}: ${msg}`); };
    if (!isObj(value)) fail('must be an object');
    const v = value as Obj;
    const str = (key: string): string => (typeof v[key] === 'string' && v[key] !== '' ? v[key] as string : fail(`${key} must be a non-empty string`));
    const model = str('model');
    if (!isObj(schemas[model])) fail(`model ${model} is not a schema of the spec`);
    const perms = isObj(v.permissions) ? v.permissions : fail('permissions must be {read, write, delete}');
    const permissions = {
      read: String((perms as Obj).read ?? fail('permissions.read missing')),
      write: String((perms as Obj).write ?? fail('permissions.write missing')),
      delete: String((perms as Obj).delete ?? fail('permissions.delete missing')),
    };
    const properties: Record<string, ResourceProperty> = { ...COMMON_PROPERTIES };
    for (const [prop, kind] of Object.entries(isObj(v.properties) ? v.properties : {})) {
      if (typeof kind !== 'string' || !KINDS.has(kind)) fail(`properties.${prop} must be one of text, date, enum, boolean`);
      properties[prop] = { path: prop, kind: kind as ResourceProperty['kind'] };
    }
    const [sortField, sortDir = 'asc'] = (typeof v.defaultSort === 'string' ? v.defaultSort : 'displayName,asc').split(',');
    if (!Object.hasOwn(properties, sortField) || (sortDir !== 'asc' && sortDir !== 'desc')) fail(`defaultSort ${String(v.defaultSort)} names no property`);
    const strings = (key: string): string[] => {
      const list = v[key] ?? [];
      if (!Array.isArray(list) || list.some((x) => typeof x !== 'string')) fail(`${key} must be a list of strings`);
      return list as string[];
    };
    const references = ((v.references ?? []) as unknown[]).map((r, i) => {
      if (!isObj(r) || typeof r.pointer !== 'string' || !r.pointer.startsWith('/') || typeof r.collection !== 'string') {
        fail(`references[${i}] must be {pointer: /json/pointer, collection}`);
      }
      return { pointer: (r as Obj).pointer as string, collection: (r as Obj).collection as string };
    });
    let content: ContentSpec | null = null;
    if (v.content !== undefined) {
      if (!isObj(v.content) || (v.content.slots !== 'single' && v.content.slots !== 'language')) fail('content.slots must be single or language');
      content = v.content as unknown as ContentSpec;
    }
    const seed = (v.seed ?? []) as unknown[];
    if (!Array.isArray(seed) || seed.some((s) => !isObj(s) || typeof s.id !== 'string')) fail('seed must be a list of objects with an id');
    const modelFields = Object.keys(((schemas[model] as Obj).properties ?? {}) as Obj);
    out.set(name, {
      fields: modelFields,
      serverFields: ['createdAt', 'createdBy', 'modifiedAt', 'modifiedBy'].filter((f) => modelFields.includes(f)),
      name, model, objectType: str('objectType'), path: str('path'), permissions, properties,
      defaultSort: { field: sortField, direction: sortDir as 'asc' | 'desc' },
      required: strings('required'), unique: strings('unique'), outputOnly: strings('outputOnly'), references, content,
      defaultFlag: typeof v.defaultFlag === 'string' ? v.defaultFlag : null,
      seed: seed as Array<Record<string, unknown>>,
    });
  }
  for (const c of out.values()) {
    for (const r of c.references) {
      if (!out.has(r.collection)) throw new Error(`x-flowmock-resources.${c.name}: references name ${r.collection}, which is not a collection`);
    }
    const dl = c.content?.defaultLanguage;
    if (dl && !out.has(dl.collection)) throw new Error(`x-flowmock-resources.${c.name}: content.defaultLanguage names ${dl.collection}, which is not a collection`);
  }
  const types = [...out.values()].map((c) => c.objectType);
  const twice = types.find((t, i) => types.indexOf(t) !== i);
  if (twice) throw new Error(`x-flowmock-resources: object type ${twice} is declared by two collections`);
  return out;
}

/**
 * The operations bound to the resource engine (`x-flowmock-resource: {collection, action}`) by
 * operationId; throws for a binding that names an unknown collection or action.
 */
export function parseResourceBindings(doc: Obj, collections: Map<string, ResourceCollection>): Map<string, ResourceBinding> {
  const out = new Map<string, ResourceBinding>();
  for (const [p, item] of Object.entries(isObj(doc.paths) ? doc.paths : {})) {
    if (!isObj(item)) continue;
    for (const [method, op] of Object.entries(item)) {
      if (!isObj(op) || op['x-flowmock-resource'] === undefined) continue;
      const b = op['x-flowmock-resource'];
      const where = `${method.toUpperCase()} ${p} x-flowmock-resource`;
      if (!isObj(b) || typeof b.action !== 'string' || !(RESOURCE_ACTIONS as readonly string[]).includes(b.action)) {
        throw new Error(`${where}: action must be one of ${RESOURCE_ACTIONS.join(', ')}`);
      }
      const collection = typeof b.collection === 'string' ? b.collection : '';
      if (b.action !== 'dependencies' && !collections.has(collection)) throw new Error(`${where}: collection ${collection} is not declared`);
      if (typeof op.operationId !== 'string') throw new Error(`${where}: the operation has no operationId`);
      out.set(op.operationId, { collection, action: b.action as ResourceAction, paged: b.paged !== false });
    }
  }
  return out;
}

/** The permission an action needs: read for reads, delete for deletes, write for the rest. */
export function permissionFor(c: ResourceCollection, action: ResourceAction): string {
  if (action === 'delete' || action === 'content-delete') return c.permissions.delete;
  if (['list', 'filter', 'get', 'content-get', 'history', 'content-language', 'default-get'].includes(action)) return c.permissions.read;
  return c.permissions.write;
}
