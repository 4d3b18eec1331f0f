import { describe, expect, it } from 'vitest';
import { compileExpression, ExpressionEvaluationError, ExpressionSyntaxError, toBoolean } from './expressions.js';

describe('compileExpression', () => {
  it('evaluates against a context with bindings, with or without $', async () => {
    const e = compileExpression('$index + amount + $params.extra');
    expect(await e.evaluate({ amount: 2 }, { index: 1, $params: { extra: 10 } })).toBe(13);
    expect(e.source).toBe('$index + amount + $params.extra');
  });

  it('reports syntax errors with the position', () => {
    let caught: unknown;
    try {
      compileExpression('amount > ');
    } catch (err) {
      caught = err;
    }
    expect(caught).toBeInstanceOf(ExpressionSyntaxError);
    expect((caught as ExpressionSyntaxError).position).toBe(9);
    expect((caught as Error).message).toMatch(/^JSONata syntax error at position 9: /);
  });

  it('wraps runtime errors in ExpressionEvaluationError', async () => {
    const err = await compileExpression('$notAFunction(1)').evaluate({}).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(ExpressionEvaluationError);
    expect((err as ExpressionEvaluationError).failure).toBe('runtime');
    expect((err as ExpressionEvaluationError).code).toBe('T1006');
  });

  it('aborts endless tail recursion after the timeout', async () => {
    const err = await compileExpression('($f := function($x){$f($x)}; $f(1))').evaluate({}).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(ExpressionEvaluationError);
    expect((err as ExpressionEvaluationError).failure).toBe('timeout'); // cut by the time limit, not left to hang
  });

  it('aborts deep recursion at the depth limit (before any time limit)', async () => {
    const err = await compileExpression('($f := function($x){1 + $f($x)}; $f(1))').evaluate({}).catch((e: unknown) => e);
    expect((err as ExpressionEvaluationError).failure).toBe('depth');
  });

  it('honours custom limits', async () => {
    const err = await compileExpression('($f := function(){$f()}; $f())', { timeoutMs: 50 }).evaluate({}).catch((e: unknown) => e);
    expect((err as ExpressionEvaluationError).failure).toBe('timeout');
  });

  it('keeps guarding after a timed-out evaluation, and normal evaluations still work', async () => {
    const e = compileExpression('$x > 0 ? $x : ($f := function(){$f()}; $f())', { timeoutMs: 50 });
    await expect(e.evaluate({}, { x: 0 })).rejects.toBeInstanceOf(ExpressionEvaluationError);
    expect(await e.evaluate({}, { x: 3 })).toBe(3);
  });

  it('test() casts as $boolean()', async () => {
    expect(await compileExpression('amount > 1000').test({ amount: 1500 })).toBe(true);
    expect(await compileExpression('missing').test({})).toBe(false);
    expect(await compileExpression('[]').test({})).toBe(false);
    expect(await compileExpression('function($x){$x}').test({})).toBe(false);
  });
});

describe('toBoolean', () => {
  it('follows JSONata casting', () => {
    expect([undefined, null, '', 0, false, [], {}, [0, '']].map(toBoolean)).toEqual(Array(8).fill(false));
    expect(['a', 1, true, [0, 1], { a: 1 }].map(toBoolean)).toEqual(Array(5).fill(true));
  });
});
