/**
 * PhixFlow actionflow API endpoints: trigger (11.1.1+ and version-10/alias URLs) and the async
 * status URL. Anonymous endpoints run as the system user; others need a PhixFlow token.
 */
import type { Handlers, RequestContext } from '../../http/handler-types.js';
import { conflict, invalidField, notFound } from '../../http/problem.js';
import { bearerToken } from '../../http/dispatch.js';
import { CredentialError } from '../../auth/credentials.js';
import type { Principal } from '../../auth/principal.js';
import { ParamError } from '../../engine/actionflows/index.js';
import type { LoadedActionflow } from '../../engine/actionflows/types.js';
import { requestedScenario, scenarioApplied } from '../scenario-preference.js';
import { effectiveScenario } from '../../engine/scenarios.js';

type TriggerCtx = RequestContext<'TriggerActionflow' | 'TriggerActionflowV10'>;
type AnyCtx = TriggerCtx | RequestContext<'GetActionflowStatus'>;

/** The caller of a protected actionflow: a valid token of an enabled user with both privileges. */
async function caller(ctx: AnyCtx, af: LoadedActionflow): Promise<Principal | null> {
  if (af.def.allowAnonymous) return null; // "anyone with the URL"; the audit trail shows the system user
  const token = bearerToken(ctx.headers.authorization);
  if (!token) throw new CredentialError(401, `Actionflow "${af.def.name}" does not allow anonymous connections: send Authorization: Bearer <token>.`);
  return ctx.services.credentials.verifyPhixflowToken(token);
}

export const statusUrl = (application: string, name: string, processId: string): string =>
  `/phixflow/api/1/action/${encodeURIComponent(application)}/${encodeURIComponent(name)}/status/${encodeURIComponent(processId)}`;

async function trigger(ctx: TriggerCtx, af: LoadedActionflow) {
  const principal = await caller(ctx, af);
  const { actionflows, config } = ctx.services;
  const def = af.def;
  const scenario = requestedScenario(ctx.headers, 'actionflow');
  const applied = scenarioApplied(effectiveScenario(scenario, def.scenario));
  let prepared;
  try {
    prepared = actionflows.prepareInput(af, {
      body: ctx.body,
      rawBody: ctx.rawBody ? ctx.rawBody.toString('utf8') : null,
      contentType: ctx.headers['content-type'] ?? null,
      headers: ctx.headers,
      url: ctx.req.originalUrl,
      query: ctx.rawQuery,
      method: ctx.req.method,
    });
  } catch (err) {
    if (err instanceof ParamError) throw invalidField('query', `/${err.parameter}`, 'required', err.message);
    throw err;
  }
  const timeoutMs = ctx.query.timeout ?? def.timeoutMs ?? (def.mode === 'sync' ? config.phixflowSyncTimeoutMs : config.phixflowAsyncTimeoutMs);
  const outcome = await actionflows.trigger(af, prepared, { userId: principal?.user.id ?? null, timeoutMs, mode: def.mode, scenario });
  switch (outcome.kind) {
    case 'done':
      return { status: outcome.statusCode, headers: { ...outcome.headers, ...applied }, body: outcome.envelope };
    case 'accepted':
      return { status: 202 as const, headers: { Location: statusUrl(def.application, def.name, outcome.process.id), ...applied }, body: outcome.envelope };
    case 'timedOut':
      return { status: 504 as const, headers: applied, body: outcome.envelope };
  }
}

export const phixflowHandlers: Pick<Handlers, 'TriggerActionflow' | 'TriggerActionflowV10' | 'GetActionflowStatus'> = {
  async TriggerActionflow(ctx) {
    const af = ctx.services.catalog.byApplicationAndName(ctx.path.application, ctx.path.actionflow);
    if (!af) throw notFound(`No actionflow "${ctx.path.actionflow}" in application "${ctx.path.application}".`);
    return trigger(ctx, af);
  },

  async TriggerActionflowV10(ctx) {
    const found = ctx.services.catalog.byV10Name(ctx.path.actionflow);
    if (found.kind === 'notFound') throw notFound(`No actionflow or URL alias "${ctx.path.actionflow}".`);
    if (found.kind === 'ambiguous') {
      throw conflict(`The actionflow name "${ctx.path.actionflow}" is used by the applications ${found.applications.join(', ')}; `
        + 'call /phixflow/api/1/action/<Application>/<Actionflow>/trigger instead.');
    }
    return trigger(ctx, found.af);
  },

  async GetActionflowStatus(ctx) {
    const { catalog, actionflows } = ctx.services;
    const af = catalog.byApplicationAndName(ctx.path.application, ctx.path.actionflow);
    if (!af) throw notFound(`No actionflow "${ctx.path.actionflow}" in application "${ctx.path.application}".`);
    const principal = await caller(ctx, af);
    const process = actionflows.status(ctx.path.processId);
    const visible = process && process.application === af.def.application && process.actionflow === af.def.name
      && (af.def.allowAnonymous || process.userId === principal?.user.id || principal?.permissions.has('read:users'));
    if (!process || !visible) throw notFound(`No process ${ctx.path.processId} of actionflow "${af.def.name}".`);
    return { status: 200, body: actionflows.envelopeOf(process) };
  },
};

