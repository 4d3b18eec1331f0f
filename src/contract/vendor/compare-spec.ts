/**
 * Compares an OpenAPI document with the vendor's Smart Flows contract, operation by operation:
 * method and path, operation name, path and query parameters, request body, list-versus-object
 * answer, security, and every model reachable from the operation (field names, types, enum
 * values), transitively. Schemas are compared by shape, never by component name, so a spec may
 * name or inline its components as it likes.
 */
import {
  describeVendorType, isEnumModel, parseVendorType, propertyType,
  type VendorContract, type VendorOperation, type VendorType,
} from './contract.js';
import {
  isJsonMediaType, pathSkeleton, refName, resolveRef, shapeOf, specOperations,
  type Json, type SpecOperation, type SpecShape,
} from './spec-shapes.js';

export type DifferenceKind =
  | 'operation-missing' // no operation at the vendor's method and path
  | 'operation-id' // the operationId is not the vendor's operation name
  | 'operation-extra' // a spec operation in the vendor's namespace that the vendor does not have
  | 'path-param' // a path parameter named or typed differently
  | 'query-missing' | 'query-extra' | 'query-type' | 'query-required'
  | 'body-missing' | 'body-extra'
  | 'response-missing' // no 2xx answer of the vendor's kind (JSON, binary)
  | 'list-vs-object' // the vendor answers (or takes) a JSON array where the spec has an object, or back
  | 'field-missing' | 'field-extra'
  | 'type' // a value typed differently (including object vs array below the top level)
  | 'enum-missing' | 'enum-extra' // enum values the spec lacks / adds
  | 'security'; // anonymous in one, credentials in the other

export const DIFFERENCE_KINDS: readonly DifferenceKind[] = [
  'operation-missing', 'operation-id', 'operation-extra', 'path-param', 'query-missing', 'query-extra', 'query-type',
  'query-required', 'body-missing', 'body-extra', 'response-missing', 'list-vs-object', 'field-missing', 'field-extra',
  'type', 'enum-missing', 'enum-extra', 'security',
];

export interface VendorDifference {
  /** The vendor's operation name. */
  operation: string;
  method: string;
  path: string;
  kind: DifferenceKind;
  /** The vendor model whose field differs (absent for operation-level differences). */
  model?: string;
  /** The field (of `model`) or parameter name concerned. */
  field?: string;
  /** Where in the operation: `query sort`, `body`, `response 200`, followed by a field path (`[].state.status`). */
  where: string;
  vendor: string;
  spec: string;
}

/**
 * Spec operations under the vendor's prefix (`/api/v1`) that the vendor does not have at that
 * method and path (whatever the operation set: such an operation belongs to no vendor family): an
 * integrator relying on one breaks on the real server. Reported under the spec's operationId.
 */
export function extraOperations(doc: Json, contract: VendorContract): VendorDifference[] {
  const vendor = new Set(contract.operations.map((o) => `${o.method.toUpperCase()} ${o.path}`));
  const vendorSkeletons = new Set(contract.operations.map((o) => `${o.method.toUpperCase()} ${pathSkeleton(o.path)}`));
  const specOps = specOperations(doc);
  const specGets = new Set(specOps.filter((o) => o.method === 'GET').map((o) => o.path));
  return specOps
    .filter((o) => o.path.startsWith('/api/v1/') && !vendor.has(`${o.method} ${o.path}`))
    // HEAD beside a GET is that GET without the body (RFC 9110 9.3.2): every HTTP server answers
    // it, the vendor's too, so declaring it adds nothing the vendor lacks. The GET itself is
    // compared (or reported extra) on its own.
    .filter((o) => !(o.method === 'HEAD' && specGets.has(o.path)))
    // A vendor operation whose path parameters are named differently is reported there (operation-missing).
    .filter((o) => !vendorSkeletons.has(`${o.method} ${pathSkeleton(o.path)}`))
    .map((o) => ({
      operation: o.operationId ?? `${o.method} ${o.path}`, method: o.method, path: o.path, kind: 'operation-extra' as const,
      where: 'operation', vendor: '(no such operation)', spec: `${o.method} ${o.path}`,
    }));
}

/** Informational findings that are not differences (a body component named otherwise than the vendor's model). */
export interface VendorNote { operation: string; where: string; message: string }

export interface OperationComparison {
  operation: VendorOperation;
  specOperation?: SpecOperation;
  differences: VendorDifference[];
  notes: VendorNote[];
}

export function compareSpecWithContract(doc: Json, contract: VendorContract, operations: VendorOperation[]): OperationComparison[] {
  const ops = specOperations(doc);
  return operations.map((op) => compareOperation(doc, contract, op, ops));
}

