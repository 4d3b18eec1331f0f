/**
 * Smart Flows flow-execution operations: start, progress (long-poll), continue, cancel, callback,
 * read, lists, filter and statistics. The flow engine does the work; this maps HTTP to it.
 */
import type { BodyCheckRequest, Handlers, RequestContext } from '../../http/handler-types.js';
import { principalOf } from '../../http/handler-types.js';
import { ProblemError, conflict, invalidField, notFound } from '../../http/problem.js';
import type { ConditionGroup, ExecutionRecord, SortField } from '../../store/types.js';
import { isStable } from '../../store/types.js';
import { checkFlowMediaType, parseFlowInput } from '../../engine/flows/input.js';
import { InputError, FlowStateError, FlowInputValidationError } from '../../engine/flows/errors.js';
import { presentExecution, presentProgress } from './presenters.js';
import { seesAll, visibleExecution, visibleProgress } from './access.js';
import { jsonDepthExceeds, MAX_JSON_DEPTH } from '../../http/request-body.js';
import { checkFilter, normalizeFilter } from './filters.js';
import { userRef } from '../users/presenters.js';
import { requestedScenario, scenarioApplied } from '../scenario-preference.js';
import { scenarioOf } from '../../engine/flows/scenarios.js';
import { pollHint } from './poll-hint.js';

type StartCtx = RequestContext<'ExecuteFlow' | 'StartFlowExecution'>;

/** The media types of the spec's FlowInput request body. */
const START_MEDIA_TYPES = new Set(['application/json', 'application/xml', 'text/xml']);

/**
 * A start body the flow does not take, as HTTP. The spec (requestBodies.FlowInput): JSON or XML
 * the flow does not take is a 400 naming the rule; only a media type the operation does not
 * accept at all is a 415 (the dispatcher answers most of those).
 */
function inputProblem(err: InputError, contentType: string | null): ProblemError {
  if (err.kind === 'unsupportedMediaType' && !START_MEDIA_TYPES.has(contentType ?? '')) return new ProblemError(415, err.message);
  return new ProblemError(400, err.message, [{ in: 'body', pointer: err.pointer, rule: err.rule, message: err.message }]);
}

/**
 * The body check of ExecuteFlow and StartFlowExecution (run by the dispatcher before the body is
 * parsed and checked against the plug-in schema): the media types the named flow takes are the
 * first rule, so JSON sent to an XML flow hears that the flow takes XML, not that `/id` and
 * `/entity` are missing. No known flow, or a media type the operation does not take at all:
 * nothing here (the dispatcher's 415, the handler's 400 or 404).
 */
export function checkStartBody({ query, contentType, raw, services }: BodyCheckRequest): void {
  if (!START_MEDIA_TYPES.has(contentType ?? '')) return;
  const flow = typeof query.flowId === 'string' ? services.flowsById().get(query.flowId) : undefined;
  if (!flow) return;
  try {
    checkFlowMediaType(flow.def, { contentType, raw });
  } catch (err) {
    if (err instanceof InputError) throw inputProblem(err, contentType);
    throw err;
  }
}

function start(ctx: StartCtx, skipUserInput: boolean) {
  const { flowId } = ctx.query;
  if (!flowId) {
    throw invalidField('query', '/flowId', 'required',
      'flowId is required: flowmock has no interactive flow picker (the real server would ask the user to choose a flow).');
  }
  const flow = ctx.services.flowsById().get(flowId);
  if (!flow) throw notFound(`No flow ${flowId}.`);
  const scenario = requestedScenario(ctx.headers, 'flow');
  let input;
  try {
    input = parseFlowInput(flow.def, { contentType: ctx.contentType, raw: ctx.rawBody && ctx.rawBody.length ? ctx.rawBody : null });
  } catch (err) {
    if (err instanceof InputError) throw inputProblem(err, ctx.contentType);
    throw err;
  }
  const rec = ctx.services.flows.start({ flowId, userId: principalOf(ctx).user.id, input, skipUserInput, scenario });
  return {
    status: 200 as const,
    headers: { ...pollHint(rec.status), ...scenarioApplied(scenarioOf(rec)) },
    body: presentProgress(rec.id, rec.progress),
  };
}

/** Engine state errors as HTTP: conflict 409, unknown 404, bad form values 400 naming the field. */
function mapEngineError(err: unknown): never {
  if (err instanceof FlowStateError) throw err.kind === 'conflict' ? conflict(err.message) : notFound(err.message);
  if (err instanceof FlowInputValidationError) {
    throw new ProblemError(400, err.message, err.problems.map((p) => ({ in: 'body' as const, pointer: p.pointer, rule: p.rule, message: p.message })));
  }
  throw err;
}

function cancel(ctx: RequestContext<'CancelFlowExecution' | 'CancelFlowExecutionById'>) {
  const p = principalOf(ctx);
  visibleExecution(ctx.services.store, p, ctx.path.execution);
  try {
    const rec = ctx.services.flows.cancel(ctx.path.execution, p.user.id);
    return { status: 200 as const, body: presentProgress(rec.id, rec.progress) };
  } catch (err) {
    return mapEngineError(err);
  }
}

const SORT_DEFAULT = { field: 'createdAt' as SortField, direction: 'desc' as const };
function sortOf(text: string | undefined) {
  if (!text) return SORT_DEFAULT;
  const [field, direction] = text.split(',');
  return { field: field as SortField, direction: (direction ?? 'asc') as 'asc' | 'desc' };
}

