/** flowmock's own extensions: health, PhixFlow tokens over the API, actionflow logs. */
import type { Handlers } from '../../handler-contract/handler-types.js';
import { notFound } from '../../handler-contract/problem.js';
import { parseTokenLifetime } from '../../auth/token-lifetime.js';

export const flowmockHandlers: Pick<Handlers, 'GetHealth' | 'CreatePhixFlowToken' | 'GetActionflowLogs'> = {
  async GetHealth(ctx) {
    const d = ctx.services.definitions();
    const store = await ctx.services.store.probeWritable();
    const status = store.ok ? 'ok' : store.lost || !store.problem?.includes('lock') ? 'unavailable' : 'degraded';
    const body = { status, version: '0.1.0', flows: d.flows.length, actionflows: d.actionflows.length, store: { writable: store.ok, problem: store.problem } } as const;
    return status === 'unavailable' ? { status: 503, body } : { status: 200, body };
  },

  async CreatePhixFlowToken(ctx) {
    const { user, expiresIn } = ctx.body!;
    // An unknown user is a CredentialError 404, answered by the error table.
    const t = await ctx.services.credentials.issuePhixflowToken(user, expiresIn ? parseTokenLifetime(expiresIn)! : undefined /* the spec's pattern has checked the form */);
    return { status: 201, body: { token: t.token, user, expiresAt: t.expiresAt } };
  },

  async GetActionflowLogs(ctx) {
    const q = ctx.query;
    const page = (await ctx.services.store.actionflowLogs.query({
      application: q.application, actionflow: q.actionflow, processId: q.processId,
      page: q.page ?? 0, size: q.size ?? 20,
    }));
    return { status: 200, body: page };
  },
};
