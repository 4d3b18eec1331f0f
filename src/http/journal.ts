/**
 * The request journal's recorder: an Express middleware that, once a response has finished (or
 * the client went away), turns the exchange into a journal entry and queues it. Queued entries
 * are written every 100 ms (or at 256 waiting), one prepared INSERT each in one transaction, the
 * oldest beyond the limit deleted once per batch: a commit per request would cost more than the
 * request. Whatever reads the journal flushes the queue first, so it sees every finished
 * request. Nothing is written on the response's path: the client has its answer first.
 *
 * Secrets never reach the store: credential headers are replaced by `[redacted]`, the request's
 * own key or token is blanked wherever else it appears (query, bodies), and the secret fields of
 * login, API-key and token answers are redacted. Bodies are kept up to a cap; binary bodies are
 * summarised by media type and size.
 */
import { isUtf8 } from 'node:buffer';
import type { Request, Response, NextFunction } from 'express';
import { keyIdFor } from '../auth/credentials.js';
import type { Services } from '../services.js';
import type { JournalBody, NewJournalEntry } from '../store/journal-store.js';

export const JOURNAL_DEFAULTS = { maxEntries: 10_000, bodyCapBytes: 16 * 1024 };
const FLUSH_AFTER_MS = 100;
const FLUSH_AT_ENTRIES = 256;
export const REDACTED = '[redacted]';
const REQUEST_SECRET_HEADERS = new Set(['x-api-key', 'authorization', 'cookie', 'proxy-authorization']);
const RESPONSE_SECRET_HEADERS = new Set(['set-cookie']);

/** Secret fields of bodies, per operation: `request` and `response` top-level JSON properties. */
const SECRET_FIELDS: Record<string, { request?: string[]; response?: string[] }> = {
  Login: { request: ['password'], response: ['token'] },
  CreateApiKey: { response: ['key'] },
  CreatePhixFlowToken: { response: ['token'] },
};

/** Paths of flowmock's own observation surface: never journaled (reading the journal would grow it). */
const UNJOURNALED = /^\/__flowmock(\/?$|\/(requests|report|executions|processes|events|dashboard)(\/|\.|$))/;
const JOURNALED = /^\/(api|phixflow|__flowmock)(\/|$)/;

/** Whether a request to this path is journaled. */
export function isJournaled(pathname: string): boolean {
  return JOURNALED.test(pathname) && !UNJOURNALED.test(pathname);
}

const EXECUTION_PATH = /^\/api\/v1\/flows\/executions\/([^/]+)(?:\/progress)?$/;
const EXECUTION_PATH_OPS = new Set(['GetFlowExecution', 'GetFlowExecutionProgress', 'ContinueFlowExecution', 'CancelFlowExecution', 'CancelFlowExecutionById']);

/** One journal per running server, shared by the recorder and the journal's handlers. */
export class RequestJournal {
  private pending: NewJournalEntry[] = [];
  private timer: NodeJS.Timeout | null = null;
  readonly maxEntries: number;
  readonly bodyCapBytes: number;

  constructor(private readonly services: Services) {
    const c = services.config;
    this.maxEntries = Math.max(1, Math.floor(c.journalMaxEntries ?? JOURNAL_DEFAULTS.maxEntries));
    this.bodyCapBytes = Math.max(0, Math.floor(c.journalBodyCapBytes ?? JOURNAL_DEFAULTS.bodyCapBytes));
  }

  record(entry: NewJournalEntry): void {
    this.pending.push(entry);
    if (this.pending.length >= FLUSH_AT_ENTRIES) {
      setImmediate(() => this.flush());
    } else if (!this.timer) {
      this.timer = setTimeout(() => this.flush(), FLUSH_AFTER_MS);
      this.timer.unref();
    }
  }

  /** Writes what is queued (readers call it first, so they see every finished request). */
  flush(): void {
    if (this.timer) clearTimeout(this.timer);
    this.timer = null;
    if (!this.pending.length) return;
    const entries = this.pending;
    this.pending = [];
    try {
      this.services.store.journal.insertMany(entries, this.maxEntries);
    } catch (err) {
      // The store is closing, or full: the journal is a diagnostic, never a reason to fail.
      this.services.logger.warn({ err, dropped: entries.length }, 'request journal entries dropped');
    }
  }

  /** Forgets queued entries too (DELETE /__flowmock/requests). */
  clear(): void {
    this.pending = [];
    this.services.store.journal.clear();
  }
}

