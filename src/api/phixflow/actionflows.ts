/**
 * PhixFlow actionflow API endpoints: trigger (11.1.1+ and version-10/alias URLs) and the async
 * status URL. Anonymous endpoints run as the system user; others need a PhixFlow token.
 *
 * Credentials come before names: a URL that names no actionflow, or (version 10) a name several
 * applications use, is answered only to a caller with a valid token. Without one the answer is
 * the 401 (or 403) a protected actionflow gives, word for word, so nobody learns which
 * applications and actionflows exist by probing URLs.
 */
import type { Handlers, RequestContext } from '../../handler-contract/handler-types.js';
import { conflict, notFound } from '../../handler-contract/problem.js';
import { authenticate } from '../../auth/authenticate.js';
import type { Principal } from '../../auth/principal.js';
import type { ActionflowLookup } from '../../engine/actionflows/index.js';
import type { LoadedActionflow } from '../../engine/actionflows/types.js';
import { requestedScenario, scenarioApplied } from '../scenario-preference.js';
import { effectiveScenario } from '../../engine/scenarios.js';

type TriggerCtx = RequestContext<'TriggerActionflow' | 'TriggerActionflowV10'>;
/** What resolving a URL and its caller reads of any of the three operations' requests. */
type UrlCtx = Pick<RequestContext<'GetActionflowStatus'>, 'headers' | 'services'> & { path: { application?: string; actionflow: string }; req?: RequestContext<'GetActionflowStatus'>['req'] };

/** The same words whatever the URL names: a 401 must not tell a known actionflow from an unknown one. */
const NO_TOKEN = 'This actionflow does not allow anonymous connections: send Authorization: Bearer <token>.';

/** A valid token of an enabled user holding both privileges (401 missing or invalid, 403 otherwise). */
async function tokenHolder(ctx: UrlCtx): Promise<Principal> {
  const principal = (await authenticate(ctx.services.credentials, ctx.headers, 'phixflow', { required: true, missing: NO_TOKEN }))!;
  // The journal and the log name the caller only once its token has verified.
  if (ctx.req?.res) ctx.req.res.locals.user = principal.user.username;
  return principal;
}

/**
 * The actionflow a URL names and its caller. A found anonymous actionflow needs no token ("anyone
 * with the URL"; the audit trail shows the system user, principal null); a protected one needs a
 * token. An unknown or ambiguous name needs a token too, before its 404 or 409.
 */
async function resolveCaller(ctx: UrlCtx, lookup: ActionflowLookup, notFoundDetail: string): Promise<{ af: LoadedActionflow; principal: Principal | null }> {
  if (lookup.kind === 'found') {
    return { af: lookup.af, principal: lookup.af.def.allowAnonymous ? null : await tokenHolder(ctx) };
  }
  await tokenHolder(ctx);
  if (lookup.kind === 'notFound') throw notFound(notFoundDetail);
  throw conflict(`The actionflow name "${ctx.path.actionflow}" is used by the applications ${lookup.applications.join(', ')}; `
    + 'call /phixflow/api/1/action/<Application>/<Actionflow>/trigger instead.');
}

/** The actionflow an 11.1.1+ (or status) URL names by application and name. */
function byApplicationAndName(ctx: UrlCtx & { path: { application: string } }) {
  return resolveCaller(ctx, ctx.services.catalog.lookup(ctx.path.application, ctx.path.actionflow),
    `No actionflow "${ctx.path.actionflow}" in application "${ctx.path.application}".`);
}

export const statusUrl = (application: string, name: string, processId: string): string =>
  `/phixflow/api/1/action/${encodeURIComponent(application)}/${encodeURIComponent(name)}/status/${encodeURIComponent(processId)}`;

async function trigger(ctx: TriggerCtx, { af, principal }: { af: LoadedActionflow; principal: Principal | null }) {
  const { actionflows, config } = ctx.services;
  const def = af.def;
  const scenario = requestedScenario(ctx.headers, 'actionflow');
  const applied = scenarioApplied(effectiveScenario(scenario, def.scenario));
  const prepared = actionflows.prepareInput(af, {
    body: ctx.body,
    rawBody: ctx.rawBody ? ctx.rawBody.toString('utf8') : null,
    contentType: ctx.headers['content-type'] ?? null,
    headers: ctx.headers,
    url: ctx.req.originalUrl,
    query: ctx.rawQuery,
    method: ctx.req.method,
  });
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
    return trigger(ctx, await byApplicationAndName(ctx));
  },

  async TriggerActionflowV10(ctx) {
    return trigger(ctx, await resolveCaller(ctx, ctx.services.catalog.byV10Name(ctx.path.actionflow),
      `No actionflow or URL alias "${ctx.path.actionflow}".`));
  },

  async GetActionflowStatus(ctx) {
    const { af, principal } = await byApplicationAndName(ctx);
    const process = await ctx.services.actionflows.status(ctx.path.processId);
    const visible = process && process.application === af.def.application && process.actionflow === af.def.name
      && (af.def.allowAnonymous || process.userId === principal?.user.id || principal?.permissions.has('read:users'));
    if (!process || !visible) throw notFound(`No process ${ctx.path.processId} of actionflow "${af.def.name}".`);
    return { status: 200, body: ctx.services.actionflows.envelopeOf(process) };
  },
};
