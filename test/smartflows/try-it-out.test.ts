/**
 * Swagger UI's "Try it out" (and Dredd, Portman) fill a request from the spec's examples: each path,
 * query and header parameter's `example` and the first example of the body's first media type.
 * For the operations that start work, that request must be one the demo server accepts.
 */
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startServer, type TestServer } from '../support/server.js';
import { tokenFor } from '../phixflow/helpers.js';

type Json = Record<string, any>;
const spec = JSON.parse(readFileSync(path.resolve(import.meta.dirname, '../../generated/openapi.json'), 'utf8')) as Json;
const deref = (o: Json): Json => (o.$ref ? (o.$ref as string).split('/').slice(1).reduce((a: Json, k) => a[k], spec) : o);

/** The request Swagger UI pre-fills for an operation. */
function prefilled(operationId: string): { path: string; method: string; headers: Record<string, string>; body?: string } {
  for (const [p, item] of Object.entries<Json>(spec.paths)) {
    for (const [method, op] of Object.entries<Json>(item)) {
      if (op?.operationId !== operationId) continue;
      let url = p;
      const query = new URLSearchParams();
      const headers: Record<string, string> = {};
      for (const param of [...(item.parameters ?? []), ...(op.parameters ?? [])].map(deref)) {
        if (param.example === undefined) continue;
        if (param.in === 'path') url = url.replace(`{${param.name}}`, encodeURIComponent(String(param.example)));
        else if (param.in === 'query') query.set(param.name, String(param.example));
        else if (param.in === 'header') headers[param.name] = String(param.example);
      }
      const content = op.requestBody ? deref(op.requestBody).content : undefined;
      let body: string | undefined;
      if (content) {
        const [mediaType, media] = Object.entries<Json>(content)[0];
        const first = deref(Object.values<Json>(media.examples ?? {})[0] ?? {}).value ?? media.example;
        if (first !== undefined) {
          headers['Content-Type'] = mediaType;
          body = typeof first === 'string' ? first : JSON.stringify(first);
        }
      }
      const qs = query.toString();
      return { path: qs ? `${url}?${qs}` : url, method: method.toUpperCase(), headers, body };
    }
  }
  throw new Error(`no operation ${operationId}`);
}

let s: TestServer;
beforeAll(async () => {
  s = await startServer();
});
afterAll(async () => {
  await s?.close();
});

describe("the spec's pre-filled requests work against the demo server", () => {
  it.each(['ExecuteFlow', 'StartFlow'])('%s as Swagger UI fills it in answers 200', async (operationId) => {
    const req = prefilled(operationId);
    expect(req.path).toContain('=');  // the flow to run comes from the spec's example
    const res = await s.call(req.path, { method: req.method, headers: req.headers, body: req.body });
    expect(res.status, await res.clone().text()).toBe(200);
  });

  it.each(['TriggerActionflow', 'TriggerActionflowV10'])('%s as Swagger UI fills it in ends with a 2xx', async (operationId) => {
    const req = prefilled(operationId);
    const token = await tokenFor(s, 'api-user');
    const res = await s.call(req.path, { key: null, method: req.method, headers: { ...req.headers, Authorization: `Bearer ${token}` }, body: req.body });
    expect(res.status, await res.clone().text()).toBeGreaterThanOrEqual(200);
    expect(res.status).toBeLessThan(300);
  });
});
