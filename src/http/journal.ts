/**
 * The request journal's recorder: an Express middleware that, once a response has finished (or
 * the client went away), turns the exchange into a journal entry and queues it on the server's
 * RequestJournal (src/engine/request-journal.ts, which batches the writes). Nothing is written on
 * the response's path: the client has its answer first.
 *
 * Secrets never reach the store: by the one list of secret names (src/auth/secret-names.ts),
 * credential headers, query parameters and body fields at any depth (also in arrays, form
 * bodies and XML) are replaced by `[redacted]`; every value so found, and the request's own key or
 * token, is blanked wherever else it appears (query, headers, bodies); and the secret fields of
 * login, API-key and token answers are redacted. The caller (`user`) comes only from verified
 * credentials. Bodies are kept up to a cap; binary bodies are
 * summarised by media type and size.
 */
import { isUtf8 } from 'node:buffer';
import type { Request, Response, NextFunction } from 'express';
import { keyIdFor } from '../auth/credentials.js';
import { REDACTED, isSecretField, isSecretHeader, redactJson, redactText, secretValues } from '../auth/secret-names.js';
import type { RequestJournal } from '../engine/request-journal.js';
import type { JournalBody, NewJournalEntry } from '../store/types.js';

export { REDACTED };

/** Secret fields of bodies, per operation: `request` and `response` top-level JSON properties. */
const SECRET_FIELDS: Record<string, { request?: string[]; response?: string[] }> = {
  AuthenticateLoginPost: { request: ['password'], response: ['tokens'] },
  AuthenticateOauth2Post: { request: ['responseParams'], response: ['tokens'] },
  AuthorizeResetPassword: { request: ['password', 'resetToken'] },
  CreateUserToken: { response: ['secret', 'apiKey'] },
  CreatePhixFlowToken: { response: ['token'] },
};

/** Paths of flowmock's own observation surface: never journaled (reading the journal would grow it). */
const UNJOURNALED = /^\/__flowmock(\/?$|\/(requests|report|executions|processes|events|dashboard|outbox)(\/|\.|$))/;
const JOURNALED = /^\/(api|phixflow|__flowmock)(\/|$)/;

/** Whether a request to this path is journaled. */
export function isJournaled(pathname: string): boolean {
  return JOURNALED.test(pathname) && !UNJOURNALED.test(pathname);
}

const EXECUTION_PATH = /^\/api\/v1\/flows\/executions\/([^/]+)(?:\/progress)?$/;
const EXECUTION_PATH_OPS = new Set(['GetFlowExecution', 'GetFlowExecutionProgress', 'ContinueFlowExecution', 'CancelFlowExecution', 'CancelFlowExecutionById']);

/** What the recorder keeps about one response while it is written. */
interface Capture {
  journal: RequestJournal;
  keyIdOf: (key: string) => string;
  req: Request;
  pathname: string;
  atMs: number;
  start: bigint;
  cap: number;
  /**
   * The first cap + 4 bytes of the answer (4 more tell "exactly cap" from "more"). A string
   * that fits is kept as it is: the usual JSON answer is one, and encoding it only to decode
   * it again cost every request.
   */
  chunks: Array<Buffer | string>;
  kept: number;
  total: number;
  done: boolean;
}
const CAPTURE = Symbol('flowmock.journal');
type Captured = Response & { [CAPTURE]?: Capture };

function captureChunk(c: Capture, chunk: unknown, encoding: unknown): void {
  if (chunk === undefined || chunk === null || typeof chunk === 'function') return;
  const room = c.cap + 4 - c.kept;
  if (typeof chunk === 'string') {
    const enc = (typeof encoding === 'string' ? encoding : 'utf8') as BufferEncoding;
    const size = Buffer.byteLength(chunk, enc);
    c.total += size;
    if (size <= room && (enc === 'utf8' || enc === 'utf-8')) {
      c.chunks.push(chunk);
      c.kept += size;
    } else if (room > 0) {
      const part = Buffer.from(chunk.length > room ? chunk.slice(0, room) : chunk, enc).subarray(0, room);
      c.chunks.push(part);
      c.kept += part.length;
    }
  } else if (chunk instanceof Uint8Array) {
    c.total += chunk.length;
    if (room > 0) {
      const part = Buffer.from(chunk.subarray(0, room)); // a copy: the caller may reuse its buffer
      c.chunks.push(part);
      c.kept += part.length;
    }
  }
}

/**
 * Hooks `write` and `end` once on the prototype Express gives this app's responses (its
 * `app.response`), not on each response and not on Node's ServerResponse: wrapping every
 * response costs more than everything else the recorder does on a cheap request.
 */
