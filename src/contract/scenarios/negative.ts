/**
 * Negative cases derived from the schemas, one scenario per operation: for every rule site
 * (negative/rule-sites.ts) fast-check draws values that break it (seeded: FLOWMOCK_SEED or the
 * default, mixed with the operation and site), each goes in an otherwise valid request through
 * the lenient proxy, and the answer must be the documented 4xx (400; 415 for a media type), never
 * a 5xx. Prism's own request verdict is kept as a cross-check: it should flag each request too.
 * Plus oversized bodies (413) for every operation that takes a body.
 */
import fc from 'fast-check';
import type { Scenario, ScenarioContext } from '../context.js';
import type { Credentials } from '../harness/client.js';
import { exchangeOf } from '../harness/response-checks.js';
import type { OperationSpec, SpecIndex } from '../spec-index.js';
import { apiKey, bearer, expectStatus } from '../scenario-kit.js';
import { callOperation, probePath, probeQuery, type RawRequest } from '../generic-call.js';
import { ruleSites, type RuleSite } from '../negative/rule-sites.js';

const isPhixflow = (op: OperationSpec) => op.security.some((r) => 'PhixFlowToken' in r);

/** A stable 32-bit seed per (run seed, operation, site). */
export function siteSeed(seed: number, ...parts: string[]): number {
  let h = seed >>> 0;
  for (const ch of parts.join('|')) h = Math.imul(h ^ ch.charCodeAt(0), 16777619) >>> 0;
  return h | 0;
}

interface Baseline { req: RawRequest; creds: Credentials; jsonExample: unknown }

function baseline(ctx: ScenarioContext, op: OperationSpec): Baseline | string {
  const fx = ctx.main.fixtures;
  let creds: Credentials = null;
  if (isPhixflow(op)) {
    if (!fx.phixflow.tokens.privileged) return 'needs phixflow.tokens.privileged';
    creds = bearer(fx.phixflow.tokens.privileged);
  } else if (op.security.length) {
    if (!fx.keys.admin) return 'needs keys.admin';
    creds = apiKey(fx.keys.admin);
  }
  const af = fx.phixflow.actionflows.sync;
  const overrides: Record<string, string> = op.operationId === 'TriggerActionflowV10'
    ? { actionflow: fx.phixflow.actionflows.v10Unique }
    : isPhixflow(op) ? { application: af.application, actionflow: af.name } : {};
  const query: Record<string, unknown> = probeQuery(op);
  if (op.operationId === 'ExecuteFlow') query.flowId = fx.flows.plugin;
  if (op.operationId === 'StartFlow') query.flow = fx.flows.plugin;
  const jsonExample = isPhixflow(op) ? [] : ctx.spec.requestExample(op);
  const hasJson = op.requestBody?.media.some((m) => m.mediaType === 'application/json');
  return { req: { path: probePath(op, overrides), query, ...(hasJson && jsonExample !== undefined ? { body: jsonExample } : {}) }, creds, jsonExample };
}

/** The answers the spec allows for a request breaking `site`. */
export function expectedStatuses(op: OperationSpec, site: Pick<RuleSite, 'where'>): number[] {
  const documented = [...op.responses.keys()].map(Number);
  const other4xx = documented.filter((s) => s >= 400 && s < 500 && s !== 401 && s !== 403 && s !== 413);
  if (site.where === 'media') return documented.includes(415) ? [415] : other4xx;
  return documented.includes(400) ? [400] : other4xx;
}

function xmlSites(ctx: ScenarioContext, op: OperationSpec): RuleSite[] {
  if (isPhixflow(op) || !op.requestBody?.media.some((m) => m.mediaType === 'application/xml')) return [];
  return [{
    id: 'body:(xml):wellFormed', where: 'body', rule: 'wellFormed',
    arb: fc.constantFrom('<order><customer>ACME</customer>', '<order><customer>ACME</customer><amount>1</amount></orde>', 'not xml at all <'),
    apply: (b, v) => ({ ...b, query: { ...(b.query ?? {}), flowId: ctx.main.fixtures.flows.xml }, body: v, contentType: 'application/xml' }),
  }];
}

async function runOperation(ctx: ScenarioContext, op: OperationSpec): Promise<void> {
  const base = baseline(ctx, op);
  if (typeof base === 'string') {
    ctx.log(`  ${op.operationId}: skipped (${base})`);
    return;
  }
  const sites = [...ruleSites(ctx.spec, op, base.jsonExample), ...xmlSites(ctx, op)];
  if (!sites.length) {
    ctx.log(`  ${op.operationId}: the spec declares no rule a request can break`);
    return;
  }
  let sent = 0;
  let flaggedByPrism = 0;
  for (const site of sites) {
    const values = fc.sample(site.arb, { seed: siteSeed(ctx.seed, op.operationId, site.id), numRuns: ctx.negativeRuns });
    const seen = new Set<string>();
    for (const value of values) {
      const key = JSON.stringify(value) ?? 'undefined';
      if (seen.has(key)) continue;
      seen.add(key);
      const req = site.apply(base.req, value);
      const tag = `negative:${site.where}:${site.rule}`;
      const res = await callOperation(ctx.main.lenient.as(base.creds, { tags: [tag, `site:${site.id}`] }), op, req);
      sent++;
      if (exchangeOf(res.response).verdict.request.length) flaggedByPrism++;
      const shown = key.length > 80 ? `${key.slice(0, 80)}…` : key;
      expectStatus(ctx, res.response, expectedStatuses(op, site), `${op.operationId} breaking ${site.id} with ${shown}`, 'negative_input_rejected', [tag, `site:${site.id}`]);
    }
  }
  ctx.log(`  ${op.operationId}: ${sent} negative requests over ${sites.length} rule sites; Prism flagged ${flaggedByPrism} of them as invalid too`);
}

/** One scenario per operation of the spec. */
export function negativeScenarios(spec: SpecIndex): Scenario[] {
  return spec.ops.map((op) => ({
    name: `negative: ${op.operationId}`,
    api: isPhixflow(op) ? 'phixflow' as const : 'smartflows' as const,
    run: (ctx: ScenarioContext) => runOperation(ctx, op),
  }));
}

/** Oversized bodies (413) on every operation of one API that takes a body. */
export function oversizedBodiesScenario(api: 'smartflows' | 'phixflow'): Scenario {
  return {
    name: `negative: oversized bodies (413), ${api === 'phixflow' ? 'PhixFlow' : 'Smart Flows'} operations`,
    api,
    async run(ctx) {
      const fx = ctx.main.fixtures;
      const padding = 'x'.repeat(fx.bodyLimitBytes + 1024);
      const ops = ctx.spec.ops.filter((op) => op.requestBody && (isPhixflow(op) ? 'phixflow' : 'smartflows') === api);
      // A few at a time: Prism reads and re-serialises each body before forwarding it.
      for (let i = 0; i < ops.length; i += 4) {
        await Promise.all(ops.slice(i, i + 4).map(async (op) => {
          const base = baseline(ctx, op);
          if (typeof base === 'string') return;
          const res = await callOperation(ctx.main.lenient.as(base.creds, { tags: ['negative:body:size'] }), op, { ...base.req, body: { padding } });
          expectStatus(ctx, res.response, 413, `${op.operationId} with a body of ${padding.length + 14} bytes (limit ${fx.bodyLimitBytes})`, 'negative_input_rejected', ['negative:body:size']);
        }));
      }
    },
  };
}