export function compareOperation(doc: Json, contract: VendorContract, vop: VendorOperation, ops: SpecOperation[] = specOperations(doc)): OperationComparison {
  const differences: VendorDifference[] = [];
  const notes: VendorNote[] = [];
  const base = { operation: vop.operation, method: vop.method, path: vop.path };
  const diff = (d: Omit<VendorDifference, 'operation' | 'method' | 'path'>) => differences.push({ ...base, ...d });

  const method = vop.method.toUpperCase();
  let sop = ops.find((o) => o.method === method && o.path === vop.path);
  if (!sop) {
    const sameSkeleton = ops.find((o) => o.method === method && pathSkeleton(o.path) === pathSkeleton(vop.path));
    const sameId = ops.find((o) => o.operationId === vop.operation);
    const hint = sameSkeleton
      ? `${sameSkeleton.method} ${sameSkeleton.path} (path parameters named differently)`
      : sameId ? `operationId ${vop.operation} is at ${sameId.method} ${sameId.path}` : 'none';
    diff({ kind: 'operation-missing', where: 'operation', vendor: `${method} ${vop.path}`, spec: hint });
    if (!sameSkeleton) return { operation: vop, differences, notes };
    sop = sameSkeleton;
  }
  if (sop.operationId !== vop.operation) {
    diff({ kind: 'operation-id', where: 'operationId', vendor: vop.operation, spec: sop.operationId ?? '(none)' });
  }

  // Path parameters, by position in the template (names differ only when the path differs), then by type.
  const placeholders = (p: string) => [...p.matchAll(/\{([^}]+)\}/g)].map((m) => m[1]);
  const specPathNames = placeholders(sop.path);
  placeholders(vop.path).forEach((vendorName, i) => {
    const name = specPathNames[i];
    if (name !== vendorName) {
      diff({ kind: 'path-param', field: vendorName, where: `path parameter ${i + 1}`, vendor: vendorName, spec: name ?? '(none)' });
      return;
    }
    const vp = vop.pathParams.find((p) => p.name === vendorName);
    if (!vp) return;
    const sp = sop!.parameters.find((p) => p.in === 'path' && p.name === name);
    const want = parseVendorType(contract, vp.type);
    const got = sp ? shapeOf(doc, sp.schema) : { kind: 'any' as const };
    if (want.kind === 'primitive' && !(got.kind === 'primitive' && got.type === want.json)) {
      diff({ kind: 'path-param', field: vp.name, where: `path ${vp.name}`, vendor: describeVendorType(want), spec: describeShape(got) });
    }
  });

  // Query parameters: names, types, required.
  const specQuery = sop.parameters.filter((p) => p.in === 'query');
  for (const vq of vop.query) {
    const sq = specQuery.find((p) => p.name === vq.name);
    if (!sq) {
      diff({ kind: 'query-missing', field: vq.name, where: `query ${vq.name}`, vendor: `${vq.type}${vq.required ? ' (required)' : ''}`, spec: '(absent)' });
      continue;
    }
    const want = parseVendorType(contract, vq.type);
    const got = shapeOf(doc, sq.schema);
    if (want.kind === 'primitive' && !(got.kind === 'primitive' && got.type === want.json)) {
      diff({ kind: 'query-type', field: vq.name, where: `query ${vq.name}`, vendor: describeVendorType(want), spec: describeShape(got) });
    }
    if (Boolean(sq.required) !== vq.required) {
      diff({ kind: 'query-required', field: vq.name, where: `query ${vq.name}`, vendor: vq.required ? 'required' : 'optional', spec: sq.required ? 'required' : 'optional' });
    }
  }
  for (const sq of specQuery) {
    if (!vop.query.some((q) => q.name === sq.name)) {
      diff({ kind: 'query-extra', field: String(sq.name), where: `query ${String(sq.name)}`, vendor: '(absent)', spec: describeShape(shapeOf(doc, sq.schema)) });
    }
  }

  const models = new ModelWalker(doc, contract, diff);

  // Request body.
  const body = sop.op.requestBody ? resolveRef<Json>(doc, sop.op.requestBody) : undefined;
  if (vop.body && !body) {
    diff({ kind: 'body-missing', where: 'body', vendor: vop.body.type, spec: '(no request body)' });
  } else if (!vop.body && body) {
    diff({ kind: 'body-extra', where: 'body', vendor: '(no request body)', spec: describeContent(doc, body) });
  } else if (vop.body && body) {
    const content = (body.content ?? {}) as Record<string, Json>;
    const mediaType = Object.keys(content).find(isJsonMediaType) ?? Object.keys(content)[0];
    const want = parseVendorType(contract, vop.body.type);
    const schema = mediaType ? content[mediaType].schema : undefined;
    const component = refName(schema);
    if (want.kind === 'model' && component && component !== want.name) {
      notes.push({ operation: vop.operation, where: 'body', message: `the body component is ${component}; the vendor's model is ${want.name}` });
    }
    if (want.kind === 'bytes') {
      const got = shapeOf(doc, schema);
      if (!(got.kind === 'primitive' && got.type === 'string') && got.kind !== 'any') {
        diff({ kind: 'type', where: 'body', vendor: describeVendorType(want), spec: describeShape(got) });
      }
    } else {
      models.compare(want, schema, 'body', undefined, undefined, true);
    }
  }

  // The answer: every 2xx JSON answer must have the vendor's shape.
  const responses = (sop.op.responses ?? {}) as Record<string, unknown>;
  const ok = Object.keys(responses).filter((c) => /^2(\d\d|XX)$/i.test(c)).sort();
  const want = parseVendorType(contract, vop.returns);
  if (want.kind === 'binary') {
    const binary = ok.some((c) => {
      const content = (resolveRef<Json>(doc, responses[c]).content ?? {}) as Record<string, Json>;
      return Object.entries(content).some(([mt, m]) => !isJsonMediaType(mt) || isBinarySchema(doc, m.schema));
    });
    if (!binary) diff({ kind: 'response-missing', where: 'response 2xx', vendor: describeVendorType(want), spec: ok.length ? 'only JSON answers' : 'no 2xx answer' });
  } else if (want.kind !== 'any') {
    const jsonAnswers = ok.flatMap((c) => {
      const content = (resolveRef<Json>(doc, responses[c]).content ?? {}) as Record<string, Json>;
      return Object.entries(content).filter(([mt]) => isJsonMediaType(mt) || (want.kind === 'primitive' && mt.startsWith('text/'))).map(([, m]) => ({ code: c, schema: m.schema }));
    });
    if (!jsonAnswers.length) {
      diff({ kind: 'response-missing', where: 'response 2xx', vendor: describeVendorType(want), spec: ok.length ? `no JSON content in ${ok.join(', ')}` : 'no 2xx answer' });
    }
    for (const a of jsonAnswers) models.compare(want, a.schema, `response ${a.code}`, undefined, undefined, true);
  }

  // Security: the vendor marks an operation needing credentials or not.
  const vendorAnonymous = vop.security.length === 0;
  const specSecurity = (sop.op.security ?? (doc.security as unknown)) as unknown[] | undefined;
  const specAnonymous = sop.op['x-flowmock-anonymous'] === true || !specSecurity || specSecurity.length === 0
    || specSecurity.some((req) => typeof req === 'object' && req !== null && Object.keys(req).length === 0);
  if (vendorAnonymous !== specAnonymous) {
    diff({ kind: 'security', where: 'security', vendor: vendorAnonymous ? 'anonymous' : 'credentials required', spec: specAnonymous ? 'anonymous' : 'credentials required' });
  }

  return { operation: vop, specOperation: sop, differences, notes };
}

