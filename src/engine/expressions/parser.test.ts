/**
 * The expression language, table-driven: what parses and its canonical text (precedence shown by
 * the parentheses the canonical text keeps or drops), and each kind of error with its position.
 */
import { describe, expect, it } from 'vitest';
import { MAX_EXPRESSION_DEPTH, parseExpression, positionOf } from './parser.js';
import { EXPRESSION_FUNCTIONS, arity, findFunction } from './functions.js';

describe('valid expressions and their canonical text', () => {
  it.each([
    ['1', '1'],
    ['  42.5e-3 ', '42.5e-3'],
    ["'it''s'", "'it''s'"],
    ['"double ""quoted"""', `'double "quoted"'`],
    ['TRUE', 'true'],
    ['null', 'null'],
    ['amount', 'amount'],
    ['customer.address.city', 'customer.address.city'],
    ['[first name] & customer.[zip code]', '[first name] & customer.[zip code]'],
    ['[and]', '[and]'],
    ['1+2*3', '1 + 2 * 3'],
    ['(1+2)*3', '(1 + 2) * 3'],
    ['1-(2-3)', '1 - (2 - 3)'],
    ['(1-2)-3', '1 - 2 - 3'],
    ['2^3^2', '2 ^ 3 ^ 2'],
    ['(2^3)^2', '(2 ^ 3) ^ 2'],
    ['-2^2', '-2 ^ 2'],
    ['(-2)^2', '(-2) ^ 2'],
    ['+5', '5'],
    ['a - -b', 'a - -b'],
    ['a == b && c != d || !e', 'a = b and c <> d or not e'],
    ['a or b and c', 'a or b and c'],
    ['(a or b) and c', '(a or b) and c'],
    ['not (a and b)', 'not (a and b)'],
    ['not a = b', 'not a = b'],
    ['(a = b) = c', '(a = b) = c'],
    ["'n: ' & 1 + 2", "'n: ' & 1 + 2"],
    ['total % 7 >= 3', 'total % 7 >= 3'],
    ['UPPER(name)', 'upper(name)'],
    ['now()', 'now()'],
    ['round(amount * 1.21, 2)', 'round(amount * 1.21, 2)'],
    ['concat(a, b, c, d)', 'concat(a, b, c, d)'],
    ["if(amount > 100, 'big', 'small')", "if(amount > 100, 'big', 'small')"],
    ['formatDate(addDays(today(), 30), \'dd-MM-yyyy\')', "formatDate(addDays(today(), 30), 'dd-MM-yyyy')"],
    ['a\n  +\r\n b', 'a + b'],
  ])('%j is %j', (src, text) => {
    const r = parseExpression(src);
    expect(r.errors).toEqual([]);
    expect(r.text).toBe(text);
    // The canonical text parses to itself.
    expect(parseExpression(r.text!).text).toBe(text);
  });

  it('indented: a call holding a call puts its arguments on lines of their own, two spaces per level', () => {
    const r = parseExpression("if(isEmpty(name), 'nobody', concat(upper(name), '!'))", { indent: true });
    expect(r.text).toBe([
      'if(',
      '  isEmpty(name),',
      "  'nobody',",
      '  concat(',
      '    upper(name),',
      "    '!'",
      '  )',
      ')',
    ].join('\n'));
    expect(parseExpression(r.text!).text).toBe("if(isEmpty(name), 'nobody', concat(upper(name), '!'))");
    expect(parseExpression('round(a, 2)', { indent: true }).text).toBe('round(a, 2)');
  });

  it('the tree keeps precedence: 1 + 2 * 3 adds a product', () => {
    expect(parseExpression('1 + 2 * 3').ast).toMatchObject({ kind: 'binary', op: '+', right: { kind: 'binary', op: '*' } });
  });
});

