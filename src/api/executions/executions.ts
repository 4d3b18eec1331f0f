/**
 * Smart Flows flow-execution operations: ExecuteFlow (with SelectFlow), StartFlow, progress
 * (long-poll), continue, cancel, callbacks, read, status, lists, filter and statistics. The flow
 * engine does the work; this maps HTTP to it. Lists go through the shared list query.
 */
import { randomUUID } from 'node:crypto';
import type { BodyCheckRequest, Handlers, RequestContext } from '../../handler-contract/handler-types.js';
import { principalOf } from '../../handler-contract/handler-types.js';
import { ProblemError, conflict, invalidField, notFound } from '../../handler-contract/problem.js';
import type { ExecutionRecord, SortField, StoreCollections } from '../../store/types.js';
import { EXECUTION_STATUSES, isStable } from '../../store/types.js';
import { checkFlowMediaType, parseFlowInput } from '../../engine/flows/input.js';
import { InputError } from '../../engine/flows/errors.js';
import type { LoadedFlow } from '../../engine/definitions/load.js';
import { presentExecution, presentProgress } from './presenters.js';
import { seesAll, visibleExecution, visibleProgress, mayAct } from './access.js';
import { withUserMemo } from '../lists/user-memo.js';
import { userRef } from '../users/presenters.js';
import { requestedScenario, scenarioApplied } from '../scenario-preference.js';
import { scenarioOf } from '../../engine/flows/scenarios.js';
import { pollHint } from './poll-hint.js';
import { checkFilterGroup, listPaging, queryFilter, type ListSpec } from '../list-query/list-query.js';

type StartCtx = RequestContext<'ExecuteFlow' | 'StartFlow'>;

/** The execution list's properties (store: EXECUTION_FILTER_COLUMNS). */
export const EXECUTION_LIST: ListSpec<SortField> = {
  filter: {
    id: { kind: 'text' }, status: { kind: 'enum', values: EXECUTION_STATUSES }, flow: { kind: 'text' }, flowId: { kind: 'text' },
    'flow.id': { kind: 'text' }, 'flow.displayName': { kind: 'text' }, createdAt: { kind: 'date' }, modifiedAt: { kind: 'date' },
    createdBy: { kind: 'text' }, mode: { kind: 'enum', values: ['interactive', 'batch'] },
  },
  sort: ['createdAt', 'modifiedAt', 'status', 'id'],
  defaultSort: { field: 'createdAt', direction: 'desc' },
};

/** The media types of the spec's FlowInput request body. */
const START_MEDIA_TYPES = new Set(['application/json', 'application/xml', 'text/xml']);

function inputProblem(err: InputError, contentType: string | null): ProblemError {
  if (err.kind === 'unsupportedMediaType' && !START_MEDIA_TYPES.has(contentType ?? '')) return new ProblemError(415, err.message);
  return new ProblemError(400, err.message, [{ in: 'body', pointer: err.pointer, rule: err.rule, message: err.message }]);
}

/** A flow by id, or by exact display name (StartFlow's `flow`); a name two flows share is a 409. */
function flowByIdOrName(flows: Map<string, LoadedFlow>, ref: string): LoadedFlow {
  const byId = flows.get(ref);
  if (byId) return byId;
  const named = [...flows.values()].filter((f) => f.def.displayName === ref);
  if (named.length > 1) throw conflict(`Several flows are named ${ref}; use the flow's id.`);
  if (!named.length) throw notFound(`No flow with id or name ${ref}.`);
  return named[0];
}

/**
 * The body check of ExecuteFlow and StartFlow (run before the body is parsed and checked
 * against the plug-in schema): the media types the named flow takes come first.
 */
export function checkStartBody({ query, contentType, raw, services }: BodyCheckRequest): void {
  if (!START_MEDIA_TYPES.has(contentType ?? '')) return;
  const ref = typeof query.flowId === 'string' ? query.flowId : typeof query.flow === 'string' ? query.flow : undefined;
  if (ref === undefined) return;
  const flows = services.flowsById();
  const flow = flows.get(ref) ?? [...flows.values()].find((f) => f.def.displayName === ref);
  if (!flow) return;
  try {
    checkFlowMediaType(flow.def, { contentType, raw });
  } catch (err) {
    if (err instanceof InputError) throw inputProblem(err, contentType);
    throw err;
  }
}

