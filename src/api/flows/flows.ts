/**
 * Flows as the vendor has them (spec/smartflows/flows.yaml): the flows of the definition files and
 * the flows created over the API, as Flow, with their step types, contract and thumbnail.
 * CreateFlow/UpdateFlow/DeleteFlow work on API flows (stored, runnable once their body
 * translates: src/engine/definitions/vendor-body.ts); a file flow is changed through its file
 * (409 naming it).
 */
import { randomUUID } from 'node:crypto';
import type { Handlers } from '../../handler-contract/handler-types.js';
import { principalOf } from '../../handler-contract/handler-types.js';
import { conflict, invalidField, notFound } from '../../handler-contract/problem.js';
import type { LoadedFlow } from '../../engine/definitions/load.js';
import type { FlowCatalog } from '../../engine/definitions/api-flows.js';
import { translateVendorFlow } from '../../engine/definitions/vendor-body.js';
import type { ApiFlowRecord } from '../../store/types.js';
import type { Store } from '../../store/types.js';
import { renderThumbnailPng } from '../../engine/documents/thumbnail.js';
import { userRef } from '../users/presenters.js';
import { flowContract } from './contract.js';
import { presentFlow } from './flow-model.js';
import { listFlows } from './list-query.js';
import { isStepType, presentStep, propertiesOf, stepSettings } from './steps.js';
import { STEP_TYPES } from '../../engine/steps/registry.js';
import type { components } from '../../../generated/openapi-types.js';

type Flow = components['schemas']['Flow'];
type Ctx = { services: { flowsById(): Map<string, LoadedFlow> } };

function flowOf(ctx: Ctx, id: string): LoadedFlow {
  const f = ctx.services.flowsById().get(id);
  if (!f) throw notFound(`There is no flow with id ${id}.`);
  return f;
}

/** Fields the server sets; what a client sends in them is not stored. */
const SERVER_FIELDS = ['id', 'createdAt', 'createdBy', 'modifiedAt', 'modifiedBy'] as const;

async function presentApiFlow(store: Store, r: ApiFlowRecord): Promise<Flow> {
  return {
    ...(r.flow as Flow), id: r.id,
    createdAt: r.createdAt, createdBy: await userRef(store, r.createdBy),
    modifiedAt: r.modifiedAt, modifiedBy: await userRef(store, r.modifiedBy),
  };
}

/** The body without server fields, and its translation; a body that cannot run is a 400 naming where and why. */
function runnable(body: unknown, id: string): { flow: Record<string, unknown>; loaded: LoadedFlow } {
  if (typeof body !== 'object' || body === null || Array.isArray(body)) {
    throw invalidField('body', '', 'required', 'a Flow object is required');
  }
  const flow = Object.fromEntries(Object.entries(body).filter(([k]) => !(SERVER_FIELDS as readonly string[]).includes(k)));
  // A FlowBodyError is answered by the error table: 400 naming each broken rule.
  return { flow, loaded: translateVendorFlow(flow, id) };
}

/** The API flow with this id; a file flow is a 409 naming its file (it is changed there), an unknown id a 404. */
function apiFlowOf(catalog: FlowCatalog, id: string, doing: string): ApiFlowRecord {
  const file = catalog.fileFlow(id);
  if (file) throw conflict(`The flow ${id} is defined by the file ${file.def.sourceFile}: ${doing} that file instead (flows/README.md); only flows created over the API change over the API.`);
  const api = catalog.apiFlows().get(id);
  if (!api) throw notFound(`There is no flow with id ${id}.`);
  return api.record;
}

export const flowHandlers: Pick<Handlers,
  'GetFlows' | 'GetFlow' | 'CreateFlow' | 'UpdateFlow' | 'DeleteFlow' | 'GetFlowSteps' | 'GetFlowStep' | 'GetFlowSettings' | 'GetFlowContract' | 'GetFlowThumbnail'