const HOOKED = Symbol('flowmock.journal.hooked');
function hookResponses(proto: object): void {
  // Marked on the prototype itself: hooked once per app, whatever number of servers a process runs.
  if (Object.prototype.hasOwnProperty.call(proto, HOOKED)) return;
  Object.defineProperty(proto, HOOKED, { value: true });
  const target = proto as { write: (...a: unknown[]) => boolean; end: (...a: unknown[]) => unknown };
  const write = target.write;
  const end = target.end;
  Object.defineProperty(proto, 'write', {
    configurable: true, writable: true,
    value: function journaledWrite(this: Captured, chunk: unknown, encoding?: unknown) {
      const c = this[CAPTURE];
      if (c !== undefined) captureChunk(c, chunk, encoding);
      // eslint-disable-next-line prefer-rest-params
      return write.apply(this, arguments as unknown as unknown[]);
    },
  });
  Object.defineProperty(proto, 'end', {
    configurable: true, writable: true,
    value: function journaledEnd(this: Captured, chunk?: unknown, encoding?: unknown) {
      const c = this[CAPTURE];
      if (c !== undefined) captureChunk(c, chunk, encoding);
      // eslint-disable-next-line prefer-rest-params
      return end.apply(this, arguments as unknown as unknown[]);
    },
  });
}

/** 'close' comes after 'finish' (answered) or alone (the client went away first: status 499). */
function journalDone(this: Captured) {
  const c = this[CAPTURE];
  if (!c || c.done) return;
  c.done = true;
  try {
    const durationMs = Math.round(Number(process.hrtime.bigint() - c.start) / 1e4) / 100;
    const body = c.chunks.length === 1 ? c.chunks[0] : Buffer.concat(c.chunks.map((b) => (typeof b === 'string' ? Buffer.from(b) : b)), c.kept);
    c.journal.record(buildEntry(c.req, this, c.pathname, c.atMs, durationMs, body, c.total, c.cap, c.keyIdOf));
  } catch (err) {
    c.journal.warn(err);
  }
}

/** The Express middleware; mount it before anything that answers (CORS, body parsing, dispatch). */
export function requestJournal(journal: RequestJournal, now: () => Date) {
  const keyIdOf = keyIdCache();
  const cap = journal.bodyCapBytes;
  const off = journal.maxEntries === 0;
  return function journalRequest(req: Request, res: Response, next: NextFunction) {
    if (off) return next();
    const pathname = pathOf(req.originalUrl);
    if (!isJournaled(pathname)) return next();
    hookResponses(Object.getPrototypeOf(res) as object);
    (res as Captured)[CAPTURE] = {
      journal, keyIdOf, req, pathname, atMs: now().getTime(), start: process.hrtime.bigint(), cap,
      chunks: [], kept: 0, total: 0, done: false,
    };
    res.on('close', journalDone);
    next();
  };
}

/** keyIdFor hashes keys that are not in flowmock's format (a configured admin key): each recorder remembers a few. */
function keyIdCache(): (key: string) => string {
  const keyIds = new Map<string, string>();
  return (key) => {
    let id = keyIds.get(key);
    if (id === undefined) {
      if (keyIds.size >= 64) keyIds.clear();
      id = keyIdFor(key);
      keyIds.set(key, id);
    }
    return id;
  };
}

function pathOf(originalUrl: string): string {
  const q = originalUrl.indexOf('?');
  return q === -1 ? originalUrl : originalUrl.slice(0, q);
}

