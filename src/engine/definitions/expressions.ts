/**
 * JSONata expressions of the definitions, compiled once when the definitions load so a syntax
 * error stops start-up instead of surfacing in the middle of a run.
 *
 * Evaluation is guarded: JSONata can recurse forever, so every evaluation runs with jsonata 2's
 * own guardrails (`timeout` and `stack` options, checked each time the evaluator enters a node):
 * longer than `timeoutMs` (default 1 s) or nested deeper than `maxDepth` (default 500) and the
 * evaluation is aborted with an ExpressionEvaluationError (code D1012 resp. D1011). The check is
 * cooperative: a single built-in call that itself runs long is not interrupted midway.
 *
 * Evaluation contexts (what `$` is) and bindings, as the engines provide them:
 *
 * Flows (`when` of a step; templates in `message`, `fileName`, `template`): the context is a
 * FlowExpressionContext (below), no bindings.
 *
 * Actionflows: `records` runs once with the ActionflowInput as its context; `output.transform`,
 * `failures[].when`/`.message` and `stop.when`/`.message` run per record with the record as
 * context. All of them get these bindings (ActionflowBindings):
 *   $index  - 0-based index of the record (absent while `records` runs)
 *   $params - the query-string parameters, defaults applied: { name: string }
 *   $input  - the whole input: { body, contentType, headers, url }
 */
import jsonata from 'jsonata';

/** What `$` is when a flow's `when` conditions and templates are evaluated. */
export interface FlowExpressionContext {
  /**
   * The flow input: XML parsed to an object keyed by the root element (`input.order.customer`),
   * the plug-in JSON (`input.id`, `input.entity`, `input.userId`), other JSON as sent, or null.
   */
  input: unknown;
  /** Values of every user-input form submitted so far, keyed by field key (later forms win). */
  form: Record<string, unknown>;
  flow: { id: string; displayName: string };
  execution: { id: string };
}

/** The actionflow input connection point's fixed parameters. */
export interface ActionflowInput {
  /** Parsed JSON when the content type is JSON, otherwise the raw text ('' when none). */
  body: unknown;
  contentType: string;
  headers: Record<string, string>;
  url: string;
}

/** Bindings for actionflow expressions; referenced as `$index`, `$params`, `$input`. */
export interface ActionflowBindings {
  index?: number;
  params: Record<string, string>;
  input: ActionflowInput;
}

export interface ExpressionLimits {
  /** Abort an evaluation running longer than this. */
  timeoutMs: number;
  /** Abort an evaluation nested deeper than this (non-tail recursion). */
  maxDepth: number;
}

export const DEFAULT_EXPRESSION_LIMITS: Readonly<ExpressionLimits> = Object.freeze({ timeoutMs: 1000, maxDepth: 500 });

export interface CompiledExpression {
  readonly source: string;
  /** Evaluates against `context` (JSONata `$`); binding names may be given with or without `$`. */
  evaluate(context: unknown, bindings?: object): Promise<unknown>;
  /** Evaluates and casts the result as JSONata's `$boolean()` does: for conditions. */
  test(context: unknown, bindings?: object): Promise<boolean>;
}

/** Shape of what jsonata throws: a plain object, not an Error. */
interface JsonataFault {
  code?: string;
  position?: number;
  token?: string;
  message?: string;
}

/** The expression does not parse. `position` is the character offset jsonata reports. */
export class ExpressionSyntaxError extends Error {
  constructor(
    readonly source: string,
    readonly code: string | undefined,
    readonly position: number | undefined,
    detail: string,
  ) {
    super(`JSONata syntax error${position === undefined ? '' : ` at position ${position}`}: ${detail}`);
    this.name = 'ExpressionSyntaxError';
  }
}

export type EvaluationFailure = 'timeout' | 'depth' | 'runtime';

/** Evaluation failed: a JSONata runtime error, or a guardrail fired. */
export class ExpressionEvaluationError extends Error {
  readonly failure: EvaluationFailure;
  constructor(
    readonly source: string,
    readonly code: string | undefined,
    readonly position: number | undefined,
    detail: string,
  ) {
    super(`JSONata evaluation error${code ? ` ${code}` : ''}${position === undefined ? '' : ` at position ${position}`}: ${detail}`);
    this.name = 'ExpressionEvaluationError';
    this.failure = code === 'D1012' ? 'timeout' : code === 'D1011' ? 'depth' : 'runtime';
  }
}

function faultOf(err: unknown): JsonataFault {
  if (typeof err === 'object' && err !== null) return err as JsonataFault;
  return { message: String(err) };
}

