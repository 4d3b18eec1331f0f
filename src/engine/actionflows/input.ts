/**
 * Turns an incoming request into what the actionflow sees: the input connection point's fixed
 * String parameters (body, contentType, headers, url) and its input parameters.
 */
import type { ActionflowDef } from '../definitions/types.js';
import type { ActionflowInput, ActionflowParams, IncomingRequest, PreparedInput } from './types.js';

/** Header values the actionflow (and the logs) must never see. */
const REDACTED_HEADERS = new Set(['authorization', 'cookie', 'x-api-key']);
export const REDACTED = '[redacted]';

/** The query parameter that overrides the timeout; it is never an input parameter. */
const TIMEOUT_PARAM = 'timeout';

export function prepareInput(def: ActionflowDef, req: IncomingRequest): PreparedInput {
  return {
    input: buildInput(req),
    params: buildParams(def, req.query),
    method: req.method ?? 'POST',
  };
}

export function redactHeaders(headers: Record<string, string | string[] | undefined>): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [rawName, value] of Object.entries(headers)) {
    if (value === undefined) continue;
    const name = rawName.toLowerCase();
    out[name] = REDACTED_HEADERS.has(name) ? REDACTED : Array.isArray(value) ? value.join(', ') : value;
  }
  return out;
}

function buildInput(req: IncomingRequest): ActionflowInput {
  return {
    body: rawBodyOf(req),
    contentType: req.contentType ?? '',
    headers: redactHeaders(req.headers),
    url: req.url,
  };
}

/** The product passes the body as a String; rebuild it when the HTTP layer only has it parsed. */
function rawBodyOf(req: IncomingRequest): string {
  if (req.rawBody !== null) return req.rawBody;
  if (req.body === undefined || req.body === null) return '';
  if (typeof req.body === 'string') return req.body;
  if (Buffer.isBuffer(req.body)) return req.body.toString('utf8');
  return JSON.stringify(req.body);
}

function buildParams(def: ActionflowDef, query: IncomingRequest['query']): ActionflowParams {
  const params: ActionflowParams = {};
  // Undeclared query parameters reach the actionflow as input parameters of the same name.
  for (const [name, value] of Object.entries(query)) {
    if (name !== TIMEOUT_PARAM && value !== undefined) params[name] = value;
  }
  for (const p of def.parameters) {
    const value = query[p.name];
    // PhixFlow: a parameter the call leaves out is "unavailable" unless it has a default value;
    // the run goes on (null here), it is not refused.
    if (value !== undefined) params[p.name] = value;
    else params[p.name] = p.default !== undefined ? p.default : null;
  }
  return params;
}