function buildEntry(req: Request, res: Response, pathname: string, atMs: number, durationMs: number,
  responseBytes: Buffer | string, responseSize: number, cap: number, keyIdOf: (key: string) => string): NewJournalEntry {
  const operationId = (res.locals.operationId as string | undefined) ?? null;
  const apiKey = typeof req.headers['x-api-key'] === 'string' ? req.headers['x-api-key'] : null;
  const bearer = /^Bearer\s+(\S+)$/i.exec(req.headers.authorization?.trim() ?? '')?.[1] ?? null;
  const tokenSubject = bearer ? subjectOf(bearer) : null;
  // Everything the request carried that must not be stored, wherever it appears.
  const secrets: string[] = [];
  for (const v of [apiKey, bearer, ...cookieValues(req.headers.cookie)]) if (v && v.length >= 8) secrets.push(v);

  for (const name in req.headers) {
    const v = req.headers[name];
    if (isSecretHeader(name)) for (const x of [v ?? []].flat()) if (x.length >= 8) secrets.push(x);
  }

  const status = res.writableFinished ? res.statusCode : 499;
  const fields = operationId ? SECRET_FIELDS[operationId] : undefined;
  const q = req.originalUrl.indexOf('?');
  const search = q === -1 ? null : new URLSearchParams(req.originalUrl.slice(q + 1));
  for (const [k, v] of search ?? []) if (isSecretField(k) && v.length >= 8) secrets.push(v);
  const requestRaw = Buffer.isBuffer(req.body) ? (req.body as Buffer) : null;
  if (requestRaw && requestRaw.length > 0 && requestRaw.length <= 1024 * 1024) collectBodySecrets(requestRaw, secrets);
  const query: Record<string, string | string[]> = {};
  for (const [k, v] of search ?? []) {
    const value = isSecretField(k) ? REDACTED : blank(v, secrets);
    const prev = query[k];
    query[k] = prev === undefined ? value : Array.isArray(prev) ? [...prev, value] : [prev, value];
  }

  const requestBody = requestRaw && requestRaw.length > 0
    ? bodyOf(requestRaw, requestRaw.length, header(req.headers['content-type']), cap, secrets, fields?.request)
    : declaredBody(req);
  // A HEAD answer is written like a GET's, but Node sends no body: none is journaled.
  const responseBody = req.method !== 'HEAD' && (responseSize > 0 || responseBytes.length > 0)
    ? bodyOf(responseBytes, responseSize, header(res.getHeader('content-type')), cap, secrets, fields?.response)
    : null;

  let executionId: string | null = null;
  if (operationId && EXECUTION_PATH_OPS.has(operationId)) {
    executionId = safeDecode(EXECUTION_PATH.exec(pathname)?.[1]);
  } else if ((operationId === 'ExecuteFlow' || operationId === 'StartFlow') && status === 200) {
    executionId = idOf(responseBody?.text);
  } else if (operationId === 'PostFlowCallback') {
    executionId = search?.get('executionId') ?? null;
  }

  return {
    atMs, durationMs, method: req.method, path: pathname, query, status, operationId,
    apiKeyId: apiKey ? keyIdOf(apiKey) : null,
    // Only verified credentials name the caller (the dispatcher and the PhixFlow handlers set
    // it): a forged token's `sub` is reported as sent (tokenSubject), never as the user.
    user: (res.locals.user as string | undefined) ?? null,
    tokenSubject, executionId,
    requestHeaders: headersOf(req.headers, secrets),
    responseHeaders: headersOf(res.getHeaders(), secrets),
    requestBody, responseBody,
  };
}

const header = (v: unknown): string | null => (typeof v === 'string' ? v : Array.isArray(v) ? String(v[0]) : null);

/** `text` with every occurrence of the request's own secrets replaced. */
function blank(text: string, secrets: string[]): string {
  for (const secret of secrets) if (text.includes(secret)) text = text.split(secret).join(REDACTED);
  return text;
}

function headersOf(headers: Record<string, unknown>, secrets: string[]): Record<string, string> {
  const out: Record<string, string> = {};
  for (const name in headers) {
    const value = headers[name];
    if (value === undefined) continue;
    const k = name.toLowerCase();
    out[k] = isSecretHeader(k) ? REDACTED : blank(Array.isArray(value) ? value.join(', ') : String(value), secrets);
  }
  return out;
}

/** Values of secret-named fields in a JSON request body, to blank them in the answer too (an echo). */
function collectBodySecrets(raw: Buffer, secrets: string[]): void {
  const first = raw[0];
  if (first !== 0x7b && first !== 0x5b && first !== 0x20 && first !== 0x0a) return; // not JSON: redactText covers it
  try {
    for (const v of secretValues(JSON.parse(raw.toString('utf8')))) if (v.length >= 8) secrets.push(v);
  } catch { /* not JSON */ }
}

/** A request whose body was not read (refused before parsing, e.g. 413): its declared size. */
function declaredBody(req: Request): JournalBody | null {
  const length = Number(req.headers['content-length'] ?? 0);
  if (!length) return null;
  return { contentType: header(req.headers['content-type']), size: length, truncated: true, note: 'body not read by the server' };
}

const TEXT_MEDIA = /^(text\/|application\/([\w.+-]*\+)?(json|xml|x-www-form-urlencoded|javascript|yaml|x-yaml)\b)|^application\/problem\+json/i;

function bodyOf(bytes: Buffer | string, size: number, contentType: string | null, cap: number,
  secrets: string[], secretFields: string[] | undefined): JournalBody {
  const textual = contentType ? TEXT_MEDIA.test(contentType.trim()) : typeof bytes === 'string' || isUtf8(bytes);
  if (!textual) {
    return { contentType, size, truncated: true, binary: true, note: `binary ${contentType ?? 'body'}, ${size} bytes` };
  }
  const truncated = size > cap;
  // A kept string is whole and within the cap (see captureChunk).
  let text = typeof bytes === 'string' ? bytes : (truncated ? bytes.subarray(0, cap) : bytes).toString('utf8');
  let parsed = false;
  if (!truncated && /^\s*[[{]/.test(text)) {
    try {
      text = JSON.stringify(redactJson(JSON.parse(text), secretFields ?? []));
      parsed = true;
    } catch { /* not JSON after all: as text below */ }
  }
  if (!parsed) {
    if (secretFields?.length) return { contentType, size, truncated: true, note: 'holds a secret and is not valid JSON: not kept' };
    text = redactText(text);
  }
  text = blank(text, secrets);
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
