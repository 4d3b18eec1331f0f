/**
 * The one table of errors to problems. Handlers, engines, auth and the store throw their own
 * errors (no HTTP status in them); the dispatcher looks each up here, first match wins. An error
 * no row matches is a 500 whose detail names only the request id: its message and stack go to the
 * log, never to the caller.
 */
import { ProblemError, type FieldError, type Problem, problemBody } from '../handler-contract/problem.js';
import { CredentialError, KeyLimitError } from '../auth/credentials.js';
import { LoginThrottledError } from '../auth/login-throttle.js';
import { StoreQueryError } from '../store/query-rules.js';
import { isStoreUnavailable, isTransientStoreError } from '../store/store-health.js';
import { FlowInputValidationError, FlowStateError, InputError } from '../engine/flows/errors.js';
import { FlowBodyError } from '../engine/definitions/vendor-body.js';
import { DefinitionError } from '../engine/definitions/load.js';
import { ResourceError } from '../engine/resources/resource-engine.js';

/** How an error is answered. */
export interface MappedProblem {
  status: number;
  /** The problem body (without requestId: the dispatcher adds it). */
  body: Problem;
  headers?: Record<string, string>;
  /**
   * Answered as the spec's server-wide response (429 login throttling, 503 store unavailable)
   * when the operation does not document the status itself.
   */
  serverWide?: boolean;
  /** Logged as a warning (the server's state, not the caller's mistake). */
  warn?: boolean;
}

interface ErrorRow<E> {
  /** What the row is for (the README's and ARCHITECTURE.md's words). */
  name: string;
  matches(err: unknown): err is E;
  problem(err: E): MappedProblem;
}

const row = <E>(r: ErrorRow<E>): ErrorRow<unknown> => r as ErrorRow<unknown>;
const is = <E>(cls: abstract new (...args: never[]) => E) => (err: unknown): err is E => err instanceof cls;
const plain = (status: number, detail: string, errors?: FieldError[], headers?: Record<string, string>): MappedProblem =>
  ({ status, body: problemBody(status, detail, errors), ...(headers ? { headers } : {}) });
const bodyErrors = (problems: Array<{ pointer: string; rule: string; message: string }>): FieldError[] =>
  problems.map((p) => ({ in: 'body', pointer: p.pointer, rule: p.rule, message: p.message }));

export const ERROR_PROBLEMS: ReadonlyArray<ErrorRow<unknown>> = [
  // A problem a handler built itself (its status, fields and headers as given).
  row<ProblemError>({ name: 'ProblemError', matches: is(ProblemError), problem: (e) => ({ status: e.status, body: e.toProblem(), ...(e.headers ? { headers: e.headers } : {}) }) }),
  // Missing, invalid or revoked credentials 401; a missing permission 403; an unknown user 404.
  row<CredentialError>({ name: 'CredentialError', matches: is(CredentialError), problem: (e) => plain(e.status, e.message) }),
  row<KeyLimitError>({ name: 'KeyLimitError', matches: is(KeyLimitError), problem: (e) => plain(400, e.message, [{ in: 'body', pointer: '', rule: e.rule, message: e.message }]) }),
  row<LoginThrottledError>({
    name: 'LoginThrottledError', matches: is(LoginThrottledError),
    problem: (e) => ({ ...plain(429, e.message, undefined, { 'Retry-After': String(e.retryAfterSeconds) }), serverWide: true }),
  }),
  // A query the store refuses (a bound of a filter): the caller's, named, never a 500.
  row<StoreQueryError>({ name: 'StoreQueryError', matches: is(StoreQueryError), problem: (e) => plain(400, `Invalid query: ${e.message}.`, [{ in: 'query', pointer: '', rule: 'storeQuery', message: e.message }]) }),
  // The execution is not in a state that allows the operation, or does not exist.
  row<FlowStateError>({ name: 'FlowStateError', matches: is(FlowStateError), problem: (e) => plain(e.kind === 'conflict' ? 409 : 404, e.message) }),
  // Form values of a UserInput step, or a request body, that break the flow's rules: 400 per field.
  row<FlowInputValidationError>({ name: 'FlowInputValidationError', matches: is(FlowInputValidationError), problem: (e) => plain(400, e.message, bodyErrors(e.problems)) }),
  row<InputError>({
    name: 'InputError', matches: is(InputError),
    problem: (e) => (e.kind === 'unsupportedMediaType' ? plain(415, e.message) : plain(400, e.message, bodyErrors([e]))),
  }),
  // A flow sent over the API that cannot run, or definitions a request carried that do not load.
  row<FlowBodyError>({ name: 'FlowBodyError', matches: is(FlowBodyError), problem: (e) => plain(400, `The flow cannot be run: ${e.message}`, bodyErrors(e.problems)) }),
  row<DefinitionError>({ name: 'DefinitionError', matches: is(DefinitionError), problem: (e) => plain(400, e.message, bodyErrors(e.problems)) }),
  // An object of a regular collection: unknown 404, invalid (a field, a reference to nothing) 400, in use or a duplicate 409 naming who.
  row<ResourceError>({
    name: 'ResourceError', matches: is(ResourceError),
    problem: (e) => plain(e.kind === 'notFound' ? 404 : e.kind === 'invalid' ? 400 : 409, e.message, e.problems.length ? e.problems : undefined),
  }),
  // The database is locked by another process past the retry budget, full, read-only or gone: 503.
  row<Error>({
    name: 'store unavailable', matches: (err): err is Error => isStoreUnavailable(err),
    problem: (e) => ({ ...plain(503, `The store cannot be written now (${storeReason(e)}); retry after 1 s.`, undefined, { 'Retry-After': '1' }), serverWide: true, warn: true }),
  }),
];

/** The problem an error is answered with; null when no row matches (the dispatcher answers 500 and logs the stack). */
export function problemForError(err: unknown): MappedProblem | null {
  for (const r of ERROR_PROBLEMS) if (r.matches(err)) return r.problem(err);
  return null;
}

function storeReason(err: unknown): string {
  if (isTransientStoreError(err)) return 'another process holds the database write lock';
  const message = (err as Error)?.message ?? String(err);
  return message.length > 300 ? `${message.slice(0, 300)}…` : message;
}
