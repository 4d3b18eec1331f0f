/**
 * Structured request logging with pino. Credentials never reach the log: headers are logged only
 * at debug level, with every credential header of src/auth/secret-names.ts redacted; the query
 * string is not logged.
 */
import { randomUUID } from 'node:crypto';
import type { Request, Response, NextFunction } from 'express';
import pino, { type Logger, type DestinationStream } from 'pino';
import { SECRET_HEADERS } from '../auth/secret-names.js';

/** Redacted in logged headers: the one list of credential headers (src/auth/secret-names.ts). */
export const REDACTED_HEADERS = SECRET_HEADERS;

export function createLogger(level: string, destination?: DestinationStream): Logger {
  return pino(
    {
      level,
      base: { service: 'flowmock' },
      redact: { paths: REDACTED_HEADERS.map((h) => `headers["${h}"]`), censor: '[redacted]' },
    },
    destination,
  );
}

const REQUEST_ID = /^[A-Za-z0-9._-]{1,100}$/;

/** Gives each request an id (the caller's X-Request-Id when sane), echoes it, logs the outcome. */
export function requestLogging(logger: Logger) {
  return (req: Request, res: Response, next: NextFunction) => {
    const given = req.headers['x-request-id'];
    const requestId = typeof given === 'string' && REQUEST_ID.test(given) ? given : randomUUID();
    res.locals.requestId = requestId;
    res.setHeader('X-Request-Id', requestId);
    const start = process.hrtime.bigint();
    res.on('finish', () => {
      const ms = Number(process.hrtime.bigint() - start) / 1e6;
      const entry = {
        requestId,
        method: req.method,
        path: req.path,
        status: res.statusCode,
        ms: Math.round(ms * 10) / 10,
        operationId: res.locals.operationId,
        user: res.locals.user,
        headers: logger.isLevelEnabled('debug') ? req.headers : undefined,
      };
      if (res.statusCode >= 500) logger.error(entry, 'request');
      else logger.info(entry, 'request');
    });
    next();
  };
}