> = {
  async GetFlows(ctx) {
    const loadedAt = ctx.services.startedAt.toISOString();
    const catalog = ctx.services.flowCatalog;
    const files = ctx.services.definitions().flows.map((f) => presentFlow(f, loadedAt));
    const api = await Promise.all([...catalog.apiFlows().values()]
      .filter((f) => !catalog.fileFlow(f.record.id))
      .map((f) => presentApiFlow(ctx.services.store, f.record)));
    return { status: 200, body: listFlows([...files, ...api], ctx.query) };
  },

  async GetFlow(ctx) {
    const catalog = ctx.services.flowCatalog;
    const file = catalog.fileFlow(ctx.path.flow);
    if (file) return { status: 200, body: presentFlow(file, ctx.services.startedAt.toISOString()) };
    const api = catalog.apiFlows().get(ctx.path.flow);
    if (!api) throw notFound(`There is no flow with id ${ctx.path.flow}.`);
    return { status: 200, body: await presentApiFlow(ctx.services.store, api.record) };
  },

  async CreateFlow(ctx) {
    const catalog = ctx.services.flowCatalog;
    const sent = ctx.body as Record<string, unknown> | undefined;
    const id = typeof sent?.id === 'string' && sent.id !== '' ? sent.id : randomUUID();
    const file = catalog.fileFlow(id);
    if (file) throw conflict(`A flow with id ${id} exists already (defined by ${file.def.sourceFile}).`);
    if (catalog.apiFlows().has(id)) throw conflict(`A flow with id ${id} exists already; change it with UpdateFlow (PUT /api/v1/flows/${id}).`);
    const { flow, loaded } = runnable(sent, id);
    const at = ctx.services.now().toISOString();
    const userId = principalOf(ctx).user.id;
    const record: ApiFlowRecord = { id, flow, createdAt: at, createdBy: userId, modifiedAt: at, modifiedBy: userId };
    await catalog.insert(record, loaded);
    return { status: 200, body: await presentApiFlow(ctx.services.store, record) };
  },

  async UpdateFlow(ctx) {
    const catalog = ctx.services.flowCatalog;
    const id = ctx.path.flow;
    const sent = ctx.body as Record<string, unknown> | undefined;
    if (sent?.id !== undefined && sent.id !== id) {
      throw invalidField('body', '/id', 'matchesPath', `is ${String(sent.id)}, but the path names flow ${id}`);
    }
    const existing = apiFlowOf(catalog, id, 'edit');
    const { flow, loaded } = runnable(sent, id);
    const record: ApiFlowRecord = { ...existing, flow, modifiedAt: ctx.services.now().toISOString(), modifiedBy: principalOf(ctx).user.id };
    await catalog.update(record, loaded);
    return { status: 200, body: await presentApiFlow(ctx.services.store, record) };
  },

  async DeleteFlow(ctx) {
    const catalog = ctx.services.flowCatalog;
    apiFlowOf(catalog, ctx.path.flow, 'delete');
    // Executions stay readable; as for a removed file flow, Running ones end Error at their next
    // step and UserInput/Waiting ones answer 409 when continued (the engine finds no flow).
    await catalog.delete(ctx.path.flow);
    return { status: 200, body: {} };
  },

  GetFlowSteps() {
    return { status: 200, body: STEP_TYPES.map(presentStep) };
  },

  GetFlowStep(ctx) {
    const step = ctx.path.step;
    if (!isStepType(step)) throw notFound(`There is no step type ${step}; the step types are ${STEP_TYPES.join(', ')}.`);
    return { status: 200, body: presentStep(step) };
  },

  GetFlowSettings(ctx) {
    const step = ctx.path.step;
    if (!isStepType(step)) throw notFound(`There is no step type ${step}; the step types are ${STEP_TYPES.join(', ')}.`);
    const settings = stepSettings(step, ctx.query.property);
    if (!settings) {
      throw invalidField('query', '/property', 'stepProperty', `"${ctx.query.property}" is not a property of ${step} steps (${propertiesOf(step).join(', ')})`);
    }
    return { status: 200, body: settings };
  },

  GetFlowContract(ctx) {
    return { status: 200, body: flowContract(flowOf(ctx, ctx.path.flow)) };
  },

  GetFlowThumbnail(ctx) {
    const f = flowOf(ctx, ctx.path.flow);
    return { status: 200, contentType: 'image/png', body: renderThumbnailPng(f.def.displayName) };
  },
};
