/**
 * The spec-driven core: for each request, find the operation in the spec, authenticate, check the
 * permission, validate parameters and body, call the operation's handler, validate its reply
 * (when asked) and send it. Every error leaves as application/problem+json.
 */
import type { Request, Response, NextFunction } from 'express';
import type { Logger } from 'pino';
import type { OperationSpec } from './openapi-document.js';
import type { Router } from './router.js';
import { SpecValidator, toFieldErrors, describeErrors, isJsonMedia } from './validation.js';
import { ProblemError, problemBody, type FieldError } from '../handler-contract/problem.js';
import { parseRequestBody, mediaTypeOf } from './request-body.js';
import { isEventStreamBody } from '../handler-contract/event-stream.js';
import type { BodyChecks, Handlers, RequestContext, OperationId } from '../handler-contract/handler-types.js';
import type { Services } from '../handler-contract/services.js';
import { CredentialError } from '../auth/credentials.js';
import { ServerWideProblem, type ServerWideAnswers } from './server-wide.js';
import { isTransientStoreError } from '../store/store-health.js';
import { problemForError } from './error-problems.js';
import { storeRetryDelayMs, STORE_RETRY_BUDGET_MS } from '../store/store-retry.js';
import type { Principal } from '../auth/principal.js';
import { authenticate, authorize } from '../auth/authenticate.js';

export interface DispatchOptions {
  router: Router;
  validator: SpecValidator;
  handlers: Handlers;
  /** Per operation, rules on the body that depend on state; run before the body is parsed and validated. */
  bodyChecks?: BodyChecks;
  services: Services;
  validateResponses: boolean;
  logger: Logger;
  /** The spec's server-wide answers: 503 when the store cannot be written. */
  serverWide?: ServerWideAnswers;
  /** How long a request waits (asynchronously) for another process's write lock before its 503. */
  storeRetryBudgetMs?: number;
}

interface AnyReply { status: number | string; body?: unknown; headers?: Record<string, string>; contentType?: string }

export function sendProblem(res: Response, status: number, detail: string, opts: { errors?: FieldError[]; headers?: Record<string, string>; requestId?: string } = {}): void {
  if (res.headersSent) return;
  for (const [k, v] of Object.entries(opts.headers ?? {})) res.setHeader(k, v);
  res.status(status);
  sendText(res, 'application/problem+json', JSON.stringify(problemBody(status, detail, opts.errors, opts.requestId)));
}