/** The `filter` query parameter: a condition group as JSON text. */
function filterFromQuery(ctx: RequestContext<'GetAllFlowExecutions' | 'GetFlowExecutions'>): ConditionGroup | undefined {
  const text = ctx.query.filter;
  if (text === undefined) return undefined;
  if (jsonDepthExceeds(text)) throw invalidField('query', '/filter', 'maxDepth', `filter is nested deeper than ${MAX_JSON_DEPTH} levels`);
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch {
    throw invalidField('query', '/filter', 'wellFormed', 'filter must be a condition group as JSON text, e.g. {"group":{"type":"and","nodes":[...]}}');
  }
  ctx.validateComponent('ConditionGroupBody', value, 'query', '/filter');
  const group = (value as { group: ConditionGroup }).group;
  checkFilter(group, 'query', '/filter');
  return normalizeFilter(group);
}

function list(ctx: RequestContext<'GetAllFlowExecutions' | 'GetFlowExecutions' | 'GetFilteredFlowExecutions'>, flowId: string | undefined, filter: ConditionGroup | undefined) {
  const p = principalOf(ctx);
  const { store } = ctx.services;
  const q = ctx.query as { page?: number; size?: number; sort?: string };
  const page = store.executions.query({
    ownerId: seesAll(p) ? null : p.user.id,
    flowId,
    filter,
    sort: sortOf(q.sort),
    page: q.page ?? 0,
    size: q.size ?? 20,
  });
  return { status: 200 as const, body: { ...page, content: page.content.map((e: ExecutionRecord) => presentExecution(store, e)) } };
}

export const executionHandlers: Pick<Handlers,
  | 'ExecuteFlow' | 'StartFlowExecution' | 'GetFlowExecutionProgress' | 'ContinueFlowExecution' | 'CancelFlowExecution'
  | 'CancelFlowExecutionById' | 'GetFlowExecution' | 'GetAllFlowExecutions' | 'GetFlowExecutions'
  | 'GetFilteredFlowExecutions' | 'GetFlowExecutionStatistics' | 'PostFlowCallback'> = {
  ExecuteFlow: (ctx) => start(ctx, false),
  StartFlowExecution: (ctx) => start(ctx, true),

  async GetFlowExecutionProgress(ctx) {
    const { store, flows, config } = ctx.services;
    const rec = visibleProgress(store, principalOf(ctx), ctx.path.execution);
    const settled = isStable(rec.status) || rec.status === 'UserInput' || rec.status === 'Waiting';
    const timeoutS = Math.min(ctx.query.timeout ?? 30, config.longPollMaxSeconds);
    const latest = settled || timeoutS === 0 ? rec : (await flows.waitForChange(rec.id, rec.version, timeoutS * 1000, ctx.signal)) ?? rec;
    return { status: 200, headers: pollHint(latest.status), body: presentProgress(latest.id, latest.progress) };
  },

  ContinueFlowExecution(ctx) {
    const p = principalOf(ctx);
    visibleExecution(ctx.services.store, p, ctx.path.execution);
    try {
      const rec = ctx.services.flows.continueWithInput(ctx.path.execution, (ctx.body ?? {}) as Record<string, unknown>, p.user.id);
      return { status: 200, headers: pollHint(rec.status), body: presentProgress(rec.id, rec.progress) };
    } catch (err) {
      return mapEngineError(err);
    }
  },

  CancelFlowExecution: cancel,
  CancelFlowExecutionById: cancel,

  GetFlowExecution(ctx) {
    const rec = visibleExecution(ctx.services.store, principalOf(ctx), ctx.path.execution);
    return { status: 200, body: presentExecution(ctx.services.store, rec) };
  },

  GetAllFlowExecutions: (ctx) => list(ctx, undefined, filterFromQuery(ctx)),

  GetFlowExecutions(ctx) {
    if (!ctx.services.flowsById().has(ctx.path.flow)) throw notFound(`No flow ${ctx.path.flow}.`);
    return list(ctx, ctx.path.flow, filterFromQuery(ctx));
  },

  GetFilteredFlowExecutions(ctx) {
    const group = ctx.body!.group as ConditionGroup;
    checkFilter(group, 'body', '');
    return list(ctx, undefined, normalizeFilter(group));
  },

  GetFlowExecutionStatistics(ctx) {
    const p = principalOf(ctx);
    const { store } = ctx.services;
    const group = ctx.body!.group as ConditionGroup;
    checkFilter(group, 'body', '');
    const s = store.executions.statistics(seesAll(p) ? null : p.user.id, normalizeFilter(group));
    return {
      status: 200,
      body: {
        total: s.total,
        perStatus: s.perStatus,
        perTime: s.perTime,
        perObject: s.perObject.map((o) => ({ object: { id: o.flowId, displayName: o.flowName, type: 'flow' }, count: o.count })),
        perUser: s.perUser.map((u) => ({ user: userRef(store, u.userId), count: u.count })),
      },
    };
  },

  PostFlowCallback(ctx) {
    const p = principalOf(ctx);
    visibleExecution(ctx.services.store, p, ctx.query.executionId);
    try {
      const rec = ctx.services.flows.callback(ctx.query.executionId, ctx.path.callbackId, ctx.body ?? null, p.user.id);
      return { status: 200, headers: pollHint(rec.status), body: presentProgress(rec.id, rec.progress) };
    } catch (err) {
      return mapEngineError(err);
    }
  },
};
