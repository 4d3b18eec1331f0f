/**
 * Rule sites: every place where the spec declares a rule a request can break, found by walking the
 * operation's parameters and its JSON request-body schema alongside the body's example. Each site
 * carries a fast-check arbitrary of values breaking the rule and how to put one into a request.
 */
import fc from 'fast-check';
import type { OperationSpec, SpecIndex } from '../spec-index.js';
import type { RawRequest } from '../generic-call.js';

type Obj = Record<string, any>;

export interface RuleSite {
  /** Stable id within the operation, e.g. `query:size:maximum`, `body:/group/type:enum`. */
  id: string;
  where: 'query' | 'path' | 'body' | 'media';
  rule: string;
  /** Values that break the rule. */
  arb: fc.Arbitrary<unknown>;
  /** The request with the bad value in place. */
  apply(base: RawRequest, value: unknown): RawRequest;
}

const MAX_GENERATED_LENGTH = 10_000; // longer limits are body-limit territory (oversized bodies test them)
const alnum = (min: number, max: number) => fc.array(fc.constantFrom(...'abcdefghijklmnopqrstuvwxyz0123456789'), { minLength: min, maxLength: max }).map((a) => a.join(''));

/** Values of another JSON type than the schema's. */
export function wrongType(type: string | string[] | undefined): fc.Arbitrary<unknown> | null {
  const types = Array.isArray(type) ? type : type ? [type] : [];
  if (!types.length) return null;
  const candidates: Array<[string, fc.Arbitrary<unknown>]> = [
    ['string', fc.string({ maxLength: 8 })],
    ['integer', fc.integer({ min: -1000, max: 1000 })],
    ['number', fc.double({ noInteger: true, noNaN: true, noDefaultInfinity: true, min: -1e6, max: 1e6 })],
    ['boolean', fc.boolean()],
    ['null', fc.constant(null)],
    ['array', fc.array(fc.integer(), { maxLength: 2 })],
    ['object', fc.dictionary(alnum(1, 5), fc.integer(), { maxKeys: 2 })],
  ];
  const allowed = new Set(types);
  if (allowed.has('number')) allowed.add('integer');
  const usable = candidates.filter(([t]) => !allowed.has(t)).map(([, a]) => a);
  return usable.length ? fc.oneof(...usable) : null;
}

const setQuery = (name: string) => (base: RawRequest, v: unknown): RawRequest => ({ ...base, query: { ...(base.query ?? {}), [name]: v } });
const dropQuery = (name: string) => (base: RawRequest): RawRequest => {
  const q = { ...(base.query ?? {}) };
  delete q[name];
  return { ...base, query: q };
};

function paramSites(op: OperationSpec, spec: SpecIndex): RuleSite[] {
  const out: RuleSite[] = [];
  for (const p of op.parameters) {
    const s = spec.resolve(p.schema) ?? {};
    if (p.in === 'path') {
      if (typeof s.maxLength === 'number') {
        out.push({ id: `path:${p.name}:maxLength`, where: 'path', rule: 'maxLength', arb: alnum(s.maxLength + 1, s.maxLength + 40),
          apply: (b, v) => ({ ...b, path: { ...(b.path ?? {}), [p.name]: String(v) } }) });
      }
      continue;
    }
    if (p.in !== 'query') continue;
    const site = (rule: string, arb: fc.Arbitrary<unknown>) => out.push({ id: `query:${p.name}:${rule}`, where: 'query', rule, arb, apply: setQuery(p.name) });
    if (p.required) out.push({ id: `query:${p.name}:required`, where: 'query', rule: 'required', arb: fc.constant(undefined), apply: (b) => dropQuery(p.name)(b) });
    if (s.type === 'integer') {
      site('type', fc.oneof(alnum(1, 6).filter((x) => !/^\d+$/.test(x)).map((x) => `x${x}`), fc.double({ noInteger: true, noNaN: true, noDefaultInfinity: true, min: 0, max: 1000 }).map(String)));
      if (typeof s.minimum === 'number') site('minimum', fc.integer({ min: s.minimum - 1000, max: s.minimum - 1 }));
      if (typeof s.maximum === 'number') site('maximum', fc.integer({ min: s.maximum + 1, max: s.maximum + 1_000_000 }));
    }
    // Not true or false (a query value is text; the x prefix keeps 0/1 and the like out).
    if (s.type === 'boolean') site('type', alnum(1, 6).map((x) => `x${x}`));
    if (s.type === 'string') {
      if (typeof s.maxLength === 'number' && s.maxLength < MAX_GENERATED_LENGTH) site('maxLength', alnum(s.maxLength + 1, s.maxLength + 40));
      if (typeof s.pattern === 'string') {
        const re = new RegExp(s.pattern);
        site('pattern', fc.string({ minLength: 1, maxLength: 12 }).filter((x) => !re.test(x)));
      }
      if (s.format === 'uuid') site('format', fc.string({ minLength: 1, maxLength: 40 }).filter((x) => !/^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i.test(x)));
      if (Array.isArray(s.enum)) site('enum', fc.string({ minLength: 1, maxLength: 12 }).filter((x) => !s.enum.includes(x)));
    }
  }
  return out;
}

// ---------------------------------------------------------------- body

