/** Small helpers scenarios share: status expectations recorded as checks, aborts, polling. */
import type { CheckName } from './checks.js';
import type { ScenarioContext } from './context.js';
import type { ApiClient, Credentials } from './harness/client.js';
import { exchangeOf } from './harness/response-checks.js';
import type { ActionflowRef } from './fixtures.js';
import { STABLE_EXECUTION_STATUSES } from './lifecycle.js';

/** Thrown when a scenario cannot go on (its failure is already recorded). */
export class ScenarioAbort extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'ScenarioAbort';
  }
}

export const apiKey = (k: string | undefined): Credentials => (k ? { apiKey: k } : null);
export const bearer = (t: string | undefined): Credentials => (t ? { bearer: t } : null);
export const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** The problem's `detail` (or a body excerpt) of an answer, for messages. */
export function answerText(res: Response): string {
  const x = exchangeOf(res);
  const j = x.json as { detail?: unknown; title?: unknown } | undefined;
  if (j && typeof j === 'object' && (j.detail || j.title)) return String(j.detail ?? j.title);
  if (x.mediaType?.startsWith('application/pdf') || x.mediaType?.startsWith('image/')) return `${x.bytes.length} bytes of ${x.mediaType}`;
  return new TextDecoder().decode(x.bytes.slice(0, 200));
}

/** Records `check` for an answer's status; an answer Prism made itself never counts as the expected one. */
export function expectStatus(ctx: ScenarioContext, res: Response, expected: number | number[], what: string,
  check: CheckName = 'behaves_as_documented', tags?: string[]): boolean {
  const list = Array.isArray(expected) ? expected : [expected];
  const x = exchangeOf(res);
  const byServer = x.verdict.generatedBy === 'server';
  const ok = byServer && list.includes(res.status);
  const detail = ok
    ? `${what}: ${res.status}`
    : `${what}: expected ${list.join(' or ')}, got ${res.status}${byServer ? '' : ` made by Prism (${x.verdict.prismType})`} — ${answerText(res)}`;
  return ctx.recorder.record(check, ok, detail, { operationId: x.operationId, status: res.status, tags });
}

/** Records a scenario expectation under `check`. */
export function ensure(ctx: ScenarioContext, check: CheckName, ok: boolean, detail: string, operationId?: string): boolean {
  return ctx.recorder.record(check, ok, detail, { operationId });
}

/** Like ensure(behaves_as_documented), but the scenario stops when it fails. */
export function must(ctx: ScenarioContext, ok: unknown, detail: string, operationId?: string): asserts ok {
  ctx.recorder.record('behaves_as_documented', Boolean(ok), detail, { operationId });
  if (!ok) throw new ScenarioAbort(detail);
}

/** expectStatus, then stop the scenario when it failed. */
export function mustStatus(ctx: ScenarioContext, res: Response, expected: number | number[], what: string, check: CheckName = 'behaves_as_documented'): void {
  if (!expectStatus(ctx, res, expected, what, check)) throw new ScenarioAbort(`${what}: got ${res.status}`);
}

export interface Progress {
  id: string;
  percentage: number;
  status: string;
  message?: string;
  model?: Record<string, unknown>;
  schema?: Record<string, unknown>;
  form?: Array<{ key: string; title: string; type: string }>;
}

/**
 * How many answers a poll waits for. A stateless target answers the same example every time (and
 * ignores the long-poll timeout), so waiting the full time would only repeat it thousands of times.
 */
const maxPolls = (ctx: ScenarioContext) => (ctx.kind === 'mock' ? 3 : Infinity);

/** Long-polls an execution's progress until `until(status)` holds. */
export async function waitForExecution(ctx: ScenarioContext, api: ApiClient, id: string, until: (status: string) => boolean,
  what: string, timeoutMs = 15_000): Promise<Progress> {
  const endPoll = ctx.recorder.beginPoll('GetFlowExecutionProgress');
  try {
    return await pollExecution(ctx, api, id, until, what, timeoutMs);
  } finally {
    endPoll();
  }
}

