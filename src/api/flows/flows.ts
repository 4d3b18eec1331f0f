/**
 * Flows as the vendor has them (spec/smartflows/flows.yaml): the flows of the definition files as
 * Flow, their step types, contract and thumbnail. Creating, changing and deleting flows over the
 * API is refused with 409 (flows come from definition files); a malformed body is still a 400.
 */
import type { Handlers } from '../../http/handler-types.js';
import { conflict, invalidField, notFound } from '../../http/problem.js';
import type { LoadedFlow } from '../../engine/definitions/load.js';
import { renderThumbnailPng } from '../../engine/documents/thumbnail.js';
import { flowContract } from './contract.js';
import { presentFlow } from './flow-model.js';
import { listFlows } from './list-query.js';
import { isStepType, presentStep, propertiesOf, stepSettings } from './steps.js';
import { STEP_TYPES } from '../../engine/definitions/step-types.js';

type Ctx = { services: { flowsById(): Map<string, LoadedFlow> } };

function flowOf(ctx: Ctx, id: string): LoadedFlow {
  const f = ctx.services.flowsById().get(id);
  if (!f) throw notFound(`There is no flow with id ${id}.`);
  return f;
}

const FROM_FILES = 'flows come from the definition files of the server (flows/*.yaml, see flows/README.md)';

export const flowHandlers: Pick<Handlers,
  'GetFlows' | 'GetFlow' | 'CreateFlow' | 'UpdateFlow' | 'DeleteFlow' | 'GetFlowSteps' | 'GetFlowStep' | 'GetFlowSettings' | 'GetFlowContract' | 'GetFlowThumbnail'
> = {
  GetFlows(ctx) {
    const loadedAt = ctx.services.startedAt.toISOString();
    const all = ctx.services.definitions().flows.map((f) => presentFlow(f, loadedAt));
    return { status: 200, body: listFlows(all, ctx.query) };
  },

  GetFlow(ctx) {
    return { status: 200, body: presentFlow(flowOf(ctx, ctx.path.flow), ctx.services.startedAt.toISOString()) };
  },

  CreateFlow(ctx) {
    const id = ctx.body?.id;
    if (id !== undefined && ctx.services.flowsById().has(id)) {
      throw conflict(`A flow with id ${id} exists already (${ctx.services.flowsById().get(id)!.def.sourceFile}); besides, ${FROM_FILES}.`);
    }
    throw conflict(`flowmock does not create flows over the API: ${FROM_FILES}. Add a definition file; a server started with --watch loads it at once.`);
  },

  UpdateFlow(ctx) {
    const f = flowOf(ctx, ctx.path.flow);
    if (ctx.body?.id !== undefined && ctx.body.id !== f.def.id) {
      throw invalidField('body', '/id', 'matchesPath', `is ${ctx.body.id}, but the path names flow ${f.def.id}`);
    }
    throw conflict(`The flow ${f.def.id} is defined by the file ${f.def.sourceFile}: edit that file to change it (${FROM_FILES}).`);
  },

  DeleteFlow(ctx) {
    const f = flowOf(ctx, ctx.path.flow);
    throw conflict(`The flow ${f.def.id} is defined by the file ${f.def.sourceFile}: delete that file to remove it (${FROM_FILES}).`);
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