const escape = (k: string) => k.replace(/~/g, '~0').replace(/\//g, '~1');

function getAt(root: unknown, pointer: string[]): unknown {
  return pointer.reduce<any>((acc, k) => acc?.[k], root);
}

/** A copy of `root` with the value at `pointer` replaced (or deleted when `del`). */
function setAt(root: unknown, pointer: string[], value: unknown, del = false): unknown {
  if (!pointer.length) return value;
  const copy: any = structuredClone(root);
  const parent = getAt(copy, pointer.slice(0, -1)) as any;
  const last = pointer[pointer.length - 1];
  if (del) {
    if (Array.isArray(parent)) parent.splice(Number(last), 1);
    else delete parent[last];
  } else {
    parent[last] = value;
  }
  return copy;
}

function bodySites(spec: SpecIndex, schema: Obj, example: unknown, pointer: string[], depth: number, out: RuleSite[]): void {
  const s = spec.resolve(schema) ?? {};
  const ptr = '/' + pointer.map(escape).join('/');
  const label = pointer.length ? ptr : '(root)';
  const add = (rule: string, arb: fc.Arbitrary<unknown>, apply?: RuleSite['apply']) => out.push({
    id: `body:${label}:${rule}`, where: 'body', rule, arb,
    apply: apply ?? ((b, v) => ({ ...b, body: setAt(b.body, pointer, v) })),
  });
  if (depth > 8) return;
  const wt = wrongType(s.type);
  // Prism forwards a falsy JSON body (null, false, 0) as no body, and a JSON string unquoted
  // (PRISM_LIMITATIONS): at the root only truthy, non-string values keep their meaning.
  if (wt) add('type', pointer.length ? wt : wt.filter((v) => Boolean(v) && typeof v !== 'string'));
  if (s.const !== undefined) add('const', fc.string({ minLength: 1, maxLength: 10 }).filter((x) => x !== s.const));
  if (Array.isArray(s.enum)) add('enum', fc.string({ minLength: 1, maxLength: 12 }).filter((x) => !s.enum.includes(x)));
  if (s.type === 'string') {
    if (typeof s.minLength === 'number' && s.minLength > 0) add('minLength', alnum(0, s.minLength - 1));
    if (typeof s.maxLength === 'number' && s.maxLength < MAX_GENERATED_LENGTH) add('maxLength', alnum(s.maxLength + 1, s.maxLength + 40));
    if (typeof s.pattern === 'string') {
      const re = new RegExp(s.pattern);
      add('pattern', fc.string({ minLength: 1, maxLength: 12 }).filter((x) => !re.test(x)));
    }
  }
  if (s.type === 'integer' || s.type === 'number') {
    if (typeof s.minimum === 'number') add('minimum', fc.integer({ min: s.minimum - 1000, max: s.minimum - 1 }));
    if (typeof s.maximum === 'number') add('maximum', fc.integer({ min: s.maximum + 1, max: s.maximum + 1000 }));
  }
  if (s.type === 'array' && Array.isArray(example)) {
    if (typeof s.minItems === 'number' && s.minItems > 0) add('minItems', fc.constant([]));
    if (typeof s.maxItems === 'number' && s.maxItems < 2000 && example.length) {
      add('maxItems', fc.integer({ min: s.maxItems + 1, max: s.maxItems + 5 }).map((n) => Array.from({ length: n }, () => structuredClone(example[0]))));
    }
    if (s.items && example.length) bodySites(spec, s.items, example[0], [...pointer, '0'], depth + 1, out);
  }
  if (s.type === 'object' || s.properties) {
    if (typeof example !== 'object' || example === null || Array.isArray(example)) return;
    const ex = example as Obj;
    for (const req of (s.required ?? []) as string[]) {
      if (req in ex) add(`required:${req}`, fc.constant(undefined), (b) => ({ ...b, body: setAt(b.body, [...pointer, req], undefined, true) }));
    }
    // "Exactly one of": oneOf branches that only require a property.
    if (Array.isArray(s.oneOf) && s.oneOf.every((b: Obj) => Array.isArray(b.required) && Object.keys(b).length === 1)) {
      const keys = s.oneOf.flatMap((b: Obj) => b.required as string[]).filter((k: string) => k in ex);
      if (keys.length) add('oneOf:none', fc.constant(undefined), (b) => ({ ...b, body: keys.reduce((acc: unknown, k: string) => setAt(acc, [...pointer, k], undefined, true), b.body) }));
    }
    if (s.additionalProperties === false) {
      const known = new Set(Object.keys(s.properties ?? {}));
      add('additionalProperties', fc.tuple(alnum(3, 8).map((k) => `x${k}`).filter((k) => !known.has(k)), fc.integer()),
        (b, v) => {
          const [k, val] = v as [string, number];
          return { ...b, body: setAt(b.body, [...pointer, k], val) };
        });
    }
    for (const [name, propSchema] of Object.entries<Obj>(s.properties ?? {})) {
      if (name in ex) bodySites(spec, propSchema, ex[name], [...pointer, name], depth + 1, out);
    }
  }
}

export interface NegativePlan {
  op: OperationSpec;
  sites: RuleSite[];
  /** Why the operation has no rule sites, if it has none. */
  note?: string;
}

/** Every rule site of an operation: parameters, the JSON body (from its example), media type, required body. */
export function ruleSites(spec: SpecIndex, op: OperationSpec, jsonExample: unknown): RuleSite[] {
  const sites = paramSites(op, spec);
  const rb = op.requestBody;
  if (rb) {
    const json = rb.media.find((m) => m.mediaType === 'application/json');
    const schema = json ? spec.requestSchema(op, 'application/json') : undefined;
    if (schema && jsonExample !== undefined) bodySites(spec, schema, jsonExample, [], 0, sites);
    sites.push({
      id: 'media:text/csv', where: 'media', rule: 'mediaType', arb: fc.constant('a,b\n1,2'),
      apply: (b, v) => ({ ...b, body: v, contentType: 'text/csv' }),
    });
    if (rb.required) {
      sites.push({ id: 'body:(root):requiredBody', where: 'body', rule: 'requiredBody', arb: fc.constant(undefined), apply: (b) => ({ ...b, body: undefined }) });
    }
  }
  return sites;
}
