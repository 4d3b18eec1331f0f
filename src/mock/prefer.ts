/**
 * The `Prefer` request header (RFC 7240) and Prism's mock preferences on the reference server.
 *
 * `parsePrefer` / `parsePreferences` (prefer-header.ts, re-exported here) read the header for every
 * feature that uses it; each feature takes the tokens it owns and ignores the others (`scenario=`
 * belongs to the engine scenarios, `latency=`, `fault=` and `retry-after=` to faults.ts, `code=`,
 * `example=`, `dynamic=` and `seed=` to this file).
 *
 * Prism parity: `Prefer: code=<status>`, `example=<name>`, `dynamic=true` (with an optional
 * `seed=<text>`), or their query twins `__code`, `__example`, `__dynamic`, `__seed`, make the
 * operation answer with what the spec documents instead of running its handler:
 *
 *  - the response: the one for `code`; without a code, the lowest 2xx (with `example`: the lowest
 *    2xx that has that example, then any status that has it);
 *  - the media type: by `Accept`, else application/json, else the first documented;
 *  - the body: the named example, or with `dynamic=true` one generated from the response schema
 *    (seeded: `seed=` in the request, else the server's `--seed` stream), or the first example
 *    (a schema sample with a fixed seed when the response has none);
 *  - headers: each documented header with its example (or a sample of its schema), plus
 *    `Preference-Applied` naming the preferences used.
 *
 * Order, as in Prism: routing, credentials and permission (401/403), request validation (400,
 * 413, 415) happen first, exactly as for any request; only the handler is replaced, so no state
 * is read or changed. PhixFlow operations allow anonymous callers in the spec, so there a token is
 * checked only when one is sent. The answer is checked against the spec like every other answer.
 * An undocumented code or example, or a malformed value, is the server-wide 422
 * (`PreferNotDocumented`) listing what is documented.
 */
import { hashSeed, createRandom, type RandomSource } from '../random.js';
import type { OperationSpec } from '../http/openapi-document.js';
import type { SpecValidator } from '../http/validation.js';
import { isJsonMedia } from '../http/validation.js';
import type { Handlers, OperationId, RequestContext } from '../handler-contract/handler-types.js';
import { ServerWideProblem, type ServerWideAnswers } from '../http/server-wide.js';
import { sampleValid } from './schema-sample.js';
import { authenticate } from '../auth/authenticate.js';
import { parsePrefer } from '../handler-contract/prefer-header.js';

type Obj = Record<string, any>;

export { parsePrefer, parsePreferences, type Preference } from '../handler-contract/prefer-header.js';

// -------------------------------------------------------------------- Prism's mock preferences

/** The preferences this file owns, from the header and, for keys the header lacks, the query twins. */
export interface MockPreferences {
  code?: string;
  example?: string;
  dynamic?: string;
  seed?: string;
}

const MOCK_KEYS = ['code', 'example', 'dynamic', 'seed'] as const;

/**
 * `code`, `example`, `dynamic`, `seed` from `Prefer`, then from `__code`, `__example`,
 * `__dynamic`, `__seed` in the query for those the header does not give. (Prism reads the query
 * twins only when there is no Prefer header at all; merging lets `Prefer: scenario=…` and
 * `?__code=404` work together.) Null when none is given.
 */
export function mockPreferences(headers: Record<string, string | string[] | undefined>, query: URLSearchParams | Record<string, string | string[]>): MockPreferences | null {
  const prefer = parsePrefer(headers.prefer);
  const fromQuery = (k: string): string | undefined => {
    const v = query instanceof URLSearchParams ? query.get(`__${k}`) ?? undefined : query[`__${k}`];
    return Array.isArray(v) ? v[0] : v;
  };
  const out: MockPreferences = {};
  let any = false;
  for (const k of MOCK_KEYS) {
    const v = prefer.get(k) ?? fromQuery(k);
    if (v !== undefined) {
      out[k] = v;
      any = true;
    }
  }
  return any ? out : null;
}

