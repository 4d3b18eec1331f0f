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

/**
 * A pino logger. `format` 'pretty' writes one short line per event for a person at a terminal
 * (time, level, message, then the request's method, path, status, time and operation); 'json'
 * writes pino's JSON lines (for log collectors); 'auto' is pretty when stdout is a terminal.
 */
export function createLogger(level: string, destination?: DestinationStream, format: 'auto' | 'pretty' | 'json' = 'json'): Logger {
  const pretty = format === 'pretty' || (format === 'auto' && !destination && process.stdout.isTTY === true);
  return pino(
    {
      level,
      base: { service: 'flowmock' },
      redact: { paths: REDACTED_HEADERS.map((h) => `headers["${h}"]`), censor: '[redacted]' },
    },
    pretty ? prettyStream(destination ?? process.stdout) : destination,
  );
}

const LEVELS: Record<number, string> = { 10: 'TRACE', 20: 'DEBUG', 30: 'INFO ', 40: 'WARN ', 50: 'ERROR', 60: 'FATAL' };
const SKIP = new Set(['level', 'time', 'pid', 'hostname', 'service', 'msg', 'requestId', 'method', 'path', 'status', 'ms', 'operationId', 'user', 'headers']);

/** One JSON line from pino as one readable line. */
export function prettyLine(json: string): string {
  let e: Record<string, any>;
  try {
    e = JSON.parse(json);
  } catch {
    return json.trimEnd();
  }
  const time = new Date(typeof e.time === 'number' ? e.time : Date.now()).toISOString().slice(11, 23);
  const head = `${time} ${LEVELS[e.level] ?? String(e.level)}`;
  if (e.msg === 'request' && e.method) {
    const who = e.user ? ` ${e.user}` : '';
    return `${head} ${e.method} ${e.path} ${e.status} ${e.ms} ms${e.operationId ? ` ${e.operationId}` : ''}${who}`;
  }
  const rest = Object.entries(e).filter(([k]) => !SKIP.has(k)).map(([k, v]) => {
    if (k === 'err' && v && typeof v === 'object') return `${v.type ?? 'Error'}: ${v.message ?? ''}${v.stack ? `\n${String(v.stack).split('\n').slice(1).join('\n')}` : ''}`;
    return `${k}=${typeof v === 'string' ? v : JSON.stringify(v)}`;
  });
  return `${head} ${e.msg ?? ''}${rest.length ? ` ${rest.join(' ')}` : ''}`;
}

function prettyStream(out: { write(s: string): unknown }): DestinationStream {
  return { write: (chunk: string) => { for (const line of chunk.split('\n')) if (line) out.write(`${prettyLine(line)}\n`); } };
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
    const path = req.path; // now: a mounted handler (Swagger UI's files) sees a path relative to its mount
    res.on('finish', () => {
      const ms = Number(process.hrtime.bigint() - start) / 1e6;
      const entry = {
        requestId,
        method: req.method,
        path,
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
