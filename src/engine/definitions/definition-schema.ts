/**
 * JSON Schemas (draft 2020-12) for the definition files in the flows folder: the authority on
 * the file format (`types.ts` mirrors them). A step's schema is its step module's fragment
 * (src/engine/steps/<type>.ts, listed in steps/registry.ts); the building blocks are in
 * schema-parts.ts. Rules JSON Schema cannot express (unique step ids, steps or zones (one of
 * them), unique parameter names, monotone percentages, cross-file uniqueness, JSONata syntax, and
 * each step module's own checks, e.g. unique form-field keys) are checked in `load.ts`.
 *
 * The schemas describe the file as written: `sourceFile` is added by the loader, and so are the
 * actionflow defaults (allowAnonymous, logRequest, logResponse, parameters, failures, recordDelayMs).
 */
import { writeFile } from 'node:fs/promises';
import { STEP_MODULES } from '../steps/registry.js';
import { durationMs, jsonata, limitMs, nonEmptyString, PATTERNS, stepList, template, type Schema } from './schema-parts.js';

export { MAX_DURATION_MS } from './schema-parts.js';

/** The actionflow input connection point's fixed parameters, plus the `timeout` URL override. */
export const RESERVED_PARAMETER_NAMES = ['body', 'contentType', 'headers', 'url', 'timeout'] as const;

/** Pattern → what it means, for error messages. */
export const PATTERN_DESCRIPTIONS: ReadonlyMap<string, string> = new Map(Object.values(PATTERNS));

export const PARAMETER_NAME_PATTERN = PATTERNS.identifier[0];

const SCHEMA_DIALECT = 'https://json-schema.org/draft/2020-12/schema';
export const FLOW_SCHEMA_ID = 'https://flowmock.dev/schemas/flow-definition.json';
export const ACTIONFLOW_SCHEMA_ID = 'https://flowmock.dev/schemas/actionflow-definition.json';
export const DEFINITION_SCHEMA_ID = 'https://flowmock.dev/schemas/definition-file.json';

/** Completion webhook (flowmock extension); the loader also requires a loopback host. */
const webhook = {
  type: 'object',
  additionalProperties: false,
  required: ['url'],
  description: 'flowmock extension: POST the final state here, signed (see flows/README.md). Loopback URLs only: 127.0.0.0/8, localhost, [::1].',
  properties: {
    url: { type: 'string', format: 'uri', maxLength: 2000, pattern: PATTERNS.webhookUrl[0] },
    secret: { type: 'string', minLength: 16, maxLength: 500, description: 'HMAC-SHA256 key (its UTF-8 bytes); default: the server\'s webhook secret.' },
  },
} as const;

const scenarioDescription = 'flowmock extension: the default scenario of every run; a request\'s `Prefer: scenario=<name>` overrides it (`none`: as defined).';

// ---------------------------------------------------------------------------------------------
// Flow
// ---------------------------------------------------------------------------------------------

/**
 * A step is dispatched on `type` with if/then rather than oneOf, so a mistake is reported once,
 * against the step type the author meant, instead of once per alternative.
 */
const step: Schema = {
  type: 'object',
  required: ['id', 'type'],
  properties: { type: { enum: STEP_MODULES.map((m) => m.type) } },
  allOf: STEP_MODULES.map((m) => ({
    if: { required: ['type'], properties: { type: { const: m.type } } },
    then: { $ref: `#/$defs/${m.type}Step` },
  })),
};

export const flowDefinitionSchema: Schema = {
  $schema: SCHEMA_DIALECT,
  $id: FLOW_SCHEMA_ID,
  title: 'flowmock flow definition (Smart Flows)',
  type: 'object',
  additionalProperties: false,
  required: ['id', 'displayName', 'input'],
  // Steps as one list, or grouped in zones (vendor FlowZone): exactly one of the two (checked by the loader).
  properties: {
    kind: { const: 'flow', description: 'May be left out: a file without kind is a flow.' },
    id: { type: 'string', format: 'uuid' },
    displayName: nonEmptyString,
    description: { type: 'string' },
    input: {
      type: 'object',
      additionalProperties: false,
      required: ['kind'],
      properties: {
        kind: { enum: ['none', 'xml', 'plugin', 'any'] },
        rootElement: { type: 'string', pattern: PATTERNS.xmlName[0] },
        requiredElements: {
          type: 'array',
          items: { type: 'string', pattern: PATTERNS.xmlPath[0] },
          uniqueItems: true,
        },
      },
      // XML checks only make sense for inputs that may be XML.
      if: { required: ['kind'], properties: { kind: { enum: ['none', 'plugin'] } } },
      then: { properties: { rootElement: false, requiredElements: false } },
    },
    maxDurationMs: limitMs,
    scenario: { type: 'string', pattern: PATTERNS.flowScenario[0], description: scenarioDescription },
    webhook,
    steps: stepList,
    zones: {
      type: 'array',
      minItems: 1,
      description: 'The steps grouped in zones (vendor FlowZone); the report shows each as a FlowZoneState with this id.',
      items: {
        type: 'object',
        additionalProperties: false,
        required: ['id', 'steps'],
        properties: {
          id: { type: 'string', pattern: PATTERNS.stepId[0], maxLength: 100 },
          displayName: nonEmptyString,
          steps: stepList,
        },
      },
    },
  },
  $defs: {
    step,
    // What the step fragments refer to (userInput's formField), then one `<type>Step` per step module.
    ...Object.assign({}, ...STEP_MODULES.map((m) => ('defs' in m ? m.defs : {}))),
    ...Object.fromEntries(STEP_MODULES.map((m) => [`${m.type}Step`, m.schema])),
  },
};

