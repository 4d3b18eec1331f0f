/**
 * The vendor operations flowmock does not implement yet (issue 13): each declares a 501 problem
 * (components/responses/NotImplemented) and the reference server answers it to a caller who may
 * call the operation with a valid request (credentials, permission and validation come first; the
 * auth sweep and the negative cases prove those). One call per such operation, as the
 * administrator (anonymous operations without credentials), so the coverage matrix lists every
 * operation and its 501 is answered, not assumed. Their other documented answers (the vendor's 2xx,
 * 404, 409) are unreachable until a handler serves them (unreachable.ts, notYetImplemented).
 */
import type { Scenario, ScenarioContext } from '../context.js';
import type { OperationSpec } from '../spec-index.js';
import { apiKey, ensure, expectStatus } from '../scenario-kit.js';
import { exchangeOf } from '../harness/response-checks.js';
import { callOperation, probePath, probeQuery, type RawRequest } from '../generic-call.js';

/** The operations whose spec declares the 501 of an operation flowmock does not implement yet. */
export const declaresNotImplemented = (op: OperationSpec): boolean => op.responses.has('501');

function validRequest(ctx: ScenarioContext, op: OperationSpec): RawRequest {
  const req: RawRequest = { path: probePath(op), query: probeQuery(op) };
  const media = op.requestBody?.media.map((m) => m.mediaType) ?? [];
  if (media.includes('application/json')) {
    const body = ctx.spec.requestExample(op);
    if (body !== undefined) req.body = body;
  } else if (media.includes('application/octet-stream')) {
    req.body = 'contract probe bytes';
    req.contentType = 'application/octet-stream';
  }
  return req;
}

export const notImplementedScenario: Scenario = {
  name: 'smartflows: operations not implemented yet answer their declared 501 problem',
  api: 'smartflows',
  skip: (ctx) => (ctx.kind !== 'reference'
    ? "the 501 is the reference server's answer while it does not implement an operation; another server may implement it"
    : ctx.main.fixtures.keys.admin ? null : 'needs keys.admin'),
  async run(ctx) {
    const admin = ctx.main.strict.as(apiKey(ctx.main.fixtures.keys.admin));
    const anonymous = ctx.main.strict.as(null);
    for (const op of ctx.spec.ops.filter(declaresNotImplemented)) {
      const client = op.security.length === 0 || op.security.some((r) => Object.keys(r).length === 0) ? anonymous : admin;
      const res = await callOperation(client, op, validRequest(ctx, op));
      if (!expectStatus(ctx, res.response, 501, `${op.operationId} (not implemented yet)`)) continue;
      const x = exchangeOf(res.response);
      const problem = (x.json ?? {}) as { status?: unknown; type?: unknown; detail?: unknown };
      ensure(ctx, 'behaves_as_documented',
        x.mediaType === 'application/problem+json' && problem.status === 501
          && problem.type === 'urn:flowmock:problem:not-implemented' && typeof problem.detail === 'string' && problem.detail.includes(op.operationId),
        `${op.operationId}: the 501 is a problem naming the operation`, op.operationId);
    }
  },
};
