/** CORS: any origin by default, off, or a list of origins (config `cors`, `--cors`, FLOWMOCK_CORS). */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startServer, type TestServer } from '../support/server.js';
import { parseCors } from '../../src/http/cors.js';
import { configFromEnv, resolveConfig, ConfigError } from '../../src/config.js';

const preflight = (s: TestServer, origin: string, path = '/api/v1/flows') =>
  fetch(s.base + path, {
    method: 'OPTIONS',
    headers: { Origin: origin, 'Access-Control-Request-Method': 'POST', 'Access-Control-Request-Headers': 'x-api-key, prefer, content-type' },
  });

describe('cors setting', () => {
  it('parses *, off and origin lists', () => {
    expect(parseCors('*')).toBe('*');
    expect(parseCors('off')).toBe('off');
    expect(parseCors('https://app.example.com, http://localhost:3000')).toEqual(['https://app.example.com', 'http://localhost:3000']);
    expect(() => parseCors('https://app.example.com/path')).toThrow('scheme://host[:port]');
    expect(() => parseCors('app.example.com')).toThrow('not a URL');
  });

  it('comes from FLOWMOCK_CORS and is checked in the config', () => {
    expect(configFromEnv({ FLOWMOCK_CORS: 'off' }).cors).toBe('off');
    expect(() => configFromEnv({ FLOWMOCK_CORS: 'nope' })).toThrow(ConfigError);
    expect(resolveConfig({}).cors).toBe('*');
    expect(resolveConfig({ cors: 'https://a.example' as never }).cors).toEqual(['https://a.example']);
  });
});

describe('CORS on by default (any origin)', () => {
  let server: TestServer;
  beforeAll(async () => { server = await startServer(); });
  afterAll(async () => { await server?.close(); });

  it('answers with Access-Control-Allow-Origin: * and exposes the useful headers', async () => {
    const res = await server.call('/api/v1/flows', { headers: { Origin: 'https://anywhere.example' } });
    expect(res.headers.get('access-control-allow-origin')).toBe('*');
    expect(res.headers.get('access-control-expose-headers')).toContain('Retry-After');
    expect(res.headers.get('access-control-expose-headers')).toContain('Preference-Applied');
  });

  it('answers a preflight with 204, the methods and the request headers it accepts (Prefer included)', async () => {
    const res = await preflight(server, 'https://anywhere.example');
    expect(res.status).toBe(204);
    expect(res.headers.get('access-control-allow-origin')).toBe('*');
    expect(res.headers.get('access-control-allow-methods')).toContain('POST');
    expect(res.headers.get('access-control-allow-headers')).toContain('Prefer');
    expect(res.headers.get('access-control-allow-headers')).toContain('X-API-Key');
  });
});

describe('CORS off', () => {
  let server: TestServer;
  beforeAll(async () => { server = await startServer({ cors: 'off' }); });
  afterAll(async () => { await server?.close(); });

  it('sends no CORS headers; a preflight is an ordinary OPTIONS request (405 on an API path)', async () => {
    const res = await server.call('/api/v1/flows', { headers: { Origin: 'https://anywhere.example' } });
    expect(res.status).toBe(200);
    expect(res.headers.get('access-control-allow-origin')).toBeNull();
    const pre = await preflight(server, 'https://anywhere.example');
    expect(pre.status).toBe(405);
    expect(pre.headers.get('access-control-allow-origin')).toBeNull();
  });
});

describe('CORS for a list of origins', () => {
  let server: TestServer;
  beforeAll(async () => { server = await startServer({ cors: ['https://app.example.com', 'http://localhost:3000'] }); });
  afterAll(async () => { await server?.close(); });

  it('echoes an allowed origin with Vary: Origin', async () => {
    const res = await server.call('/api/v1/flows', { headers: { Origin: 'http://localhost:3000' } });
    expect(res.headers.get('access-control-allow-origin')).toBe('http://localhost:3000');
    expect(res.headers.get('vary')).toContain('Origin');
    const pre = await preflight(server, 'https://app.example.com');
    expect(pre.status).toBe(204);
    expect(pre.headers.get('access-control-allow-origin')).toBe('https://app.example.com');
    expect(pre.headers.get('access-control-allow-methods')).toContain('DELETE');
  });

  it('gives another origin no CORS headers (the browser refuses), the call itself still works', async () => {
    const res = await server.call('/api/v1/flows', { headers: { Origin: 'https://evil.example' } });
    expect(res.status).toBe(200);
    expect(res.headers.get('access-control-allow-origin')).toBeNull();
    expect(res.headers.get('vary')).toContain('Origin');
    const pre = await preflight(server, 'https://evil.example');
    expect(pre.status).toBe(204);
    expect(pre.headers.get('access-control-allow-origin')).toBeNull();
    expect(pre.headers.get('access-control-allow-methods')).toBeNull();
  });
});
