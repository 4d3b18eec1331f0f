/**
 * Helpers of the integrator-experience tests: a valid request for any operation of the spec
 * (path and required query parameters sampled from their schemas, the first documented example
 * as body), and a log capture for servers whose warnings a test reads.
 */
import { Writable } from 'node:stream';
import type { Logger } from 'pino';
import type { OperationSpec } from '../../src/http/openapi-document.js';
import { sampleValid } from '../../src/mock/schema-sample.js';
import { createRandom } from '../../src/random.js';
import { createLogger } from '../../src/http/logging.js';

type Obj = Record<string, any>;

const pointer = (doc: Obj, ptr: string): any =>
  ptr.slice(1).split('/').map((s) => s.replace(/~1/g, '/').replace(/~0/g, '~')).reduce<any>((acc, k) => acc?.[k], doc);

export interface BuiltRequest { url: string; init: RequestInit & { headers: Record<string, string> } }

/**
 * A request the operation accepts (it passes request validation): sampled path and required
 * query parameters, the first example of its first request media type, the admin key unless
 * the operation is a PhixFlow one (anonymous allowed) or anonymous.
 */
export function validRequest(doc: Obj, op: OperationSpec, adminKey: string, seed = 1): BuiltRequest {
  const random = createRandom(seed);
  const value = (p: OperationSpec['parameters'][number]) =>
    String(sampleValid(pointer(doc, p.schemaPointer), { doc, random, hint: p.name }));
  let url = op.path.replace(/\{(\w+)\}/g, (_m, name: string) => {
    const p = op.parameters.find((x) => x.in === 'path' && x.name === name)!;
    return encodeURIComponent(value(p));
  });
  const query = op.parameters.filter((p) => p.in === 'query' && p.required).map((p) => `${p.name}=${encodeURIComponent(value(p))}`);
  if (query.length) url += `?${query.join('&')}`;
  const headers: Record<string, string> = {};
  const schemes = new Set(op.security.flatMap((r) => Object.keys(r)));
  if (schemes.has('ApiKey')) headers['X-API-Key'] = adminKey;
  let body: string | undefined;
  if (op.requestBody) {
    const media = op.requestBody.media[0];
    const m = pointer(doc, media.schemaPointer!.slice(0, -'/schema'.length));
    const first: any = Object.values(m.examples ?? {})[0];
    const example = first?.$ref ? pointer(doc, first.$ref.slice(1)).value : first?.value;
    if (example !== undefined) {
      headers['Content-Type'] = media.mediaType;
      body = typeof example === 'string' ? example : JSON.stringify(example);
    }
  }
  return { url, init: { method: op.method, headers, body } };
}

export interface CapturedLogs { logger: Logger; lines: () => Array<Record<string, any>> }

/** A pino logger at `level` whose JSON lines the test can read. */
export function captureLogs(level = 'info'): CapturedLogs {
  const lines: Array<Record<string, any>> = [];
  const stream = new Writable({
    write(chunk, _enc, cb) {
      for (const line of chunk.toString().split('\n')) if (line.trim()) lines.push(JSON.parse(line));
      cb();
    },
  });
  return { logger: createLogger(level, stream), lines: () => lines };
}
