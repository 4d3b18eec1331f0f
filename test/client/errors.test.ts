/**
 * Error mapping: every failed request surfaces as one class, FlowmockApiError, with the HTTP
 * status, the problem+json body (type, title, status, detail, errors[]) and the request's method
 * and URL — from the helpers and from the raw typed clients through `unwrap`. Covers 400, 401,
 * 403 and 404 on both APIs, and a request that gets no answer at all (status 0).
 */
import { createServer } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startServer, type TestServer } from '../support/server.js';
import { FlowmockApiError, createPhixFlowClient, createSmartFlowsClient, unwrap, type SmartFlowsClient } from '../../src/client/index.js';
import { FLOW, failOnUnhandledRejections, phixFlow, rejectionOf, smartFlows } from './support.js';

failOnUnhandledRejections();

let s: TestServer;
let sf: SmartFlowsClient;
beforeAll(async () => {
  s = await startServer();
  sf = smartFlows(s);
});
afterAll(() => s?.close());

function apiError(err: unknown, status: number): FlowmockApiError {
  expect(err).toBeInstanceOf(FlowmockApiError);
  const e = err as FlowmockApiError;
  expect(e.status).toBe(status);
  expect(e.problem.status).toBe(status);
  expect(typeof e.problem.type).toBe('string');
  expect(typeof e.problem.title).toBe('string');
  return e;
}

describe('Smart Flows errors', () => {
  it('400: runFlow with a flowId over 200 characters names the invalid query field, the method and the URL', async () => {
    const long = 'x'.repeat(201);
    const e = apiError(await rejectionOf(sf.runFlow(long)), 400);
    expect(e.method).toBe('POST');
    expect(e.url).toBe(`${s.base}/api/v1/flows/executions?flowId=${long}`);
    expect(e.fieldErrors[0]).toMatchObject({ in: 'query', pointer: '/flowId' });
    expect(e.message).toContain('POST');
    expect(e.message).toContain('400');
  });

  it('400: an XML body for a flow that takes none is refused with a problem naming the input kind', async () => {
    const e = apiError(await rejectionOf(sf.runFlow(FLOW.invoice, '<order/>')), 400);
    expect(e.problem.detail).toBeTruthy();
  });

  it('401: an unknown API key', async () => {
    const bad = createSmartFlowsClient({ baseUrl: s.base, apiKey: 'not-a-real-key' });
    const e = apiError(await rejectionOf(bad.runFlow(FLOW.invoice)), 401);
    expect(e.method).toBe('POST');
  });

  it('403: the integrator (User role) may not create a printer; the raw typed client plus unwrap throws the same error class', async () => {
    const e = apiError(
      await rejectionOf(unwrap(sf.api.POST('/api/v1/printers', {
        body: { displayName: 'Office printer', definition: { id: 'generic-pdf', displayName: 'Generic PDF printer' }, flavor: 'jps', defaultPrinter: false },
      }))),
      403,
    );
    expect(e.method).toBe('POST');
    expect(e.url).toBe(`${s.base}/api/v1/printers`);
    expect(e.problem.detail).toMatch(/write:printers/);

    // The same call with the admin key succeeds: the error was about rights, not the body.
    const admin = smartFlows(s, s.adminKey);
    const printer = await unwrap(admin.api.POST('/api/v1/printers', {
      body: { displayName: 'Office printer', definition: { id: 'generic-pdf', displayName: 'Generic PDF printer' }, flavor: 'jps', defaultPrinter: false },
    }));
    expect(printer.displayName).toBe('Office printer');
  });

  it('404: an unknown execution (raw client) and an unknown document (downloadDocument)', async () => {
    const id = '00000000-0000-4000-8000-000000000000';
    const e = apiError(await rejectionOf(unwrap(sf.api.GET('/api/v1/flows/executions/{execution}', { params: { path: { execution: id } } }))), 404);
    expect(e.method).toBe('GET');
    expect(e.url).toBe(`${s.base}/api/v1/flows/executions/${id}`);

    const d = apiError(await rejectionOf(sf.downloadDocument(id)), 404);
    expect(d.url).toBe(`${s.base}/api/v1/documents/${id}/content`);
  });

  it('the raw typed client keeps openapi-fetch semantics ({ data, error, response }) when not unwrapped', async () => {
    const r = await sf.api.GET('/api/v1/flows/executions/{execution}', { params: { path: { execution: 'nope' } } });
    expect(r.data).toBeUndefined();
    expect(r.response.status).toBe(404);
    expect(r.error).toMatchObject({ status: 404 });
  });

  it('a client with both or neither of apiKey and bearerToken is refused at creation (a TypeError, before any request)', () => {
    expect(() => createSmartFlowsClient({ baseUrl: s.base, apiKey: 'a', bearerToken: 'b' } as never)).toThrow(TypeError);
    expect(() => createSmartFlowsClient({ baseUrl: s.base } as never)).toThrow(/exactly one of apiKey/);
  });

  it('status 0: a server that is not there is a FlowmockApiError too (no answer), with the fetch error as cause', async () => {
    const port = await new Promise<number>((resolve) => {
      const probe = createServer().listen(0, '127.0.0.1', () => {
        const { port: p } = probe.address() as { port: number };
        probe.close(() => resolve(p));
      });
    });
    const gone = createSmartFlowsClient({ baseUrl: `http://127.0.0.1:${port}`, apiKey: 'x' });
    const e = apiError(await rejectionOf(gone.runFlow(FLOW.invoice)), 0);
    expect(e.problem.title).toBe('No answer');
    expect(e.cause).toBeInstanceOf(Error);
  });
});

describe('PhixFlow errors', () => {
  it('401: a non-anonymous actionflow without a token', async () => {
    const anonymous = createPhixFlowClient({ baseUrl: s.base });
    const e = apiError(await rejectionOf(anonymous.trigger('Demo', 'Echo and enrich', [])), 401);
    expect(e.method).toBe('POST');
    expect(e.url).toBe(`${s.base}/phixflow/api/1/action/Demo/Echo%20and%20enrich/trigger`);
  });

  it('403: a token of a user without the API privileges (integrator)', async () => {
    const integrator = await phixFlow(s, 'integrator');
    const e = apiError(await rejectionOf(integrator.trigger('Demo', 'Echo and enrich', [])), 403);
    expect(e.problem.detail).toContain('integrator');
  });

  it('404: an unknown actionflow', async () => {
    const px = await phixFlow(s);
    const e = apiError(await rejectionOf(px.trigger('Demo', 'No such flow')), 404);
    expect(e.problem.detail).toContain('No such flow');
  });

  it('400: a timeout that is not a whole number (the problem names query /timeout)', async () => {
    const px = await phixFlow(s);
    const e = apiError(await rejectionOf(px.trigger('Demo', 'Regional prices', undefined, { query: { timeout: 'soon' as unknown as number } })), 400);
    expect(JSON.stringify(e.problem)).toContain('/timeout');
  });
});