const rawOf = (ctx: StartCtx) => (ctx.rawBody && ctx.rawBody.length ? ctx.rawBody : null);

function parseFor(flow: LoadedFlow, contentType: string | null, raw: Buffer | null) {
  try {
    return parseFlowInput(flow.def, { contentType, raw });
  } catch (err) {
    if (err instanceof InputError) throw inputProblem(err, contentType);
    throw err;
  }
}

/** Stores the body an execution received as its input Data object. */
async function storeInput(ctx: StartCtx, tx: StoreCollections, rec: ExecutionRecord, raw: Buffer): Promise<void> {
  const at = rec.createdAt;
  await tx.data.insert({
    id: randomUUID(), executionId: rec.id, usage: 'flowExecutionInput',
    displayName: `Input of ${rec.flowName || 'flow execution'} ${rec.id}`, description: null,
    createdAt: at, createdBy: rec.createdBy, modifiedAt: at, modifiedBy: rec.createdBy, expiration: null,
    contentType: ctx.contentType ?? 'application/octet-stream', size: raw.length,
  }, raw);
}

function startFlow(ctx: StartCtx, flow: LoadedFlow, skipUserInput: boolean): Promise<ExecutionRecord> {
  const raw = rawOf(ctx);
  const input = parseFor(flow, ctx.contentType, raw);
  const scenario = requestedScenario(ctx.headers, 'flow');
  // The input is stored in the transaction that inserts the execution: never one without the other.
  return ctx.services.flows.start(
    { flowId: flow.def.id, userId: principalOf(ctx).user.id, input, skipUserInput, scenario },
    raw ? (tx, rec) => storeInput(ctx, tx, rec, raw) : undefined,
  );
}

/** ExecuteFlow without flowId: the flows whose input fits what was sent, then SelectFlow. */
async function startSelection(ctx: RequestContext<'ExecuteFlow'>) {
  const raw = rawOf(ctx);
  const fitting = [...ctx.services.flowsById().values()].filter((f) => {
    try {
      checkFlowMediaType(f.def, { contentType: ctx.contentType, raw });
      parseFlowInput(f.def, { contentType: ctx.contentType, raw });
      return true;
    } catch (err) {
      if (err instanceof InputError) return false;
      throw err;
    }
  });
  if (!fitting.length) {
    throw invalidField('query', '/flowId', 'required', 'No flow takes this input; name the flow with flowId.');
  }
  const scenario = requestedScenario(ctx.headers, 'flow');
  const rec = await ctx.services.flows.startSelection({
    userId: principalOf(ctx).user.id, skipUserInput: false, scenario,
    choices: fitting.map((f) => ({ id: f.def.id, displayName: f.def.displayName })),
  }, raw ? (tx, r) => storeInput(ctx, tx, r, raw) : undefined);
  return { status: 200 as const, headers: { ...pollHint(rec.status) }, body: presentProgress(rec.id, rec.progress) };
}

async function cancel(ctx: RequestContext<'CancelFlowExecution' | 'CancelFlowExecutionById'>) {
  const p = principalOf(ctx);
  const rec = await visibleExecution(ctx.services.store, p, ctx.path.execution);
  mayAct(p, rec, 'cancel');
  // A FlowStateError (409 or 404) is answered by the error table.
  const done = await ctx.services.flows.cancel(ctx.path.execution, p.user.id);
  return { status: 200 as const, body: presentProgress(done.id, done.progress) };
}

/** Runs the flow chosen for a SelectFlow execution, with the stored input. */
async function choose(ctx: RequestContext<'ContinueFlowExecution'>, rec: ExecutionRecord) {
  const body = (ctx.body ?? {}) as Record<string, unknown>;
  if (typeof body.flow !== 'string' || body.flow === '') {
    throw invalidField('body', '/flow', 'required', 'In SelectFlow the body is {"flow": "<id or name>"}, one of the offered flows.');
  }
  const { store, flows } = ctx.services;
  const all = ctx.services.flowsById();
  const offered = (rec.cursor.selectFrom as string[] | undefined) ?? [];
  const chosen = all.get(body.flow) ?? [...all.values()].find((f) => offered.includes(f.def.id) && f.def.displayName === body.flow);
  if (!chosen || !offered.includes(chosen.def.id)) {
    throw invalidField('body', '/flow', 'enum', `flow must be one of the offered flows: ${offered.join(', ')}`);
  }
  const data = (await store.data.inputOf(rec.id));
  const raw = data ? (await store.data.content(data.id)) : null;
  const contentType = data?.contentType ?? null;
  let input;
  try {
    input = parseFlowInput(chosen.def, { contentType, raw });
  } catch (err) {
    if (err instanceof InputError) throw invalidField('body', '/flow', 'enum', `The stored input no longer fits flow ${chosen.def.displayName}: ${err.message}`);
    throw err;
  }
  const next = await flows.selectFlow(rec.id, chosen.def.id, input, principalOf(ctx).user.id);
  return { status: 200 as const, headers: pollHint(next.status), body: presentProgress(next.id, next.progress) };
}

