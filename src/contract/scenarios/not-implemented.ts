/**
 * The vendor operations flowmock does not implement yet (issue 13): each declares a 501 problem
 * (components/responses/NotImplemented) and the reference server answers it to a caller who may
 * call the operation with a valid request (credentials, permission and validation come first; the
 * auth sweep and the negative cases prove those through the proxy). One call per such operation,
 * as the administrator (anonymous operations without credentials), so the coverage matrix lists
 * every operation and its 501 is answered, not assumed. Against another server (`--target`) only
 * the reads among them are sent, and judged by the spec alone (that server may implement them). Their other documented answers (the
 * vendor's 2xx, 404, 409) are unreachable until a handler serves them (unreachable.ts, notYetImplemented).
 *
 * These calls go to the server directly, not through Prism's proxy: Prism 5's proxy answers an
 * upstream 501 with its own mock of the operation ("Remocking the call", PRISM_LIMITATIONS), so the
 * 501 never reaches a client through it. The answer is checked against the spec here as the proxy
 * client's checks would (status, media type, schema) and counted in the coverage.
 */
import type { Scenario, ScenarioContext } from '../context.js';
import type { OperationSpec } from '../spec-index.js';
import { ensure } from '../scenario-kit.js';
import { probePath, probeQuery } from '../generic-call.js';

/** The operations whose spec declares the 501 of an operation flowmock does not implement yet. */
export const declaresNotImplemented = (op: OperationSpec): boolean => op.responses.has('501');

const isAnonymous = (op: OperationSpec) => op.security.length === 0 || op.security.some((r) => Object.keys(r).length === 0);

/** A valid request of `op` straight to the server: placeholder ids, required query values, the body's first example. */
function directRequest(ctx: ScenarioContext, op: OperationSpec, adminKey: string): { url: URL; init: RequestInit } {
  const path = probePath(op);
  const url = new URL(op.path.replace(/\{(\w+)\}/g, (_m, name: string) => encodeURIComponent(path[name])), ctx.main.upstreamUrl);
  for (const [k, v] of Object.entries(probeQuery(op))) url.searchParams.set(k, v);
  const headers: Record<string, string> = isAnonymous(op) ? {} : { 'X-API-Key': adminKey };
  let body: string | undefined;
  const media = op.requestBody?.media.map((m) => m.mediaType) ?? [];
  if (media.includes('application/json')) {
    const example = ctx.spec.requestExample(op);
    if (example !== undefined) {
      body = JSON.stringify(example);
      headers['Content-Type'] = 'application/json';
    }
  } else if (media.includes('application/octet-stream')) {
    body = 'contract probe bytes';
    headers['Content-Type'] = 'application/octet-stream';
  }
  return { url, init: { method: op.method, headers, body } };
}

/** Against another server only reads are sent: it may implement these operations, and a write there changes real state. */
const SAFE = new Set(['get', 'head']);

export const notImplementedScenario: Scenario = {
  name: 'smartflows: operations flowmock does not implement yet answer a documented status (the reference server: its declared 501 problem)',
  api: 'smartflows',
  skip: (ctx) => (ctx.main.fixtures.keys.admin ? null : 'needs keys.admin'),
  async run(ctx) {
    const adminKey = ctx.main.fixtures.keys.admin!;
    const reference = ctx.kind === 'reference';
    const ops = ctx.spec.ops.filter(declaresNotImplemented).filter((op) => reference || SAFE.has(op.method.toLowerCase()));
    for (const op of ops) {
      const { url, init } = directRequest(ctx, op, adminKey);
      const res = await fetch(url, init);
      const bytes = new Uint8Array(await res.arrayBuffer());
      ctx.recorder.coverage.called(op.operationId);
      ctx.recorder.coverage.answered(op.operationId, res.status);
      const where = `${op.operationId} (${op.method} ${url.pathname}, straight to the server) → ${res.status}`;
      const found = ctx.spec.checkResponse(op, res.status, res.headers.get('content-type'), bytes);
      ensure(ctx, 'status_code_conformance', !found.status.length, found.status.join('; ') || where, op.operationId);
      ensure(ctx, 'content_type_conformance', !found.contentType.length, found.contentType.join('; ') || where, op.operationId);
      ensure(ctx, 'response_schema_conformance', !found.schema.length, found.schema.join('; ') || where, op.operationId);
      let problem: { status?: unknown; type?: unknown; detail?: unknown } = {};
      try { problem = JSON.parse(new TextDecoder().decode(bytes)); } catch { /* not JSON: judged below */ }
      // Another server may implement the operation: what it answers is judged by the spec above.
      if (!reference) continue;
      ensure(ctx, 'behaves_as_documented',
        res.status === 501 && problem.status === 501 && problem.type === 'urn:flowmock:problem:not-implemented'
          && typeof problem.detail === 'string' && problem.detail.includes(op.operationId),
        `${where}: the declared 501 problem naming the operation${res.status === 501 ? '' : `, got ${new TextDecoder().decode(bytes.slice(0, 200))}`}`, op.operationId);
    }
  },
};
