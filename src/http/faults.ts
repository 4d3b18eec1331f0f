/**
 * Transport faults, opt-in: latency, 429/503 answers with `Retry-After`, a reset connection, a
 * truncated body. They sit in front of everything else (like a flaky network or an overloaded
 * gateway before the real server): no credentials are checked and no handler runs for a 429, 503
 * or reset; a truncated answer is the real answer cut short.
 *
 * Per request, with `Prefer` tokens (other tokens are ignored):
 *   latency=<ms> | latency=<min>-<max>       wait first (a range draws from the --seed stream)
 *   fault=429 | 503 | reset | truncate | none
 *   retry-after=<seconds>                    for 429/503 (default 1)
 *
 * Per route, with rules (`--fault RULE`, repeatable; config `faults: [RULE, …]`):
 *   [METHOD ]PATH=EFFECT[,EFFECT…]
 *   METHOD  GET, POST, … or * (default *)
 *   PATH    the request path; `*` matches within one segment, `**` across segments; matched
 *           against the path as sent and as decoded (`Echo%20and%20enrich` or `Echo and enrich`)
 *   EFFECT  latency:<ms> | latency:<min>-<max> | fault:429|503|reset|truncate | retry-after:<s>
 *           | probability:<0..1> (the share of matching requests the rule applies to; default 1)
 * e.g. `GET /api/v1/flows/executions/*\/progress=latency:200-500` or
 * `POST /phixflow/**=fault:503,retry-after:5,probability:0.25`. Every matching rule that fires
 * applies, later rules overriding earlier ones per effect; the request's own `Prefer` tokens
 * override the rules (`Prefer: fault=none` turns a route's fault off for one request).
 */
import type { Request, Response, NextFunction } from 'express';
import type { Logger } from 'pino';
import type { RandomSource } from '../random.js';
import { problemBody } from './problem.js';
import type { ServerWideAnswers } from './server-wide.js';
import { parsePrefer } from './prefer-header.js';

export type FaultKind = '429' | '503' | 'reset' | 'truncate' | 'none';
const FAULT_KINDS: readonly FaultKind[] = ['429', '503', 'reset', 'truncate', 'none'];
const MAX_LATENCY_MS = 600_000;

export interface FaultEffects {
  latency?: [min: number, max: number];
  fault?: FaultKind;
  retryAfter?: number;
}

export interface FaultRule {
  /** Upper-case method, or '*'. */
  method: string;
  pattern: string;
  regex: RegExp;
  effects: FaultEffects;
  probability: number;
  /** The rule as written. */
  source: string;
}

export class FaultSyntaxError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'FaultSyntaxError';
  }
}

function latency(value: string, where: string): [number, number] {
  const m = /^(\d+)(?:-(\d+))?$/.exec(value.trim());
  if (!m) throw new FaultSyntaxError(`${where}: latency must be <ms> or <min>-<max> in milliseconds, got "${value}"`);
  const min = Number(m[1]);
  const max = m[2] === undefined ? min : Number(m[2]);
  if (max < min) throw new FaultSyntaxError(`${where}: latency range ${value} has its maximum below its minimum`);
  if (max > MAX_LATENCY_MS) throw new FaultSyntaxError(`${where}: latency is at most ${MAX_LATENCY_MS} ms, got ${max}`);
  return [min, max];
}

function fault(value: string, where: string): FaultKind {
  const v = value.trim().toLowerCase() as FaultKind;
  if (!FAULT_KINDS.includes(v)) throw new FaultSyntaxError(`${where}: fault must be one of ${FAULT_KINDS.join(', ')}, got "${value}"`);
  return v;
}

function retryAfter(value: string, where: string): number {
  if (!/^\d{1,6}$/.test(value.trim())) throw new FaultSyntaxError(`${where}: retry-after must be whole seconds, got "${value}"`);
  return Number(value);
}

function globToRegex(glob: string): RegExp {
  let re = '';
  for (let i = 0; i < glob.length; i++) {
    const c = glob[i];
    if (c === '*' && glob[i + 1] === '*') {
      re += '.*';
      i++;
    } else if (c === '*') {
      re += '[^/]*';
    } else {
      re += c.replace(/[.+?^${}()|[\]\\]/g, '\\$&');
    }
  }
  return new RegExp(`^${re}/?$`);
}

/** Parses one `[METHOD ]PATH=EFFECT[,EFFECT…]` rule; throws FaultSyntaxError naming the problem. */
export function parseFaultRule(source: string): FaultRule {
  const where = `fault rule "${source}"`;
  const eq = source.lastIndexOf('=');
  if (eq < 0) throw new FaultSyntaxError(`${where}: expected [METHOD ]PATH=EFFECT[,EFFECT…]`);
  const target = source.slice(0, eq).trim();
  const parts = target.split(/\s+/);
  if (parts.length > 2 || !parts[parts.length - 1]) throw new FaultSyntaxError(`${where}: expected [METHOD ]PATH before "="`);
  const method = parts.length === 2 ? parts[0].toUpperCase() : '*';
  const pattern = parts[parts.length - 1];
  if (!/^(\*|[A-Z]+)$/.test(method)) throw new FaultSyntaxError(`${where}: "${parts[0]}" is not an HTTP method or *`);
  if (!pattern.startsWith('/') && !pattern.startsWith('*')) throw new FaultSyntaxError(`${where}: the path must start with /`);
  const effects: FaultEffects = {};
  let probability = 1;
  for (const raw of source.slice(eq + 1).split(',')) {
    const colon = raw.indexOf(':');
    if (colon < 0) throw new FaultSyntaxError(`${where}: effect "${raw.trim()}" must be key:value`);
    const key = raw.slice(0, colon).trim().toLowerCase();
    const value = raw.slice(colon + 1).trim();
    if (key === 'latency') effects.latency = latency(value, where);
    else if (key === 'fault') effects.fault = fault(value, where);
    else if (key === 'retry-after') effects.retryAfter = retryAfter(value, where);
    else if (key === 'probability') {
      probability = Number(value);
      if (!(value !== '' && probability > 0 && probability <= 1)) throw new FaultSyntaxError(`${where}: probability must be a number in (0, 1], got "${value}"`);
    } else throw new FaultSyntaxError(`${where}: unknown effect "${key}" (latency, fault, retry-after, probability)`);
  }
  if (!effects.latency && !effects.fault) throw new FaultSyntaxError(`${where}: give a latency or a fault`);
  return { method, pattern, regex: globToRegex(pattern), effects, probability, source };
}

