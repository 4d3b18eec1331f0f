/**
 * JSON Schemas (draft 2020-12) for the definition files in the flows folder: the authority on
 * the file format (`types.ts` mirrors them). Rules JSON Schema cannot express (unique step ids,
 * steps or zones (one of them), unique form-field keys, unique parameter names, monotone percentages, cross-file uniqueness,
 * JSONata syntax) are checked in `load.ts`.
 *
 * The schemas describe the file as written: `sourceFile` is added by the loader, and so are the
 * actionflow defaults (allowAnonymous, logRequest, logResponse, parameters, failures, recordDelayMs).
 */
import { writeFile } from 'node:fs/promises';
import { FLOW_SCENARIO_PATTERN, PHIXFLOW_SCENARIO_PATTERN, knownScenarios } from '../scenarios.js';
import { STEP_TYPES, type StepType } from './step-types.js';

/** Upper bound for every duration and timeout: 24 h. */
export const MAX_DURATION_MS = 24 * 60 * 60 * 1000;

/** The actionflow input connection point's fixed parameters, plus the `timeout` URL override. */
export const RESERVED_PARAMETER_NAMES = ['body', 'contentType', 'headers', 'url', 'timeout'] as const;

/** The patterns used below, each with the words the loader uses when a value does not match. */
const PATTERNS = {
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

/** Pattern → what it means, for error messages. */
export const PATTERN_DESCRIPTIONS: ReadonlyMap<string, string> = new Map(Object.values(PATTERNS));

export const PARAMETER_NAME_PATTERN = PATTERNS.identifier[0];

const SCHEMA_DIALECT = 'https://json-schema.org/draft/2020-12/schema';
export const FLOW_SCHEMA_ID = 'https://flowmock.dev/schemas/flow-definition.json';
export const ACTIONFLOW_SCHEMA_ID = 'https://flowmock.dev/schemas/actionflow-definition.json';
export const DEFINITION_SCHEMA_ID = 'https://flowmock.dev/schemas/definition-file.json';

type Schema = Record<string, unknown>;

const nonEmptyString = { type: 'string', minLength: 1 } as const;
/** Sleeps and processing times: 0 is allowed (instant). */
const durationMs = { type: 'integer', minimum: 0, maximum: MAX_DURATION_MS } as const;
/** Limits: 0 would fail every run, so at least 1 ms. */
const limitMs = { type: 'integer', minimum: 1, maximum: MAX_DURATION_MS } as const;
const jsonata = { type: 'string', minLength: 1, description: 'JSONata expression' } as const;
const template = { type: 'string', description: 'Text; {{ JSONata }} parts are evaluated' } as const;

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

/** Properties every step has; each step type's schema adds its own and closes the object. */
const stepBaseProperties = {
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

function stepSchema(type: string, extra: Schema, required: string[]): Schema {
  return {
    type: 'object',
    additionalProperties: false,
    required: ['id', 'type', ...required],
    properties: { ...stepBaseProperties, type: { const: type }, ...extra },
  };
}

/** A form field's default must fit the field's type (null = no default). */
const fieldDefaultRules = [
  { types: ['string', 'text'], default: { type: ['string', 'null'] } },
  { types: ['date'], default: { type: ['string', 'null'], format: 'date' } },
  { types: ['number'], default: { type: ['number', 'null'] } },
  { types: ['integer'], default: { type: ['integer', 'null'] } },
  { types: ['boolean'], default: { type: ['boolean', 'null'] } },
].map((rule) => ({
  if: { required: ['type'], properties: { type: { enum: rule.types } } },
  then: { properties: { default: rule.default } },
}));

const formField: Schema = {
  type: 'object',
  additionalProperties: false,
  required: ['key', 'title', 'type'],
  properties: {
    key: { type: 'string', pattern: PATTERNS.fieldKey[0], maxLength: 100 },
    title: nonEmptyString,
    type: { enum: ['string', 'text', 'number', 'integer', 'boolean', 'date'] },
    description: { type: 'string' },
    required: { type: 'boolean' },
    default: { type: ['string', 'number', 'boolean', 'null'] },
  },
  allOf: fieldDefaultRules,
};

const stepList = { type: 'array', minItems: 1, items: { $ref: '#/$defs/step' } } as const;

/** Constructs carry no `when`, `percentage` or `message`: they are not steps that do work. */
function constructSchema(type: string, extra: Schema, required: string[]): Schema {
  return {
    type: 'object',
    additionalProperties: false,
    required: ['id', 'type', ...required],
    properties: { id: stepBaseProperties.id, type: { const: type }, displayName: nonEmptyString, ...extra },
  };
}

const stepSchemas: Record<StepType, Schema> = {
  progress: stepSchema('progress', { durationMs }, ['durationMs']),
  document: stepSchema(
    'document',
    {
      durationMs,
      fileName: { ...nonEmptyString, description: 'File name of the produced document (template).' },
      templateId: nonEmptyString,
      language: nonEmptyString,
      template: { ...template, description: 'Body text of the PDF (template).' },
      format: { enum: ['pdf', 'docx'], default: 'pdf', description: 'pdf (default) or docx: the produced document is a PDF or a Word (OOXML) file.' },
    },
    ['fileName', 'template'],
  ),
  userInput: stepSchema('userInput', { fields: { type: 'array', minItems: 1, items: { $ref: '#/$defs/formField' } } }, ['fields']),
  waitForCallback: stepSchema('waitForCallback', {}, []),
  fail: stepSchema(
    'fail',
    {
      status: { enum: ['Error', 'Warning', 'Interrupted'] },
      message: { ...template, minLength: 1, description: 'Message the execution ends with (template).' },
    },
    ['status', 'message'],
  ),
  if: constructSchema(
    'if',
    {
      condition: { ...jsonata, description: 'JSONata condition: `then` runs when it holds, else `else`.' },
      then: stepList,
      else: stepList,
    },
    ['condition', 'then'],
  ),
  try: constructSchema('try', { try: stepList, catch: stepList }, ['try']),
  switch: constructSchema(
    'switch',
    {
      value: { ...jsonata, description: 'JSONata; its result as text is compared with each case value.' },
      cases: {
        type: 'array',
        minItems: 1,
        items: {
          type: 'object',
          additionalProperties: false,
          required: ['value', 'steps'],
          properties: { value: { type: 'string' }, steps: stepList },
        },
      },
      default: stepList,
    },
    ['value', 'cases'],
  ),
  iterate: constructSchema(
    'iterate',
    {
      items: { ...jsonata, description: 'JSONata giving the items; each item is one iteration.' },
      iterationName: { ...template, description: 'Display name of each iteration (template; `iteration.item`, `iteration.index`).' },
      steps: stepList,
    },
    ['items', 'steps'],
  ),
};

/**
 * A step is dispatched on `type` with if/then rather than oneOf, so a mistake is reported once,
 * against the step type the author meant, instead of once per alternative.
 */
const step: Schema = {
  type: 'object',
  required: ['id', 'type'],
  properties: { type: { enum: [...STEP_TYPES] } },
  allOf: STEP_TYPES.map((t) => ({
    if: { required: ['type'], properties: { type: { const: t } } },
    then: { $ref: `#/$defs/${t}Step` },
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
    formField,
    ...Object.fromEntries(STEP_TYPES.map((t) => [`${t}Step`, stepSchemas[t]])),
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
