/**
 * Transport faults, per request (`Prefer: latency=`, `fault=`, `retry-after=`) and per route
 * (config `faults`, the `--fault` rules): latency (measured roughly), 429/503 with Retry-After
 * (checked against the spec's server-wide answers), reset (fetch rejects), truncate (the body
 * read fails).
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startServer, type TestServer } from '../support/server.js';
import { problemOf } from '../support/problem.js';
import { parseFaultRule } from '../../src/mock/faults.js';
import { resolveConfig, ConfigError } from '../../src/config.js';

async function timed<T>(fn: () => Promise<T>): Promise<{ ms: number; value: T }> {
  const t0 = performance.now();
  const value = await fn();
  return { ms: performance.now() - t0, value };
}

describe('fault rules', () => {
  it('parse method, path glob and effects', () => {
    const r = parseFaultRule('GET /api/v1/flows/executions/*/progress=latency:200-500');
    expect(r).toMatchObject({ method: 'GET', effects: { latency: [200, 500] }, probability: 1 });
    expect(r.regex.test('/api/v1/flows/executions/abc/progress')).toBe(true);
    expect(r.regex.test('/api/v1/flows/executions/a/b/progress')).toBe(false);
    const any = parseFaultRule('/phixflow/**=fault:503,retry-after:5,probability:0.25');
    expect(any).toMatchObject({ method: '*', effects: { fault: '503', retryAfter: 5 }, probability: 0.25 });
    expect(any.regex.test('/phixflow/api/1/action/Demo/Echo%20and%20enrich/trigger')).toBe(true);
  });

  it.each([
    ['/x', 'expected [METHOD ]PATH=EFFECT'],
    ['GET /x=latency:abc', 'latency must be'],
    ['GET /x=latency:500-200', 'maximum below its minimum'],
    ['GET /x=fault:418', 'fault must be one of'],
    ['GET /x=probability:2,fault:503', 'probability must be'],
    ['GET /x=retry-after:1', 'give a latency or a fault'],
    ['GET /x=colour:red', 'unknown effect'],
    ['GET x=fault:503', 'must start with /'],
  ])('refuse %s', (rule, message) => {
    expect(() => parseFaultRule(rule)).toThrow(message);
  });

  it('a bad rule in the config stops start-up with a ConfigError naming it', () => {
    expect(() => resolveConfig({ faults: ['GET /x=fault:teapot'] })).toThrow(ConfigError);
    expect(() => resolveConfig({ faults: ['GET /x=fault:teapot'] })).toThrow('fault rule "GET /x=fault:teapot"');
  });
});

describe('faults per request (Prefer)', () => {
  let server: TestServer;
  beforeAll(async () => { server = await startServer({ seed: 3 }); });
  afterAll(async () => { await server?.close(); });

  it('latency=<ms> delays the answer', async () => {
    const base = await timed(() => server.call('/api/v1/flows').then((r) => r.text()));
    const { ms, value: res } = await timed(() => server.call('/api/v1/flows', { headers: { Prefer: 'latency=300' } }));
    expect(res.status).toBe(200);
    expect(ms).toBeGreaterThanOrEqual(290);
    expect(ms).toBeLessThan(300 + base.ms + 700);
    expect(res.headers.get('x-flowmock-latency')).toBe('300');
  });

  it('latency=<min>-<max> draws within the range', async () => {
    for (let i = 0; i < 3; i++) {
      const { ms, value: res } = await timed(() => server.call('/api/v1/flows', { headers: { Prefer: 'latency=100-250' } }));
      const drawn = Number(res.headers.get('x-flowmock-latency'));
      expect(drawn).toBeGreaterThanOrEqual(100);
      expect(drawn).toBeLessThanOrEqual(250);
      expect(ms).toBeGreaterThanOrEqual(drawn - 10);
    }
  });

  it.each([[429, 'too-many-requests'], [503, 'unavailable']])('fault=%i answers problem+json with Retry-After', async (status, slug) => {
    const res = await server.call('/api/v1/flows', { headers: { Prefer: `fault=${status}, retry-after=7` } });
    expect(res.status).toBe(status);
    expect(res.headers.get('retry-after')).toBe('7');
    const problem = await problemOf(res);
    expect(problem).toMatchObject({ status, type: `urn:flowmock:problem:${slug}` });
    const dflt = await server.call('/api/v1/flows', { headers: { Prefer: `fault=${status}` } });
    expect(dflt.headers.get('retry-after')).toBe('1');
  });

  it('faults come before credentials, as a gateway would', async () => {
    const res = await server.call('/api/v1/flows', { key: null, headers: { Prefer: 'fault=503' } });
    expect(res.status).toBe(503);
  });

  it('fault=reset closes the connection: fetch rejects', async () => {
    await expect(server.call('/api/v1/flows', { headers: { Prefer: 'fault=reset' } })).rejects.toThrow();
    // The server goes on.
    expect((await server.call('/api/v1/flows')).status).toBe(200);
  });

  it('fault=truncate sends the headers and half the body, then closes: the body read fails', async () => {
    const res = await server.call('/api/v1/flows', { headers: { Prefer: 'fault=truncate' } });
    expect(res.status).toBe(200);
    const declared = Number(res.headers.get('content-length'));
    expect(declared).toBeGreaterThan(100);
    await expect(res.text()).rejects.toThrow();
  });

  it('latency combines with a fault', async () => {
    const { ms, value: res } = await timed(() => server.call('/api/v1/flows', { headers: { Prefer: 'latency=200, fault=503' } }));
    expect(res.status).toBe(503);
    expect(ms).toBeGreaterThanOrEqual(190);
  });

  it('a malformed fault token is the server-wide 422; tokens of other features are ignored', async () => {
    const res = await server.call('/api/v1/flows', { headers: { Prefer: 'fault=teapot' } });
    expect(res.status).toBe(422);
    expect((await problemOf(res)).detail).toContain('fault must be one of');
    expect((await server.call('/api/v1/flows', { headers: { Prefer: 'respond-async, scenario=stuck' } })).status).toBe(200);
  });
});

