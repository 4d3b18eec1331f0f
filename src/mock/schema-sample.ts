/**
 * A small schema-driven data generator for `Prefer: dynamic=true` (and for headers and bodies the
 * spec gives no example for). It reads JSON Schema 2020-12 as the bundled spec uses it — `$ref`
 * into the document, `allOf`, `oneOf`/`anyOf`, `const`, `enum`, `type` (also as a list), object
 * `properties`/`required`/`additionalProperties`/`propertyNames`, array `items`/`minItems`/
 * `maxItems`/`uniqueItems`, string `minLength`/`maxLength`/`format`/`pattern` (a subset of regular
 * expressions), number and integer bounds and `multipleOf` — and draws every choice from a
 * `RandomSource`, so a seeded source gives the same value every time.
 *
 * Values are plausible rather than arbitrary: ids are UUIDs, times fall in 2026, names and
 * messages are words. `sampleValid` retries with further draws until a validator accepts the
 * value, so what the server sends always fits the spec.
 */
import type { RandomSource } from '../random.js';

type Obj = Record<string, any>;
type Schema = Obj | boolean | undefined;

export interface SampleOptions {
  /** The bundled document the schema's `$ref`s point into. */
  doc: Obj;
  random: RandomSource;
  /** Nesting depth after which optional properties and array items are left out (default 4). */
  maxDepth?: number;
  /** The name of what is generated (a property or header name), for plausible strings. */
  hint?: string;
}

const WORDS = ['alpha', 'bravo', 'invoice', 'order', 'report', 'customer', 'approval', 'region', 'ledger', 'summary',
  'draft', 'batch', 'export', 'review', 'contract', 'delivery', 'payment', 'account', 'archive', 'notice'];
const NAMES = ['Ada Lovelace', 'Alan Turing', 'Grace Hopper', 'Edsger Dijkstra', 'Barbara Liskov', 'Donald Knuth'];

/** Draws one value for `schema`. May not validate for schemas beyond the subset above; see sampleValid. */
export function sampleSchema(schema: Schema, opts: SampleOptions): unknown {
  return new Sampler(opts).value(schema, 0, opts.hint ?? '');
}

/**
 * Draws values until `validate` accepts one (at most `tries` draws); throws when none does.
 * Without a validator the first draw is returned.
 */
export function sampleValid(schema: Schema, opts: SampleOptions, validate?: ((v: unknown) => boolean) | null, tries = 20): unknown {
  const sampler = new Sampler(opts);
  let last: unknown;
  for (let i = 0; i < tries; i++) {
    last = sampler.value(schema, 0, opts.hint ?? '');
    if (!validate || validate(last)) return last;
  }
  throw new Error(`no generated value fits the schema after ${tries} draws; last: ${JSON.stringify(last)?.slice(0, 200)}`);
}

class Sampler {
  private readonly r: RandomSource;
  private readonly maxDepth: number;

  constructor(private readonly opts: SampleOptions) {
    this.r = opts.random;
    this.maxDepth = opts.maxDepth ?? 4;
  }

  private resolve(schema: Schema, seen = 0): Schema {
    if (!schema || typeof schema !== 'object' || typeof schema.$ref !== 'string' || seen > 20) return schema;
    const ref: string = schema.$ref;
    if (!ref.startsWith('#/')) throw new Error(`only local $refs can be sampled: ${ref}`);
    const target = ref.slice(2).split('/').map((s) => decodeURIComponent(s).replace(/~1/g, '/').replace(/~0/g, '~'))
      .reduce<any>((acc, key) => acc?.[key], this.opts.doc);
    if (target === undefined) throw new Error(`unresolvable $ref ${ref}`);
    const { $ref: _ignored, ...siblings } = schema;
    const merged = Object.keys(siblings).length ? mergeSchemas(target as Obj, siblings) : target;
    return this.resolve(merged, seen + 1);
  }

  /** allOf folded into one schema (properties, required and bounds combined). */
  private flatten(schema: Obj): Obj {
    if (!Array.isArray(schema.allOf)) return schema;
    const { allOf, ...rest } = schema;
    let out: Obj = rest;
    for (const part of allOf as Schema[]) {
      const resolved = this.resolve(part);
      if (resolved && typeof resolved === 'object') out = mergeSchemas(out, this.flatten(resolved));
    }
    return out;
  }

