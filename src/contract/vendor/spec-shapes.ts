/**
 * Reads an OpenAPI 3.1 document the way a client generator would see it: `$ref`s followed, `allOf`
 * merged, `null` alternatives (nullable) dropped, so that two schemas can be compared by shape
 * whatever their component names (or none, when inline).
 */
export type Json = Record<string, unknown>;

export type SpecShape =
  | { kind: 'any' }
  | { kind: 'primitive'; type: 'string' | 'integer' | 'number' | 'boolean'; format?: string; enum?: unknown[] }
  | { kind: 'array'; items: Json | undefined }
  | { kind: 'object'; properties: Record<string, Json>; additionalProperties: Json | boolean | undefined }
  | { kind: 'union'; options: Json[] }
  | { kind: 'null' };

const isObj = (v: unknown): v is Json => typeof v === 'object' && v !== null && !Array.isArray(v);

/** Follows a local `$ref` (`#/components/...`); throws on a ref that points nowhere. */
export function resolveRef<T = Json>(doc: Json, value: unknown): T {
  let cur = value;
  const seen = new Set<string>();
  while (isObj(cur) && typeof cur.$ref === 'string') {
    const ref = cur.$ref;
    if (!ref.startsWith('#/')) throw new Error(`only local refs are supported: ${ref}`);
    if (seen.has(ref)) throw new Error(`ref cycle at ${ref}`);
    seen.add(ref);
    let target: unknown = doc;
    for (const seg of ref.slice(2).split('/')) {
      const key = seg.replace(/~1/g, '/').replace(/~0/g, '~');
      target = isObj(target) ? target[key] : undefined;
    }
    if (target === undefined) throw new Error(`unresolved ref ${ref}`);
    cur = target;
  }
  return cur as T;
}

/** The component name a schema points to, if it is a `$ref` to `#/components/schemas/<name>`. */
export function refName(schema: unknown): string | undefined {
  if (isObj(schema) && typeof schema.$ref === 'string') {
    const m = /^#\/components\/schemas\/([^/]+)$/.exec(schema.$ref);
    return m?.[1];
  }
  return undefined;
}

/** The shape of a schema (refs followed, allOf merged, nullable collapsed). */
export function shapeOf(doc: Json, schema: unknown): SpecShape {
  const s = resolveRef(doc, schema);
  if (!isObj(s) || Object.keys(s).filter((k) => !ANNOTATIONS.has(k)).length === 0) return { kind: 'any' };
  if (Array.isArray(s.allOf)) return shapeOf(doc, mergeAllOf(doc, s));
  for (const key of ['oneOf', 'anyOf'] as const) {
    const alts = s[key];
    if (Array.isArray(alts)) {
      const nonNull = alts.filter((a) => shapeOf(doc, a).kind !== 'null') as Json[];
      if (nonNull.length === 1) return shapeOf(doc, nonNull[0]);
      if (nonNull.length === 0) return { kind: 'null' };
      return { kind: 'union', options: nonNull };
    }
  }
  if ('const' in s) return { kind: 'primitive', type: typeOfValue(s.const), enum: [s.const] };
  let type = s.type;
  if (Array.isArray(type)) {
    const nonNull = type.filter((t) => t !== 'null');
    if (nonNull.length === 0) return { kind: 'null' };
    if (nonNull.length > 1) return { kind: 'union', options: nonNull.map((t) => ({ ...s, type: t })) };
    type = nonNull[0];
  }
  if (type === 'null') return { kind: 'null' };
  if (type === undefined) {
    if (isObj(s.properties) || 'additionalProperties' in s) type = 'object';
    else if ('items' in s) type = 'array';
    else if (Array.isArray(s.enum)) type = typeOfValue(s.enum.find((v) => v !== null));
    else return { kind: 'any' };
  }
  switch (type) {
    case 'array':
      return { kind: 'array', items: isObj(s.items) ? s.items : undefined };
    case 'object':
      return {
        kind: 'object',
        properties: (isObj(s.properties) ? s.properties : {}) as Record<string, Json>,
        additionalProperties: s.additionalProperties as Json | boolean | undefined,
      };
    case 'string': case 'integer': case 'number': case 'boolean':
      return {
        kind: 'primitive', type,
        ...(typeof s.format === 'string' ? { format: s.format } : {}),
        ...(Array.isArray(s.enum) ? { enum: s.enum.filter((v) => v !== null) } : {}),
      };
    default:
      return { kind: 'any' };
  }
}

const ANNOTATIONS = new Set(['description', 'title', 'example', 'examples', 'deprecated', 'readOnly', 'writeOnly', 'default', '$comment', 'externalDocs']);

function typeOfValue(v: unknown): 'string' | 'integer' | 'number' | 'boolean' {
  if (typeof v === 'boolean') return 'boolean';
  if (typeof v === 'number') return Number.isInteger(v) ? 'integer' : 'number';
  return 'string';
}

function mergeAllOf(doc: Json, s: Json): Json {
  const { allOf, ...rest } = s;
  const merged: Json = { ...rest };
  const props: Record<string, Json> = { ...((isObj(rest.properties) ? rest.properties : {}) as Record<string, Json>) };
  for (const part of allOf as unknown[]) {
    let p = resolveRef<Json>(doc, part);
    if (isObj(p) && Array.isArray(p.allOf)) p = mergeAllOf(doc, p);
    if (!isObj(p)) continue;
    if (isObj(p.properties)) Object.assign(props, p.properties);
    for (const [k, v] of Object.entries(p)) if (k !== 'properties' && !(k in merged)) merged[k] = v;
  }
  if (Object.keys(props).length) merged.properties = props;
  return merged;
}

export const HTTP_METHODS = ['get', 'put', 'post', 'delete', 'head', 'patch', 'options'] as const;

export interface SpecOperation {
  method: string; // upper case
  path: string;
  operationId?: string;
  op: Json;
  parameters: Json[]; // resolved, path-level and operation-level merged
}

/** Every operation of the document, with its parameters resolved. */
export function specOperations(doc: Json): SpecOperation[] {
  const out: SpecOperation[] = [];
  for (const [p, item] of Object.entries((doc.paths ?? {}) as Record<string, Json>)) {
    const pathItem = resolveRef<Json>(doc, item);
    const shared = ((pathItem.parameters ?? []) as unknown[]).map((x) => resolveRef<Json>(doc, x));
    for (const m of HTTP_METHODS) {
      const op = pathItem[m];
      if (!isObj(op)) continue;
      const own = ((op.parameters ?? []) as unknown[]).map((x) => resolveRef<Json>(doc, x));
      const params = [...shared.filter((s) => !own.some((o) => o.name === s.name && o.in === s.in)), ...own];
      out.push({ method: m.toUpperCase(), path: p, operationId: op.operationId as string | undefined, op, parameters: params });
    }
  }
  return out;
}

export const isJsonMediaType = (mt: string): boolean => /^application\/(.+\+)?json(;|$)/i.test(mt.trim());

/** A path template with its parameter names blanked, to match `/a/{x}` and `/a/{y}`. */
export const pathSkeleton = (p: string): string => p.replace(/\{[^}]+\}/g, '{}');