export function createDispatcher(opts: DispatchOptions) {
  const { router, validator, handlers, services, logger } = opts;

  async function authenticateRequest(op: OperationSpec, req: Request): Promise<Principal | null> {
    if (op.security.length === 0) return null;
    // PhixFlow endpoints decide per actionflow (anonymous or token); their handlers authenticate.
    if (op.security.some((r) => 'PhixFlowToken' in r)) return null;
    return authenticate(services.credentials, req.headers, 'smartflows');
  }

  function validateParams(op: OperationSpec, where: 'path' | 'query' | 'header', values: Record<string, unknown>): void {
    const fn = validator.get(op.operationId).params[where];
    if (fn && !fn(values)) {
      const errors = toFieldErrors(where, fn.errors);
      throw new ProblemError(400, describeErrors(errors), errors);
    }
  }

  /** Checks a reply against the spec: status documented, media type documented, JSON body fits. */
  function replyViolations(op: OperationSpec, status: number, mediaType: string | null, body: unknown): string | null {
    const documented = validator.get(op.operationId).responses.get(String(status));
    if (!documented) return `status ${status} is not documented for ${op.operationId}`;
    if (documented.size === 0) return body === undefined ? null : `status ${status} of ${op.operationId} has no body in the spec`;
    if (!mediaType || !documented.has(mediaType)) return `media type ${mediaType} is not documented for ${op.operationId} ${status}`;
    const fn = documented.get(mediaType);
    if (fn && !fn(body)) return `body of ${op.operationId} ${status} breaks the spec: ${describeErrors(toFieldErrors('body', fn.errors))}`;
    return null;
  }

  function send(res: Response, op: OperationSpec, reply: AnyReply, requestId: string): void {
    const status = Number(reply.status);
    // A HEAD operation (ExistsData) documents its answers without a body: a problem it throws is
    // sent as its status alone (Node would leave the body out anyway).
    if (res.req?.method === 'HEAD' && op.method === 'HEAD' && validator.get(op.operationId).responses.get(String(status))?.size === 0) {
      reply = { ...reply, body: undefined };
    }
    const problem = status >= 400 && reply.body !== undefined && !reply.contentType && isProblem(reply.body);
    const mediaType = reply.body === undefined ? null
      : reply.contentType ?? (problem ? 'application/problem+json' : 'application/json');
    if (opts.validateResponses) {
      // A text/event-stream body is written over time: its status and media type are checked here.
      const violation = replyViolations(op, status, mediaType, isEventStreamBody(reply.body) ? '' : reply.body);
      if (violation) {
        logger.error({ requestId, operationId: op.operationId, violation }, 'response breaks the spec');
        sendProblem(res, 500, `Response validation failed: ${violation}`, { requestId });
        return;
      }
    }
    if (reply.headers) for (const k in reply.headers) res.setHeader(k, reply.headers[k]);
    res.status(status);
    if (reply.body === undefined) {
      res.end();
    } else if (isEventStreamBody(reply.body)) {
      res.type(mediaType!);
      reply.body.pipeTo(res);
    } else if (Buffer.isBuffer(reply.body)) {
      res.type(mediaType!).send(reply.body);
    } else {
      const text = typeof reply.body === 'string' ? reply.body : JSON.stringify(reply.body);
      // A media type with its own parameters (a charset) goes through Express, which rewrites them.
      if (mediaType!.includes(';')) res.type(mediaType!).send(text);
      else sendText(res, mediaType!, text);
    }
  }

  return async function dispatch(req: Request, res: Response, next: NextFunction): Promise<void> {
    const requestId = res.locals.requestId as string;
    const { pathname, search } = splitUrl(req.originalUrl);
    const route = router.match(req.method, pathname);
    if (route.kind === 'badPath') return sendProblem(res, 400, route.detail, { requestId });
    if (route.kind === 'notFound') return next();
    if (route.kind === 'methodNotAllowed') {
      return sendProblem(res, 405, `${req.method} is not allowed on ${route.template}; allowed: ${route.allow.join(', ')}.`, {
        headers: { Allow: route.allow.join(', ') }, requestId,
      });
    }
    const { op, pathParams } = route;
    res.locals.operationId = op.operationId;
    // Made when a handler first asks (a long-poll that waits); most requests never do. It aborts
    // only when the client went away before the answer was complete.
    let abort: AbortController | undefined;
    let watchCredentials = (): void => {};
    const signal = (): AbortSignal => {
      watchCredentials();
      if (!abort) {
        const controller = new AbortController();
        abort = controller;
        if (res.closed) {
          if (!res.writableFinished) controller.abort();
        } else {
          res.on('close', () => {
            if (!res.writableFinished) controller.abort();
          });
        }
      }
      return abort.signal;
    };
    const budgetMs = opts.storeRetryBudgetMs ?? STORE_RETRY_BUDGET_MS;
    const startedMs = Date.now();
    for (let attempt = 0; ; attempt++) {
      try {
        // A deleted or replaced database: every answer says so (health reports it too).
        const lost = services.store.health.state();
        if (lost.lost && op.operationId !== 'GetHealth') throw Object.assign(new Error(lost.problem ?? 'store lost'), { code: 'SQLITE_CANTOPEN' });
        await handle();
        return;
      } catch (err) {
        // Another process holds the write lock (busy_timeout 0: nothing waited for it). The
        // handler's writes were rolled back; it runs again after a pause, off the event loop,
        // until the budget is spent, and only then answers 503.
        if (isTransientStoreError(err) && !res.headersSent && !res.closed && Date.now() - startedMs < budgetMs) {
          await new Promise((r) => setTimeout(r, storeRetryDelayMs(attempt)));
          continue;
        }
        fail(err);
        return;
      }
    }

    async function handle(): Promise<void> {
      const principal = await authenticateRequest(op, req);
      res.locals.user = principal?.user.username;
      authorize(principal, op.permission);
      // A request that stays open (an event stream, a long-poll) ends when its credentials are
      // revoked meanwhile: a long-poll answers 401, a stream is closed. Watched only once it
      // stays open (the handler asks for the signal to wait, or answers a stream): a request
      // answered at once has nothing to end, and watching cost every request a timer and a listener.
      let revoked: string | null = null;
      let watching = false;
      watchCredentials = () => {
        if (watching || !principal || res.closed) return;
        watching = true;
        // The watch checks once as it starts: a revocation between the authentication and now is not missed.
        const unwatch = services.credentials.watch(principal, (reason) => {
          revoked = reason;
          signal();
          abort!.abort();
          if (res.headersSent && !res.writableEnded) res.end();
        });
        res.once('close', unwatch);
      };

      const query = parseQuery(new URLSearchParams(search));
      const typedQuery: Record<string, unknown> = { ...query };
      validateParams(op, 'path', pathParams);
      validateParams(op, 'query', typedQuery);
      const headerValues: Record<string, unknown> = {};
      for (const p of op.parameters) if (p.in === 'header' && req.headers[p.name.toLowerCase()] !== undefined) headerValues[p.name.toLowerCase()] = req.headers[p.name.toLowerCase()];
      validateParams(op, 'header', headerValues);

      const raw = Buffer.isBuffer(req.body) ? (req.body as Buffer) : null;
      const contentType = mediaTypeOf(req.headers['content-type']);
      opts.bodyChecks?.[op.operationId as OperationId]?.({ query: typedQuery, contentType, raw, services });
      const parsed = parseRequestBody(op, raw, req.headers['content-type']);
      if (parsed.mediaType && parsed.value !== undefined) {
        const fn = validator.get(op.operationId).body.get(parsed.mediaType);
        if (fn && !fn(parsed.value)) {
          const errors = toFieldErrors('body', fn.errors);
          throw new ProblemError(400, describeErrors(errors), errors);
        }
      }

      const ctx: RequestContext<OperationId> = {
        operationId: op.operationId as OperationId,
        path: pathParams as never,
        query: typedQuery as never,
        rawQuery: query,
        headers: req.headers,
        body: parsed.value as never,
        rawBody: raw,
        contentType,
        principal,
        services,
        get signal() {
          return signal();
        },
        requestId,
        origin: `${req.protocol}://${req.headers.host ?? 'localhost'}`,
        req,
        validateComponent(schema, value, where, pointer) {
          const fn = validator.componentSchema(schema);
          if (!fn(value)) {
            const errors = toFieldErrors(where, fn.errors).map((e) => ({ ...e, pointer: pointer + e.pointer }));
            throw new ProblemError(400, describeErrors(errors), errors);
          }
        },
      };
      const handler = handlers[op.operationId as OperationId] as (c: typeof ctx) => Promise<AnyReply> | AnyReply;
      const reply = await handler(ctx);
      if (revoked !== null) throw new CredentialError(401, revoked);
      if (isEventStreamBody(reply.body)) watchCredentials();
      send(res, op, reply, requestId);
    }

    function fail(err: unknown): void {
      if (res.headersSent) {
        logger.error({ err, requestId }, 'error after the response started');
        return;
      }
      if (err instanceof ServerWideProblem) {
        // 422 for an undocumented Prefer: checked against the spec's server-wide answer, not the operation's.
        err.sendTo(res, requestId);
        return;
      }
      // The one table of errors to problems (src/http/error-problems.ts).
      const mapped = problemForError(err);
      if (!mapped) {
        logger.error({ err, requestId, operationId: op.operationId }, 'unhandled error in handler');
        sendProblem(res, 500, `Internal error; see the server log for request ${requestId}.`, { requestId });
        return;
      }
      if (mapped.warn) logger.warn({ err, requestId, operationId: op.operationId }, `answered ${mapped.status}`);
      const body = { ...mapped.body, requestId };
      // A server-wide answer (429, 503) the operation does not document itself is checked against the spec's server-wide response.
      if (mapped.serverWide && opts.serverWide && !validator.get(op.operationId).responses.has(String(mapped.status))) {
        opts.serverWide.send(res, mapped.status as never, body, mapped.headers ?? {}, requestId);
      } else if (mapped.serverWide && !opts.serverWide && mapped.status === 503) {
        sendProblem(res, 503, mapped.body.detail ?? '', { headers: mapped.headers, requestId });
      } else {
        send(res, op, { status: mapped.status, body, headers: mapped.headers }, requestId);
      }
    }
  };
}