  value(raw: Schema, depth: number, hint: string): unknown {
    const resolved = this.resolve(raw);
    if (resolved === undefined || resolved === true) return this.any(depth, hint);
    if (resolved === false) return null;
    let schema = this.flatten(resolved);
    if ('const' in schema) return structuredClone(schema.const);
    if (Array.isArray(schema.enum) && schema.enum.length) return structuredClone(this.r.pick(schema.enum));
    const alternatives = (schema.oneOf ?? schema.anyOf) as Schema[] | undefined;
    if (Array.isArray(alternatives) && alternatives.length) {
      const i = this.r.int(0, alternatives.length - 1);
      const { oneOf: _o, anyOf: _a, ...base } = schema;
      const branch = this.resolve(alternatives[i]);
      schema = this.flatten(mergeSchemas(base, typeof branch === 'object' ? branch : {}));
      // Keep oneOf exclusive: leave out what only the other branches require.
      const others = alternatives.filter((_, j) => j !== i).map((s) => this.resolve(s))
        .flatMap((s) => (s && typeof s === 'object' && Array.isArray(s.required) ? (s.required as string[]) : []));
      const own = new Set<string>(Array.isArray(schema.required) ? schema.required : []);
      if (others.length) schema = { ...schema, 'x-sample-exclude': others.filter((k) => !own.has(k)) };
      if ('const' in schema) return structuredClone(schema.const);
      if (Array.isArray(schema.enum) && schema.enum.length) return structuredClone(this.r.pick(schema.enum));
    }
    switch (this.typeOf(schema)) {
      case 'null': return null;
      case 'boolean': return this.r.next() < 0.5;
      case 'integer': return this.integer(schema);
      case 'number': return this.number(schema);
      case 'string': return this.string(schema, hint);
      case 'array': return this.array(schema, depth, hint);
      case 'object': return this.object(schema, depth);
      default: return this.any(depth, hint);
    }
  }

  private typeOf(schema: Obj): string | null {
    const t = schema.type;
    if (typeof t === 'string') return t;
    if (Array.isArray(t) && t.length) {
      const nonNull = t.filter((x: string) => x !== 'null');
      if (nonNull.length && (t.length === nonNull.length || this.r.next() < 0.75)) return this.r.pick(nonNull);
      return this.r.pick(t);
    }
    if (schema.properties || schema.required || schema.additionalProperties !== undefined || schema.propertyNames) return 'object';
    if (schema.items || schema.minItems !== undefined || schema.maxItems !== undefined) return 'array';
    if (schema.format || schema.pattern || schema.minLength !== undefined || schema.maxLength !== undefined || schema.contentMediaType) return 'string';
    if (schema.minimum !== undefined || schema.maximum !== undefined || schema.multipleOf !== undefined) return 'number';
    return null;
  }

  private any(depth: number, hint: string): unknown {
    const kind = this.r.int(0, depth >= this.maxDepth ? 2 : 3);
    if (kind === 0) return this.words(1, 3);
    if (kind === 1) return this.r.int(0, 1000);
    if (kind === 2) return this.r.next() < 0.5;
    return { [this.r.pick(WORDS)]: this.words(1, 2), ...(hint ? {} : { n: this.r.int(1, 99) }) };
  }

  private bounds(schema: Obj, integer: boolean): [number, number] {
    let min = typeof schema.minimum === 'number' ? schema.minimum : -Infinity;
    let max = typeof schema.maximum === 'number' ? schema.maximum : Infinity;
    const step = integer ? 1 : 0.01;
    if (typeof schema.exclusiveMinimum === 'number') min = Math.max(min, schema.exclusiveMinimum + step);
    if (typeof schema.exclusiveMaximum === 'number') max = Math.min(max, schema.exclusiveMaximum - step);
    if (min === -Infinity) min = max === Infinity ? 0 : Math.min(0, max - 100);
    if (max === Infinity) max = min + (integer ? 100 : 1000);
    if (integer) [min, max] = [Math.ceil(min), Math.floor(max)];
    return [min, Math.max(min, max)];
  }

  private integer(schema: Obj): number {
    const [min, max] = this.bounds(schema, true);
    const m = typeof schema.multipleOf === 'number' && schema.multipleOf > 0 ? schema.multipleOf : 1;
    const lo = Math.ceil(min / m);
    const hi = Math.floor(max / m);
    return (hi >= lo ? this.r.int(lo, hi) : lo) * m;
  }

