/**
 * Several middlewares as one Express layer. Express matches every layer against every request;
 * for the ones that apply to all paths that work buys nothing, and on a cheap request (a progress
 * poll) it showed in profiles. Each middleware calls `next()` to go on, or `next(err)` to fail,
 * exactly as in Express; a throw is passed on as an error.
 */
import type { NextFunction, Request, RequestHandler, Response } from 'express';

export function inSequence(...middlewares: RequestHandler[]): RequestHandler {
  return (req: Request, res: Response, next: NextFunction): void => {
    let i = 0;
    const step = (err?: unknown): void => {
      if (err !== undefined && err !== null) return next(err);
      const middleware = middlewares[i++];
      if (!middleware) return next();
      try {
        void middleware(req, res, step as NextFunction);
      } catch (error) {
        next(error);
      }
    };
    step();
  };
}