/** The fault tokens of a request's `Prefer` header; throws FaultSyntaxError for a malformed one. */
export function faultsFromPrefer(header: string | string[] | undefined): FaultEffects | null {
  if (header === undefined) return null;
  const prefer = parsePrefer(header);
  const out: FaultEffects = {};
  let any = false;
  const l = prefer.get('latency');
  if (l !== undefined) { out.latency = latency(l, 'Prefer'); any = true; }
  const f = prefer.get('fault');
  if (f !== undefined) { out.fault = fault(f, 'Prefer'); any = true; }
  const r = prefer.get('retry-after');
  if (r !== undefined) { out.retryAfter = retryAfter(r, 'Prefer'); any = true; }
  return any ? out : null;
}

function pathMatches(rule: FaultRule, rawPath: string): boolean {
  if (rule.regex.test(rawPath)) return true;
  try {
    return rule.regex.test(decodeURIComponent(rawPath));
  } catch {
    return false;
  }
}

export interface FaultMiddlewareOptions {
  rules: FaultRule[];
  /** Draws latencies within a range and probabilities (seeded by --seed). */
  random: RandomSource;
  /** The current spec's server-wide answers (429 and 503 are checked against them). */
  serverWide: () => ServerWideAnswers;
  logger: Logger;
}

const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

export function faultMiddleware(opts: FaultMiddlewareOptions) {
  const { rules, random, logger } = opts;
  return (req: Request, res: Response, next: NextFunction): void => {
    const requestId = res.locals.requestId as string | undefined;
    let effects: FaultEffects | null = null;
    if (rules.length) {
      const rawPath = (req.originalUrl ?? req.url).split('?')[0];
      for (const rule of rules) {
        if (rule.method !== '*' && rule.method !== req.method) continue;
        if (!pathMatches(rule, rawPath)) continue;
        if (rule.probability < 1 && random.next() >= rule.probability) continue;
        effects = { ...(effects ?? {}), ...rule.effects };
      }
    }
    try {
      const asked = faultsFromPrefer(req.headers.prefer);
      if (asked) effects = { ...(effects ?? {}), ...asked };
    } catch (err) {
      // A malformed fault token is the caller's mistake: say so rather than ignore it.
      opts.serverWide().send(res, 422, { ...problemBody(422, (err as Error).message, undefined, requestId), documented: ['latency=<ms>', 'latency=<min>-<max>', ...FAULT_KINDS.map((k) => `fault=${k}`), 'retry-after=<seconds>'] } as never, {}, requestId);
      return;
    }
    if (!effects) return next();
    const apply = () => {
      const kind = effects!.fault;
      if (kind && kind !== 'none') logger.info({ requestId, method: req.method, path: req.path, fault: kind }, 'fault injected');
      switch (kind) {
        case '429':
        case '503': {
          const status = kind === '429' ? 429 : 503;
          const seconds = effects!.retryAfter ?? 1;
          const detail = status === 429
            ? `Too many requests (injected fault); retry after ${seconds} s.`
            : `The service is unavailable (injected fault); retry after ${seconds} s.`;
          opts.serverWide().send(res, status, problemBody(status, detail, undefined, requestId), { 'Retry-After': String(seconds) }, requestId);
          return;
        }
        case 'reset':
          req.socket.destroy();
          return;
        case 'truncate':
          truncate(res);
          next();
          return;
        default:
          next();
      }
    };
    const [min, max] = effects.latency ?? [0, 0];
    const ms = max > min ? random.int(min, max) : min;
    if (ms > 0) {
      res.setHeader('X-Flowmock-Latency', String(ms));
      sleep(ms).then(() => {
        if (!req.socket.destroyed) apply();
      }, next);
    } else {
      apply();
    }
  };
}

/**
 * Makes the answer end early: the headers announce the whole body (Content-Length), the first
 * half is sent, and the connection is closed, so the client's body read fails.
 */
function truncate(res: Response): void {
  const write = res.write.bind(res);
  (res as { end: unknown }).end = (chunk?: unknown, encoding?: unknown): Response => {
    const close = () => res.socket?.end();
    if (typeof chunk === 'function') chunk = undefined;
    const body = chunk === undefined || chunk === null ? Buffer.alloc(0)
      : Buffer.isBuffer(chunk) ? chunk : Buffer.from(chunk as string, typeof encoding === 'string' ? (encoding as BufferEncoding) : 'utf8');
    if (res.headersSent) {
      close();
      return res;
    }
    const sent = body.subarray(0, Math.floor(body.length / 2));
    res.setHeader('Content-Length', String(Math.max(body.length, sent.length + 1)));
    res.removeHeader('Transfer-Encoding');
    res.flushHeaders();
    if (sent.length) write(sent, () => close());
    else setImmediate(close);
    return res;
  };
}
