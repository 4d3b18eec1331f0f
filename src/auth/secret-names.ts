/**
 * The one list of names that carry credentials, wherever a caller puts them: headers, query
 * parameters, and body fields at any depth. The request log (src/http/logging.ts), the request
 * journal (src/http/journal.ts) and what an actionflow sees of its request
 * (src/engine/actionflows/input.ts) all redact by this list, so a name added here is redacted
 * everywhere at once.
 */
export const REDACTED = '[redacted]';

/** Header names (lower case). */
export const SECRET_HEADERS: readonly string[] = [
  'authorization', 'proxy-authorization', 'cookie', 'set-cookie', 'x-api-key', 'x-auth-token', 'x-access-token',
  'x-amz-security-token', 'x-csrf-token', 'x-xsrf-token', 'api-key', 'apikey', 'x-token', 'token',
];

/**
 * Query parameter and body field names, compared without case, `-` and `_` (so `api_key`,
 * `apiKey`, `API-KEY` are one name).
 */
const SECRET_FIELD_NAMES: readonly string[] = [
  'password', 'passwd', 'pwd', 'newpassword', 'oldpassword', 'currentpassword', 'passphrase',
  'token', 'accesstoken', 'refreshtoken', 'idtoken', 'authtoken', 'xauthtoken', 'bearer', 'jwt', 'sessiontoken',
  'apikey', 'xapikey', 'secret', 'clientsecret', 'resettoken', 'privatekey', 'authorization', 'cookie', 'credentials', 'sessionid',
];

const HEADERS = new Set(SECRET_HEADERS);
const FIELDS = new Set(SECRET_FIELD_NAMES);
const normalise = (name: string): string => {
  // Called for every key of every journaled or actionflow body: the replace only when there is something to remove.
  const lower = name.toLowerCase();
  return lower.includes('-') || lower.includes('_') ? lower.replace(/[-_]/g, '') : lower;
};

export const isSecretHeader = (name: string): boolean => HEADERS.has(name.toLowerCase());
/** A query parameter or body field that holds a credential. */
export const isSecretField = (name: string): boolean => FIELDS.has(normalise(name));

/** Header values with every credential header replaced by `[redacted]` (names lower case, arrays joined). */
export function redactHeaderValues(headers: Record<string, unknown>): Record<string, string> {
  const out: Record<string, string> = {};
  for (const rawName in headers) {
    const value = headers[rawName];
    if (value === undefined) continue;
    const name = rawName.toLowerCase();
    out[name] = HEADERS.has(name) ? REDACTED : Array.isArray(value) ? value.join(', ') : String(value);
  }
  return out;
}

/** A copy of a JSON value with every secret-named field (at any depth, in objects and arrays) redacted. */
export function redactJson(value: unknown, extraFields: readonly string[] = [], depth = 0): unknown {
  if (depth > 200 || value === null || typeof value !== 'object') return value;
  if (Array.isArray(value)) return value.map((v) => redactJson(v, extraFields, depth + 1));
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(value)) {
    out[k] = isSecretField(k) || extraFields.includes(k) ? REDACTED : redactJson(v, extraFields, depth + 1);
  }
  return out;
}

/** Every string value of a secret-named field (at any depth): blanked wherever else it appears. */
export function secretValues(value: unknown, out: string[] = [], depth = 0): string[] {
  if (depth > 200 || value === null || typeof value !== 'object') return out;
  for (const [k, v] of Object.entries(value)) {
    if (isSecretField(k) && typeof v === 'string') out.push(v);
    else secretValues(v, out, depth + 1);
  }
  return out;
}

/** A query string (without `?`) with the values of secret-named parameters redacted. */
export function redactQueryString(search: string): string {
  if (!search) return search;
  return search.split('&').map((pair) => {
    const eq = pair.indexOf('=');
    let name = eq === -1 ? pair : pair.slice(0, eq);
    try { name = decodeURIComponent(name.replace(/\+/g, ' ')); } catch { /* keep it as sent */ }
    return eq !== -1 && isSecretField(name) ? `${pair.slice(0, eq)}=${encodeURIComponent(REDACTED)}` : pair;
  }).join('&');
}

/** A URL (path and query) with the values of secret-named query parameters redacted. */
export function redactUrl(url: string): string {
  const q = url.indexOf('?');
  return q === -1 ? url : `${url.slice(0, q)}?${redactQueryString(url.slice(q + 1))}`;
}

/**
 * Text that is not JSON (form bodies, XML, cut or broken JSON): `name=value` pairs,
 * `<name>value</name>` elements and `"name": "value"` members with a secret name lose their
 * value. Names are matched as in `isSecretField`; every pattern is bounded or anchored, so the
 * work stays linear in the text.
 */
export function redactText(text: string): string {
  return text
    .replace(/(?<![A-Za-z0-9_.-])([A-Za-z0-9_.-]{1,64})=([^&\s]*)/g, (m, name: string) => (isSecretField(name) ? `${name}=${REDACTED}` : m))
    .replace(/<([A-Za-z_][\w.-]{0,63})(\s[^<>]*)?>([^<]*)<\/\1>/g, (m, name: string, attrs: string | undefined) => (isSecretField(name) ? `<${name}${attrs ?? ''}>${REDACTED}</${name}>` : m))
    .replace(/"([^"\\]{1,64})"\s*:\s*"((?:[^"\\]|\\.)*)("|$)/g, (m, name: string) => (isSecretField(name) ? `"${name}":"${REDACTED}"` : m));
}