const journals = new WeakMap<Services, RequestJournal>();
export function journalFor(services: Services): RequestJournal {
  let j = journals.get(services);
  if (!j) {
    j = new RequestJournal(services);
    journals.set(services, j);
  }
  return j;
}

/** The Express middleware; mount it before anything that answers (CORS, body parsing, dispatch). */
export function requestJournal(services: Services) {
  const journal = journalFor(services);
  const cap = journal.bodyCapBytes;
  return (req: Request, res: Response, next: NextFunction) => {
    const pathname = pathOf(req.originalUrl);
    if (!isJournaled(pathname)) return next();
    const atMs = services.now().getTime();
    const start = process.hrtime.bigint();

    // Keep the first cap (+4, to tell "exactly cap" from "more") bytes of the answer, count the rest.
    const kept: Buffer[] = [];
    let keptBytes = 0;
    let totalBytes = 0;
    const capture = (chunk: unknown, encoding: unknown) => {
      if (chunk === undefined || chunk === null || typeof chunk === 'function') return;
      const enc = (typeof encoding === 'string' ? encoding : 'utf8') as BufferEncoding;
      const room = cap + 4 - keptBytes;
      if (typeof chunk === 'string') {
        totalBytes += Buffer.byteLength(chunk, enc);
        if (room > 0) {
          const part = Buffer.from(chunk.length > room ? chunk.slice(0, room) : chunk, enc).subarray(0, room);
          kept.push(part);
          keptBytes += part.length;
        }
      } else if (chunk instanceof Uint8Array) {
        totalBytes += chunk.length;
        if (room > 0) {
          const part = Buffer.from(chunk.subarray(0, room));
          kept.push(part);
          keptBytes += part.length;
        }
      }
    };
    const write = res.write;
    const end = res.end;
    res.write = function (this: Response, chunk: unknown, ...rest: unknown[]) {
      capture(chunk, rest[0]);
      return (write as (...a: unknown[]) => boolean).call(this, chunk, ...rest);
    } as Response['write'];
    res.end = function (this: Response, chunk?: unknown, ...rest: unknown[]) {
      capture(chunk, rest[0]);
      return (end as (...a: unknown[]) => Response).call(this, chunk, ...rest);
    } as Response['end'];

    let done = false;
    const finish = () => {
      if (done) return;
      done = true;
      try {
        const durationMs = Math.round(Number(process.hrtime.bigint() - start) / 1e4) / 100;
        journal.record(buildEntry(req, res, pathname, atMs, durationMs, Buffer.concat(kept, keptBytes), totalBytes, cap));
      } catch (err) {
        services.logger.warn({ err }, 'request not journaled');
      }
    };
    res.once('finish', finish);
    res.once('close', finish); // the client went away first (a long-poll given up): status 499
    next();
  };
}

function pathOf(originalUrl: string): string {
  const q = originalUrl.indexOf('?');
  return q === -1 ? originalUrl : originalUrl.slice(0, q);
}

function buildEntry(req: Request, res: Response, pathname: string, atMs: number, durationMs: number,
  responseBytes: Buffer, responseSize: number, cap: number): NewJournalEntry {
  const operationId = (res.locals.operationId as string | undefined) ?? null;
  const apiKey = typeof req.headers['x-api-key'] === 'string' ? req.headers['x-api-key'] : null;
  const bearer = /^Bearer\s+(\S+)$/i.exec(req.headers.authorization?.trim() ?? '')?.[1] ?? null;
  const tokenSubject = bearer ? subjectOf(bearer) : null;
  // Everything the request carried that must not be stored, wherever it appears.
  const secrets = [apiKey, bearer, ...cookieValues(req.headers.cookie)].filter((s): s is string => !!s && s.length >= 8);
  const blank = (text: string) => secrets.reduce((t, s) => (t.includes(s) ? t.split(s).join(REDACTED) : t), text);

  const status = res.writableFinished ? res.statusCode : 499;
  const fields = operationId ? SECRET_FIELDS[operationId] : undefined;
  const search = new URL(req.originalUrl, 'http://localhost').searchParams;
  const query: Record<string, string | string[]> = {};
  for (const [k, v] of search) {
    const value = blank(v);
    const prev = query[k];
    query[k] = prev === undefined ? value : Array.isArray(prev) ? [...prev, value] : [prev, value];
  }

  const requestRaw = Buffer.isBuffer(req.body) ? (req.body as Buffer) : null;
  const requestBody = requestRaw
    ? bodyOf(requestRaw, requestRaw.length, header(req.headers['content-type']), cap, blank, fields?.request)
    : declaredBody(req);
  const responseBody = responseSize > 0 || responseBytes.length > 0
    ? bodyOf(responseBytes, responseSize, header(res.getHeader('content-type')), cap, blank, fields?.response)
    : null;

  let executionId: string | null = null;
  if (operationId && EXECUTION_PATH_OPS.has(operationId)) {
    executionId = safeDecode(EXECUTION_PATH.exec(pathname)?.[1]);
  } else if ((operationId === 'ExecuteFlow' || operationId === 'StartFlowExecution') && status === 200) {
    executionId = idOf(responseBody?.text);
  } else if (operationId === 'PostFlowCallback') {
    executionId = search.get('executionId');
  }

  return {
    atMs, durationMs, method: req.method, path: pathname, query, status, operationId,
    apiKeyId: apiKey ? keyIdFor(apiKey) : null,
    // PhixFlow handlers check their token themselves: its subject, unless the token was refused.
    user: (res.locals.user as string | undefined) ?? (bearer && pathname.startsWith('/phixflow/') && status !== 401 ? tokenSubject : null),
    tokenSubject, executionId,
    requestHeaders: headersOf(req.headers, REQUEST_SECRET_HEADERS, blank),
    responseHeaders: headersOf(res.getHeaders(), RESPONSE_SECRET_HEADERS, blank),
    requestBody, responseBody,
  };
}