/**
 * Whether the preferences ask for a documented answer instead of the handler's: a code, an
 * example, or dynamic other than `false` (a malformed value is then answered with the 422).
 */
export function asksForMockAnswer(p: MockPreferences | null): p is MockPreferences {
  return !!p && (p.code !== undefined || p.example !== undefined || (p.dynamic !== undefined && p.dynamic !== 'false'));
}

// ------------------------------------------------------------------------- documented answers

interface DocMedia { mediaType: string; schema: Obj | boolean | undefined; examples: Map<string, unknown> }
interface DocResponse { status: string; media: DocMedia[]; headers: Array<{ name: string; header: Obj }> }

interface Reply { status: number; body?: unknown; headers: Record<string, string>; contentType?: string }

/** A tiny valid PDF and PNG, for binary responses the spec gives no example for. */
const PLACEHOLDER_BYTES: Record<string, () => Buffer> = {
  'application/pdf': () => Buffer.from(
    '%PDF-1.4\n1 0 obj<</Type/Catalog/Pages 2 0 R>>endobj\n2 0 obj<</Type/Pages/Kids[3 0 R]/Count 1>>endobj\n'
    + '3 0 obj<</Type/Page/Parent 2 0 R/MediaBox[0 0 200 200]>>endobj\ntrailer<</Root 1 0 R>>\n%%EOF\n', 'latin1'),
  'image/png': () => Buffer.from('iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNk+M9QDwADhgGAWjR9awAAAABJRU5ErkJggg==', 'base64'),
};

/**
 * Headers never copied from the spec: the HTTP layer computes the framing ones, and
 * Preference-Applied names the preferences this answer applied.
 */
const NOT_COPIED_HEADERS = new Set(['content-length', 'content-type', 'transfer-encoding', 'connection', 'preference-applied']);

export interface PreferAnswersOptions {
  doc: Obj;
  ops: OperationSpec[];
  validator: SpecValidator;
  serverWide: ServerWideAnswers;
  /** The server's stream for dynamic bodies (seeded by --seed). */
  random: RandomSource;
}

export class PreferAnswers {
  private readonly responses = new Map<string, DocResponse[]>();

  constructor(private readonly opts: PreferAnswersOptions) {
    for (const op of opts.ops) this.responses.set(op.operationId, this.documented(op));
  }

  private deref(value: any): any {
    let v = value;
    for (let i = 0; i < 20 && v && typeof v.$ref === 'string'; i++) {
      const ref: string = v.$ref;
      v = ref.slice(2).split('/').map((s) => s.replace(/~1/g, '/').replace(/~0/g, '~')).reduce<any>((acc, k) => acc?.[k], this.opts.doc);
    }
    return v;
  }

  private documented(op: OperationSpec): DocResponse[] {
    const item = this.deref(this.opts.doc.paths?.[op.path]) ?? {};
    const raw: Obj = item[op.method.toLowerCase()]?.responses ?? {};
    return Object.entries(raw).map(([status, r]) => {
      const response = this.deref(r) ?? {};
      const media = Object.entries<Obj>(response.content ?? {}).map(([mediaType, m]) => {
        const examples = new Map<string, unknown>();
        for (const [name, ex] of Object.entries<Obj>(m.examples ?? {})) {
          const e = this.deref(ex);
          if (e && 'value' in e) examples.set(name, e.value);
        }
        if ('example' in m && !examples.has('default')) examples.set('default', m.example);
        return { mediaType, schema: m.schema, examples };
      });
      const headers = Object.entries<Obj>(response.headers ?? {}).map(([name, h]) => ({ name, header: this.deref(h) ?? {} }));
      return { status, media, headers };
    });
  }

