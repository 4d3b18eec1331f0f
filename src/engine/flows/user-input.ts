/**
 * What a userInput step shows (schema, form, model) and how posted values are checked.
 * Validators are compiled once per step object and kept in the engine's caches (caches.ts); a
 * definitions reload brings new step objects, so a stale schema is never served.
 */
import type { ErrorObject } from 'ajv/dist/2020.js';
import type { FormFieldDef, UserInputStepDef } from '../definitions/types.js';
import type { EngineCaches } from './caches.js';
import { FlowInputValidationError, type InputProblem } from './errors.js';

type FieldSchema = { type: string; title: string; description?: string; format?: string };

function fieldSchema(field: FormFieldDef): FieldSchema {
  const base = { title: field.title, ...(field.description ? { description: field.description } : {}) };
  switch (field.type) {
    case 'string':
    case 'text':
      return { type: 'string', ...base };
    case 'date':
      return { type: 'string', format: 'date', ...base };
    case 'number':
    case 'integer':
    case 'boolean':
      return { type: field.type, ...base };
  }
}

/** The JSON-schema-like `schema` a UserInput progress shows. */
export function formSchema(step: UserInputStepDef): Record<string, unknown> {
  const properties: Record<string, FieldSchema> = {};
  for (const f of step.fields) properties[f.key] = fieldSchema(f);
  return { type: 'object', properties, required: step.fields.filter((f) => f.required).map((f) => f.key) };
}

/** The `form` layout: one entry per field. */
export function formLayout(step: UserInputStepDef): Array<{ key: string; title: string; type: string; description?: string; required?: boolean }> {
  return step.fields.map((f) => ({
    key: f.key,
    title: f.title,
    type: f.type,
    ...(f.description ? { description: f.description } : {}),
    ...(f.required ? { required: true } : {}),
  }));
}

/** The `model`: default values of the fields that have one (null means "no default"). */
export function formDefaults(step: UserInputStepDef): Record<string, unknown> {
  const model: Record<string, unknown> = {};
  for (const f of step.fields) if (f.default !== undefined && f.default !== null) model[f.key] = f.default;
  return model;
}

/**
 * Checks posted values and returns them merged over the defaults (so a required field with a
 * default is satisfied). Throws FlowInputValidationError naming every offending field.
 */
export function validateFormValues(step: UserInputStepDef, values: unknown, caches: EngineCaches): Record<string, unknown> {
  if (values === null || typeof values !== 'object' || Array.isArray(values)) {
    throw new FlowInputValidationError([{ pointer: '', rule: 'type', message: 'The form values must be a JSON object keyed by field key.' }]);
  }
  const merged = { ...formDefaults(step), ...(values as Record<string, unknown>) };
  // Unknown keys are errors: a typo in a field key must not be dropped silently.
  const validate = caches.formValidator(step, () => ({ ...formSchema(step), additionalProperties: false }));
  if (validate(merged)) return merged;
  const known = step.fields.map((f) => f.key).join(', ') || '(none)';
  throw new FlowInputValidationError((validate.errors ?? []).map((e) => problem(step, e, known)));
}

/** JSON pointer segment (RFC 6901): '~' and '/' escaped. */
const pointer = (key: string): string => `/${key.replace(/~/g, '~0').replace(/\//g, '~1')}`;

function problem(step: UserInputStepDef, e: ErrorObject, known: string): InputProblem {
  const title = (key: string) => step.fields.find((f) => f.key === key)?.title ?? key;
  if (e.keyword === 'required') {
    const key = String(e.params.missingProperty);
    return { pointer: pointer(key), rule: 'required', message: `The field "${key}" (${title(key)}) is required.` };
  }
  if (e.keyword === 'additionalProperties') {
    const key = String(e.params.additionalProperty);
    return { pointer: pointer(key), rule: 'additionalProperties', message: `The field "${key}" is not in this form; its fields are ${known}.` };
  }
  const key = (e.instancePath.split('/')[1] ?? '').replace(/~1/g, '/').replace(/~0/g, '~');
  const detail = e.keyword === 'format' ? `must be a date (YYYY-MM-DD)` : (e.message ?? 'is not valid');
  return { pointer: e.instancePath, rule: e.keyword, message: `The field "${key}" (${title(key)}) ${detail}.` };
}