type Diff = (d: Omit<VendorDifference, 'operation' | 'method' | 'path'>) => void;

/** Compares vendor types with spec schemas, each (model, schema) pair once per operation. */
class ModelWalker {
  private readonly seen = new Map<string, Set<unknown>>();
  constructor(private readonly doc: Json, private readonly contract: VendorContract, private readonly diff: Diff) {}

  compare(want: VendorType, schema: unknown, where: string, model: string | undefined, field: string | undefined, top = false): void {
    if (want.kind === 'any') return;
    const got = shapeOf(this.doc, schema);
    if (got.kind === 'any') {
      // An untyped spec value accepts the vendor's; only a model or list is worth saying.
      if (want.kind === 'model' || want.kind === 'list') this.diff({ kind: 'type', model, field, where, vendor: describeVendorType(want), spec: 'any JSON (untyped)' });
      return;
    }
    if (got.kind === 'union') {
      this.diff({ kind: 'type', model, field, where, vendor: describeVendorType(want), spec: describeShape(got) });
      return;
    }
    switch (want.kind) {
      case 'primitive':
      case 'bytes': {
        const json = want.kind === 'bytes' ? 'string' : want.json;
        if (!(got.kind === 'primitive' && got.type === json)) this.diff({ kind: 'type', model, field, where, vendor: describeVendorType(want), spec: describeShape(got) });
        return;
      }
      case 'binary':
        if (!(got.kind === 'primitive' && got.type === 'string')) this.diff({ kind: 'type', model, field, where, vendor: describeVendorType(want), spec: describeShape(got) });
        return;
      case 'enum': {
        if (!(got.kind === 'primitive' && got.type === 'string')) {
          this.diff({ kind: 'type', model, field, where, vendor: describeVendorType(want), spec: describeShape(got) });
          return;
        }
        if (!got.enum) {
          this.diff({ kind: 'enum-missing', model, field, where, vendor: want.values.join(', '), spec: 'string without enum' });
          return;
        }
        const missing = want.values.filter((v) => !got.enum!.includes(v));
        const extra = got.enum.filter((v) => !want.values.includes(v as string));
        if (missing.length) this.diff({ kind: 'enum-missing', model, field, where, vendor: missing.join(', '), spec: `enum [${got.enum.join(', ')}]` });
        if (extra.length) this.diff({ kind: 'enum-extra', model, field, where, vendor: `enum [${want.values.join(', ')}]`, spec: extra.join(', ') });
        return;
      }
      case 'list':
        if (got.kind !== 'array') {
          this.diff({ kind: top || got.kind === 'object' ? 'list-vs-object' : 'type', model, field, where, vendor: describeVendorType(want), spec: describeShape(got) });
          // A page object around the list: still compare its items, so the model's differences show now.
          const lists = got.kind === 'object' ? Object.entries(got.properties).filter(([, v]) => shapeOf(this.doc, v).kind === 'array') : [];
          if (lists.length === 1) {
            const inner = shapeOf(this.doc, lists[0][1]);
            if (inner.kind === 'array') this.compare(want.items, inner.items, `${where}(page).${lists[0][0]}[]`, model, field);
          }
          return;
        }
        this.compare(want.items, got.items, `${where}[]`, model, field);
        return;
      case 'map': {
        if (got.kind !== 'object') {
          this.diff({ kind: 'type', model, field, where, vendor: describeVendorType(want), spec: describeShape(got) });
          return;
        }
        const ap = got.additionalProperties;
        if (ap === false || Object.keys(got.properties).length) {
          this.diff({ kind: 'type', model, field, where, vendor: describeVendorType(want), spec: 'object with fixed properties' });
        } else if (typeof ap === 'object') {
          this.compare(want.values, ap, `${where}{}`, model, field);
        } else if (want.values.kind !== 'any') {
          this.diff({ kind: 'type', model, field, where, vendor: describeVendorType(want), spec: 'object with untyped values' });
        }
        return;
      }
      case 'model': {
        if (got.kind !== 'object') {
          this.diff({ kind: top && got.kind === 'array' ? 'list-vs-object' : 'type', model, field, where, vendor: describeVendorType(want), spec: describeShape(got) });
          return;
        }
        const key = resolveRef(this.doc, schema);
        const seen = this.seen.get(want.name) ?? new Set<unknown>();
        if (seen.has(key)) return;
        seen.add(key);
        this.seen.set(want.name, seen);
        const vm = this.contract.models[want.name];
        if (isEnumModel(vm)) return; // parseVendorType never gives an enum model as 'model'
        for (const p of vm.properties) {
          const sp = got.properties[p.name];
          if (!sp) {
            this.diff({ kind: 'field-missing', model: want.name, field: p.name, where: `${where}.${p.name}`, vendor: p.type, spec: '(absent)' });
            continue;
          }
          this.compare(propertyType(this.contract, p), sp, `${where}.${p.name}`, want.name, p.name);
        }
        for (const name of Object.keys(got.properties)) {
          if (!vm.properties.some((p) => p.name === name)) {
            this.diff({ kind: 'field-extra', model: want.name, field: name, where: `${where}.${name}`, vendor: '(absent)', spec: describeShape(shapeOf(this.doc, got.properties[name])) });
          }
        }
        return;
      }
    }
  }
}

