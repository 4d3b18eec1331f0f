/**
 * The bundled spec (generated/openapi.json) as the server uses it: one entry per operation with
 * its parameters, request body and responses resolved (schemas stay `$ref`s for Ajv).
 */
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { PACKAGE_ROOT } from '../package-root.js';
import { permissionFor, type ResourceAction, type ResourceCollection } from '../engine/resources/collections.js';

export type Json = null | boolean | number | string | Json[] | { [k: string]: Json };
type Obj = Record<string, any>;

export const HTTP_METHODS = ['get', 'put', 'post', 'delete', 'patch', 'head', 'options', 'trace'] as const;

export interface ParameterSpec {
  name: string;
  in: 'path' | 'query' | 'header' | 'cookie';
  required: boolean;
  schema: Obj;            // may be or contain a $ref into the document
  schemaPointer: string;  // JSON pointer of the schema in the document, for Ajv $ref
}

export interface MediaSpec { mediaType: string; schemaPointer: string | null }

export interface ResponseSpec {
  status: string;         // '200', '404', ...
  media: MediaSpec[];     // empty: no body
  headers: string[];      // lower-case names
}

export interface OperationSpec {
  operationId: string;
  method: string;         // upper-case
  path: string;           // template, e.g. /api/v1/flows/executions/{execution}
  parameters: ParameterSpec[];
  requestBody: { required: boolean; media: MediaSpec[] } | null;
  responses: Map<string, ResponseSpec>;
  /** Alternatives of the security requirement; an empty object means anonymous is allowed. */
  security: Array<Record<string, string[]>>;
  permission: string | null;  // x-flowmock-permission
}

export const GENERATED_DIR = path.join(PACKAGE_ROOT, 'generated');

let cached: Obj | null = null;
/** The bundled document, read once per process. */
export function loadBundledSpec(): Obj {
  cached ??= JSON.parse(readFileSync(path.join(GENERATED_DIR, 'openapi.json'), 'utf8')) as Obj;
  return cached;
}

const escapePointer = (s: string): string => s.replace(/~/g, '~0').replace(/\//g, '~1');

/** Follows a local `$ref` chain (non-schema objects: parameters, responses, request bodies). */
function deref(doc: Obj, value: Obj, pointer: string): { value: Obj; pointer: string } {
  let v = value;
  let p = pointer;
  for (let i = 0; i < 20 && v && typeof v.$ref === 'string'; i++) {
    const ref: string = v.$ref;
    if (!ref.startsWith('#/')) throw new Error(`Only local $refs are supported in the bundle: ${ref}`);
    p = ref.slice(1);
    v = ref.slice(2).split('/').map((s) => s.replace(/~1/g, '/').replace(/~0/g, '~'))
      .reduce<any>((acc, key) => acc?.[key], doc);
    if (v === undefined) throw new Error(`Unresolvable $ref ${ref}`);
  }
  return { value: v, pointer: p };
}

function mediaOf(doc: Obj, content: Obj | undefined, pointer: string): MediaSpec[] {
  if (!content) return [];
  return Object.entries(content).map(([mediaType, m]) => ({
    mediaType,
    schemaPointer: (m as Obj)?.schema ? `${pointer}/content/${escapePointer(mediaType)}/schema` : null,
  }));
}

export function listOperations(doc: Obj = loadBundledSpec()): OperationSpec[] {
  const ops: OperationSpec[] = [];
  for (const [p, rawItem] of Object.entries<Obj>(doc.paths ?? {})) {
    const itemPtr = `/paths/${escapePointer(p)}`;
    const { value: item, pointer: itemPointer } = deref(doc, rawItem, itemPtr);
    for (const method of HTTP_METHODS) {
      const op = item[method] as Obj | undefined;
      if (!op) continue;
      const opPtr = `${itemPointer}/${method}`;
      const params = new Map<string, ParameterSpec>();
      const addParams = (list: Obj[] | undefined, base: string) => {
        (list ?? []).forEach((raw, i) => {
          const { value: prm, pointer } = deref(doc, raw, `${base}/parameters/${i}`);
          params.set(`${prm.in}:${prm.name}`, {
            name: prm.name, in: prm.in, required: prm.required === true,
            schema: prm.schema ?? {}, schemaPointer: `${pointer}/schema`,
          });
        });
      };
      addParams(item.parameters, itemPointer);
      addParams(op.parameters, opPtr); // operation-level parameters override path-level ones
      let requestBody: OperationSpec['requestBody'] = null;
      if (op.requestBody) {
        const { value: rb, pointer } = deref(doc, op.requestBody, `${opPtr}/requestBody`);
        requestBody = { required: rb.required === true, media: mediaOf(doc, rb.content, pointer) };
      }
      const responses = new Map<string, ResponseSpec>();
      for (const [status, raw] of Object.entries<Obj>(op.responses ?? {})) {
        const { value: r, pointer } = deref(doc, raw, `${opPtr}/responses/${status}`);
        responses.set(status, {
          status,
          media: mediaOf(doc, r.content, pointer),
          headers: Object.keys(r.headers ?? {}).map((h) => h.toLowerCase()),
        });
      }
      ops.push({
        operationId: op.operationId,
        method: method.toUpperCase(),
        path: p,
        parameters: [...params.values()],
        requestBody,
        responses,
        security: op.security ?? doc.security ?? [],
        permission: typeof op['x-flowmock-permission'] === 'string' ? op['x-flowmock-permission'] : resourcePermission(doc, op),
      });
    }
  }
  return ops;
}

/** An operation bound to the resource engine needs its collection's permission for the action (x-flowmock-resources). */
function resourcePermission(doc: Obj, op: Obj): string | null {
  const binding = op['x-flowmock-resource'] as { collection?: string; action?: string } | undefined;
  const collection = binding?.collection ? doc.components?.['x-flowmock-resources']?.[binding.collection] : undefined;
  if (!collection?.permissions) return null;
  return permissionFor({ permissions: collection.permissions } as ResourceCollection, binding!.action as ResourceAction);
}