/**
 * A text body (JSON included) with the headers Express's res.type().send() gives it: the media
 * type with charset=utf-8, and Content-Length. Written directly: Express's media type lookup and
 * charset rewriting cost a cheap request more than its routing. (Node leaves the body out of a
 * HEAD answer itself.)
 */
function sendText(res: Response, mediaType: string, text: string): void {
  res.setHeader('Content-Type', `${mediaType}; charset=utf-8`);
  res.setHeader('Content-Length', Buffer.byteLength(text));
  res.end(text);
}

function isProblem(body: unknown): boolean {
  return typeof body === 'object' && body !== null && 'status' in body && 'title' in body && 'type' in body;
}

/**
 * Path and query of the request target. The usual origin-form is split by hand (a URL object per
 * request cost more than routing); anything URL parsing would change (absolute-form, dot
 * segments, characters it would escape) goes through it, so both ways give the same path.
 */
const UNUSUAL_PATH = /\/\.|[^\w\-.~!$&'()*+,;=:@%/]/;
function splitUrl(originalUrl: string): { pathname: string; search: string } {
  const q = originalUrl.indexOf('?');
  const path = q === -1 ? originalUrl : originalUrl.slice(0, q);
  if (path.charCodeAt(0) !== 47 /* / */ || UNUSUAL_PATH.test(path)) {
    const url = new URL(originalUrl, 'http://localhost');
    return { pathname: url.pathname, search: url.search.slice(1) };
  }
  return { pathname: path, search: q === -1 ? '' : originalUrl.slice(q + 1) };
}

/** Query string as an object; a repeated key becomes an array. */
function parseQuery(params: URLSearchParams): Record<string, string | string[]> {
  const out: Record<string, string | string[]> = {};
  for (const [k, v] of params) {
    const prev = out[k];
    out[k] = prev === undefined ? v : Array.isArray(prev) ? [...prev, v] : [prev, v];
  }
  return out;
}

export { isJsonMedia };
