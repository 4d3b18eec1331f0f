/**
 * The step types of the flow language as the vendor's FlowStep (GetFlowSteps, GetFlowStep) and a
 * property's settings (GetFlowSettings). Both come from the one list in engine/steps/registry.ts and the
 * definition schema, so what the API lists is what a definition file may use.
 */
import { flowDefinitionSchema } from '../../engine/definitions/definition-schema.js';
import { isStepType as isKnownStepType, stepModule, type StepType } from '../../engine/steps/registry.js';
import type { components } from '../../../generated/openapi-types.js';

type Schema = Record<string, unknown>;
const defs = flowDefinitionSchema.$defs as Record<string, Schema>;

export const isStepType = (s: string): s is StepType => isKnownStepType(s);

/** The step type's JSON Schema, standalone: nested steps and form fields resolve inside it. */
function inputSchemaOf(type: StepType): Schema {
  return {
    ...defs[`${type}Step`],
    $defs: { step: { type: 'object', description: 'Any step (see GetFlowSteps).', required: ['id', 'type'] }, formField: defs.formField },
  };
}

export function presentStep(type: StepType): components['schemas']['FlowStep'] {
  const { info, output } = stepModule(type);
  const schema = defs[`${type}Step`];
  const required = ((schema.required as string[] | undefined) ?? []).filter((r) => r !== 'id' && r !== 'type');
  return {
    type: info.vendorType,
    id: type,
    displayName: info.displayName,
    description: info.description,
    iconClass: `flowmock-step-${type}`,
    group: info.group,
    primaryParameters: required,
    inputSchema: inputSchemaOf(type),
    inputForm: [],
    ...(output?.id ? { outputId: output.id } : {}),
    externalOutputParameters: output?.id ? [output.id] : [],
    outputSchema: output?.schema ?? {},
  };
}

/** The property's schema, or undefined when the step type has no such property. */
export function stepSettings(type: StepType, property: string): Record<string, unknown> | undefined {
  const schema = defs[`${type}Step`];
  const props = schema.properties as Record<string, unknown>;
  if (!Object.hasOwn(props, property) || property === 'type') return undefined;
  return { step: type, property, required: ((schema.required as string[]) ?? []).includes(property), schema: props[property] };
}

export function propertiesOf(type: StepType): string[] {
  return Object.keys(defs[`${type}Step`].properties as object).filter((p) => p !== 'type');
}
