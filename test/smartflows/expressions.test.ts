/**
 * ParseExpression and GetExpressionFunctions over HTTP: the canonical text of a valid expression,
 * its errors with positions in a 200, the catalogue the parser checks calls against (paged, sorted,
 * filtered), and a 400 naming the field for a body without an expression.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startServer, type TestServer } from '../support/server.js';
import { expectProblem, json } from './helpers.js';

let s: TestServer;
beforeAll(async () => { s = await startServer(); });
afterAll(() => s?.close());

type Obj = Record<string, any>;
const parse = (body: unknown, key?: string | null) => s.call('/api/v1/system/expression', {
  method: 'PUT', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body), key,
});

describe('ParseExpression', () => {
  it('a valid expression: its canonical text, no errors; indented on request', async () => {
    expect(await json<Obj>(await parse({ value: "if(Amount>100,CONCAT('big ',upper(name)),'small')" }))).toEqual({
      value: "if(Amount > 100, concat('big ', upper(name)), 'small')", indented: false, errors: [],
    });
    const indented = await json<Obj>(await parse({ value: "if(amount>100,concat('big ',upper(name)),'small')", indent: true }));
    expect(indented).toEqual({ value: "if(\n  amount > 100,\n  concat(\n    'big ',\n    upper(name)\n  ),\n  'small'\n)", indented: true, errors: [] });
  });

  it('errors are a 200 carrying each error with offset, line and posInLine; the text comes back as sent', async () => {
    const src = 'round(amount * 1.21,\n  2, 3) + nosuch(1)';
    expect(await json<Obj>(await parse({ value: src, indent: true }))).toEqual({
      value: src, indented: false,
      errors: [
        { message: 'round takes 1 to 2 arguments; got 3', offset: 26, line: 2, posInLine: 5 },
        { message: 'unknown function nosuch (GetExpressionFunctions lists the functions)', offset: 31, line: 2, posInLine: 10 },
      ],
    });
    expect((await json<Obj>(await parse({ value: '(1 + 2' }))).errors).toEqual([
      { message: 'expected ) to close the ( at offset 0; found the end of the expression', offset: 6, line: 1, posInLine: 6 },
    ]);
    expect((await json<Obj>(await parse({ value: '' }))).errors).toEqual([{ message: 'the expression is empty', offset: 0, line: 1, posInLine: 0 }]);
  });

  it('a body without value, or a value over 10000 characters, is a 400 naming /value; any signed-in user may parse', async () => {
    await expectProblem(await parse({ indent: true }), 400, { field: { in: 'body', pointer: '/value', rule: 'required' } });
    await expectProblem(await parse({ value: 'a + '.repeat(2500) + 'b' }), 400, { field: { in: 'body', pointer: '/value', rule: 'maxLength' } });
    await expectProblem(await parse({ value: 1 }), 400, { field: { in: 'body', pointer: '/value' } });
    await expectProblem(await parse({ value: '1' }, null), 401);
  });
});

describe('GetExpressionFunctions', () => {
  it('the catalogue in name order, each with categories, arguments and varargs; every function parses when called right', async () => {
    const all = await json<Obj[]>(await s.call('/api/v1/system/expression/functions?size=100'));
    const names = all.map((f) => f.name);
    expect(names).toEqual([...names].sort((a, b) => a.localeCompare(b)));
    expect(all.find((f) => f.name === 'round')).toEqual({
      name: 'round', description: 'A number rounded half up to a number of decimals. Returns a number.', categories: ['number'], varargs: false,
      arguments: [{ type: 'number', name: 'value', optional: false }, { type: 'number', name: 'decimals', optional: true, defaultValue: '0' }],
    });
    // Each function called with its required arguments as fields parses; one more than it takes (when bounded) does not.
    for (const f of all) {
      const required = f.arguments.filter((a: Obj) => !a.optional).map((_: Obj, i: number) => `f${i}`);
      const ok = await json<Obj>(await parse({ value: `${f.name}(${required.join(', ')})` }));
      expect(ok.errors, f.name).toEqual([]);
      if (!f.varargs) {
        const over = f.arguments.map((_: Obj, i: number) => `f${i}`).concat('extra');
        expect((await json<Obj>(await parse({ value: `${f.name}(${over.join(', ')})` }))).errors[0].message, f.name).toMatch(/takes/);
      }
    }
  });

  it('paged, sorted and filtered by the shared list query; a bad sort or filter property is a 400 naming it', async () => {
    const dates = await json<Obj[]>(await s.call('/api/v1/system/expression/functions?filter=categories:date&sort=name,desc&size=100'));
    expect(dates.length).toBeGreaterThan(3);
    expect(dates.every((f) => f.categories.includes('date'))).toBe(true);
    expect(dates.map((f) => f.name)).toEqual(dates.map((f) => f.name).sort((a, b) => b.localeCompare(a)));
    const varargs = await json<Obj[]>(await s.call('/api/v1/system/expression/functions?filter=varargs:true&size=100'));
    expect(varargs.map((f) => f.name)).toEqual(['coalesce', 'concat', 'max', 'min', 'sum']);
    const page = await json<Obj[]>(await s.call('/api/v1/system/expression/functions?size=2&page=1'));
    expect(page.map((f) => f.name)).toEqual(['addPeriod', 'ceiling']);
    await expectProblem(await s.call('/api/v1/system/expression/functions?sort=returns,asc'), 400, { field: { in: 'query', pointer: '/sort' } });
    await expectProblem(await s.call('/api/v1/system/expression/functions?filter=arity:2'), 400, { field: { in: 'query', pointer: '/filter' } });
  });
});