async function pollExecution(ctx: ScenarioContext, api: ApiClient, id: string, until: (status: string) => boolean,
  what: string, timeoutMs: number): Promise<Progress> {
  const deadline = Date.now() + timeoutMs;
  let last: Progress | undefined;
  let polls = 0;
  for (; Date.now() < deadline && polls < maxPolls(ctx); polls++) {
    const { data, response } = await api.GET('/api/v1/flows/executions/{execution}/progress', {
      params: { path: { execution: id }, query: { timeout: 2 } },
    });
    if (response.status !== 200 || !data) {
      mustStatus(ctx, response, 200, `${what}: progress of ${id}`);
    }
    last = data as Progress;
    if (until(last.status)) return last;
    if (last.status === 'UserInput' || last.status === 'Waiting' || STABLE_EXECUTION_STATUSES.includes(last.status)) {
      break; // settled in another state: it will not change by itself
    }
  }
  const why = polls >= maxPolls(ctx) ? `after ${polls} polls of a stateless target` : 'in time';
  must(ctx, false, `${what}: execution ${id} did not reach the expected status ${why} (last: ${last?.status ?? 'none'})`, 'GetFlowExecutionProgress');
  throw new Error('unreachable');
}

/** ExecuteFlow of `flowId`, which must answer 200 (`what` names the call in a failure): the first progress. */
export async function executeFlow(ctx: ScenarioContext, api: ApiClient, flowId: string, what: string) {
  const started = await api.POST('/api/v1/flows/executions', { params: { query: { flowId } } });
  mustStatus(ctx, started.response, 200, what);
  return started.data!;
}

/** Skip rules the scenarios share: the fixtures they act with (null: run). */
export const needsAdminKey = (ctx: ScenarioContext): string | null => (ctx.main.fixtures.keys.admin ? null : 'needs keys.admin');
export const needsUserKey = (ctx: ScenarioContext): string | null => (ctx.main.fixtures.keys.user ? null : 'needs keys.user');
export const needsPrivilegedToken = (ctx: ScenarioContext): string | null =>
  (ctx.main.fixtures.phixflow.tokens.privileged ? null : 'needs phixflow.tokens.privileged');
/** The flowmock extensions' scenarios: an administrator, and a plain user to make traffic. */
export const needsAdminAndUserKeys = (ctx: ScenarioContext): string | null =>
  (ctx.main.fixtures.keys.admin && ctx.main.fixtures.keys.user ? null : 'needs keys.admin and keys.user (flowmock extension)');

/** The main target's strict client, acting as the fixtures' administrator (see needsAdminKey). */
export const asAdmin = (ctx: ScenarioContext) => ctx.main.strict.as(apiKey(ctx.main.fixtures.keys.admin));

/** The first document id of a finished execution's model (`{ <block>: { document: { id } } }`). */
export function documentIdOf(model: Record<string, unknown> | undefined): string | undefined {
  for (const v of Object.values(model ?? {})) {
    const doc = (v as { document?: { id?: unknown } } | null)?.document;
    if (doc && typeof doc.id === 'string') return doc.id;
  }
  return undefined;
}

export interface Envelope { status: string; processId: string; message?: string; data?: Record<string, unknown[]>; failures?: Array<{ index: number; message: string }> }

/** Polls an async actionflow run's status URL until the run is no longer Running. */
export async function pollProcess(ctx: ScenarioContext, api: ApiClient, af: ActionflowRef, processId: string, timeoutMs = 15_000): Promise<Envelope> {
  const endPoll = ctx.recorder.beginPoll('GetActionflowStatus');
  try {
    return await pollProcessStatus(ctx, api, af, processId, timeoutMs);
  } finally {
    endPoll();
  }
}

async function pollProcessStatus(ctx: ScenarioContext, api: ApiClient, af: ActionflowRef, processId: string, timeoutMs: number): Promise<Envelope> {
  const deadline = Date.now() + timeoutMs;
  for (let polls = 1; ; polls++) {
    const { data, response } = await api.GET('/phixflow/api/1/action/{application}/{actionflow}/status/{processId}', {
      params: { path: { application: af.application, actionflow: af.name, processId } },
    });
    mustStatus(ctx, response, 200, `status of process ${processId}`);
    const env = data as Envelope;
    if (env.status !== 'Running') return env;
    if (Date.now() > deadline) must(ctx, false, `process ${processId} still Running after ${timeoutMs} ms`, 'GetActionflowStatus');
    if (polls >= maxPolls(ctx)) must(ctx, false, `process ${processId} still Running after ${polls} polls of a stateless target`, 'GetActionflowStatus');
    await sleep(100);
  }
}

export const randomId = () => `00000000-0000-4000-8000-${Math.floor(Math.random() * 1e12).toString().padStart(12, '0')}`;
