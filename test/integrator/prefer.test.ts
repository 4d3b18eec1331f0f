/**
 * Prism parity on the reference server: `Prefer: code=`, `example=`, `dynamic=true` (and `seed=`)
 * and the query twins answer with the spec's documented response, after credentials, permission
 * and request validation, and every answer is checked (response validation is on in tests; here
 * each is also checked again with our own validator). Undocumented codes and examples are the
 * server-wide 422.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startServer, ADMIN_KEY, type TestServer } from '../support/server.js';
import { problemOf } from '../support/problem.js';
import { loadBundledSpec, listOperations, type OperationSpec } from '../../src/http/openapi-document.js';
import { SpecValidator, toFieldErrors, describeErrors } from '../../src/http/validation.js';
import { parsePrefer, parsePreferences } from '../../src/mock/prefer.js';
import { validRequest } from './support.js';

const doc = loadBundledSpec();
const ops = listOperations(doc);
const validator = new SpecValidator(doc, ops);
const byId = (id: string) => ops.find((o) => o.operationId === id)!;

let server: TestServer;
beforeAll(async () => { server = await startServer(); });
afterAll(async () => { await server?.close(); });

async function call(op: OperationSpec, prefer: string | null, opts: { query?: string; key?: string | null; seed?: number } = {}) {
  const { url, init } = validRequest(doc, op, ADMIN_KEY, opts.seed);
  if (prefer !== null) init.headers.Prefer = prefer;
  if (opts.key !== undefined) {
    if (opts.key === null) delete init.headers['X-API-Key'];
    else init.headers['X-API-Key'] = opts.key;
  }
  const full = opts.query ? url + (url.includes('?') ? '&' : '?') + opts.query : url;
  return fetch(server.base + full, init);
}

/** Checks an answer against the operation's documented response: status, media type, JSON body. */
async function expectDocumented(op: OperationSpec, res: Response, status: number): Promise<unknown> {
  const bytes = Buffer.from(await res.arrayBuffer());
  expect(res.status, `${op.operationId}: ${bytes.toString('utf8').slice(0, 300)}`).toBe(status);
  const documented = validator.get(op.operationId).responses.get(String(status))!;
  expect(documented, `${op.operationId} documents ${status}`).toBeDefined();
  if (documented.size === 0) {
    expect(bytes.length).toBe(0);
    return undefined;
  }
  const mediaType = res.headers.get('content-type')?.split(';')[0] ?? '';
  expect([...documented.keys()]).toContain(mediaType);
  const fn = documented.get(mediaType);
  if (!fn) return bytes;
  const body = JSON.parse(bytes.toString('utf8'));
  expect(fn(body), describeErrors(toFieldErrors('body', fn.errors))).toBe(true);
  return body;
}

describe('Prefer header parsing (RFC 7240)', () => {
  it('reads tokens, values, quoted values and parameters; the first of a repeated token wins', () => {
    const p = parsePreferences('respond-async, code=404; x=1, example="a, b", CODE=500, wait=10');
    expect(p.map((x) => x.name)).toEqual(['respond-async', 'code', 'example', 'code', 'wait']);
    expect(p[1].params.get('x')).toBe('1');
    const m = parsePrefer(['scenario=stuck', 'dynamic=true']);
    expect(Object.fromEntries(m)).toEqual({ scenario: 'stuck', dynamic: 'true' });
    expect(parsePrefer('respond-async, code=404; x=1, example="a, b", CODE=500').get('code')).toBe('404');
    expect(parsePrefer('example="a, b"').get('example')).toBe('a, b');
    expect(parsePrefer(undefined).size).toBe(0);
  });
});

describe('Prefer: code=<status> on every operation', () => {
  const multi = ops.filter((op) => op.responses.size > 1);

  it('covers the operations with more than one documented response', () => {
    expect(multi.length).toBeGreaterThan(30);
  });

  it.each(multi.map((op) => [op.operationId, op] as const))('%s answers each documented status, valid against the spec', async (_id, op) => {
    for (const status of op.responses.keys()) {
      const res = await call(op, `code=${status}`);
      await expectDocumented(op, res, Number(status));
      expect(res.headers.get('preference-applied')).toContain(`code=${status}`);
    }
  });

  it.each(ops.map((op) => [op.operationId, op] as const))('%s: an undocumented code is the server-wide 422 listing the documented ones', async (_id, op) => {
    const res = await call(op, 'code=418');
    expect(res.status).toBe(422);
    if (op.method === 'HEAD') return; // a HEAD answer carries no body (ExistsData)
    const problem = await problemOf(res) as unknown as { documented: string[]; detail: string };
    expect(problem.documented).toEqual([...op.responses.keys()]);
    expect(problem.detail).toContain('418');
    const fn = validator.componentSchema('PreferProblem');
    expect(fn(problem), describeErrors(toFieldErrors('body', fn.errors))).toBe(true);
  });
});

