/**
 * The flow and actionflow definition validators as Ajv standalone code (generated/definition-validators.ts),
 * so that loading the flows folder compiles no schema at start-up: compiling the definition schemas
 * with Ajv was the largest single cost of the server's start (about 250 ms of CPU in a profile,
 * issue 17). The same options as an Ajv instance compiling them at run time (all errors, strict,
 * union types, ajv-formats), so the errors, and the problems load.ts makes of them, are the same.
 *
 * The standalone code `require`s two small Ajv runtime helpers (ajv-formats' format functions and
 * ajv's ucs2length); the file is an ES module, so it makes its own `require` with createRequire.
 */
import _Ajv2020 from 'ajv/dist/2020.js';
import _addFormats from 'ajv-formats';
import _standalone from 'ajv/dist/standalone/index.js';
import { actionflowDefinitionSchema, flowDefinitionSchema, ACTIONFLOW_SCHEMA_ID, FLOW_SCHEMA_ID } from '../src/engine/definitions/definition-schema.js';

// CommonJS with `exports.default`: under NodeNext the default import is typed as the module object.
const Ajv2020 = _Ajv2020 as unknown as typeof _Ajv2020.default;
const addFormats = _addFormats as unknown as typeof _addFormats.default;
const standaloneCode = _standalone as unknown as typeof _standalone.default;

/** The options load.ts's validators are compiled with (exported for the test that compares them). */
export const DEFINITION_AJV_OPTIONS = { allErrors: true, strict: true, allowUnionTypes: true } as const;

export function definitionValidatorsSource(header: string): string {
  const ajv = new Ajv2020({ ...DEFINITION_AJV_OPTIONS, code: { source: true, esm: true } });
  addFormats(ajv);
  ajv.addSchema(flowDefinitionSchema).addSchema(actionflowDefinitionSchema);
  const code = standaloneCode(ajv, { flow: FLOW_SCHEMA_ID, actionflow: ACTIONFLOW_SCHEMA_ID }).replace(/^"use strict";\n?/, '');
  return [
    header.trimEnd(),
    '// The flow and actionflow definition JSON Schemas compiled by Ajv (standalone code, scripts/definition-validators.ts).',
    '// @ts-nocheck',
    '/* eslint-disable */',
    "import { createRequire } from 'node:module';",
    'const require = createRequire(import.meta.url);',
    code.trimEnd(),
    '',
  ].join('\n');
}
