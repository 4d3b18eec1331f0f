/**
 * The vendor's Smart Flows contract (reference/smart-flows-vendor-contract.json): its operations and
 * models as the vendor's C# SDK spells them, and the C# type grammar turned into a small tree that
 * the spec comparison (compare-spec.ts) and the vendor JSON Schemas (vendor-schemas.ts) both read.
 */
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { PACKAGE_ROOT } from '../../package-root.js';

export interface VendorParam { name: string; type: string; required: boolean }
export interface VendorBody { type: string; required: boolean; contentTypes: string[] }
export interface VendorOperation {
  operation: string;
  method: string;
  path: string;
  query: VendorParam[];
  pathParams: VendorParam[];
  body: VendorBody | null;
  returns: string;
  produces: string[];
  security: string[];
}
export interface VendorProperty { name: string; type: string; enum?: string[] }
export interface VendorObjectModel {
  extends: string[];
  subtypes: string[];
  discriminator: string[];
  required: string[];
  properties: VendorProperty[];
}
export interface VendorEnumModel { enum: string[] }
export type VendorModel = VendorObjectModel | VendorEnumModel;
export interface VendorContract {
  about: string;
  operations: VendorOperation[];
  models: Record<string, VendorModel>;
}

/** The vendor's type of a field, parameter, body or answer, in JSON terms. */
export type VendorType =
  | { kind: 'any' } // C# Object, or a body the SDK types as `?`
  | { kind: 'primitive'; json: 'string' | 'integer' | 'number' | 'boolean'; csharp: string }
  | { kind: 'bytes' } // byte[]: a base64 string in JSON, raw bytes as a body
  | { kind: 'binary' } // System.IO.Stream: a binary answer, not JSON
  | { kind: 'list'; items: VendorType }
  | { kind: 'map'; values: VendorType }
  | { kind: 'enum'; name: string; values: string[]; /** a named enum model, not a field's own enum */ model?: boolean }
  | { kind: 'model'; name: string };

const PRIMITIVES: Record<string, 'string' | 'integer' | 'number' | 'boolean'> = {
  string: 'string', DateTime: 'string', Guid: 'string',
  int: 'integer', long: 'integer', short: 'integer',
  double: 'number', float: 'number', decimal: 'number',
  bool: 'boolean',
};

export const isEnumModel = (m: VendorModel): m is VendorEnumModel => Array.isArray((m as VendorEnumModel).enum);

/**
 * Parses a C# type as the contract spells it. `enumValues` are the values of a property-level enum
 * (the SDK's nested `StatusEnum` types): they replace the unknown enum name, also inside `List<...>`.
 */
export function parseVendorType(contract: VendorContract, type: string, enumValues?: string[]): VendorType {
  const t = type.trim();
  const generic = /^(List|Dictionary)<(.*)>$/.exec(t);
  if (generic) {
    if (generic[1] === 'List') return { kind: 'list', items: parseVendorType(contract, generic[2], enumValues) };
    const comma = splitTopLevelComma(generic[2]);
    if (!comma || comma[0].trim() !== 'string') throw new Error(`unsupported dictionary key in ${t}`);
    return { kind: 'map', values: parseVendorType(contract, comma[1], enumValues) };
  }
  if (t === 'Object' || t === '?') return { kind: 'any' };
  if (t === 'byte[]') return { kind: 'bytes' };
  if (t === 'System.IO.Stream') return { kind: 'binary' };
  if (t in PRIMITIVES) return { kind: 'primitive', json: PRIMITIVES[t], csharp: t };
  const model = contract.models[t];
  if (model) return isEnumModel(model) ? { kind: 'enum', name: t, values: model.enum, model: true } : { kind: 'model', name: t };
  if (enumValues) return { kind: 'enum', name: t, values: enumValues };
  // Four List<...Enum> fields come without their values in the SDK: a string, values unknown.
  if (/Enum$/.test(t)) return { kind: 'primitive', json: 'string', csharp: `${t} (values not published)` };
  throw new Error(`unknown vendor type ${t}`);
}

function splitTopLevelComma(s: string): [string, string] | null {
  let depth = 0;
  for (let i = 0; i < s.length; i++) {
    if (s[i] === '<') depth++;
    else if (s[i] === '>') depth--;
    else if (s[i] === ',' && depth === 0) return [s.slice(0, i), s.slice(i + 1)];
  }
  return null;
}

/** The type of one model field, enum values included. */
export const propertyType = (contract: VendorContract, p: VendorProperty): VendorType => parseVendorType(contract, p.type, p.enum);

/** A short C#-like rendering of a parsed type, for messages. */
export function describeVendorType(t: VendorType): string {
  switch (t.kind) {
    case 'any': return 'Object (any JSON)';
    case 'primitive': return t.csharp === t.json ? t.csharp : `${t.csharp} (${t.json})`;
    case 'bytes': return 'byte[] (base64 string)';
    case 'binary': return 'System.IO.Stream (binary)';
    case 'list': return `List<${describeVendorType(t.items)}>`;
    case 'map': return `Dictionary<string, ${describeVendorType(t.values)}>`;
    case 'enum': return `${t.name} [${t.values.join(', ')}]`;
    case 'model': return t.name;
  }
}

/** The committed copy (reference/) in this package, wherever the caller runs from (sources or dist/). */
export const DEFAULT_CONTRACT_FILE = path.join(PACKAGE_ROOT, 'reference', 'smart-flows-vendor-contract.json');

export function loadVendorContract(file: string = DEFAULT_CONTRACT_FILE): VendorContract {
  return JSON.parse(readFileSync(file, 'utf8')) as VendorContract;
}

/**
 * The flow-run surface of issue 12: every vendor operation under /flows, /documents, /users/me,
 * /users/{user}/tokens, /authenticate, /roles, /printers, /data/{dataId} and /data/meta.
 */
const SURFACE = /^\/api\/v1\/(flows(\/|$)|documents(\/|$)|users\/me$|users\/\{user\}\/tokens(\/|$)|authenticate(\/|$)|roles$|printers(\/|$)|data\/\{dataId\}(\/|$)|data\/meta$)/;

export const isSurfaceOperation = (op: Pick<VendorOperation, 'path'>): boolean => SURFACE.test(op.path);

export type OperationSet = 'surface' | 'all';
export function selectOperations(contract: VendorContract, set: OperationSet): VendorOperation[] {
  return set === 'all' ? contract.operations : contract.operations.filter(isSurfaceOperation);
}
