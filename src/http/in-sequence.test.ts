/** inSequence: several middlewares as one layer, with Express's next()/next(err) contract. */
import { describe, expect, it } from 'vitest';
import type { NextFunction, Request, RequestHandler, Response } from 'express';
import { inSequence } from './in-sequence.js';

const req = {} as Request;
const res = {} as Response;

function run(handler: RequestHandler): Promise<{ nextArgs: unknown[] }> {
  return new Promise((resolve) => {
    handler(req, res, ((...args: unknown[]) => resolve({ nextArgs: args })) as NextFunction);
  });
}

describe('inSequence', () => {
  it('runs each middleware in order, also when one goes on later (asynchronously), then calls next()', async () => {
    const seen: string[] = [];
    const out = await run(inSequence(
      (_q, _s, next) => { seen.push('a'); next(); },
      (_q, _s, next) => { seen.push('b'); setTimeout(() => next(), 5); },
      (_q, _s, next) => { seen.push('c'); next(); },
    ));
    expect(seen).toEqual(['a', 'b', 'c']);
    expect(out.nextArgs).toEqual([]);
  });

  it('stops where a middleware answers (does not call next)', async () => {
    const seen: string[] = [];
    let answered = false;
    inSequence(
      (_q, _s, next) => { seen.push('a'); next(); },
      () => { seen.push('b'); answered = true; },
      (_q, _s, next) => { seen.push('c'); next(); },
    )(req, res, (() => { throw new Error('next must not be called'); }) as NextFunction);
    expect(seen).toEqual(['a', 'b']);
    expect(answered).toBe(true);
  });

  it('passes next(err) and a thrown error on to Express, skipping the rest', async () => {
    const boom = new Error('boom');
    const seen: string[] = [];
    const viaNext = await run(inSequence((_q, _s, next) => next(boom), () => { seen.push('after'); }));
    expect(viaNext.nextArgs).toEqual([boom]);
    const viaThrow = await run(inSequence(() => { throw boom; }, () => { seen.push('after'); }));
    expect(viaThrow.nextArgs).toEqual([boom]);
    expect(seen).toEqual([]);
  });
});
