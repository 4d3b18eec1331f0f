/**
 * The bundled spec (generated/openapi.json) as the contract tests use it: operations by id, by
 * method + path template and by concrete URL (for Location headers), the compiled response
 * validators (the server's own `SpecValidator`), request-body examples, `$ref` resolution.
 */
import { listOperations, loadBundledSpec, type OperationSpec } from '../http/openapi-document.js';
import { SpecValidator, isJsonMedia, toFieldErrors, describeErrors } from '../http/validation.js';
import { loadVendorContract } from './vendor/contract.js';
import { loadVendorExceptions } from './vendor/exceptions.js';
import { VendorValidator } from './vendor/vendor-schemas.js';

export type { OperationSpec };
type Obj = Record<string, any>;

export class SpecIndex {
  readonly doc: Obj = loadBundledSpec();
  readonly ops: OperationSpec[] = listOperations(this.doc);
  readonly validator = new SpecValidator(this.doc, this.ops);
  /** The vendor's view of the Smart Flows answers (vendor_shape_conformance). */
  readonly vendor = new VendorValidator(loadVendorContract(), loadVendorExceptions());
  private readonly byId = new Map(this.ops.map((o) => [o.operationId, o]));
  private readonly byRoute = new Map(this.ops.map((o) => [`${o.method} ${o.path}`, o]));
  private readonly matchers = this.ops.map((o) => ({
    op: o,
    names: [...o.path.matchAll(/\{([^}]+)\}/g)].map((m) => m[1]),
    re: new RegExp(`^${o.path.replace(/[.*+?^$()|[\]\\]/g, '\\$&').replace(/\{[^}]+\}/g, '([^/]+)')}$`),
  }));

  op(operationId: string): OperationSpec {
    const o = this.byId.get(operationId);
    if (!o) throw new Error(`no operation ${operationId} in the spec`);
    return o;
  }

  find(method: string, template: string): OperationSpec | undefined {
    return this.byRoute.get(`${method.toUpperCase()} ${template}`);
  }

  /** The operation a concrete path (e.g. a Location header) names, with its decoded path parameters. */
  match(method: string, pathname: string): { op: OperationSpec; params: Record<string, string> } | undefined {
    // Literal paths win over templated ones (/documents/content/{id} vs /documents/{id}/content).
    const candidates = this.matchers
      .filter((m) => m.op.method === method.toUpperCase())
      .sort((a, b) => a.names.length - b.names.length);
    for (const m of candidates) {
      const hit = m.re.exec(pathname);
      if (hit) return { op: m.op, params: Object.fromEntries(m.names.map((n, i) => [n, decodeURIComponent(hit[i + 1])])) };
    }
    return undefined;
  }

  documentedStatuses(op: OperationSpec): number[] {
    return [...op.responses.keys()].map(Number).filter(Number.isFinite);
  }

  /** Follows `$ref`s of a schema (or any object) inside the bundle. */
  resolve(value: Obj | undefined): Obj | undefined {
    let v = value;
    for (let i = 0; i < 20 && v && typeof v.$ref === 'string'; i++) v = this.pointer(v.$ref.replace(/^#/, ''));
    return v;
  }

  pointer(p: string): Obj | undefined {
    return p.split('/').slice(1).map((s) => s.replace(/~1/g, '/').replace(/~0/g, '~')).reduce<any>((acc, k) => acc?.[k], this.doc);
  }

  /** The first example of the operation's request body for `mediaType`, from the spec. */
  requestExample(op: OperationSpec, mediaType = 'application/json'): unknown {
    const raw = this.doc.paths[op.path]?.[op.method.toLowerCase()]?.requestBody;
    const rb = this.resolve(raw);
    const media = rb?.content?.[mediaType];
    if (!media) return undefined;
    if (media.example !== undefined) return structuredClone(media.example);
    const first = Object.values<Obj>(media.examples ?? {})[0];
    const ex = this.resolve(first);
    return ex?.value === undefined ? undefined : structuredClone(ex.value);
  }

  /** The first example of the operation's `status` answer for `mediaType`, from the spec (what Prism's mock answers). */
  responseExample(operationId: string, status: number, mediaType = 'application/json'): unknown {
    const op = this.op(operationId);
    const response = this.resolve(this.doc.paths[op.path]?.[op.method.toLowerCase()]?.responses?.[String(status)]);
    const media = response?.content?.[mediaType];
    if (!media) return undefined;
    if (media.example !== undefined) return structuredClone(media.example);
    const ex = this.resolve(Object.values<Obj>(media.examples ?? {})[0]);
    return ex?.value === undefined ? undefined : structuredClone(ex.value);
  }

  /** The JSON schema (resolved) of the request body for `mediaType`. */
  requestSchema(op: OperationSpec, mediaType = 'application/json'): Obj | undefined {
    const m = op.requestBody?.media.find((x) => x.mediaType === mediaType);
    return m?.schemaPointer ? this.resolve(this.pointer(m.schemaPointer)) : undefined;
  }

  /**
   * Our own verdict on a response: status documented, media type documented, JSON body valid.
   * Returns one finding list per check (empty: the check passed).
   */
  checkResponse(op: OperationSpec, status: number, contentType: string | null, bytes: Uint8Array): {
    status: string[]; contentType: string[]; schema: string[];
  } {
    const out = { status: [] as string[], contentType: [] as string[], schema: [] as string[] };
    const documented = this.validator.get(op.operationId).responses.get(String(status));
    if (!documented) {
      out.status.push(`status ${status} is not documented for ${op.operationId} (documented: ${this.documentedStatuses(op).join(', ')})`);
      return out;
    }
    const media = contentType ? contentType.split(';')[0].trim().toLowerCase() : null;
    if (documented.size === 0) {
      if (bytes.length > 0) out.contentType.push(`status ${status} of ${op.operationId} has no body in the spec, got ${bytes.length} bytes (${media ?? 'no Content-Type'})`);
      return out;
    }
    if (!media || !documented.has(media)) {
      out.contentType.push(`media type ${media ?? '(none)'} is not documented for ${op.operationId} ${status} (documented: ${[...documented.keys()].join(', ')})`);
      return out;
    }
    const validate = documented.get(media);
    if (validate && isJsonMedia(media)) {
      let body: unknown;
      try {
        body = JSON.parse(new TextDecoder().decode(bytes));
      } catch {
        out.schema.push(`body of ${op.operationId} ${status} is not well-formed JSON`);
        return out;
      }
      if (!validate(body)) out.schema.push(`body of ${op.operationId} ${status} breaks the schema: ${describeErrors(toFieldErrors('body', validate.errors))}`);
    }
    return out;
  }
}

let shared: SpecIndex | null = null;
/** One index per process (compiling the validators takes a moment). */
export function specIndex(): SpecIndex {
  shared ??= new SpecIndex();
  return shared;
}
