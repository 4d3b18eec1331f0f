/**
 * Renders a step's text fields (message, fileName, template) and tests its `when` condition,
 * using what the definitions loader compiled and compiling on the spot when it has not
 * (definitions built in code, e.g. in tests). Compiled fallbacks are cached per source text.
 */
import { compileExpression, toBoolean } from '../definitions/expressions.js';
import { compileTemplate, type CompiledTemplate } from '../definitions/template.js';
import type { IterateStepDef, StepDef } from '../definitions/types.js';
import type { ConditionLike, EngineFlow, TemplateLike } from './types.js';

export type TextField = 'message' | 'fileName' | 'template';

const MAX_CACHED = 1000;
const templateCache = new Map<string, CompiledTemplate>();
const conditionCache = new Map<string, ConditionLike>();

function cached<T>(cache: Map<string, T>, source: string, compile: (s: string) => T): T {
  let hit = cache.get(source);
  if (!hit) {
    if (cache.size >= MAX_CACHED) cache.clear();
    hit = compile(source);
    cache.set(source, hit);
  }
  return hit;
}

function loaderTemplate(flow: EngineFlow, step: StepDef, field: TextField, source: string): TemplateLike | undefined {
  for (const key of [`${step.id}.${field}`, `${step.id}/${field}`, `${step.id}:${field}`, source]) {
    const t = flow.templates.get(key);
    if (t) return t;
  }
  return undefined;
}

/** The rendered field, or undefined when the step does not have it. */
export async function renderStepText(flow: EngineFlow, step: StepDef, field: TextField, context: object): Promise<string | undefined> {
  const source = (step as unknown as Record<string, unknown>)[field];
  if (typeof source !== 'string') return undefined;
  const template = loaderTemplate(flow, step, field, source) ?? cached(templateCache, source, (s) => compileTemplate(s));
  return template.render(context);
}

/** The field's text when it needs no evaluation (for answers that cannot wait), else undefined. */
export function staticStepText(step: StepDef, field: TextField): string | undefined {
  const source = (step as unknown as Record<string, unknown>)[field];
  if (typeof source !== 'string') return undefined;
  try {
    const t = cached(templateCache, source, (s) => compileTemplate(s));
    return t.isStatic ? source : undefined;
  } catch {
    return undefined;
  }
}

/** True when the step has no `when` or its condition holds (JSONata $boolean casting). */
export async function stepApplies(flow: EngineFlow, step: StepDef, context: object): Promise<boolean> {
  if (step.when === undefined) return true;
  const condition = flow.conditions.get(step.id) ?? cached(conditionCache, step.when, (s) => compileExpression(s));
  return toBoolean(await condition.evaluate(context));
}

/**
 * Evaluates a construct's JSONata (`if` condition, `switch` value, `iterate` items), compiled by
 * the loader under `<step id>#<field>` or on the spot.
 */
export async function evaluateStepExpression(flow: EngineFlow, stepId: string, field: string, source: string, context: object): Promise<unknown> {
  const compiled = flow.conditions.get(`${stepId}#${field}`) ?? cached(conditionCache, source, (s) => compileExpression(s));
  return compiled.evaluate(context);
}

/** An `iterate` construct's iterationName, rendered, or undefined when it has none. */
export async function renderIterationName(step: IterateStepDef, context: object): Promise<string | undefined> {
  if (step.iterationName === undefined) return undefined;
  return cached(templateCache, step.iterationName, (s) => compileTemplate(s)).render(context);
}
