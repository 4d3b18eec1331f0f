/** flowmock's own extensions: health, PhixFlow tokens over the API, actionflow logs. */
import type { Handlers } from '../../http/handler-types.js';
import { CredentialError } from '../../auth/credentials.js';
import { notFound } from '../../http/problem.js';

const UNIT_SECONDS: Record<string, number> = { s: 1, m: 60, h: 3600, d: 86400 };

/** `90s`, `30m`, `1h`, `7d` → seconds (the spec's pattern has checked the form). */
export function parseDuration(text: string): number {
  return Number(text.slice(0, -1)) * UNIT_SECONDS[text.slice(-1)];
}

export const flowmockHandlers: Pick<Handlers, 'GetHealth' | 'CreatePhixFlowToken' | 'GetActionflowLogs'> = {
  GetHealth(ctx) {
    const d = ctx.services.definitions();
    return { status: 200, body: { status: 'ok', version: '0.1.0', flows: d.flows.length, actionflows: d.actionflows.length } };
  },

  async CreatePhixFlowToken(ctx) {
    const { user, expiresIn } = ctx.body!;
    try {
      const t = await ctx.services.credentials.issuePhixflowToken(user, expiresIn ? parseDuration(expiresIn) : undefined);
      return { status: 201, body: { token: t.token, user, expiresAt: t.expiresAt } };
    } catch (err) {
      if (err instanceof CredentialError && err.status === 404) throw notFound(err.message);
      throw err;
    }
  },

  GetActionflowLogs(ctx) {
    const q = ctx.query;
    const page = ctx.services.store.actionflowLogs.query({
      application: q.application, actionflow: q.actionflow, processId: q.processId,
      page: q.page ?? 0, size: q.size ?? 20,
    });
    return { status: 200, body: page };
  },
};
