/** The flows flowmock runs (its definitions), their thumbnails. */
import type { Handlers } from '../../http/handler-types.js';
import { notFound } from '../../http/problem.js';
import type { LoadedFlow } from '../../engine/definitions/load.js';
import { renderThumbnailPng } from '../../engine/documents/thumbnail.js';
import type { components } from '../../../generated/openapi-types.js';

function present(f: LoadedFlow, loadedAt: string): components['schemas']['Flow'] {
  const d = f.def;
  return {
    id: d.id,
    displayName: d.displayName,
    ...(d.description ? { description: d.description } : {}),
    type: 'flow',
    input: {
      kind: d.input.kind,
      ...(d.input.rootElement ? { rootElement: d.input.rootElement } : {}),
      ...(d.input.requiredElements ? { requiredElements: d.input.requiredElements } : {}),
    },
    createdAt: loadedAt,
    modifiedAt: loadedAt,
  };
}

export const flowHandlers: Pick<Handlers, 'GetFlows' | 'GetFlow' | 'GetFlowThumbnail'> = {
  GetFlows(ctx) {
    const page = ctx.query.page ?? 0;
    const size = ctx.query.size ?? 20;
    const all = [...ctx.services.definitions().flows].sort((a, b) => a.def.displayName.localeCompare(b.def.displayName));
    const loadedAt = ctx.services.startedAt.toISOString();
    return {
      status: 200,
      body: {
        content: all.slice(page * size, page * size + size).map((f) => present(f, loadedAt)),
        number: page,
        size,
        totalElements: all.length,
        totalPages: Math.ceil(all.length / size),
      },
    };
  },

  GetFlow(ctx) {
    const f = ctx.services.flowsById().get(ctx.path.flow);
    if (!f) throw notFound(`No flow ${ctx.path.flow}.`);
    return { status: 200, body: present(f, ctx.services.startedAt.toISOString()) };
  },

  GetFlowThumbnail(ctx) {
    const f = ctx.services.flowsById().get(ctx.path.flow);
    if (!f) throw notFound(`No flow ${ctx.path.flow}.`);
    return { status: 200, contentType: 'image/png', body: renderThumbnailPng(f.def.displayName) };
  },
};
