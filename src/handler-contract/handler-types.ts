/**
 * Handler types derived from generated/openapi-types.ts: one handler per operationId, whose
 * parameters, body and replies are typed from the spec. `Handlers` requires every operationId,
 * so an operation added to the spec without a handler does not compile.
 */
import type { Request } from 'express';
import type { IncomingHttpHeaders } from 'node:http';
import type { operations } from '../../generated/openapi-types.js';
import type { Principal } from '../auth/principal.js';
import type { Services } from './services.js';
import type { EventStreamBody } from './event-stream.js';

export type OperationId = keyof operations;
type Op<K extends OperationId> = operations[K];

type ParamsOf<K extends OperationId, W extends 'path' | 'query'> =
  Op<K>['parameters'] extends { [P in W]?: infer T } ? (T extends undefined | never ? Record<string, never> : NonNullable<T>) : Record<string, never>;

type RequestBodyOf<K extends OperationId> =
  Op<K> extends { requestBody?: { content: infer C } } ? C[keyof C] : undefined;

type Responses<K extends OperationId> = Op<K>['responses'];

/** The body type of one documented response: its JSON schema type, or bytes for other media. */
type ReplyBody<R> =
  R extends { content: { 'application/json': infer B } } ? B
    : R extends { content: { 'text/event-stream': unknown } } ? EventStreamBody
    : R extends { content: { [m: string]: unknown } } ? Buffer | string
      : undefined;

/** A reply the handler returns: any documented status with its body. Errors are thrown as ProblemError. */
export type Reply<K extends OperationId> = {
  [S in keyof Responses<K>]: {
    status: S;
    body: ReplyBody<Responses<K>[S]>;
    headers?: Record<string, string>;
    /** Only for non-JSON media types (application/pdf, image/png). */
    contentType?: string;
  };
}[keyof Responses<K>];

export interface RequestContext<K extends OperationId> {
  operationId: K;
  path: ParamsOf<K, 'path'>;
  query: ParamsOf<K, 'query'>;
  /** The full query string as parsed (PhixFlow passes undeclared parameters to the actionflow). */
  rawQuery: Record<string, string | string[]>;
  headers: IncomingHttpHeaders;
  body: RequestBodyOf<K> | undefined;
  rawBody: Buffer | null;
  /** The request's media type without parameters, lower-case, or null. */
  contentType: string | null;
  /** The authenticated caller; null only for operations that allow anonymous access. */
  principal: Principal | null;
  services: Services;
  /** Aborted when the client goes away (long-polls stop waiting). */
  signal: AbortSignal;
  requestId: string;
  /** Scheme://host of this request, for Location headers. */
  origin: string;
  req: Request;
  /**
   * Validates a value against a component schema of the spec; throws a 400 ProblemError naming
   * each field, with pointers prefixed by `pointer` (JSON carried in a query parameter).
   */
  validateComponent(schema: string, value: unknown, where: 'body' | 'query', pointer: string): void;
}

export type Handler<K extends OperationId> = (ctx: RequestContext<K>) => Promise<Reply<K>> | Reply<K>;
export type Handlers = { [K in OperationId]: Handler<K> };

/** What a body check sees: the request after its credentials and parameters passed, before its body is read. */
export interface BodyCheckRequest {
  query: Record<string, unknown>;
  /** The request's media type without parameters, lower-case, or null. */
  contentType: string | null;
  raw: Buffer | null;
  services: Services;
}

/**
 * A rule on the request body that depends on state, such as the input kind of the flow a start
 * names: the dispatcher runs it before it parses the body and checks it against the schema, so
 * that rule is the first the caller hears of. It throws a ProblemError, or returns.
 */
export type BodyCheck = (req: BodyCheckRequest) => void;
export type BodyChecks = Partial<Record<OperationId, BodyCheck>>;

/** The authenticated principal, for operations whose security requires one. */
export function principalOf(ctx: { principal: Principal | null }): Principal {
  if (!ctx.principal) throw new Error('No principal on an operation that requires authentication');
  return ctx.principal;
}