function isBinarySchema(doc: Json, schema: unknown): boolean {
  const s = shapeOf(doc, schema);
  return s.kind === 'primitive' && s.type === 'string' && (s.format === 'binary' || s.format === undefined);
}

function describeContent(doc: Json, body: Json): string {
  const content = (body.content ?? {}) as Record<string, Json>;
  return Object.entries(content).map(([mt, m]) => `${mt} ${describeShape(shapeOf(doc, m.schema))}`).join('; ') || 'a body';
}

export function describeShape(s: SpecShape): string {
  switch (s.kind) {
    case 'any': return 'any JSON';
    case 'null': return 'null';
    case 'primitive': return `${s.type}${s.format ? ` (${s.format})` : ''}${s.enum ? ` enum [${s.enum.join(', ')}]` : ''}`;
    case 'array': return 'array';
    case 'object': return `object {${Object.keys(s.properties).join(', ')}}`;
    case 'union': return `oneOf of ${s.options.length}`;
  }
}

/** One line per difference, readable in a terminal or a test failure. */
export function formatDifference(d: VendorDifference): string {
  const at = d.model ? ` [${d.model}${d.field ? `.${d.field}` : ''}]` : '';
  return `${d.kind} at ${d.where}${at}: vendor ${d.vendor}; spec ${d.spec}`;
}
