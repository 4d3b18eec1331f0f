/**
 * Request and response validation compiled once from the bundled spec with Ajv (JSON Schema
 * 2020-12, the dialect of OpenAPI 3.1). The whole document is registered under one id so the
 * spec's internal `$ref`s (including the recursive condition group) resolve as they are.
 */
import { Ajv2020, type ErrorObject, type ValidateFunction } from 'ajv/dist/2020.js';
import addFormatsImport from 'ajv-formats';
import type { OperationSpec, ParameterSpec } from './openapi-document.js';
import type { FieldError } from '../handler-contract/problem.js';

// ajv-formats is CommonJS; under NodeNext its default export arrives as the module object.
const addFormats = ((addFormatsImport as any).default ?? addFormatsImport) as typeof import('ajv-formats').default;

const SPEC_ID = 'openapi.json';

function makeAjv(coerce: boolean): Ajv2020 {
  const ajv = new Ajv2020({
    strict: false,          // OpenAPI adds keywords (example, discriminator, xml) that are not JSON Schema
    allErrors: true,
    coerceTypes: coerce ? 'array' : false,
    useDefaults: coerce,    // query defaults (page 0, size 20) are applied where the spec gives them
    validateFormats: true,
  });
  addFormats(ajv);
  return ajv;
}

export interface ParamValidators {
  path: ValidateFunction | null;
  query: ValidateFunction | null;
  header: ValidateFunction | null;
}

export interface CompiledOperation {
  params: ParamValidators;
  /** By media type of the request body (JSON-like media types only). */
  body: Map<string, ValidateFunction>;
  /** By status, then media type; the function is null for non-JSON bodies and when responses are not compiled. */
  responses: Map<string, Map<string, ValidateFunction | null>>;
}

export class SpecValidator {
  private readonly paramAjv = makeAjv(true);
  private readonly bodyAjv = makeAjv(false);
  private readonly compiled = new Map<string, CompiledOperation>();
  private readonly operations = new Map<string, OperationSpec>();

  /**
   * `responses: false` (the server with response validation off) keeps the map of documented
   * statuses and media types but compiles no response schema: half of all the compiled code,
   * about 20 MB of memory, that would never run.
   * An operation's validators are compiled at its first request, not at start-up: compiling all
   * of them was most of the server's start-up time (a profile showed Ajv at a quarter of the
   * CPU before the first answer), and most servers answer a handful of operations.
   */
  constructor(doc: Record<string, unknown>, ops: OperationSpec[], private readonly opts: { responses?: boolean } = {}) {
    this.paramAjv.addSchema(doc, SPEC_ID);
    this.bodyAjv.addSchema(doc, SPEC_ID);
    for (const op of ops) this.operations.set(op.operationId, op);
  }

  private readonly named = new Map<string, ValidateFunction>();

  /** A validator for one of the spec's component schemas (used for JSON carried in a query parameter). */
  componentSchema(name: string): ValidateFunction {
    const cached = this.named.get(name);
    if (cached) return cached;
    const fn = this.bodyAjv.compile(this.ref(`/components/schemas/${name}`));
    this.named.set(name, fn);
    return fn;
  }

  get(operationId: string): CompiledOperation {
    const c = this.compiled.get(operationId);
    if (c) return c;
    const op = this.operations.get(operationId);
    if (!op) throw new Error(`No validators for ${operationId}`);
    const compiled = this.compileOperation(op);
    this.compiled.set(operationId, compiled);
    return compiled;
  }

  /** Compiles every operation's validators now (a test proving the whole spec compiles). */
  compileAll(): void {
    for (const id of this.operations.keys()) this.get(id);
  }

  private ref(pointer: string) {
    return { $ref: `${SPEC_ID}#${pointer}` };
  }

  private paramsSchema(params: ParameterSpec[]) {
    if (!params.length) return null;
    return this.paramAjv.compile({
      type: 'object',
      properties: Object.fromEntries(params.map((p) => [p.in === 'header' ? p.name.toLowerCase() : p.name, this.ref(p.schemaPointer)])),
      required: params.filter((p) => p.required).map((p) => (p.in === 'header' ? p.name.toLowerCase() : p.name)),
    });
  }

  private compileOperation(op: OperationSpec): CompiledOperation {
    const by = (where: ParameterSpec['in']) => op.parameters.filter((p) => p.in === where);
    const body = new Map<string, ValidateFunction>();
    for (const m of op.requestBody?.media ?? []) {
      if (m.schemaPointer && isJsonMedia(m.mediaType)) body.set(m.mediaType, this.bodyAjv.compile(this.ref(m.schemaPointer)));
    }
    const responses = new Map<string, Map<string, ValidateFunction | null>>();
    for (const [status, r] of op.responses) {
      const byMedia = new Map<string, ValidateFunction | null>();
      for (const m of r.media) {
        const compile = this.opts.responses !== false && m.schemaPointer && isJsonMedia(m.mediaType);
        byMedia.set(m.mediaType, compile ? this.bodyAjv.compile(this.ref(m.schemaPointer!)) : null);
      }
      responses.set(status, byMedia);
    }
    return {
      params: { path: this.paramsSchema(by('path')), query: this.paramsSchema(by('query')), header: this.paramsSchema(by('header')) },
      body,
      responses,
    };
  }
}

export const isJsonMedia = (mediaType: string): boolean => /^application\/(?:[\w.+-]+\+)?json$/i.test(mediaType);

/** Ajv errors as field errors: a JSON pointer to the field, the keyword broken, a message. */
export function toFieldErrors(where: FieldError['in'], errors: ErrorObject[] | null | undefined): FieldError[] {
  const out: FieldError[] = [];
  const seen = new Set<string>();
  for (const e of errors ?? []) {
    let pointer = e.instancePath;
    if (e.keyword === 'required') pointer += `/${escape((e.params as { missingProperty: string }).missingProperty)}`;
    if (e.keyword === 'additionalProperties') pointer += `/${escape((e.params as { additionalProperty: string }).additionalProperty)}`;
    let message = e.message ?? 'is invalid';
    if (e.keyword === 'enum') message += `: ${(e.params as { allowedValues: unknown[] }).allowedValues.map(String).join(', ')}`;
    if (e.keyword === 'additionalProperties') message = 'is not an allowed property';
    if (e.keyword === 'required') message = 'is required';
    const key = `${pointer} ${e.keyword}`;
    if (seen.has(key)) continue;
    seen.add(key);
    out.push({ in: where, pointer, rule: e.keyword, message });
  }
  // A failed oneOf/anyOf also reports its branches; keep the precise ones when there are any.
  const precise = out.filter((f) => f.rule !== 'oneOf' && f.rule !== 'anyOf' && f.rule !== 'if');
  return precise.length ? precise : out;
}

const escape = (s: string) => s.replace(/~/g, '~0').replace(/\//g, '~1');

export function describeErrors(errors: FieldError[]): string {
  return errors.map((e) => `${e.in} ${e.pointer || '(root)'}: ${e.message}`).join('; ');
}
