/**
 * Server-wide control answers: answers that belong to no single operation and that a caller gets
 * only by asking for them — 422 for a `Prefer` the operation does not document, 429 and 503 for
 * injected faults. The spec documents each once, as a component response listed in its
 * `info.description` (as it does 404, 405 and 413), instead of on all operations; this module
 * checks those answers against that component when response validation is on, exactly as the
 * dispatcher checks an operation's own answers.
 */
import type { Response } from 'express';
import type { ValidateFunction } from 'ajv';
import { ProblemError, problemBody, type Problem } from '../handler-contract/problem.js';
import type { SpecValidator } from './validation.js';
import { toFieldErrors, describeErrors } from './validation.js';

type Obj = Record<string, any>;

/** Status → the component response (in `components/responses`) that documents it. */
export const SERVER_WIDE_RESPONSES = {
  422: 'PreferNotDocumented',
  429: 'TooManyRequests',
  503: 'ServiceUnavailable',
} as const;
export type ServerWideStatus = keyof typeof SERVER_WIDE_RESPONSES;

const MEDIA = 'application/problem+json';

/** `schema` compiles the component at its first use (start-up time: issue 17). */
interface Documented { name: string; schema: () => ValidateFunction; headers: string[] }

export class ServerWideAnswers {
  private readonly documented = new Map<number, Documented>();

  /** Throws when the document lacks one of the components (a spec reload is then refused). */
  constructor(doc: Obj, validator: SpecValidator, private readonly validate: boolean) {
    for (const [status, name] of Object.entries(SERVER_WIDE_RESPONSES)) {
      const response = doc.components?.responses?.[name];
      const ref: unknown = response?.content?.[MEDIA]?.schema?.$ref;
      if (typeof ref !== 'string' || !ref.startsWith('#/components/schemas/')) {
        throw new Error(`components/responses/${name} (the server-wide ${status} answer) must have ${MEDIA} content whose schema is a $ref to a component schema`);
      }
      this.documented.set(Number(status), {
        name,
        schema: () => validator.componentSchema(ref.slice('#/components/schemas/'.length)),
        headers: Object.keys(response.headers ?? {}).map((h) => h.toLowerCase()),
      });
    }
  }

  /** Compiles the components' schemas now (a spec someone edited: one Ajv refuses fails the reload). */
  compileAll(): void {
    for (const d of this.documented.values()) d.schema();
  }

  /** What is wrong with a server-wide answer, or null when the spec allows it. */
  violation(status: number, body: unknown, headers: Record<string, string>): string | null {
    const d = this.documented.get(status);
    if (!d) return `status ${status} is not a documented server-wide answer`;
    const schema = d.schema(); // the validator caches it by name
    if (!schema(body)) return `body of the server-wide ${status} (${d.name}) breaks the spec: ${describeErrors(toFieldErrors('body', schema.errors))}`;
    const sent = new Set(Object.keys(headers).map((h) => h.toLowerCase()));
    const missing = d.headers.filter((h) => !sent.has(h));
    if (missing.length) return `the server-wide ${status} (${d.name}) lacks the header${missing.length > 1 ? 's' : ''} ${missing.join(', ')}`;
    return null;
  }

  /** Sends a server-wide answer (problem+json), after checking it when response validation is on. */
  send(res: Response, status: ServerWideStatus, body: Problem, headers: Record<string, string> = {}, requestId?: string): void {
    if (res.headersSent) return;
    if (this.validate) {
      const v = this.violation(status, body, headers);
      if (v) {
        res.status(500).type(MEDIA).send(JSON.stringify(problemBody(500, `Response validation failed: ${v}`, undefined, requestId)));
        return;
      }
    }
    for (const [k, v] of Object.entries(headers)) res.setHeader(k, v);
    res.status(status).type(MEDIA).send(JSON.stringify(body));
  }
}

/**
 * A server-wide answer thrown from inside the dispatcher (a handler or its wrapper); the
 * dispatcher sends it with `answers.send` instead of checking it against the operation.
 */
export class ServerWideProblem extends ProblemError {
  constructor(
    readonly answers: ServerWideAnswers,
    status: ServerWideStatus,
    detail: string,
    readonly extra: Record<string, unknown> = {},
    headers?: Record<string, string>,
  ) {
    super(status, detail, undefined, headers);
    this.name = 'ServerWideProblem';
  }

  override toProblem(requestId?: string): Problem {
    return { ...problemBody(this.status, this.message, undefined, requestId), ...this.extra } as Problem;
  }

  sendTo(res: Response, requestId?: string): void {
    this.answers.send(res, this.status as ServerWideStatus, this.toProblem(requestId), this.headers, requestId);
  }
}
