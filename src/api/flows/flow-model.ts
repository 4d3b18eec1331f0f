/**
 * A loaded flow definition as the vendor's Flow model: zones and blocks in FlowBody form, the
 * input as FlowInput, document steps as outputs. The choices (type, input.type, where zones go)
 * are marked x-flowmock-choice in spec/smartflows/flows.yaml and flow-report.yaml.
 */
import type { LoadedFlow } from '../../engine/definitions/load.js';
import type { FlowDef, StepDef } from '../../engine/definitions/types.js';
import { CONSTRUCT_TYPES } from '../../engine/steps/registry.js';
import { MAIN_ZONE, bodyZone } from '../../engine/flows/program.js';
import type { components } from '../../../generated/openapi-types.js';

type Schemas = components['schemas'];
type Flow = Schemas['Flow'];
type FlowZone = Schemas['FlowZone'];
type FlowBlock = Schemas['FlowBlock'];

const CONSTRUCTS = new Set<string>(CONSTRUCT_TYPES);

/** `advanced` when the definition uses zones or constructs (anywhere), else `simple`. */
export function flowType(def: FlowDef): 'simple' | 'advanced' {
  return def.zones !== undefined || def.steps.some((s) => CONSTRUCTS.has(s.type)) ? 'advanced' : 'simple';
}

/** The vendor's FlowInputType for a definition's input kind. */
export function inputType(def: FlowDef): 'plugin' | 'user' | 'none' {
  switch (def.input.kind) {
    case 'none':
      return 'none';
    case 'plugin':
      return 'plugin';
    default:
      return 'user'; // XML or any: the caller supplies the data
  }
}

function zonesOf(steps: StepDef[], zoneId: string): FlowZone[] {
  return steps.length === 0 ? [] : [{ id: zoneId, blocks: steps.map(blockOf) }];
}

function blockOf(step: StepDef): FlowBlock {
  const head: FlowBlock = { id: step.id, ...(step.displayName ? { displayName: step.displayName } : {}) };
  switch (step.type) {
    case 'if':
      return {
        ...head,
        condition: {
          conditions: { type: 'and', nodes: [{ id: `${step.id}-condition`, condition: { type: 'expression', description: 'JSONata', expression: step.condition } }] },
          bodyIfTrue: zonesOf(step.then, bodyZone(step.id, 'then')),
          bodyIfFalse: zonesOf(step.else ?? [], bodyZone(step.id, 'else')),
        },
      };
    case 'try':
      return { ...head, try: { bodyTry: zonesOf(step.try, bodyZone(step.id, 'try')), bodyCatch: zonesOf(step.catch ?? [], bodyZone(step.id, 'catch')) } };
    case 'switch':
      return {
        ...head,
        switch: {
          switchValue: step.value,
          cases: step.cases.map((c, n) => ({ caseValue: c.value, caseBody: zonesOf(c.steps, bodyZone(step.id, `case-${n + 1}`)) })),
          default: zonesOf(step.default ?? [], bodyZone(step.id, 'default')),
        },
      };
    default: {
      const { id: _id, type, displayName: _name, ...parameters } = step as StepDef & Record<string, unknown>;
      return {
        ...head,
        ...(step.type === 'document' ? { outputParameters: ['document'] } : {}),
        step: { stepId: type, userSelectable: false, userSelectableDefault: true, parameters },
      };
    }
  }
}

/** The definition's zones, or one zone `main` holding its steps. */
export function bodyOf(def: FlowDef): Schemas['FlowBody'] {
  const byId = new Map(def.steps.map((s) => [s.id, s]));
  const zones = def.zones
    ? def.zones.map((z) => ({
      id: z.id,
      ...(z.displayName ? { displayName: z.displayName } : {}),
      blocks: z.steps.map((id) => byId.get(id)).filter((s): s is StepDef => s !== undefined).map(blockOf),
    }))
    : [{ id: MAIN_ZONE, displayName: def.displayName, blocks: def.steps.map(blockOf) }];
  return { postProcessingSteps: [], preZones: zones, postZones: [] };
}

function documentSteps(steps: StepDef[]): Array<Extract<StepDef, { type: 'document' }>> {
  const out: Array<Extract<StepDef, { type: 'document' }>> = [];
  const walk = (list: StepDef[]) => {
    for (const s of list) {
      if (s.type === 'document') out.push(s);
      else if (s.type === 'if') { walk(s.then); walk(s.else ?? []); }
      else if (s.type === 'try') { walk(s.try); walk(s.catch ?? []); }
      else if (s.type === 'switch') { for (const c of s.cases) walk(c.steps); walk(s.default ?? []); }
      else if (s.type === 'iterate') walk(s.steps);
    }
  };
  walk(steps);
  return out;
}

export function presentFlow(f: LoadedFlow, loadedAt: string): Flow {
  const d = f.def;
  const docs = documentSteps(d.steps);
  const primary = docs.find((s) => s.templateId);
  const type = inputType(d);
  return {
    type: flowType(d),
    id: d.id,
    displayName: d.displayName,
    ...(d.description ? { description: d.description } : {}),
    createdAt: loadedAt,
    modifiedAt: loadedAt,
    tagGroups: [],
    body: bodyOf(d),
    input: {
      id: `${d.id}-input`,
      displayName: type === 'none' ? 'No input' : d.input.kind === 'xml' ? `XML ${d.input.rootElement ?? 'document'}` : d.input.kind === 'plugin' ? 'Plug-in records' : 'Any input',
      type,
      ...(d.input.kind === 'xml' ? { dataset: { id: `${d.id}-dataset`, displayName: d.input.rootElement ?? 'xml', type: 'dataset' } } : {}),
    },
    ...(primary ? { primaryTemplate: { id: primary.templateId!, displayName: primary.displayName ?? primary.id, type: 'template' } } : {}),
    outputs: docs.map((s) => ({ id: s.id, displayName: s.displayName ?? s.id, description: `Document: ${s.fileName}` })),
    settings: { groupToSingleDocument: false, askQuestionsFirst: false },
  };
}
