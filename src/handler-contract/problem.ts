/**
 * RFC 9457 problem details: the one shape of every error flowmock answers.
 * Handlers throw `ProblemError`; the dispatcher turns it into `application/problem+json`.
 */
export interface FieldError {
  in: 'body' | 'query' | 'path' | 'header';
  pointer: string;
  rule?: string;
  message: string;
}

export interface Problem {
  type: string;
  title: string;
  status: number;
  detail?: string;
  instance?: string;
  requestId?: string;
  errors?: FieldError[];
}

const TITLES: Record<number, [slug: string, title: string]> = {
  400: ['validation', 'Invalid request'],
  401: ['unauthorized', 'Unauthorized'],
  403: ['forbidden', 'Forbidden'],
  404: ['not-found', 'Not found'],
  405: ['method-not-allowed', 'Method not allowed'],
  406: ['not-acceptable', 'Not acceptable'],
  409: ['conflict', 'Conflict'],
  413: ['payload-too-large', 'Payload too large'],
  415: ['unsupported-media-type', 'Unsupported media type'],
  422: ['unprocessable', 'Unprocessable request'],
  429: ['too-many-requests', 'Too many requests'],
  500: ['internal', 'Internal server error'],
  501: ['not-implemented', 'Not implemented'],
  503: ['unavailable', 'Service unavailable'],
};

export class ProblemError extends Error {
  constructor(
    readonly status: number,
    detail: string,
    readonly errors?: FieldError[],
    readonly headers?: Record<string, string>,
  ) {
    super(detail);
    this.name = 'ProblemError';
  }

  toProblem(requestId?: string): Problem {
    return problemBody(this.status, this.message, this.errors, requestId);
  }
}

export function problemBody(status: number, detail: string, errors?: FieldError[], requestId?: string): Problem {
  const [slug, title] = TITLES[status] ?? ['error', 'Error'];
  const p: Problem = { type: `urn:flowmock:problem:${slug}`, title, status, detail };
  if (requestId) p.requestId = requestId;
  if (errors?.length) p.errors = errors;
  return p;
}

export const badRequest = (detail: string, errors?: FieldError[]) => new ProblemError(400, detail, errors);
export const unauthorized = (detail: string) => new ProblemError(401, detail);
export const forbidden = (detail: string) => new ProblemError(403, detail);
export const notFound = (detail: string) => new ProblemError(404, detail);
export const conflict = (detail: string) => new ProblemError(409, detail);

/** One field error as a 400, the common case. */
export const invalidField = (where: FieldError['in'], pointer: string, rule: string, message: string) =>
  badRequest(`${where} ${pointer || '(root)'}: ${message}`, [{ in: where, pointer, rule, message }]);