async function list(ctx: RequestContext<'GetAllFlowExecutions' | 'GetFlowExecutions' | 'GetFilteredFlowExecutions'>, flowId: string | undefined, filter: ReturnType<typeof queryFilter>) {
  const p = principalOf(ctx);
  const { store } = ctx.services;
  const paging = listPaging(ctx.query as { page?: number; size?: number; sort?: string }, EXECUTION_LIST);
  const page = (await store.executions.query({ ownerId: seesAll(p) ? null : p.user.id, flowId, filter, ...paging }));
  const named = withUserMemo(store); // each user the page names is read once
  return {
    status: 200 as const,
    headers: { 'X-Total-Count': String(page.totalElements) },
    body: await Promise.all(page.content.map((e: ExecutionRecord) => presentExecution(named, e))),
  };
}

type FilterBodyValue = Parameters<typeof checkFilterGroup>[0];

export const executionHandlers: Pick<Handlers,
  | 'ExecuteFlow' | 'StartFlow' | 'GetFlowExecutionProgress' | 'ContinueFlowExecution' | 'CancelFlowExecution'
  | 'CancelFlowExecutionById' | 'GetFlowExecution' | 'GetFlowExecutionStatus' | 'GetAllFlowExecutions' | 'GetFlowExecutions'
  | 'GetFilteredFlowExecutions' | 'GetFlowExecutionStatistics' | 'PostFlowCallback' | 'GetFlowCallback'> = {
  async ExecuteFlow(ctx) {
    const { flowId } = ctx.query;
    if (flowId === undefined) return startSelection(ctx);
    const flow = ctx.services.flowsById().get(flowId);
    if (!flow) throw notFound(`No flow ${flowId}.`);
    const rec = await startFlow(ctx, flow, false);
    return {
      status: 200,
      headers: { ...pollHint(rec.status), ...scenarioApplied(scenarioOf(rec)) },
      body: presentProgress(rec.id, rec.progress),
    };
  },

  async StartFlow(ctx) {
    const flow = flowByIdOrName(ctx.services.flowsById(), ctx.query.flow);
    const rec = await startFlow(ctx, flow, true);
    return { status: 200, headers: { ...scenarioApplied(scenarioOf(rec)) }, body: await presentExecution(ctx.services.store, rec) };
  },

  async GetFlowExecutionProgress(ctx) {
    const { store, flows, config } = ctx.services;
    const rec = await visibleProgress(store, principalOf(ctx), ctx.path.execution);
    const settled = isStable(rec.status) || rec.status === 'UserInput' || rec.status === 'Waiting' || rec.status === 'SelectFlow';
    // -1 (the vendor's sample) asks for the server's longest wait.
    const asked = ctx.query.timeout ?? 30;
    const timeoutS = asked < 0 ? config.longPollMaxSeconds : Math.min(asked, config.longPollMaxSeconds);
    const latest = settled || timeoutS === 0 ? rec : (await flows.waitForChange(rec.id, rec.version, timeoutS * 1000, ctx.signal)) ?? rec;
    return { status: 200, headers: pollHint(latest.status), body: presentProgress(latest.id, latest.progress) };
  },

  async ContinueFlowExecution(ctx) {
    const p = principalOf(ctx);
    const rec = await visibleExecution(ctx.services.store, p, ctx.path.execution);
    mayAct(p, rec, 'continue');
    if (rec.status === 'SelectFlow') return await choose(ctx, rec);
    // FlowStateError and FlowInputValidationError are answered by the error table.
    const next = await ctx.services.flows.continueWithInput(ctx.path.execution, (ctx.body ?? {}) as Record<string, unknown>, p.user.id);
    return { status: 200, headers: pollHint(next.status), body: presentProgress(next.id, next.progress) };
  },

  CancelFlowExecution: cancel,
  CancelFlowExecutionById: cancel,

  async GetFlowExecution(ctx) {
    const rec = await visibleExecution(ctx.services.store, principalOf(ctx), ctx.path.execution);
    return { status: 200, body: await presentExecution(ctx.services.store, rec) };
  },

  async GetFlowExecutionStatus(ctx) {
    const rec = await visibleExecution(ctx.services.store, principalOf(ctx), ctx.path.executionId);
    const shown = await presentExecution(ctx.services.store, rec);
    const wanted = ctx.query.output;
    if (wanted === undefined) return { status: 200, body: shown };
    const outputs = (shown.outputs ?? []).filter((o) => o.output?.id === wanted || o.output?.displayName === wanted);
    if (!outputs.length) throw notFound(`Execution ${rec.id} has no output ${wanted}.`);
    return { status: 200, body: { ...shown, outputs } };
  },

  GetAllFlowExecutions: (ctx) => list(ctx, undefined, queryFilter(ctx.query.filter, EXECUTION_LIST)),

  GetFlowExecutions(ctx) {
    if (!ctx.services.flowsById().has(ctx.path.flow)) throw notFound(`No flow ${ctx.path.flow}.`);
    return list(ctx, ctx.path.flow, queryFilter(ctx.query.filter, EXECUTION_LIST));
  },

  GetFilteredFlowExecutions(ctx) {
    const group = checkFilterGroup(ctx.body!.group as FilterBodyValue, EXECUTION_LIST, 'body', '');
    return list(ctx, undefined, group);
  },

  async GetFlowExecutionStatistics(ctx) {
    const p = principalOf(ctx);
    const { store } = ctx.services;
    const group = ctx.body?.group ? checkFilterGroup(ctx.body.group as FilterBodyValue, EXECUTION_LIST, 'body', '') : undefined;
    const s = (await store.executions.statistics(seesAll(p) ? null : p.user.id, group, ctx.query.groupTimeBy ?? 'day'));
    const pct = (n: number) => (s.total ? Math.round((n * 100) / s.total) : 0);
    return {
      status: 200,
      body: {
        perTime: s.perTime,
        perObject: s.perObject.map((o) => ({ object: { id: o.flowId, displayName: o.flowName, type: 'flow' }, count: o.count, percentage: pct(o.count) })),
        perUser: await Promise.all(s.perUser.map(async (u) => ({ user: await userRef(store, u.userId), count: u.count, percentage: pct(u.count) }))),
      },
    };
  },

  async PostFlowCallback(ctx) {
    const { flows } = ctx.services;
    const rec = await waitingOn(ctx, ctx.path.callbackId, ctx.query.executionId);
    // Anyone may call (no credentials): anything but a live wait on this callback id is the same 404.
    if (!rec || !waitsOn(rec, ctx.path.callbackId)) throw notFound(`No flow execution waits for callback ${ctx.path.callbackId}.`);
    // JSON is kept as its value, other text as a string.
    const data = ctx.body === undefined ? null : ctx.body;
    const next = await flows.callback(rec.id, ctx.path.callbackId, data, rec.createdBy);
    return { status: 200, contentType: 'text/plain', body: next.status };
  },

  async GetFlowCallback(ctx) {
    const rec = await waitingOn(ctx, ctx.path.callbackId, ctx.query.executionId);
    const handled = !!rec && waitsOn(rec, ctx.path.callbackId);
    return { status: 200, body: { callbackId: ctx.path.callbackId, handled } };
  },
};

const waitsOn = (rec: ExecutionRecord, callbackId: string): boolean =>
  rec.status === 'Waiting' && rec.waitingFor?.type === 'callback' && rec.waitingFor.callbackId === callbackId;

/** The execution a callback addresses: the named one, or the live one waiting on that callback id. */
async function waitingOn(ctx: RequestContext<'PostFlowCallback' | 'GetFlowCallback'>, callbackId: string, executionId: string | undefined): Promise<ExecutionRecord | null> {
  const { store } = ctx.services;
  if (executionId !== undefined) return (await store.executions.byId(executionId));
  return (await store.executions.waitingOnCallback(callbackId));
}