  private number(schema: Obj): number {
    if (typeof schema.multipleOf === 'number') return this.integer(schema);
    const [min, max] = this.bounds(schema, false);
    return Math.min(max, Math.round((min + this.r.next() * (max - min)) * 100) / 100);
  }

  private string(schema: Obj, hint: string): string {
    const min = typeof schema.minLength === 'number' ? schema.minLength : 0;
    const max = typeof schema.maxLength === 'number' ? schema.maxLength : Math.max(min, 40);
    if (typeof schema.pattern === 'string') {
      for (let i = 0; i < 10; i++) {
        const s = sampleRegex(schema.pattern, this.r);
        if (s !== null && [...s].length >= min && [...s].length <= max) return s;
      }
    }
    const byFormat = this.formatted(schema.format, hint);
    if (byFormat !== null && byFormat.length >= min && byFormat.length <= max) return byFormat;
    let s = this.byHint(hint);
    if (s.length > max) s = s.slice(0, max).trimEnd();
    while (s.length < min) s += (s ? ' ' : '') + this.r.pick(WORDS);
    return s.length > max ? s.slice(0, max) : s;
  }

  private formatted(format: unknown, hint: string): string | null {
    switch (format) {
      case 'date-time': return this.dateTime();
      case 'date': return this.dateTime().slice(0, 10);
      case 'time': return this.dateTime().slice(11);
      case 'uuid': return this.r.uuid();
      case 'email': case 'idn-email': return `${this.r.pick(WORDS)}.${this.r.pick(WORDS)}@example.com`;
      case 'uri': case 'iri': case 'url': return `https://example.com/${this.r.pick(WORDS)}/${this.r.int(1, 999)}`;
      case 'uri-reference': case 'iri-reference': return hint === 'type' ? `urn:flowmock:example:${this.r.pick(WORDS)}` : `/${this.r.pick(WORDS)}/${this.r.int(1, 999)}`;
      case 'hostname': case 'idn-hostname': return `${this.r.pick(WORDS)}.example.com`;
      case 'ipv4': return `192.0.2.${this.r.int(1, 254)}`;
      case 'ipv6': return `2001:db8::${this.r.int(1, 0xffff).toString(16)}`;
      default: return null;
    }
  }

  private byHint(hint: string): string {
    if (hint === 'id' || /Id$/.test(hint)) return this.r.uuid();
    if (/email/i.test(hint)) return `${this.r.pick(WORDS)}@example.com`;
    if (/^(displayName|name|username|user|signer|approver)$/.test(hint)) return this.r.pick(NAMES);
    if (/(message|description|detail|summary|title)$/i.test(hint)) {
      const s = this.words(3, 7);
      return s.charAt(0).toUpperCase() + s.slice(1) + '.';
    }
    if (/(url|location|href)$/i.test(hint)) return `/${this.r.pick(WORDS)}/${this.r.uuid()}`;
    return this.words(1, 2);
  }

  private words(min: number, max: number): string {
    const n = this.r.int(min, max);
    return Array.from({ length: n }, () => this.r.pick(WORDS)).join(' ');
  }

  private dateTime(): string {
    const start = Date.UTC(2026, 0, 1);
    const ms = start + this.r.int(0, 364 * 24 * 3600) * 1000 + this.r.int(0, 999);
    return new Date(ms).toISOString();
  }

  private array(schema: Obj, depth: number, hint: string): unknown[] {
    const min = typeof schema.minItems === 'number' ? schema.minItems : 0;
    const cap = typeof schema.maxItems === 'number' ? schema.maxItems : Infinity;
    const max = depth >= this.maxDepth ? min : Math.min(cap, Math.max(min, 1) + 2);
    const n = this.r.int(Math.min(min, max), Math.max(min, max));
    const out: unknown[] = [];
    const seen = new Set<string>();
    const itemHint = hint.endsWith('s') ? hint.slice(0, -1) : hint;
    for (let tries = 0; out.length < n && tries < n * 10; tries++) {
      const v = this.value(schema.items, depth + 1, itemHint);
      if (schema.uniqueItems) {
        const key = JSON.stringify(v);
        if (seen.has(key)) continue;
        seen.add(key);
      }
      out.push(v);
    }
    return out;
  }

