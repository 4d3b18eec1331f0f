/**
 * Small helpers for the PhixFlow HTTP tests: the shared set-up (a test server and a PhixFlow
 * token for the file), URLs of the actionflow API endpoints, a POST that sends a PhixFlow token
 * (never an X-API-Key), and assertions for the envelope and for problem+json answers.
 */
import { afterAll, beforeAll, expect } from 'vitest';
import type { FlowmockConfig } from '../../src/config.js';
import { startServer, type TestServer } from '../support/server.js';

export { expectProblem, type Problem } from '../support/problem.js';

/** What `usePhixflowServer` hands a test file once its server runs. */
export interface PhixflowTestServer {
  s: TestServer;
  /** A token of `api-user`, who holds "Use API Key" and "Run Actions". */
  token: string;
}

/**
 * The set-up every PhixFlow HTTP test file shares. `beforeAll` starts a test server (in memory,
 * response validation on) with `config` on top (a function is called then, so it can use what an
 * earlier `beforeAll` of the file prepared), mints a token for `api-user` and passes both to
 * `ready`; `afterAll` stops the server. A file states only what differs:
 *
 *     let s: TestServer;
 *     let token: string;
 *     usePhixflowServer((started) => ({ s, token } = started));
 */
export function usePhixflowServer(
  ready: (started: PhixflowTestServer) => void,
  config: Partial<FlowmockConfig> | (() => Partial<FlowmockConfig>) = {},
): void {
  let server: TestServer | undefined;
  beforeAll(async () => {
    server = await startServer(typeof config === 'function' ? config() : config);
    ready({ s: server, token: await tokenFor(server, 'api-user') });
  });
  afterAll(async () => {
    await server?.close();
  });
}

export const ACTION = '/phixflow/api/1/action';

/** The 11.1.1+ trigger URL, names URL-encoded (spaces as %20). */
export const triggerPath = (application: string, actionflow: string, query = ''): string =>
  `${ACTION}/${encodeURIComponent(application)}/${encodeURIComponent(actionflow)}/trigger${query}`;

/** The version-10 (or URL alias) trigger URL. */
export const v10Path = (nameOrAlias: string, query = ''): string => `${ACTION}/${encodeURIComponent(nameOrAlias)}/trigger${query}`;

export const statusPath = (application: string, actionflow: string, processId: string): string =>
  `${ACTION}/${encodeURIComponent(application)}/${encodeURIComponent(actionflow)}/status/${encodeURIComponent(processId)}`;

export interface Envelope {
  status: 'Success' | 'Fail' | 'Running';
  message: string;
  processId: string;
  data?: Record<string, unknown[]>;
  failures?: Array<{ index: number; message: string }>;
}

export interface CallOptions {
  /** Sent as `Authorization: Bearer <token>`; omitted or null: no Authorization header. */
  token?: string | null;
  /** Sent as JSON (Content-Type application/json) unless `raw` is given. */
  json?: unknown;
  /** Sent as is, with `contentType`. */
  raw?: string | Buffer;
  contentType?: string;
  headers?: Record<string, string>;
  method?: string;
}

/** A request against the server with an optional PhixFlow token. */
export function call(s: TestServer, path: string, o: CallOptions = {}): Promise<Response> {
  const headers = new Headers(o.headers);
  if (o.token) headers.set('Authorization', `Bearer ${o.token}`);
  let body: string | Buffer | undefined;
  if (o.raw !== undefined) {
    body = o.raw;
    if (o.contentType) headers.set('Content-Type', o.contentType);
  } else if (o.json !== undefined) {
    body = JSON.stringify(o.json);
    headers.set('Content-Type', o.contentType ?? 'application/json');
  }
  return fetch(s.base + path, { method: o.method ?? 'POST', headers, body });
}

/** GET with an optional PhixFlow token. */
export function get(s: TestServer, path: string, token?: string | null): Promise<Response> {
  const headers = new Headers();
  if (token) headers.set('Authorization', `Bearer ${token}`);
  return fetch(s.base + path, { headers });
}

/** Asserts the HTTP status, the JSON media type and the envelope's fixed fields; returns it. */
export async function envelopeOf(res: Response, httpStatus: number): Promise<Envelope> {
  const text = await res.text();
  expect(res.status, text).toBe(httpStatus);
  expect(res.headers.get('content-type') ?? '').toMatch(/^application\/json\b/);
  const env = JSON.parse(text) as Envelope;
  expect(['Success', 'Fail', 'Running']).toContain(env.status);
  expect(typeof env.message).toBe('string');
  expect(env.processId).toMatch(/^[0-9a-f-]{36}$/);
  return env;
}

/** A PhixFlow token issued by the server itself (no expiry unless given). */
export async function tokenFor(s: TestServer, username: string, expiresInSeconds?: number): Promise<string> {
  return (await s.fm.services.credentials.issuePhixflowToken(username, expiresInSeconds)).token;
}
