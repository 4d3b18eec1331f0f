/**
 * Turns an incoming request into what the actionflow sees: the input connection point's fixed
 * String parameters (body, contentType, headers, url) and its input parameters.
 */
import type { ActionflowDef } from '../definitions/types.js';
import type { ActionflowInput, ActionflowParams, IncomingRequest, PreparedInput } from './types.js';

import { REDACTED, isSecretField, redactHeaderValues, redactUrl } from '../../auth/secret-names.js';

export { REDACTED };

/** The query parameter that overrides the timeout; it is never an input parameter. */
const TIMEOUT_PARAM = 'timeout';

export function prepareInput(def: ActionflowDef, req: IncomingRequest): PreparedInput {
  return {
    input: buildInput(req),
    params: buildParams(def, req.query),
    method: req.method ?? 'POST',
  };
}

/** Credential headers (the one list of src/auth/secret-names.ts) never reach the actionflow or its logs. */
export function redactHeaders(headers: Record<string, string | string[] | undefined>): Record<string, string> {
  return redactHeaderValues(headers);
}

function buildInput(req: IncomingRequest): ActionflowInput {
  return {
    body: rawBodyOf(req),
    contentType: req.contentType ?? '',
    headers: redactHeaders(req.headers),
    url: redactUrl(req.url),
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
  // A credential sent as a query parameter (?token=, ?api_key=) is not one of them.
  for (const [name, value] of Object.entries(query)) {
    if (name !== TIMEOUT_PARAM && value !== undefined && !isSecretField(name)) params[name] = value;
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
