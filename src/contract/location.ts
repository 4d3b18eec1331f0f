/** location_resolves: the Location header of a 201/202 names a URL of the spec that answers 200. */
import type { ScenarioContext } from './context.js';
import type { ApiClient } from './harness/client.js';
import { exchangeOf } from './harness/response-checks.js';

export async function followLocation(ctx: ScenarioContext, api: ApiClient, res: Response, what: string): Promise<{ data: unknown; response: Response } | null> {
  const x = exchangeOf(res);
  const extra = { operationId: x.operationId, status: res.status };
  const location = res.headers.get('location');
  if (!location) {
    ctx.recorder.fail('location_resolves', `${what} ${res.status} has no Location header`, extra);
    return null;
  }
  const url = new URL(location, x.url);
  const match = ctx.spec.match('GET', url.pathname);
  if (!match) {
    ctx.recorder.fail('location_resolves', `${what}: Location ${location} is no GET operation of the spec`, extra);
    return null;
  }
  const client = api as unknown as { GET(path: string, init: unknown): Promise<{ data?: unknown; response: Response }> };
  const got = await client.GET(match.op.path, { params: { path: match.params } });
  const ok = got.response.status === 200 && exchangeOf(got.response).verdict.generatedBy === 'server';
  ctx.recorder.record('location_resolves', ok, `${what}: Location ${location} → ${match.op.operationId} ${got.response.status}`, extra);
  return ok ? { data: got.data, response: got.response } : null;
}
