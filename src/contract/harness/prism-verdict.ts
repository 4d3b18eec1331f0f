/**
 * Reading Prism's verdict on one exchange: the `sl-violations` header, and whether the answer came
 * from Prism itself (a request it refused, or a response it replaced) rather than from the server.
 */
import type { CheckName } from '../checks.js';

export interface PrismViolation {
  location: string[];
  severity: string;
  code?: string | number;
  message: string;
}

export interface PrismVerdict {
  /** Violations of the request (location starts with "request", or listed in a Prism refusal). */
  request: PrismViolation[];
  /** Violations of the response, Warning or Error. */
  response: PrismViolation[];
  /** The answer was made by Prism: the server never saw the request, or its answer was replaced. */
  generatedBy: 'server' | 'prism-refused-request' | 'prism-replaced-response';
  /** Prism's problem type when it made the answer. */
  prismType?: string;
}

export const PRISM_ERROR_PREFIX = 'https://stoplight.io/prism/errors#';

function parseHeader(value: string | null): PrismViolation[] {
  if (!value) return [];
  try {
    const parsed = JSON.parse(value) as unknown;
    return Array.isArray(parsed) ? (parsed as PrismViolation[]) : [];
  } catch {
    return [{ location: ['response'], severity: 'Error', message: `unreadable sl-violations header: ${value}` }];
  }
}

export function prismVerdict(headers: Headers, status: number, body: unknown): PrismVerdict {
  const all = parseHeader(headers.get('sl-violations'));
  const isRequest = (v: PrismViolation) => v.location?.[0] !== 'response';
  const request = all.filter(isRequest);
  const response = all.filter((v) => !isRequest(v));
  const type = typeof body === 'object' && body !== null ? (body as { type?: unknown }).type : undefined;
  if (typeof type === 'string' && type.startsWith(PRISM_ERROR_PREFIX)) {
    const validation = ((body as { validation?: PrismViolation[] }).validation ?? []).filter(Boolean);
    if (type === `${PRISM_ERROR_PREFIX}VIOLATIONS`) {
      const fromBody = validation.filter((v) => v.location?.[0] === 'response');
      return { request: [...request, ...validation.filter(isRequest)], response: response.length ? response : fromBody, generatedBy: 'prism-replaced-response', prismType: type };
    }
    const title = (body as { title?: string }).title ?? type;
    const extra = validation.length ? validation : [{ location: ['request'], severity: 'Error', message: title }];
    return { request: [...request, ...extra.filter((v) => !request.some((r) => r.message === v.message))], response, generatedBy: 'prism-refused-request', prismType: type };
  }
  // Prism's own body parser refuses malformed JSON before validation: {"error":{"code":"invalid_json",...}}.
  const err = typeof body === 'object' && body !== null ? (body as { error?: { code?: unknown; message?: unknown } }).error : undefined;
  if (status === 400 && err && err.code === 'invalid_json') {
    return { request: [...request, { location: ['request', 'body'], severity: 'Error', code: 'invalid_json', message: String(err.message ?? 'Invalid JSON') }], response, generatedBy: 'prism-refused-request', prismType: 'invalid_json' };
  }
  return { request, response, generatedBy: 'server' };
}

/** The named check a response violation of Prism belongs to. */
export function checkOfViolation(v: PrismViolation): CheckName {
  if (/returned status code/i.test(v.message)) return 'status_code_conformance';
  if (/media type|content type|content-type/i.test(v.message)) return 'content_type_conformance';
  return 'response_schema_conformance';
}

export const describeViolation = (v: PrismViolation): string =>
  `Prism ${v.severity}${v.code !== undefined ? ` [${v.code}]` : ''} at ${(v.location ?? []).join('.') || '(exchange)'}: ${v.message}`;