  /** Wraps every handler: a request asking for a documented answer gets it instead. */
  wrap(handlers: Handlers): Handlers {
    const out: Record<string, unknown> = {};
    for (const [operationId, handler] of Object.entries(handlers)) {
      out[operationId] = async (ctx: RequestContext<OperationId>) => {
        const prefs = mockPreferences(ctx.headers, ctx.rawQuery);
        if (!asksForMockAnswer(prefs)) return (handler as (c: typeof ctx) => unknown)(ctx);
        const op = this.opts.ops.find((o) => o.operationId === operationId);
        if (!op) return (handler as (c: typeof ctx) => unknown)(ctx);
        // PhixFlow operations authenticate in their handler (anonymous is per actionflow): here
        // the spec allows anonymous callers, so a token is checked only when one is sent.
        if (op.security.some((r) => 'PhixFlowToken' in r)) await authenticate(ctx.services.credentials, ctx.headers, 'phixflow', { required: false });
        return this.answer(op, prefs, ctx.headers.accept);
      };
    }
    return out as Handlers;
  }

  private notDocumented(detail: string, documented: string[]): ServerWideProblem {
    return new ServerWideProblem(this.opts.serverWide, 422, detail, { documented });
  }

  /** The documented answer the preferences ask for; throws the server-wide 422 when there is none. */
  answer(op: OperationSpec, prefs: MockPreferences, accept?: string): Reply {
    const all = this.responses.get(op.operationId) ?? [];
    const codes = all.map((r) => r.status);
    if (prefs.code !== undefined && !/^[1-5]\d\d$/.test(prefs.code)) {
      throw this.notDocumented(`Prefer code=${prefs.code} is not an HTTP status; ${op.operationId} documents ${codes.join(', ')}.`, codes);
    }
    if (prefs.dynamic !== undefined && prefs.dynamic !== 'true' && prefs.dynamic !== 'false') {
      throw this.notDocumented(`Prefer dynamic=${prefs.dynamic} must be true or false.`, ['true', 'false']);
    }
    const byNumber = [...all].sort((a, b) => Number(a.status) - Number(b.status));
    const has2xx = (r: DocResponse) => /^2/.test(r.status);
    let response: DocResponse | undefined;
    if (prefs.code !== undefined) {
      response = all.find((r) => r.status === prefs.code);
      if (!response) throw this.notDocumented(`${op.operationId} does not document status ${prefs.code}; it documents ${codes.join(', ')}.`, codes);
    } else if (prefs.example !== undefined) {
      const withExample = (r: DocResponse) => r.media.some((m) => m.examples.has(prefs.example!));
      response = byNumber.find((r) => has2xx(r) && withExample(r)) ?? byNumber.find(withExample);
      if (!response) {
        const names = [...new Set(all.flatMap((r) => r.media.flatMap((m) => [...m.examples.keys()])))];
        const listed = all.flatMap((r) => r.media.flatMap((m) => [...m.examples.keys()].map((n) => `${n} (${r.status})`)));
        throw this.notDocumented(`${op.operationId} documents no example "${prefs.example}"; its examples: ${[...new Set(listed)].join(', ') || 'none'}.`, names);
      }
    } else {
      response = byNumber.find(has2xx) ?? byNumber[0];
    }
    if (!response) throw this.notDocumented(`${op.operationId} documents no response.`, []);
    const status = Number(response.status);
    const applied: string[] = [];
    if (prefs.code !== undefined) applied.push(`code=${prefs.code}`);

    // Media type: Accept, then JSON, then the first documented; with `example`, one that has it.
    let candidates = response.media;
    if (prefs.example !== undefined) {
      candidates = candidates.filter((m) => m.examples.has(prefs.example!));
      if (candidates.length === 0) {
        const names = [...new Set(response.media.flatMap((m) => [...m.examples.keys()]))];
        throw this.notDocumented(`The ${status} answer of ${op.operationId} has no example "${prefs.example}"; its examples: ${names.join(', ') || 'none'}.`, names);
      }
    }
    const media = negotiate(candidates, accept);
    const headers: Record<string, string> = {};
    const dynamic = prefs.dynamic === 'true' && prefs.example === undefined;
    const random = dynamic
      ? (prefs.seed !== undefined ? createRandom(hashSeed(prefs.seed, op.operationId, status, media?.mediaType ?? '')) : this.opts.random)
      : createRandom(hashSeed('static', op.operationId, status, media?.mediaType ?? ''));

    let body: unknown;
    if (media) {
      if (prefs.example !== undefined) {
        body = structuredClone(media.examples.get(prefs.example));
        applied.push(`example=${quoteIfNeeded(prefs.example)}`);
      } else if (!dynamic && media.examples.size > 0) {
        body = structuredClone(media.examples.values().next().value);
      } else {
        if (dynamic) applied.push('dynamic=true', ...(prefs.seed !== undefined ? [`seed=${quoteIfNeeded(prefs.seed)}`] : []));
        body = this.generate(op, response.status, media, random);
      }
      if (!isJsonMedia(media.mediaType)) {
        body = Buffer.isBuffer(body) ? body : Buffer.from(typeof body === 'string' ? body : JSON.stringify(body ?? ''));
      }
    }

    for (const { name, header } of response.headers) {
      if (NOT_COPIED_HEADERS.has(name.toLowerCase())) continue;
      const value = headerExample(header) ?? sampleValid(header.schema ?? { type: 'string' }, { doc: this.opts.doc, random, hint: name });
      headers[name] = typeof value === 'string' ? value : JSON.stringify(value);
    }
    if (applied.length) headers['Preference-Applied'] = applied.join(', ');
    return { status, body, headers, ...(media ? { contentType: media.mediaType } : {}) };
  }