describe('errors and their positions', () => {
  // [source, message (part), offset, line, posInLine]
  it.each([
    ['', 'the expression is empty', 0, 1, 0],
    ['   ', 'the expression is empty', 3, 1, 3],
    ['1 # 2', 'unexpected character "#"', 2, 1, 2],
    ['a\n  b ~', 'unexpected character "~"', 6, 2, 4],
    ["'open", 'unterminated text: no closing \'', 0, 1, 0],
    ['x & "open', 'unterminated text: no closing "', 4, 1, 4],
    ['[first name', 'unterminated field name', 0, 1, 0],
    ['[ ] + 1', 'must not be empty', 0, 1, 0],
    ['1. + 2', 'decimal point in a number must be followed by digits', 1, 1, 1],
    ['2e+', 'exponent in a number must have digits', 1, 1, 1],
    ['12abc', 'a number must not run into a name', 2, 1, 2],
    ['1 +', 'unexpected end of the expression; expected a value', 3, 1, 3],
    ['1 + * 2', 'unexpected "*"; expected a value', 4, 1, 4],
    ['(1 + 2', 'expected ) to close the ( at offset 0; found the end', 6, 1, 6],
    ['1 + 2)', 'unexpected a ) without its (', 5, 1, 5],
    ['a b', 'unexpected "b"; expected an operator', 2, 1, 2],
    ['round(1 2)', 'expected , or ) in the arguments of round', 8, 1, 8],
    ['round(1,)', 'unexpected ")"; expected a value', 8, 1, 8],
    ['a.', 'expected a field name after "."', 2, 1, 2],
    ['a < b < c', 'comparisons do not chain', 6, 1, 6],
    ['\n\nnosuch(1)', 'unknown function nosuch', 2, 3, 0],
    ['upper()', 'upper takes 1 argument; got 0', 0, 1, 0],
    ['round(1, 2, 3)', 'round takes 1 to 2 arguments; got 3', 12, 1, 12],
    ['concat()', 'concat takes at least 1 arguments; got 0', 0, 1, 0],
    ["abs('x')", 'argument value of abs takes a number; got a text', 4, 1, 4],
    ['if(1, 2, 3)', 'argument condition of if takes a boolean; got a number', 3, 1, 3],
    ['year(true)', 'argument value of year takes a date; got a boolean', 5, 1, 5],
    ["'a' + 1", 'operator + takes numbers; got a text (join texts with &)', 4, 1, 4],
    ['-today()', 'operator - takes a number; got a date', 0, 1, 0],
    ['1 and x', 'operator and takes booleans; got a number', 2, 1, 2],
    ['not 3', 'operator not takes a boolean; got a number', 0, 1, 0],
    ['abs(length(1 = 2))', '', 0, 1, 0],
  ])('%j: %s at offset %i (line %i, position %i)', (src, message, offset, line, posInLine) => {
    const r = parseExpression(src);
    if (message === '') { expect(r.errors).toEqual([]); return; } // text arguments take any value
    expect(r.text).toBeUndefined();
    expect(r.errors[0]).toEqual({ message: expect.stringContaining(message), offset, line, posInLine });
  });

  it('reports every lexical error, and every call and operand that does not fit, in source order', () => {
    expect(parseExpression('1 # 2 $ 3').errors.map((e) => e.offset)).toEqual([2, 6]);
    expect(parseExpression("nope(1) + abs('x') + upper()").errors.map((e) => e.message)).toEqual([
      'unknown function nope (GetExpressionFunctions lists the functions)',
      'argument value of abs takes a number; got a text',
      'operator + takes numbers; got a text (join texts with &)',
      'upper takes 1 argument; got 0',
    ]);
  });

  it(`refuses nesting deeper than ${MAX_EXPRESSION_DEPTH} levels, at the token that goes too deep`, () => {
    const deep = `${'('.repeat(MAX_EXPRESSION_DEPTH + 1)}1${')'.repeat(MAX_EXPRESSION_DEPTH + 1)}`;
    expect(parseExpression(deep).errors).toEqual([{ message: `the expression nests deeper than ${MAX_EXPRESSION_DEPTH} levels`, offset: MAX_EXPRESSION_DEPTH, line: 1, posInLine: MAX_EXPRESSION_DEPTH }]);
    expect(parseExpression(`${'('.repeat(MAX_EXPRESSION_DEPTH)}1${')'.repeat(MAX_EXPRESSION_DEPTH)}`).errors).toEqual([]);
    expect(parseExpression(Array(MAX_EXPRESSION_DEPTH + 2).fill('a').join(' & ')).errors[0].message).toContain('nests deeper');
  });

  it('positions: \\n, \\r\\n and \\r each end a line; posInLine counts from 0', () => {
    expect(positionOf('ab\r\ncd\re\nf', 9)).toEqual({ line: 4, posInLine: 0 });
    expect(positionOf('ab\r\ncd', 5)).toEqual({ line: 2, posInLine: 1 });
  });
});

describe('the function catalogue', () => {
  it('names each function once, finds it case-insensitively, and its optional arguments come last', () => {
    const names = EXPRESSION_FUNCTIONS.map((f) => f.name.toLowerCase());
    expect(new Set(names).size).toBe(names.length);
    expect(findFunction('FORMATdate')?.name).toBe('formatDate');
    for (const f of EXPRESSION_FUNCTIONS) {
      const firstOptional = f.arguments.findIndex((a) => a.optional);
      if (firstOptional >= 0) expect(f.arguments.slice(firstOptional).every((a) => a.optional), f.name).toBe(true);
      if (f.varargs) expect(arity(f).max).toBe(Infinity);
    }
  });
});