/** jsonata wants binding names without `$`; accept both so callers can write what they read. */
function normaliseBindings(bindings: object | undefined): Record<string, unknown> | undefined {
  if (!bindings) return undefined;
  const out: Record<string, unknown> = {};
  for (const [name, value] of Object.entries(bindings)) out[name.startsWith('$') ? name.slice(1) : name] = value;
  return out;
}

/**
 * Compiles once; throws ExpressionSyntaxError. Each evaluation gets its own guardrail clock
 * (jsonata starts it per `evaluate` call), so one compiled expression can be shared.
 */
export function compileExpression(source: string, limits: Partial<ExpressionLimits> = {}): CompiledExpression {
  const { timeoutMs, maxDepth } = { ...DEFAULT_EXPRESSION_LIMITS, ...limits };
  let compiled: jsonata.Expression;
  try {
    compiled = jsonata(source, { timeout: timeoutMs, stack: maxDepth });
  } catch (err) {
    const f = faultOf(err);
    throw new ExpressionSyntaxError(source, f.code, f.position, f.message ?? 'invalid expression');
  }

  boundRanges(compiled);

  const evaluate = async (context: unknown, bindings?: object): Promise<unknown> => {
    try {
      return await compiled.evaluate(context, normaliseBindings(bindings));
    } catch (err) {
      const f = faultOf(err);
      throw new ExpressionEvaluationError(source, f.code, f.position, f.message ?? 'evaluation failed');
    }
  };

  return {
    source,
    evaluate,
    test: async (context, bindings) => toBoolean(await evaluate(context, bindings)),
  };
}

/**
 * Items one range (`[a..b]`) may make. JSONata's own bound is 10,000,000 (300 MB of memory in
 * one step, which its timeout cannot interrupt); a caller's input must not make the server
 * allocate that per request.
 */
export const MAX_RANGE_ITEMS = 100_000;
const RANGE_FUNCTION = '__flowmockBoundedRange';

/** Rewrites every range operator of the compiled expression into a call of a bounded range function. */
function boundRanges(compiled: jsonata.Expression): void {
  let found = false;
  const visit = (node: unknown, depth: number): void => {
    if (depth > 2000 || node === null || typeof node !== 'object') return;
    for (const value of Object.values(node)) {
      if (Array.isArray(value)) for (const v of value) visit(v, depth + 1);
      else if (value && typeof value === 'object') visit(value, depth + 1);
    }
    const n = node as Record<string, unknown>;
    if (n.type === 'binary' && n.value === '..') {
      const { lhs, rhs, position } = n;
      for (const k of Object.keys(n)) delete n[k];
      Object.assign(n, { type: 'function', value: '(', position, arguments: [lhs, rhs], procedure: { type: 'variable', value: RANGE_FUNCTION, position } });
      found = true;
    }
  };
  visit(compiled.ast(), 0);
  if (found) compiled.registerFunction(RANGE_FUNCTION, boundedRange);
}

/** JSONata's range (integers, empty when b < a, undefined when either side is) with MAX_RANGE_ITEMS. */
function boundedRange(a: unknown, b: unknown): number[] | undefined {
  if (a === undefined || b === undefined) return undefined;
  if (!Number.isInteger(a)) throw { code: 'T2003', message: 'The left side of the range operator (..) must evaluate to an integer' };
  if (!Number.isInteger(b)) throw { code: 'T2004', message: 'The right side of the range operator (..) must evaluate to an integer' };
  const from = a as number, to = b as number;
  if (to < from) return [];
  if (to - from + 1 > MAX_RANGE_ITEMS) {
    throw { code: 'D2014', message: `The range operator (..) would make ${to - from + 1} items; at most ${MAX_RANGE_ITEMS} are allowed` };
  }
  const out: number[] = new Array(to - from + 1);
  for (let i = 0; i < out.length; i++) out[i] = from + i;
  return out;
}

function isJsonataFunction(value: object): boolean {
  const v = value as { _jsonata_lambda?: unknown; _jsonata_function?: unknown };
  return v._jsonata_lambda === true || v._jsonata_function === true;
}

/** JSONata's `$boolean()` casting rules. */
export function toBoolean(value: unknown): boolean {
  if (value === undefined || value === null) return false;
  if (Array.isArray(value)) return value.some(toBoolean);
  switch (typeof value) {
    case 'boolean':
      return value;
    case 'string':
      return value.length > 0;
    case 'number':
      return value !== 0 && !Number.isNaN(value);
    case 'function':
      return false;
    case 'object':
      if (isJsonataFunction(value)) return false;
      return Object.keys(value).length > 0;
    default:
      return Boolean(value);
  }
}