  private generate(op: OperationSpec, status: string, media: DocMedia, random: RandomSource): unknown {
    if (!isJsonMedia(media.mediaType)) {
      const placeholder = PLACEHOLDER_BYTES[media.mediaType];
      if (placeholder) return placeholder();
      return String(sampleValid(media.schema ?? { type: 'string' }, { doc: this.opts.doc, random }));
    }
    const validate = this.opts.validator.get(op.operationId).responses.get(status)?.get(media.mediaType) ?? null;
    return sampleValid(media.schema, { doc: this.opts.doc, random }, validate ? (v) => validate(v) as boolean : null);
  }
}

function headerExample(header: Obj): unknown {
  if ('example' in header) return header.example;
  const first = header.examples && Object.values<Obj>(header.examples)[0];
  if (first && 'value' in first) return first.value;
  if (header.schema && 'example' in header.schema) return header.schema.example;
  if (Array.isArray(header.schema?.examples) && header.schema.examples.length) return header.schema.examples[0];
  return undefined;
}

const quoteIfNeeded = (v: string): string => (/^[!#$%&'*+.^_`|~0-9A-Za-z-]+$/.test(v) ? v : `"${v.replace(/(["\\])/g, '\\$1')}"`);

/** The documented media type the client accepts best: by `Accept` (q-values, wildcards), else JSON, else the first. */
function negotiate(media: DocMedia[], accept: string | undefined): DocMedia | undefined {
  if (media.length <= 1) return media[0];
  const fallback = media.find((m) => m.mediaType === 'application/json') ?? media[0];
  if (!accept) return fallback;
  const ranges = accept.split(',').map((part) => {
    const [type, ...params] = part.trim().split(';').map((s) => s.trim());
    const q = params.find((p) => p.startsWith('q='));
    return { type: type.toLowerCase(), q: q ? Number(q.slice(2)) : 1 };
  }).filter((r) => r.type && Number.isFinite(r.q));
  let best: DocMedia | undefined;
  let bestScore = 0;
  for (const m of media) {
    const [mt, sub] = m.mediaType.toLowerCase().split('/');
    // The most specific range that matches decides this media type's q (RFC 9110 §12.5.1).
    let match: { specificity: number; q: number } | null = null;
    for (const r of ranges) {
      const [rt, rs] = r.type.split('/');
      if (!(r.type === '*/*' || (rt === mt && (rs === '*' || rs === sub)))) continue;
      const specificity = (rt === '*' ? 0 : 1) + (rs === '*' ? 0 : 1);
      if (!match || specificity > match.specificity) match = { specificity, q: r.q };
    }
    const score = match && match.q > 0 ? match.q * 10 + match.specificity : 0;
    if (score > bestScore) {
      best = m;
      bestScore = score;
    }
  }
  return best ?? fallback;
}