describe('Prefer: example=<name>', () => {
  const exampleValue = (name: string) => doc.components.examples[name].value;

  it('answers the named example of the lowest 2xx that has it', async () => {
    const op = byId('ExecuteFlow');
    const res = await call(op, 'example=queued');
    expect(await expectDocumented(op, res, 200)).toEqual(exampleValue('ProgressQueued'));
    expect(res.headers.get('preference-applied')).toBe('example=queued');
  });

  it('without code, finds an example documented only under another status', async () => {
    const op = byId('TriggerActionflow');
    const res = await call(op, 'example=timeout');
    expect(await expectDocumented(op, res, 504)).toEqual(exampleValue('EnvelopeTimeout'));
  });

  it('with code, takes the example of that response', async () => {
    const op = byId('GetActionflowStatus');
    const res = await call(op, 'code=200, example=partial');
    expect(await expectDocumented(op, res, 200)).toEqual(exampleValue('EnvelopePartialFailure'));
    expect(res.headers.get('preference-applied')).toBe('code=200, example=partial');
  });

  it('without example, code answers the first example of the response', async () => {
    const op = byId('ExecuteFlow');
    expect(await expectDocumented(op, await call(op, 'code=200'), 200)).toEqual(exampleValue('ProgressStarted'));
  });

  it('an unknown example name is a 422 listing the documented examples', async () => {
    const op = byId('ExecuteFlow');
    const res = await call(op, 'example=nope');
    expect(res.status).toBe(422);
    const problem = await problemOf(res) as unknown as { documented: string[]; detail: string };
    expect(problem.documented).toEqual(expect.arrayContaining(['started', 'queued']));
    expect(problem.detail).toContain('"nope"');
    const withCode = await call(op, 'code=404, example=queued');
    expect(withCode.status).toBe(422);
    expect(((await problemOf(withCode)) as unknown as { documented: string[] }).documented).toEqual(['notFound']);
  });

  it('documented headers carry their examples (Content-Disposition of a document)', async () => {
    const op = byId('GetDocumentContent');
    const res = await call(op, 'code=200');
    expect(res.headers.get('content-disposition')).toBe('attachment; filename="Invoice.pdf"');
    const bytes = Buffer.from(await res.arrayBuffer());
    expect(bytes.subarray(0, 5).toString()).toBe('%PDF-');
    expect(res.headers.get('content-length')).toBe(String(bytes.length));
  });
});

