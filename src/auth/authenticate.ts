/**
 * Who is calling: the one place that reads credentials off a request, for both APIs.
 *
 *  - Smart Flows (`ApiKey`, `SmartFlowsJwt`): an `X-API-Key` header, else `Authorization: Bearer
 *    <login JWT>`; neither is a 401.
 *  - PhixFlow (`PhixFlowToken`): `Authorization: Bearer <PhixFlow token>`. Whether one is needed is
 *    decided per actionflow (anonymous ones need none), so the caller says `required`.
 *
 * Used by the dispatcher (Smart Flows operations), the Prefer answers (a PhixFlow token that is
 * sent is checked) and the PhixFlow handlers (per actionflow). Failures are CredentialErrors
 * (401/403), mapped to problems by the error table.
 */
import type { IncomingHttpHeaders } from 'node:http';
import { CredentialError, type Credentials } from './credentials.js';
import type { Principal } from './principal.js';

export type AuthScheme = 'smartflows' | 'phixflow';

export interface AuthenticateOptions {
  /** PhixFlow only: without a token, throw a 401 with `missing` (true) or answer null (false). */
  required?: boolean;
  /** The 401's words when a required PhixFlow token is missing. */
  missing?: string;
}

const NO_SMARTFLOWS_CREDENTIALS = 'No credentials: send an X-API-Key header or Authorization: Bearer <jwt>.';
const NO_PHIXFLOW_TOKEN = 'Send Authorization: Bearer <token>.';

/** The token of an `Authorization: Bearer <token>` header; null when there is no header, a 401 when it is malformed. */
export function bearerToken(header: string | undefined): string | null {
  if (!header) return null;
  const m = /^Bearer ([A-Za-z0-9._~+/=-]+)$/i.exec(header.trim());
  if (!m) throw new CredentialError(401, 'The Authorization header must be "Bearer <token>".');
  return m[1];
}

/** The verified caller of a request under `scheme`; null only for a PhixFlow request without a token that is not required. */
export async function authenticate(credentials: Credentials, headers: IncomingHttpHeaders, scheme: AuthScheme, opts: AuthenticateOptions = {}): Promise<Principal | null> {
  if (scheme === 'phixflow') {
    const token = bearerToken(headers.authorization);
    if (!token) {
      if (opts.required) throw new CredentialError(401, opts.missing ?? NO_PHIXFLOW_TOKEN);
      return null;
    }
    return credentials.verifyPhixflowToken(token);
  }
  const apiKey = headers['x-api-key'];
  if (apiKey !== undefined) {
    if (Array.isArray(apiKey)) throw new CredentialError(401, 'Send exactly one X-API-Key header.');
    return credentials.verifyApiKey(apiKey);
  }
  const bearer = bearerToken(headers.authorization);
  if (bearer) return credentials.verifyLoginJwt(bearer);
  throw new CredentialError(401, NO_SMARTFLOWS_CREDENTIALS);
}

/**
 * Whether the caller holds the operation's permission (`x-flowmock-permission`); a 403 when not.
 * `own-or-…` permissions are decided by the handler, which knows whose record it is.
 */
export function authorize(principal: Principal | null, needed: string | null): void {
  if (!needed || !principal || needed.startsWith('own-or-')) return;
  const ok = principal.permissions.has(needed)
    || (needed === 'read:ownFlowExecutions' && principal.permissions.has('read:flowExecutions'));
  if (!ok) throw new CredentialError(403, `User ${principal.user.username} lacks the permission ${needed}.`);
}