  private object(schema: Obj, depth: number): Record<string, unknown> {
    const out: Record<string, unknown> = {};
    const props: Obj = schema.properties ?? {};
    const required = new Set<string>(Array.isArray(schema.required) ? schema.required : []);
    const exclude = new Set<string>(Array.isArray(schema['x-sample-exclude']) ? schema['x-sample-exclude'] : []);
    const deep = depth >= this.maxDepth;
    for (const [key, sub] of Object.entries(props)) {
      if (exclude.has(key)) continue;
      if (!required.has(key) && (deep || this.r.next() < 0.35)) continue;
      out[key] = this.value(sub, depth + 1, key);
    }
    // Required names without a property schema: anything.
    for (const key of required) if (!(key in out)) out[key] = this.value(true, depth + 1, key);
    const extra = schema.additionalProperties;
    if (extra !== undefined && extra !== false && !deep) {
      const names = this.resolve(schema.propertyNames);
      const fromEnum: string[] | null = names && typeof names === 'object' && Array.isArray(names.enum) ? names.enum : null;
      const wanted = extra === true || Object.keys(extra).length === 0 ? this.r.int(0, 2) : this.r.int(1, 2);
      for (let i = 0; i < wanted; i++) {
        const pool = fromEnum ? fromEnum.filter((k) => !(k in out)) : null;
        if (pool && pool.length === 0) break;
        const key = pool ? this.r.pick(pool) : this.uniqueKey(out, !!schema.properties);
        out[key] = this.value(extra, depth + 1, key);
      }
    }
    return out;
  }

  private uniqueKey(out: Record<string, unknown>, capitalised: boolean): string {
    for (;;) {
      const w = this.r.pick(WORDS);
      const key = capitalised ? w : w.charAt(0).toUpperCase() + w.slice(1);
      if (!(key in out)) return key;
      if (Object.keys(out).length >= WORDS.length) return `${key}${this.r.int(1, 9999)}`;
    }
  }
}

/** Combines two schemas that both apply (allOf, or a `$ref` with sibling keywords). */
function mergeSchemas(a: Obj, b: Obj): Obj {
  const out: Obj = { ...a };
  for (const [k, v] of Object.entries(b)) {
    if (k === 'properties') out.properties = { ...(a.properties ?? {}), ...v };
    else if (k === 'required') out.required = [...new Set([...(a.required ?? []), ...v])];
    else if (k === 'minimum' || k === 'minLength' || k === 'minItems' || k === 'exclusiveMinimum') out[k] = Math.max(a[k] ?? -Infinity, v);
    else if (k === 'maximum' || k === 'maxLength' || k === 'maxItems' || k === 'exclusiveMaximum') out[k] = Math.min(a[k] ?? Infinity, v);
    else if (k === 'allOf') out.allOf = [...(a.allOf ?? []), ...v];
    else out[k] = v;
  }
  return out;
}

// ------------------------------------------------------------------------- regular expressions

type Atom =
  | { kind: 'chars'; chars: string[] }
  | { kind: 'group'; alternatives: Item[][] };
interface Item { atom: Atom; min: number; max: number }

const PRINTABLE = Array.from({ length: 95 }, (_, i) => String.fromCharCode(32 + i));
const DIGITS = '0123456789'.split('');
const WORD = [...'abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ', ...DIGITS, '_'];
const SPACE = [' '];

/**
 * One string matching `pattern` (ECMAScript syntax) for the common subset: literals, `.`, escapes
 * `\d \w \s` (and negations), classes with ranges and negation, groups with alternation, and the
 * quantifiers `? * + {n} {n,} {n,m}`. Anchors are implied. Returns null for anything else
 * (look-arounds, back-references) or when the draw does not match.
 */
export function sampleRegex(pattern: string, random: RandomSource): string | null {
  let items: Item[][];
  try {
    const p = new RegexParser(pattern.replace(/^\^/, '').replace(/(?<!\\)\$$/, ''));
    items = p.alternatives();
    if (!p.done()) return null;
  } catch {
    return null;
  }
  const out = emit({ kind: 'group', alternatives: items }, random);
  try {
    return new RegExp(pattern, 'u').test(out) ? out : null;
  } catch {
    return null;
  }
}

