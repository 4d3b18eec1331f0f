/**
 * The fetch mutator orval's `fetch` client calls for every request (orval.config: `override.mutator`).
 * orval's own fetch code reads every answer with `res.text()` and `JSON.parse`, which breaks on a
 * PDF or PNG, and sends relative URLs; this one prefixes the server's base URL, adds the
 * credentials, and reads the body by its media type: JSON as JSON, text and XML as text,
 * anything else (application/pdf, image/png) as a Blob.
 *
 * XML bodies: orval types ExecuteFlow's and StartFlow's body as `PluginInputModel | string` but
 * always sends `JSON.stringify(body)`. A call that sets `Content-Type: application/xml` (or any
 * XML type) in its options gets its string body back unchanged here: the JSON string is decoded.
 */
export interface FlowmockTarget {
  baseUrl: string;
  /** Sent with every request: `{ 'X-API-Key': key }` or `{ Authorization: 'Bearer <token>' }`. */
  headers?: Record<string, string>;
}

let target: FlowmockTarget = { baseUrl: '' };

/** Where the generated functions send their requests, and with which credentials. */
export function setFlowmockTarget(t: FlowmockTarget): void {
  target = t;
}

export async function flowmockFetch<T>(url: string, init?: RequestInit): Promise<T> {
  const headers = new Headers(init?.headers);
  for (const [k, v] of Object.entries(target.headers ?? {})) if (!headers.has(k)) headers.set(k, v);
  // orval sends `JSON.stringify(undefined)` (no body) with a JSON Content-Type: leave the type out then.
  if (init?.body === undefined) headers.delete('Content-Type');
  let body = init?.body;
  if (isXml(headers.get('Content-Type')) && typeof body === 'string' && body.startsWith('"')) {
    const decoded: unknown = JSON.parse(body);
    if (typeof decoded === 'string') body = decoded;
  }
  const res = await fetch(`${target.baseUrl}${url}`, { ...init, headers, body });
  const type = (res.headers.get('content-type') ?? '').split(';')[0].trim().toLowerCase();
  let data: unknown;
  if ([204, 205, 304].includes(res.status) || init?.method === 'HEAD') data = undefined;
  else if (type === 'application/json' || type.endsWith('+json')) data = await res.json();
  else if (type.startsWith('text/') || isXml(type)) data = await res.text();
  else data = await res.blob();
  return { data, status: res.status, headers: res.headers } as T;
}

function isXml(contentType: string | null): boolean {
  const type = (contentType ?? '').split(';')[0].trim().toLowerCase();
  return type === 'application/xml' || type === 'text/xml' || type.endsWith('+xml');
}
