/**
 * Text with embedded JSONata: `Invoice {{ input.order.number }}.pdf`. The `{{ … }}` parts are
 * compiled when the definitions load; `render` evaluates them in order and splices the results in:
 * undefined and null become '', strings stay as they are, numbers and booleans are printed as
 * JSONata's `$string()` prints them, objects and arrays as JSON.
 *
 * An expression may itself contain `}}` (e.g. `{{ {"a": {"b": 1}} }}`): the part ends at the first
 * `}}` that leaves a valid expression. There is no escape for a literal `{{`; write `{{ "{{" }}`.
 */
import {
  compileExpression,
  ExpressionSyntaxError,
  type CompiledExpression,
  type ExpressionLimits,
} from './expressions.js';

export type TemplatePart = { text: string } | { expression: CompiledExpression };

export interface CompiledTemplate {
  readonly source: string;
  /** True when the text has no `{{ }}` part: `render` returns it unchanged. */
  readonly isStatic: boolean;
  readonly parts: readonly TemplatePart[];
  /** Same context and bindings conventions as CompiledExpression.evaluate. */
  render(context: unknown, bindings?: object): Promise<string>;
}

/** A `{{ }}` part does not parse; `position` is the offset in the template text. */
export class TemplateSyntaxError extends Error {
  constructor(
    readonly source: string,
    readonly position: number,
    detail: string,
  ) {
    super(detail);
    this.name = 'TemplateSyntaxError';
  }
}

const OPEN = '{{';
const CLOSE = '}}';

export function compileTemplate(source: string, limits: Partial<ExpressionLimits> = {}): CompiledTemplate {
  const parts: TemplatePart[] = [];
  let cursor = 0;
  for (let open = source.indexOf(OPEN); open !== -1; open = source.indexOf(OPEN, cursor)) {
    if (open > cursor) parts.push({ text: source.slice(cursor, open) });
    const start = open + OPEN.length;
    const { expression, end } = compilePart(source, start, limits);
    parts.push({ expression });
    cursor = end + CLOSE.length;
  }
  if (cursor < source.length) parts.push({ text: source.slice(cursor) });

  const isStatic = parts.every((p) => 'text' in p);
  return {
    source,
    isStatic,
    parts,
    async render(context, bindings) {
      if (isStatic) return source;
      let out = '';
      for (const part of parts) {
        out += 'text' in part ? part.text : formatValue(await part.expression.evaluate(context, bindings));
      }
      return out;
    },
  };
}

/** Tries each following `}}` until the text before it parses; reports the first attempt's error. */
function compilePart(
  source: string,
  start: number,
  limits: Partial<ExpressionLimits>,
): { expression: CompiledExpression; end: number } {
  let firstError: ExpressionSyntaxError | undefined;
  for (let end = source.indexOf(CLOSE, start); end !== -1; end = source.indexOf(CLOSE, end + 1)) {
    const text = source.slice(start, end);
    if (text.trim() === '') {
      throw new TemplateSyntaxError(source, start - OPEN.length, `empty "{{ }}" at position ${start - OPEN.length}`);
    }
    try {
      return { expression: compileExpression(text, limits), end };
    } catch (err) {
      if (!(err instanceof ExpressionSyntaxError)) throw err;
      firstError ??= err;
    }
  }
  const at = start - OPEN.length;
  if (!firstError) throw new TemplateSyntaxError(source, at, `unclosed "{{" at position ${at}`);
  const position = start + (firstError.position ?? 0);
  const detail = firstError.message.replace(/^JSONata syntax error( at position \d+)?: /, '');
  throw new TemplateSyntaxError(source, position, `JSONata syntax error at position ${position} (in "{{" at ${at}): ${detail}`);
}

function formatValue(value: unknown): string {
  if (value === undefined || value === null) return '';
  switch (typeof value) {
    case 'string':
      return value;
    case 'number':
      // As $string(): 15 significant digits, so 0.1 + 0.2 prints 0.3.
      return Number.isInteger(value) ? String(value) : String(Number(value.toPrecision(15)));
    case 'boolean':
      return String(value);
    case 'function':
      return '';
    default:
      return JSON.stringify(value) ?? '';
  }
}