function emit(atom: Atom, r: RandomSource): string {
  if (atom.kind === 'chars') return r.pick(atom.chars);
  const seq = r.pick(atom.alternatives);
  let s = '';
  for (const item of seq) {
    const n = r.int(item.min, item.max);
    for (let i = 0; i < n; i++) s += emit(item.atom, r);
  }
  return s;
}

class RegexParser {
  private i = 0;
  constructor(private readonly src: string) {}

  done(): boolean {
    return this.i >= this.src.length;
  }

  alternatives(): Item[][] {
    const alts: Item[][] = [this.sequence()];
    while (this.src[this.i] === '|') {
      this.i++;
      alts.push(this.sequence());
    }
    return alts;
  }

  private sequence(): Item[] {
    const items: Item[] = [];
    while (this.i < this.src.length && this.src[this.i] !== '|' && this.src[this.i] !== ')') {
      const atom = this.atom();
      const [min, max] = this.quantifier();
      items.push({ atom, min, max });
    }
    return items;
  }

  private atom(): Atom {
    const c = this.src[this.i++];
    if (c === '(') {
      if (this.src[this.i] === '?') {
        if (this.src[this.i + 1] !== ':') throw new Error('unsupported group');
        this.i += 2;
      }
      const alternatives = this.alternatives();
      if (this.src[this.i++] !== ')') throw new Error('unclosed group');
      return { kind: 'group', alternatives };
    }
    if (c === '[') return { kind: 'chars', chars: this.charClass() };
    if (c === '.') return { kind: 'chars', chars: PRINTABLE };
    if (c === '\\') return { kind: 'chars', chars: this.escape() };
    if (c === '^' || c === '$' || c === '*' || c === '+' || c === '?' || c === '{') throw new Error('unsupported');
    return { kind: 'chars', chars: [c] };
  }

  private escape(): string[] {
    const c = this.src[this.i++];
    switch (c) {
      case 'd': return DIGITS;
      case 'w': return WORD;
      case 's': return SPACE;
      case 'D': return PRINTABLE.filter((x) => !DIGITS.includes(x));
      case 'W': return PRINTABLE.filter((x) => !WORD.includes(x));
      case 'S': return PRINTABLE.filter((x) => x !== ' ');
      case 'n': return ['\n'];
      case 't': return ['\t'];
      default:
        if (/[1-9bBkpPux]/.test(c)) throw new Error('unsupported escape');
        return [c];
    }
  }

  private charClass(): string[] {
    let negate = false;
    if (this.src[this.i] === '^') {
      negate = true;
      this.i++;
    }
    const set = new Set<string>();
    let first = true;
    while (this.i < this.src.length && (this.src[this.i] !== ']' || first)) {
      first = false;
      let lo: string[];
      if (this.src[this.i] === '\\') {
        this.i++;
        lo = this.escape();
      } else {
        lo = [this.src[this.i++]];
      }
      if (lo.length === 1 && this.src[this.i] === '-' && this.src[this.i + 1] !== ']' && this.i + 1 < this.src.length) {
        this.i++;
        const hiChar = this.src[this.i] === '\\' ? (this.i++, this.escape()[0]) : this.src[this.i++];
        for (let code = lo[0].charCodeAt(0); code <= hiChar.charCodeAt(0); code++) set.add(String.fromCharCode(code));
      } else {
        for (const x of lo) set.add(x);
      }
    }
    if (this.src[this.i++] !== ']') throw new Error('unclosed class');
    const chars = negate ? PRINTABLE.filter((x) => !set.has(x)) : [...set];
    if (chars.length === 0) throw new Error('empty class');
    return chars;
  }

  private quantifier(): [number, number] {
    const c = this.src[this.i];
    let q: [number, number] = [1, 1];
    if (c === '?') q = [0, 1];
    else if (c === '*') q = [0, 3];
    else if (c === '+') q = [1, 4];
    else if (c === '{') {
      const m = /^\{(\d+)(,(\d*))?\}/.exec(this.src.slice(this.i));
      if (!m) throw new Error('bad quantifier');
      const min = Number(m[1]);
      const max = m[2] === undefined ? min : m[3] === '' ? min + 3 : Number(m[3]);
      this.i += m[0].length;
      if (this.src[this.i] === '?') this.i++;
      return [min, Math.min(max, min + 8)];
    } else return q;
    this.i++;
    if (this.src[this.i] === '?') this.i++; // lazy: same strings
    return q;
  }
}
