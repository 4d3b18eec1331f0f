/**
 * `createPhixFlowClient().trigger`: one call for every way an actionflow answers — synchronous
 * 200 and 201, 202 followed by polling of the Location with backoff, the 504 timeout answer
 * returned (not thrown) as `timedOut`, Fail envelopes with per-record failures, query
 * parameters, text bodies and anonymous endpoints.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startServer, type TestServer } from '../support/server.js';
import { createPhixFlowClient, createSmartFlowsClient, unwrap, type PhixFlowClient } from '../../src/client/index.js';
import { failOnUnhandledRejections, phixFlow } from './support.js';

failOnUnhandledRejections();

let s: TestServer;
let px: PhixFlowClient;
beforeAll(async () => {
  s = await startServer();
  px = await phixFlow(s);
});
afterAll(() => s?.close());

describe('trigger', () => {
  it('returns a synchronous answer (Echo and enrich, 200) as the final envelope, without polling', async () => {
    const r = await px.trigger('Demo', 'Echo and enrich', [{ name: 'Ada', email: 'ada@example.com' }]);
    expect(r).toMatchObject({ httpStatus: 200, timedOut: false, polled: false, polls: 0 });
    expect(r.envelope).toEqual({
      status: 'Success',
      message: 'Processed 1 record',
      processId: expect.stringMatching(/^[0-9a-f-]{36}$/),
      data: { Customers: [{ name: 'Ada', email: 'ada@example.com', domain: 'example.com' }] },
    });
  });

  it('returns a 201 answer (Customer sync sets statusCode 201) with httpStatus 201', async () => {
    const r = await px.trigger('Demo', 'Customer sync', [{ id: 1 }]);
    expect(r).toMatchObject({ httpStatus: 201, timedOut: false, polled: false });
    expect(r.envelope).toMatchObject({ status: 'Success', data: { Customers: [{ id: 1 }] } });
  });

  it('follows a 202 (Long report, 3 × 500 ms) by polling the Location with growing delays until the run ends, and returns the final Success envelope', async () => {
    const running: string[] = [];
    const started = Date.now();
    const r = await px.trigger('Demo', 'Long report', [{ q: 1 }, { q: 2 }, { q: 3 }], {
      onPoll: (env) => running.push(env.status),
    });
    expect(Date.now() - started).toBeGreaterThanOrEqual(1_400);
    expect(r).toMatchObject({ httpStatus: 200, timedOut: false, polled: true });
    // 100, 200, 400, 800 ms ...: a handful of polls for about 1 s of waiting, not dozens.
    expect(r.polls).toBeGreaterThanOrEqual(2);
    expect(r.polls).toBeLessThanOrEqual(6);
    expect(running).toEqual(Array(r.polls - 1).fill('Running'));
    expect(r.envelope).toEqual({
      status: 'Success',
      message: 'Processed 3 records',
      processId: expect.any(String),
      data: { Rows: [{ row: 1, data: { q: 1 } }, { row: 2, data: { q: 2 } }, { row: 3, data: { q: 3 } }] },
    });
  });

  it('polls the URL the 202 names in its Location header, not a URL of its own making (a fetch wrapper moves the Location and records the requests)', async () => {
    const token = (await s.fm.services.credentials.issuePhixflowToken('api-user')).token;
    const urls: string[] = [];
    const moved = createPhixFlowClient({
      baseUrl: s.base,
      token,
      fetch: async (request) => {
        urls.push(`${request.method} ${request.url}`);
        const m = /\/elsewhere\/(.+)$/.exec(request.url);
        if (m) return fetch(new Request(`${s.base}/phixflow/api/1/action/Demo/Long%20report/status/${m[1]}`, request));
        const res = await fetch(request);
        const location = res.headers.get('location');
        if (res.status !== 202 || !location) return res;
        const headers = new Headers(res.headers);
        headers.set('location', `/elsewhere/${location.split('/').at(-1)}`);
        return new Response(res.body, { status: res.status, statusText: res.statusText, headers });
      },
    });
    const r = await moved.trigger('Demo', 'Long report', [1, 2]);
    expect(r).toMatchObject({ polled: true, envelope: { status: 'Success', data: { Rows: [{ row: 1, data: 1 }, { row: 2, data: 2 }] } } });
    expect(urls[0]).toBe(`POST ${s.base}/phixflow/api/1/action/Demo/Long%20report/trigger`);
    expect(urls.slice(1)).toEqual(Array(r.polls).fill(`GET ${s.base}/elsewhere/${r.envelope.processId}`));
  });

  it('polls at most every maxPollIntervalMs: with 50 ms → 50 ms the same run takes many more polls', async () => {
    const r = await px.trigger('Demo', 'Long report', [1, 2], { pollIntervalMs: 50, maxPollIntervalMs: 50 });
    expect(r.polled).toBe(true);
    expect(r.polls).toBeGreaterThanOrEqual(8);
    expect(r.envelope.data).toEqual({ Rows: [{ row: 1, data: 1 }, { row: 2, data: 2 }] });
  });

  it('returns the 504 timeout answer (Slow import, 6 × 300 ms over its 1 s timeout) as a Fail envelope with timedOut: true, not as an error', async () => {
    const r = await px.trigger('Demo', 'Slow import', [1, 2, 3, 4, 5, 6]);
    expect(r).toMatchObject({ httpStatus: 504, timedOut: true, polled: false });
    expect(r.envelope.status).toBe('Fail');
    expect(r.envelope.message).toMatch(/^Timed out after 1000 ms; aborted after \d of 6 records$/);
  });

  it('passes query parameters: the server-side `timeout` (Slow import finishes with timeout=5000) and the actionflow\'s own (Regional prices)', async () => {
    const slow = await px.trigger('Demo', 'Slow import', [1, 2, 3, 4], { query: { timeout: 5_000 } });
    expect(slow).toMatchObject({ httpStatus: 200, timedOut: false, envelope: { status: 'Success', data: { Imported: [1, 2, 3, 4] } } });

    const prices = await px.trigger('Demo', 'Regional prices', undefined, { query: { region: 'US', currency: 'USD', limit: 1 } });
    expect(prices.envelope.data).toEqual({ Prices: [{ product: 'Widget', region: 'US', price: 12, currency: 'USD' }] });
  });

  it('returns a Fail envelope with per-record failures (Validate customers) as a result', async () => {
    const r = await px.trigger('Demo', 'Validate customers', [{ email: 'a@example.com' }, { name: 'no mail' }, { email: 'nope' }]);
    expect(r.httpStatus).toBe(200);
    expect(r.envelope.status).toBe('Fail');
    expect(r.envelope.failures).toEqual([
      { index: 1, message: 'Record 1 has no email address' },
      { index: 2, message: 'Record 2: "nope" is not an email address' },
    ]);
    expect(r.envelope.data?.Customers).toEqual([{ email: 'a@example.com' }]);
  });

  it('sends a string body as text/plain, or with the given contentType (the request log shows it), and calls anonymous endpoints without a token', async () => {
    const echoed = await px.trigger('Demo', 'Echo and enrich', 'hello');
    expect(echoed.envelope.data).toEqual({ Customers: [{ body: 'hello' }] });
    const xml = await px.trigger('Demo', 'Echo and enrich', '<customer><name>Ada</name></customer>', { contentType: 'application/xml' });
    const admin = createSmartFlowsClient({ baseUrl: s.base, apiKey: s.adminKey });
    const logs = await unwrap(admin.api.GET('/__flowmock/phixflow/logs', { params: { query: { processId: xml.envelope.processId } } }));
    const request = logs.content.find((entry) => entry.kind === 'request')?.content as { headers?: Record<string, string>; body?: string };
    expect(request.headers?.['content-type']).toBe('application/xml');
    expect(request.body).toBe('<customer><name>Ada</name></customer>');

    const anonymous = await phixFlow(s, null);
    const ping = await anonymous.trigger('Demo', 'Public ping');
    expect(ping.envelope).toMatchObject({ status: 'Success', data: { Pong: [{ pong: true }] } });
  });
});
