/**
 * Renders a step's text fields (message, fileName, template) and tests its `when` condition,
 * using what the definitions loader compiled and compiling on the spot when it has not
 * (definitions built in code, e.g. in tests). Compiled fallbacks are kept in the engine's caches
 * (caches.ts), by source text.
 */
import { compileExpression, toBoolean } from '../definitions/expressions.js';
import { compileTemplate } from '../definitions/template.js';
import type { StepDef } from '../definitions/types.js';
import type { EngineCaches } from './caches.js';
import type { EngineFlow, TemplateLike } from './types.js';

export type TextField = 'message' | 'fileName' | 'template';

function loaderTemplate(flow: EngineFlow, step: StepDef, field: TextField, source: string): TemplateLike | undefined {
  for (const key of [`${step.id}.${field}`, `${step.id}/${field}`, `${step.id}:${field}`, source]) {
    const t = flow.templates.get(key);
    if (t) return t;
  }
  return undefined;
}

/** The rendered field, or undefined when the step does not have it. */
export async function renderStepText(flow: EngineFlow, step: StepDef, field: TextField, context: object, caches: EngineCaches): Promise<string | undefined> {
  const source = (step as unknown as Record<string, unknown>)[field];
  if (typeof source !== 'string') return undefined;
  const template = loaderTemplate(flow, step, field, source) ?? caches.template(source, compileTemplate);
  return template.render(context);
}

/** The field's text when it needs no evaluation (for answers that cannot wait), else undefined. */
export function staticStepText(step: StepDef, field: TextField, caches: EngineCaches): string | undefined {
  const source = (step as unknown as Record<string, unknown>)[field];
  if (typeof source !== 'string') return undefined;
  try {
    const t = caches.template(source, compileTemplate);
    return t.isStatic ? source : undefined;
  } catch {
    return undefined;
  }
}

/** True when the step has no `when` or its condition holds (JSONata $boolean casting). */
export async function stepApplies(flow: EngineFlow, step: StepDef, context: object, caches: EngineCaches): Promise<boolean> {
  if (step.when === undefined) return true;
  const condition = flow.conditions.get(step.id) ?? caches.condition(step.when, compileExpression);
  return toBoolean(await condition.evaluate(context));
}

/**
 * Evaluates a construct's JSONata (`if` condition, `switch` value, `iterate` items), compiled by
 * the loader under `<step id>#<field>` or on the spot.
 */
export async function evaluateStepExpression(flow: EngineFlow, stepId: string, field: string, source: string, context: object, caches: EngineCaches): Promise<unknown> {
  const compiled = flow.conditions.get(`${stepId}#${field}`) ?? caches.condition(source, compileExpression);
  return compiled.evaluate(context);
}
