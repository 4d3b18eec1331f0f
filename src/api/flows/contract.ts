/**
 * A flow's FlowContract: JSON Schemas of the input it takes and of the output model it gives,
 * derived from its definition (input kind, XML root and required elements, document steps).
 */
import type { LoadedFlow } from '../../engine/definitions/load.js';
import type { FlowDef, StepDef } from '../../engine/definitions/types.js';
import { allSteps } from '../../engine/flows/program.js';
import type { components } from '../../../generated/openapi-types.js';

type Schema = Record<string, unknown>;

/** `a/b/c` required below the root becomes nested required objects. */
function xmlSchema(root: string, paths: string[]): Schema {
  const node = (): Schema & { properties: Record<string, Schema>; required: string[] } => ({ type: 'object', required: [], properties: {} });
  const top = node();
  for (const path of paths) {
    let at = top;
    for (const name of path.split('/')) {
      if (!at.required.includes(name)) at.required.push(name);
      at.properties[name] ??= node();
      at = at.properties[name] as typeof top;
    }
  }
  // Leaves may be text as well as elements.
  const relax = (s: Schema): Schema => {
    const props = s.properties as Record<string, Schema>;
    if (Object.keys(props).length === 0) return {};
    return { ...s, properties: Object.fromEntries(Object.entries(props).map(([k, v]) => [k, relax(v)])) };
  };
  return { type: 'object', required: [root], properties: { [root]: { ...relax(top), type: 'object' } } };
}

function inputSchema(def: FlowDef): Schema {
  switch (def.input.kind) {
    case 'none':
      return { type: 'null', description: 'No input: the flow is started without a body.' };
    case 'plugin':
      return {
        type: 'object',
        required: ['id', 'entity'],
        properties: { id: { type: 'array', items: { type: 'string' }, minItems: 1 }, entity: { type: 'string' }, userId: { type: 'string' }, organizationUniqueName: { type: 'string' } },
      };
    case 'xml':
      return def.input.rootElement
        ? { ...xmlSchema(def.input.rootElement, def.input.requiredElements ?? []), description: 'The XML body as its parsed object.' }
        : { type: 'object', description: 'The XML body as its parsed object.' };
    default:
      return { description: 'Any input: no body, XML or plug-in JSON.' };
  }
}

function outputSchema(steps: StepDef[]): Schema {
  const docs = [...allSteps(steps)].filter((s) => s.type === 'document');
  return {
    type: 'object',
    properties: Object.fromEntries(docs.map((s) => [s.id, {
      type: 'object',
      properties: { document: { type: 'object', properties: { id: { type: 'string' }, displayName: { type: 'string' }, type: { const: 'document' } } } },
    }])),
  };
}

export function flowContract(f: LoadedFlow): components['schemas']['FlowContract'] {
  return {
    id: f.def.id,
    displayName: f.def.displayName,
    ...(f.def.description ? { description: f.def.description } : {}),
    inputSchema: inputSchema(f.def),
    outputSchema: outputSchema(f.def.steps),
  };
}
