/**
 * The vendor's view of each Smart Flows model as JSON Schema (draft 2020-12), derived from the
 * contract file: properties typed from the C# types, `additionalProperties: false` (a field the
 * vendor does not have is a difference), every property nullable (the SDK's C# properties are all
 * nullable), enum values as published. `VendorValidator` checks one JSON answer against the
 * schema of an operation's return type and says where and which rule it broke.
 *
 * The accepted differences of spec/vendor-exceptions.yaml hold here too, so that an answer is not
 * failed for what the spec test accepts: an entry naming a model and a field lets that field be any
 * value (or exist, when the vendor model lacks it); an entry naming only an operation, about its
 * answer (any kind, or list-vs-object, type, response-missing), leaves that operation's answers unjudged.
 */
import { Ajv2020, type ErrorObject, type ValidateFunction } from 'ajv/dist/2020.js';
import { isEnumModel, parseVendorType, propertyType, type VendorContract, type VendorOperation, type VendorType } from './contract.js';
import type { VendorException } from './exceptions.js';

export type JsonSchema = Record<string, unknown>;

export const VENDOR_SCHEMA_ID = 'urn:flowmock:smart-flows-vendor';

/** The schema of a parsed vendor type; model references point into `$defs`. */
export function schemaOfType(t: VendorType): JsonSchema {
  switch (t.kind) {
    case 'any': return {};
    case 'primitive': return { type: t.json };
    case 'bytes': return { type: 'string', contentEncoding: 'base64' };
    case 'binary': return { type: 'string', contentMediaType: 'application/octet-stream' };
    case 'list': return { type: 'array', items: schemaOfType(t.items) };
    case 'map': return { type: 'object', additionalProperties: schemaOfType(t.values) };
    case 'enum': return t.model ? { $ref: `#/$defs/${t.name}` } : { type: 'string', enum: t.values };
    case 'model': return { $ref: `#/$defs/${t.name}` };
  }
}

/** Allows null besides the value (the vendor's C# fields are nullable). */
export function nullable(s: JsonSchema): JsonSchema {
  if (Object.keys(s).length === 0) return s;
  if ('$ref' in s) return { anyOf: [s, { type: 'null' }] };
  const out: JsonSchema = { ...s, type: [s.type as string, 'null'] };
  if (Array.isArray(s.enum)) out.enum = [...s.enum, null];
  return out;
}

/** One schema document with every vendor model under `$defs`. */
export function vendorSchemaDocument(contract: VendorContract, exceptions: VendorException[] = []): JsonSchema {
  const defs: Record<string, JsonSchema> = {};
  for (const [name, m] of Object.entries(contract.models)) {
    if (isEnumModel(m)) {
      defs[name] = { type: 'string', enum: m.enum };
      continue;
    }
    const properties: Record<string, JsonSchema> = Object.fromEntries(m.properties.map((p) => [p.name, nullable(schemaOfType(propertyType(contract, p)))]));
    for (const e of exceptions) if (e.model === name && e.field) properties[e.field] = {};
    defs[name] = { type: 'object', additionalProperties: false, properties };
  }
  return { $schema: 'https://json-schema.org/draft/2020-12/schema', $id: VENDOR_SCHEMA_ID, $defs: defs };
}

/** The schema of an operation's answer (its return type; List<T> = array of T); undefined when not JSON. */
export function answerSchema(contract: VendorContract, op: VendorOperation): JsonSchema | undefined {
  const t = parseVendorType(contract, op.returns);
  if (t.kind === 'binary') return undefined;
  return schemaWithAbsoluteRefs(schemaOfType(t));
}

/** Refs of a top-level schema point into the shared document (compiled apart from it). */
function schemaWithAbsoluteRefs(s: unknown): JsonSchema {
  return JSON.parse(JSON.stringify(s, (k, v) => (k === '$ref' && typeof v === 'string' && v.startsWith('#') ? `${VENDOR_SCHEMA_ID}${v}` : v))) as JsonSchema;
}

export interface VendorViolation {
  /** JSON pointer into the answer. */
  pointer: string;
  /** The JSON Schema rule broken (type, enum, additionalProperties, ...) and its detail. */
  rule: string;
  message: string;
}

/** Compiled vendor schemas of one contract, one validator per operation. */
export class VendorValidator {
  private readonly ajv: Ajv2020;
  private readonly validators = new Map<string, ValidateFunction | null>();
  private readonly byRoute: Map<string, VendorOperation>;
  private readonly bySkeleton: Map<string, VendorOperation>;

  private readonly unjudged: Set<string>;

  constructor(private readonly contract: VendorContract, exceptions: VendorException[] = []) {
    this.ajv = new Ajv2020({ allErrors: true, strict: false });
    this.ajv.addSchema(vendorSchemaDocument(contract, exceptions));
    this.unjudged = new Set(exceptions
      .filter((e) => e.operation && !e.model && !e.field && (!e.kind || ANSWER_KINDS.has(e.kind)))
      .map((e) => e.operation!));
    this.byRoute = new Map(contract.operations.map((o) => [`${o.method.toUpperCase()} ${o.path}`, o]));
    this.bySkeleton = new Map(contract.operations.map((o) => [`${o.method.toUpperCase()} ${skeleton(o.path)}`, o]));
  }

  /**
   * The vendor operation at a method and path template, if any; a template whose parameters are
   * named otherwise (`{id}` for `{execution}`) still matches, so its answers are judged too.
   */
  operation(method: string, pathTemplate: string): VendorOperation | undefined {
    const m = method.toUpperCase();
    return this.byRoute.get(`${m} ${pathTemplate}`) ?? this.bySkeleton.get(`${m} ${skeleton(pathTemplate)}`);
  }

  /** Violations of one JSON answer of `op`; [] when it fits, or when the vendor's answer is binary. */
  validate(op: VendorOperation, json: unknown): VendorViolation[] {
    if (this.unjudged.has(op.operation)) return [];
    let v = this.validators.get(op.operation);
    if (v === undefined) {
      const schema = answerSchema(this.contract, op);
      v = schema ? this.ajv.compile(schema) : null;
      this.validators.set(op.operation, v);
    }
    if (!v || v(json)) return [];
    return simplify(v.errors ?? []).map(describe);
  }
}

const ANSWER_KINDS = new Set(['list-vs-object', 'type', 'response-missing']);

const skeleton = (p: string) => p.replace(/\{[^}]+\}/g, '{}');

/** An anyOf [model, null] failure repeats the model's errors plus "must be null": keep the useful ones. */
function simplify(errors: ErrorObject[]): ErrorObject[] {
  const useful = errors.filter((e) => !(e.keyword === 'anyOf') && !(e.keyword === 'type' && (e.params as { type?: unknown }).type === 'null'));
  return useful.length ? useful : errors;
}

function describe(e: ErrorObject): VendorViolation {
  const p = e.params as Record<string, unknown>;
  let rule: string = e.keyword;
  let pointer = e.instancePath || '';
  if (e.keyword === 'additionalProperties') {
    pointer = `${pointer}/${String(p.additionalProperty).replace(/~/g, '~0').replace(/\//g, '~1')}`;
    rule = 'additionalProperties (a field the vendor model does not have)';
  } else if (e.keyword === 'enum') {
    rule = `enum [${(p.allowedValues as unknown[]).filter((x) => x !== null).join(', ')}]`;
  } else if (e.keyword === 'type') {
    rule = `type ${String(p.type)}`;
  }
  return { pointer: pointer || '/', rule, message: e.message ?? e.keyword };
}
