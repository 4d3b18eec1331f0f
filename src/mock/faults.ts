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
import { problemBody } from '../handler-contract/problem.js';
import type { ServerWideAnswers } from '../http/server-wide.js';

import { FAULT_KINDS, faultsFromPrefer, type FaultEffects, type FaultRule } from './fault-rules.js';

export { FaultSyntaxError, faultsFromPrefer, parseFaultRule, type FaultEffects, type FaultKind, type FaultRule } from './fault-rules.js';

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
