/**
 * ParseExpression and GetExpressionFunctions: flowmock's expression language (src/engine/expressions,
 * README "Expressions"). Errors in an expression are the vendor model's `errors` in a 200; only a
 * body without an expression, or one over the limit, is a 400.
 */
import type { Handlers } from '../../handler-contract/handler-types.js';
import { invalidField } from '../../handler-contract/problem.js';
import { parseExpression } from '../../engine/expressions/parser.js';
import { EXPRESSION_FUNCTIONS } from '../../engine/expressions/functions.js';
import { pageOfRows, type ListSpec } from '../list-query/list-query.js';

/** Longest expression ParseExpression takes (the spec says so). */
export const MAX_EXPRESSION_LENGTH = 10000;

const FUNCTION_LIST: ListSpec<'name' | 'description'> = {
  filter: { name: { kind: 'text' }, description: { kind: 'text' }, categories: { kind: 'text' }, varargs: { kind: 'boolean' } },
  sort: ['name', 'description'],
  defaultSort: { field: 'name', direction: 'asc' },
};

export const expressionHandlers: Pick<Handlers, 'ParseExpression' | 'GetExpressionFunctions'> = {
  ParseExpression(ctx) {
    const { value, indent } = ctx.body ?? {};
    if (typeof value !== 'string') throw invalidField('body', '/value', 'required', 'the expression to parse is required');
    if (value.length > MAX_EXPRESSION_LENGTH) {
      throw invalidField('body', '/value', 'maxLength', `an expression has at most ${MAX_EXPRESSION_LENGTH} characters (got ${value.length})`);
    }
    const result = parseExpression(value, { indent: indent === true });
    if (result.errors.length) return { status: 200, body: { value, indented: false, errors: result.errors } };
    return { status: 200, body: { value: result.text!, indented: indent === true, errors: [] } };
  },

  GetExpressionFunctions(ctx) {
    const rows = EXPRESSION_FUNCTIONS.map((f) => ({
      name: f.name,
      description: `${f.description} Returns ${f.returns === 'unknown' ? 'the value it picks' : f.returns === 'dateTime' ? 'a date-time' : `a ${f.returns}`}.`,
      categories: [...f.categories],
      varargs: f.varargs,
      arguments: f.arguments.map((a) => ({ ...a })),
    }));
    return { status: 200, body: pageOfRows(rows, FUNCTION_LIST, ctx.query) };
  },
};
