/**
 * The building blocks of the definition JSON Schemas (draft 2020-12), shared by
 * `definition-schema.ts` (the flow and actionflow documents) and the step type modules
 * (`src/engine/steps/<type>.ts`, each contributing its step's fragment). A leaf: it imports no
 * step module, so the step modules and the schema can both import it.
 */
import { FLOW_SCENARIO_PATTERN, PHIXFLOW_SCENARIO_PATTERN, knownScenarios } from '../scenarios.js';

export type Schema = Record<string, unknown>;

/** Upper bound for every duration and timeout: 24 h. */
export const MAX_DURATION_MS = 24 * 60 * 60 * 1000;

/** The patterns used below, each with the words the loader uses when a value does not match. */
export const PATTERNS = {
  identifier: ['^[A-Za-z_][A-Za-z0-9_]*$', 'a letter or "_" followed by letters, digits or "_"'],
  stepId: ['^[A-Za-z0-9][A-Za-z0-9_.-]*$', 'letters, digits, "_", "." or "-", starting with a letter or digit'],
  fieldKey: ['^[A-Za-z_][A-Za-z0-9_.-]*$', 'letters, digits, "_", "." or "-", starting with a letter or "_"'],
  xmlName: ['^[A-Za-z_][A-Za-z0-9_.:-]*$', 'an XML element name'],
  xmlPath: ['^[A-Za-z_][A-Za-z0-9_.:-]*(/[A-Za-z_][A-Za-z0-9_.:-]*)*$', 'XML element names separated by "/", e.g. "lines/line"'],
  urlName: ['^[^\\s/\\\\][^/\\\\\\u0000-\\u001f]*(?<!\\s)$', 'a name without "/", "\\" or control characters and without blanks at either end'],
  alias: ['^[A-Za-z0-9][A-Za-z0-9._~-]*$', 'one URL path segment: letters, digits, ".", "_", "~" or "-", starting with a letter or digit'],
  headerName: ["^[!#$%&'*+.^_`|~0-9A-Za-z-]+$", 'an HTTP header name'],
  flowScenario: [FLOW_SCENARIO_PATTERN, `a flow scenario: ${knownScenarios('flow')}`],
  phixflowScenario: [PHIXFLOW_SCENARIO_PATTERN, `an actionflow scenario: ${knownScenarios('actionflow')}`],
  webhookUrl: ['^https?://', 'an http:// or https:// URL'],
} as const;

export const nonEmptyString = { type: 'string', minLength: 1 } as const;
/** Sleeps and processing times: 0 is allowed (instant). */
export const durationMs = { type: 'integer', minimum: 0, maximum: MAX_DURATION_MS } as const;
/** Limits: 0 would fail every run, so at least 1 ms. */
export const limitMs = { type: 'integer', minimum: 1, maximum: MAX_DURATION_MS } as const;
export const jsonata = { type: 'string', minLength: 1, description: 'JSONata expression' } as const;
export const template = { type: 'string', description: 'Text; {{ JSONata }} parts are evaluated' } as const;

/** Properties every step has; each step type's schema adds its own and closes the object. */
export const stepBaseProperties = {
  id: {
    type: 'string',
    pattern: PATTERNS.stepId[0],
    maxLength: 100,
    description: 'Unique within the flow; becomes the report block id.',
  },
  type: { type: 'string' },
  displayName: nonEmptyString,
  when: { ...jsonata, description: 'JSONata condition; the step is skipped when false.' },
  percentage: { type: 'integer', minimum: 0, maximum: 100 },
  message: { ...template, description: 'Progress message while the step runs (template).' },
} as const;

/** A step that does work: the base properties (id, when, percentage, message) and its own. */
export function stepSchema(type: string, extra: Schema, required: string[]): Schema {
  return {
    type: 'object',
    additionalProperties: false,
    required: ['id', 'type', ...required],
    properties: { ...stepBaseProperties, type: { const: type }, ...extra },
  };
}

/** A body of a construct: steps of any type (`#/$defs/step` dispatches on their type). */
export const stepList = { type: 'array', minItems: 1, items: { $ref: '#/$defs/step' } } as const;

/** Constructs carry no `when`, `percentage` or `message`: they are not steps that do work. */
export function constructSchema(type: string, extra: Schema, required: string[]): Schema {
  return {
    type: 'object',
    additionalProperties: false,
    required: ['id', 'type', ...required],
    properties: { id: stepBaseProperties.id, type: { const: type }, displayName: nonEmptyString, ...extra },
  };
}