const header = (v: unknown): string | null => (typeof v === 'string' ? v : Array.isArray(v) ? String(v[0]) : null);

function headersOf(headers: Record<string, unknown>, secret: Set<string>, blank: (t: string) => string): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [name, value] of Object.entries(headers)) {
    if (value === undefined) continue;
    const k = name.toLowerCase();
    out[k] = secret.has(k) ? REDACTED : blank(Array.isArray(value) ? value.join(', ') : String(value));
  }
  return out;
}

/** A request whose body was not read (refused before parsing, e.g. 413): its declared size. */
function declaredBody(req: Request): JournalBody | null {
  const length = Number(req.headers['content-length'] ?? 0);
  if (!length) return null;
  return { contentType: header(req.headers['content-type']), size: length, truncated: true, note: 'body not read by the server' };
}

const TEXT_MEDIA = /^(text\/|application\/([\w.+-]*\+)?(json|xml|x-www-form-urlencoded|javascript|yaml|x-yaml)\b)|^application\/problem\+json/i;

function bodyOf(bytes: Buffer, size: number, contentType: string | null, cap: number,
  blank: (t: string) => string, secretFields: string[] | undefined): JournalBody {
  const textual = contentType ? TEXT_MEDIA.test(contentType.trim()) : isUtf8(bytes);
  if (!textual) {
    return { contentType, size, truncated: true, binary: true, note: `binary ${contentType ?? 'body'}, ${size} bytes` };
  }
  const truncated = size > cap;
  let text = (truncated ? bytes.subarray(0, cap) : bytes).toString('utf8');
  if (secretFields?.length) {
    try {
      const value = JSON.parse(text) as Record<string, unknown>;
      if (value && typeof value === 'object') for (const f of secretFields) if (f in value) value[f] = REDACTED;
      text = JSON.stringify(value);
    } catch {
      return { contentType, size, truncated: true, note: 'holds a secret and is not valid JSON: not kept' };
    }
  }
  text = blank(text);
  return truncated
    ? { contentType, size, truncated: true, text, note: `cut at ${cap} of ${size} bytes` }
    : { contentType, size, truncated: false, text };
}

/** The `sub` claim of a JWT, read without verifying it (the journal shows what was sent). */
function subjectOf(token: string): string | null {
  const payload = token.split('.')[1];
  if (!payload) return null;
  try {
    const sub = (JSON.parse(Buffer.from(payload, 'base64url').toString('utf8')) as { sub?: unknown }).sub;
    return typeof sub === 'string' && sub.length <= 200 ? sub : null;
  } catch {
    return null;
  }
}

function cookieValues(cookie: string | undefined): string[] {
  if (!cookie) return [];
  return cookie.split(';').map((c) => c.slice(c.indexOf('=') + 1).trim());
}

function safeDecode(s: string | undefined): string | null {
  if (!s) return null;
  try {
    return decodeURIComponent(s);
  } catch {
    return s;
  }
}

function idOf(text: string | undefined): string | null {
  if (!text) return null;
  try {
    const id = (JSON.parse(text) as { id?: unknown }).id;
    return typeof id === 'string' ? id : null;
  } catch {
    return null;
  }
}