// ---------------------------------------------------------------------------------------------
// Actionflow
// ---------------------------------------------------------------------------------------------

/** Names travel URL-encoded in one path segment: no slashes, controls or outer blanks. */
const urlName = {
  type: 'string',
  minLength: 1,
  maxLength: 200,
  pattern: PATTERNS.urlName[0],
} as const;

const whenAndMessage: Schema = {
  type: 'object',
  additionalProperties: false,
  required: ['when', 'message'],
  properties: { when: jsonata, message: { ...template, minLength: 1 } },
};

export const actionflowDefinitionSchema: Schema = {
  $schema: SCHEMA_DIALECT,
  $id: ACTIONFLOW_SCHEMA_ID,
  title: 'flowmock actionflow definition (PhixFlow API endpoint)',
  type: 'object',
  additionalProperties: false,
  required: ['kind', 'application', 'name', 'mode', 'output'],
  properties: {
    kind: { const: 'actionflow' },
    application: urlName,
    name: urlName,
    alias: {
      type: 'string',
      pattern: PATTERNS.alias[0],
      maxLength: 200,
      description: 'URL alias: replaces the application-and-name part of the URL.',
    },
    mode: { enum: ['sync', 'async'] },
    timeoutMs: limitMs,
    allowAnonymous: { type: 'boolean', default: false },
    logRequest: { type: 'boolean', default: false },
    logResponse: { type: 'boolean', default: false },
    parameters: {
      type: 'array',
      default: [],
      items: {
        type: 'object',
        additionalProperties: false,
        required: ['name'],
        properties: {
          name: {
            type: 'string',
            pattern: PARAMETER_NAME_PATTERN,
            not: { enum: [...RESERVED_PARAMETER_NAMES] },
            description: `Query-string parameter; not one of ${RESERVED_PARAMETER_NAMES.join(', ')}.`,
          },
          required: { type: 'boolean' },
          default: { type: 'string' },
        },
      },
    },
    records: { ...jsonata, description: 'JSONata over the input selecting the records; default: the body.' },
    output: {
      type: 'object',
      additionalProperties: false,
      required: ['name'],
      properties: {
        name: { type: 'string', pattern: PATTERNS.identifier[0], description: 'Results appear at data.<name>.' },
        transform: { ...jsonata, description: 'JSONata per record producing the output record.' },
      },
    },
    failures: { type: 'array', default: [], items: { $ref: '#/$defs/whenAndMessage' } },
    stop: { $ref: '#/$defs/whenAndMessage' },
    recordDelayMs: { ...durationMs, default: 0 },
    response: {
      type: 'object',
      additionalProperties: false,
      properties: {
        statusCode: { enum: [200, 201] },
        headers: {
          type: 'object',
          propertyNames: { pattern: PATTERNS.headerName[0] },
          additionalProperties: { type: 'string' },
        },
      },
    },
    scenario: { type: 'string', pattern: PATTERNS.phixflowScenario[0], description: scenarioDescription },
    webhook,
  },
  $defs: { whenAndMessage },
};

/**
 * Both schemas in one document, e.g. for `flowmock schema > definitions.schema.json` or an
 * editor's YAML language server: a file with `kind: actionflow` is an actionflow, anything else a flow.
 */
export const definitionSchemas: Schema = {
  $schema: SCHEMA_DIALECT,
  $id: DEFINITION_SCHEMA_ID,
  title: 'flowmock definition file (flow or actionflow)',
  if: { type: 'object', required: ['kind'], properties: { kind: { const: 'actionflow' } } },
  then: { $ref: ACTIONFLOW_SCHEMA_ID },
  else: { $ref: FLOW_SCHEMA_ID },
  $defs: { flow: flowDefinitionSchema, actionflow: actionflowDefinitionSchema },
};

/** Writes `definitionSchemas` as JSON, for `flowmock schema --out <file>` and editors. */
export async function writeDefinitionSchemas(file: string): Promise<void> {
  await writeFile(file, `${JSON.stringify(definitionSchemas, null, 2)}\n`, 'utf8');
}
