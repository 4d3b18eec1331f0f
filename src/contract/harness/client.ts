/**
 * The typed contract client: openapi-fetch `createClient<paths>` pointed at a Prism proxy, with a
 * middleware that runs the per-response checks on every answer (see response-checks.ts).
 */
import createClient, { type Client } from 'openapi-fetch';
import type { paths } from '../../../generated/openapi-types.js';
import type { ProxyMode } from './prism.js';
import type { Recorder } from '../recorder.js';
import type { SpecIndex } from '../spec-index.js';
import { responseChecks } from './response-checks.js';

export type ApiClient = Client<paths>;

/** How a call authenticates: a Smart Flows API key, a bearer token (JWT or PhixFlow token), a raw Authorization header, or nothing. */
export type Credentials = { apiKey: string } | { bearer: string } | { authorization: string } | null;

export interface ClientOptions {
  /** Labels copied onto every check result of the calls (e.g. `auth:no-credentials`). */
  tags?: string[];
}

export function credentialHeaders(creds: Credentials): Record<string, string> {
  if (!creds) return {};
  if ('apiKey' in creds) return { 'X-API-Key': creds.apiKey };
  if ('bearer' in creds) return { Authorization: `Bearer ${creds.bearer}` };
  return { Authorization: creds.authorization };
}

/** Makes clients for one proxy; every client shares the recorder and the spec index. */
export class ClientFactory {
  constructor(
    readonly baseUrl: string,
    readonly mode: ProxyMode,
    private readonly recorder: Recorder,
    private readonly spec: SpecIndex,
  ) {}

  as(creds: Credentials, opts: ClientOptions = {}): ApiClient {
    const client = createClient<paths>({ baseUrl: this.baseUrl, headers: credentialHeaders(creds) });
    client.use(responseChecks({ mode: this.mode, recorder: this.recorder, spec: this.spec, tags: opts.tags ?? [] }));
    return client;
  }
}
