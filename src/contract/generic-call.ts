/**
 * Calling any operation of the spec by its id through a typed client, for the sweeps that walk
 * every operation (auth, negative cases): path and query values, a body and its media type.
 */
import type { ApiClient } from './harness/client.js';
import type { OperationSpec } from './spec-index.js';

export interface RawRequest {
  path?: Record<string, string>;
  query?: Record<string, unknown>;
  /** A JSON value (serialised as JSON), or a string sent as is. */
  body?: unknown;
  /** Content-Type to send with the body (default application/json). */
  contentType?: string;
  headers?: Record<string, string>;
}

type Untyped = Record<string, (path: string, init: Record<string, unknown>) => Promise<{ data?: unknown; error?: unknown; response: Response }>>;

export function callOperation(client: ApiClient, op: OperationSpec, req: RawRequest): Promise<{ data?: unknown; error?: unknown; response: Response }> {
  const init: Record<string, unknown> = {
    params: { path: req.path ?? {}, query: req.query ?? {} },
    headers: { ...(req.headers ?? {}) },
    parseAs: 'text',
  };
  if (req.body !== undefined) {
    const contentType = req.contentType ?? 'application/json';
    // Serialised here: openapi-fetch drops falsy bodies (null, false, 0, ''), which are exactly some negative cases.
    init.body = typeof req.body === 'string' && contentType !== 'application/json' ? req.body : JSON.stringify(req.body);
    init.bodySerializer = (b: unknown) => b;
    (init.headers as Record<string, string>)['Content-Type'] = contentType;
  }
  return (client as unknown as Untyped)[op.method](op.path, init);
}

/** Placeholder path values: valid per the schemas, naming nothing that exists. */
export function probePath(op: OperationSpec, overrides: Record<string, string> = {}): Record<string, string> {
  const out: Record<string, string> = {};
  for (const p of op.parameters) if (p.in === 'path') out[p.name] = overrides[p.name] ?? 'contract-probe';
  return out;
}

/** Required query parameters with placeholder values. */
export function probeQuery(op: OperationSpec): Record<string, string> {
  const out: Record<string, string> = {};
  for (const p of op.parameters) if (p.in === 'query' && p.required) out[p.name] = 'contract-probe';
  return out;
}