describe('Prefer: dynamic=true', () => {
  const jsonOps = ops.filter((op) => [...op.responses.values()].some((r) => /^2/.test(r.status) && r.media.some((m) => m.mediaType === 'application/json')));

  it.each(jsonOps.map((op) => [op.operationId, op] as const))('%s: a generated body that validates', async (_id, op) => {
    for (let i = 0; i < 3; i++) {
      const res = await call(op, 'dynamic=true');
      const status = [...op.responses.keys()].filter((s) => /^2/.test(s)).sort()[0];
      await expectDocumented(op, res, Number(status));
      expect(res.headers.get('preference-applied')).toBe('dynamic=true');
    }
  });

  it('generates error bodies too (code + dynamic)', async () => {
    const op = byId('GetFlow');
    const body = await expectDocumented(op, await call(op, 'code=404, dynamic=true'), 404) as Record<string, unknown>;
    expect(body.status).toBeTypeOf('number');
  });

  it('seed=<text> repeats the body for the same request; another seed changes it', async () => {
    const op = byId('GetFlowExecution');
    const a = await (await call(op, 'dynamic=true, seed=abc')).text();
    const b = await (await call(op, 'dynamic=true, seed=abc')).text();
    const c = await (await call(op, 'dynamic=true, seed=xyz')).text();
    expect(a).toBe(b);
    expect(c).not.toBe(a);
  });

  it('the server --seed makes the whole sequence repeat', async () => {
    const sequence = async (seed: number) => {
      const s = await startServer({ seed });
      try {
        const out: string[] = [];
        for (const id of ['GetFlowExecution', 'GetFlows', 'GetFlowExecutionStatistics', 'TriggerActionflow']) {
          const { url, init } = validRequest(doc, byId(id), ADMIN_KEY);
          init.headers.Prefer = 'dynamic=true';
          out.push(await (await fetch(s.base + url, init)).text());
        }
        return out;
      } finally {
        await s.close();
      }
    };
    const [a, b, c] = [await sequence(42), await sequence(42), await sequence(43)];
    expect(a).toEqual(b);
    expect(c).not.toEqual(a);
  });

  it('dynamic=false alone runs the operation as usual; a malformed value is a 422', async () => {
    const op = byId('GetFlows');
    const res = await call(op, 'dynamic=false');
    expect(res.status).toBe(200);
    expect(res.headers.get('preference-applied')).toBeNull();
    expect(((await res.json()) as unknown[]).length).toBeGreaterThan(5); // the real demo flows (a plain array)
    const bad = await call(op, 'dynamic=maybe');
    expect(bad.status).toBe(422);
    const badCode = await call(op, 'code=abc');
    expect(badCode.status).toBe(422);
  });
});

describe('query twins (__code, __example, __dynamic, __seed)', () => {
  it('answer as the header does', async () => {
    const op = byId('GetFlow');
    await expectDocumented(op, await call(op, null, { query: '__code=404' }), 404);
    const ex = byId('ExecuteFlow');
    expect(await expectDocumented(ex, await call(ex, null, { query: '__example=queued' }), 200)).toEqual(doc.components.examples.ProgressQueued.value);
    const a = await (await call(op, null, { query: '__dynamic=true&__seed=7' })).text();
    const b = await (await call(op, 'dynamic=true, seed=7')).text();
    expect(a).toBe(b);
  });

  it('the header wins over a twin for the same key; twins fill what the header lacks', async () => {
    const op = byId('GetFlow');
    expect((await call(op, 'code=401', { query: '__code=404' })).status).toBe(401);
    // The scenario engineer's token does not hide the twin.
    expect((await call(op, 'scenario=stuck', { query: '__code=404' })).status).toBe(404);
  });
});

describe('order: credentials, permission and request validation come first (as in Prism)', () => {
  it('no credentials is still a 401', async () => {
    const op = byId('GetFlows');
    const res = await call(op, 'code=200', { key: null });
    expect(res.status).toBe(401);
  });

  it('a key without the permission is still a 403', async () => {
    const op = byId('CreatePrinter');
    const res = await call(op, 'code=201', { key: server.integratorKey });
    expect(res.status).toBe(403);
  });

  it('an invalid request is still a 400', async () => {
    const op = byId('GetFlows');
    const res = await call(op, 'code=200', { query: 'size=1000' });
    expect(res.status).toBe(400);
    const filter = byId('GetFilteredFlowExecutions');
    const { url, init } = validRequest(doc, filter, ADMIN_KEY);
    const bad = await fetch(server.base + url, { ...init, headers: { ...init.headers, Prefer: 'code=200' }, body: '{"group":{"type":"xor","nodes":[]}}' });
    expect(bad.status).toBe(400);
  });

  it('PhixFlow operations allow anonymous callers; a sent token is checked', async () => {
    const op = byId('TriggerActionflow');
    expect((await call(op, 'code=200')).status).toBe(200);
    const { url, init } = validRequest(doc, op, ADMIN_KEY);
    const res = await fetch(server.base + url, { ...init, headers: { ...init.headers, Prefer: 'code=200', Authorization: 'Bearer not.a.token' } });
    expect(res.status).toBe(401);
  });

  it('nothing is changed: a Prefer 200 on ExecuteFlow starts no execution', async () => {
    const list = async () => Number((await server.call('/api/v1/flows/executions', { key: ADMIN_KEY })).headers.get('x-total-count'));
    const before = await list();
    const op = byId('ExecuteFlow');
    expect((await call(op, 'code=200')).status).toBe(200);
    expect(await list()).toBe(before);
  });
});