describe('faults per route (config faults / --fault)', () => {
  let server: TestServer;
  beforeAll(async () => {
    server = await startServer({
      seed: 11,
      faults: [
        'GET /api/v1/flows=fault:503,retry-after:9',
        'GET /api/v1/flows/*=latency:250',
        'POST /phixflow/**=fault:reset',
        'GET /api/v1/users/me=fault:truncate',
        'GET /api/v1/printers=fault:429,probability:0.5',
        'GET /__flowmock/health=latency:50-150',
      ],
    });
  });
  afterAll(async () => { await server?.close(); });

  it('503 with Retry-After on the matching route only', async () => {
    const res = await server.call('/api/v1/flows');
    expect(res.status).toBe(503);
    expect(res.headers.get('retry-after')).toBe('9');
    expect((await server.call('/api/v1/flows/executions')).status).toBe(200);
  });

  it('latency on a glob route', async () => {
    const { ms, value: res } = await timed(() => server.call('/api/v1/flows/11111111-1111-4111-8111-111111111101'));
    expect(res.status).toBe(200);
    expect(ms).toBeGreaterThanOrEqual(240);
  });

  it('reset on a ** route (path matched encoded or decoded)', async () => {
    await expect(fetch(`${server.base}/phixflow/api/1/action/Demo/Echo%20and%20enrich/trigger`, { method: 'POST', body: '[]', headers: { 'Content-Type': 'application/json' } })).rejects.toThrow();
    expect((await fetch(`${server.base}/phixflow/api/1/action/Demo/Echo%20and%20enrich/status/x`)).status).not.toBe(0);
  });

  it('truncate on a route', async () => {
    const res = await server.call('/api/v1/users/me');
    expect(res.status).toBe(200);
    await expect(res.text()).rejects.toThrow();
  });

  it('Prefer overrides the route: fault=none turns it off for one request', async () => {
    expect((await server.call('/api/v1/flows', { headers: { Prefer: 'fault=none' } })).status).toBe(200);
    expect((await server.call('/api/v1/flows', { headers: { Prefer: 'fault=429' } })).status).toBe(429);
  });

  it('probability applies the rule to a share of the requests, repeatably with the same seed', async () => {
    const statuses = async (s: TestServer) => {
      const out: number[] = [];
      for (let i = 0; i < 30; i++) out.push((await s.call('/api/v1/printers')).status);
      return out;
    };
    const first = await statuses(server);
    expect(first.filter((s) => s === 429).length).toBeGreaterThan(3);
    expect(first.filter((s) => s === 200).length).toBeGreaterThan(3);
    const again = await startServer({ seed: 11, faults: ['GET /api/v1/printers=fault:429,probability:0.5'] });
    try {
      expect(await statuses(again)).toEqual(first);
    } finally {
      await again.close();
    }
  });
});
