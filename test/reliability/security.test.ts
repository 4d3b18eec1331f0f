/**
 * Security: credentials never reach the logs (debug level, where headers are logged redacted)
 * nor the database files in clear; an API key's verification time does not depend on how much
 * of it matches (constant-time comparison of HMACs: pinned by a spy on timingSafeEqual, and
 * measured); CORS headers and the body limit are set explicitly; `npm audit` of the production
 * dependencies finds nothing high or critical (when the registry's audit endpoint answers).
 */
import { execFile } from 'node:child_process';
import * as nodeCrypto from 'node:crypto';
import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { Writable } from 'node:stream';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { createApp, type FlowmockApp } from '../../src/app.js';
import { Credentials, CredentialError } from '../../src/auth/credentials.js';
import { CORS_ALLOWED_HEADERS, CORS_ALLOWED_METHODS, CORS_EXPOSED_HEADERS } from '../../src/http/cors.js';
import { seedStore } from '../../src/auth/seed.js';
import { createLogger } from '../../src/http/logging.js';
import { hashPassword } from '../../src/auth/secrets.js';
import { openStore } from '../../src/store/sqlite-store.js';
import { ROOT, percentile } from './support.js';

// A transparent spy: the real timingSafeEqual, counted.
vi.mock('node:crypto', async (importOriginal) => {
  const real = await importOriginal<typeof import('node:crypto')>();
  return { ...real, timingSafeEqual: vi.fn(real.timingSafeEqual) };
});

const ADMIN_KEY = 'security-admin-key-0123456789abcdefghijklmnopqrstuvwxyz';
const PASSWORD = 'correct horse battery staple 42';

describe('credentials stay out of logs and database files', () => {
  const dir = mkdtempSync(path.join(tmpdir(), 'flowmock-security-'));
  let logText = '';
  let fm: FlowmockApp;
  let base: string;
  const secrets: Record<string, string> = {};

  beforeAll(async () => {
    const sink = new Writable({ write(chunk, _enc, cb) { logText += chunk; cb(); } });
    fm = await createApp(
      { db: path.join(dir, 'security.db'), port: 0, speed: 0, printStartup: false, logLevel: 'debug', adminKey: ADMIN_KEY, validateResponses: true },
      { logger: createLogger('debug', sink) },
    );
    base = await fm.listen();
    secrets.adminKey = ADMIN_KEY;
    secrets.integratorKey = fm.seed.newKeys.find((k) => k.username === 'integrator')!.key;
    secrets.password = PASSWORD;
    const integrator = (await fm.services.store.users.byUsername('integrator'))!;
    await fm.services.store.users.setPassword(integrator.id, hashPassword(PASSWORD));
  }, 60_000);
  afterAll(async () => {
    await fm?.close();
    rmSync(dir, { recursive: true, force: true });
  });

  const call = (p: string, headers: Record<string, string | string[]> = {}, body?: unknown) => {
    const h = new Headers();
    for (const [k, v] of Object.entries(headers)) for (const x of [v].flat()) h.append(k, x);
    if (body !== undefined) h.set('Content-Type', 'application/json');
    return fetch(base + p, { method: body === undefined ? 'GET' : 'POST', headers: h, body: body === undefined ? undefined : JSON.stringify(body) });
  };

  it('makes traffic with every kind of credential, right and wrong', async () => {
    expect((await call('/api/v1/users/me', { 'X-API-Key': secrets.adminKey })).status).toBe(200);
    expect((await call('/api/v1/users/me', { 'X-API-Key': secrets.integratorKey })).status).toBe(200);
    const created = await (await call('/api/v1/users/me/tokens', { 'X-API-Key': secrets.integratorKey }, { displayName: 'security test' })).json();
    secrets.createdKey = created.apiKey;
    expect((await call('/api/v1/users/me', { 'x-api-key': secrets.createdKey })).status).toBe(200);
    secrets.wrongKey = secrets.createdKey.slice(0, -1) + (secrets.createdKey.endsWith('A') ? 'E' : 'A');
    expect((await call('/api/v1/users/me', { 'X-API-Key': secrets.wrongKey })).status).toBe(401);
    expect((await call('/api/v1/users/me', { 'X-API-Key': [secrets.adminKey, secrets.integratorKey] })).status).toBe(401);
    const login = await (await call('/api/v1/authenticate/login', {}, { username: 'integrator', password: PASSWORD })).json();
    secrets.loginJwt = login.tokens[0].token;
    expect((await call('/api/v1/users/me', { Authorization: `Bearer ${secrets.loginJwt}` })).status).toBe(200);
    const { token } = await (await call('/__flowmock/phixflow/tokens', { 'X-API-Key': secrets.adminKey }, { user: 'api-user' })).json();
    secrets.phixToken = token;
    // The echo actionflow logs its request (headers included) to the logger and the database.
    const echo = await call('/phixflow/api/1/action/Demo/Echo%20and%20enrich/trigger', { Authorization: `Bearer ${token}`, 'X-API-Key': secrets.adminKey }, [{ email: 'a@b.c' }]);
    expect(echo.status).toBe(200);
    expect((await call('/phixflow/api/1/action/Demo/Echo%20and%20enrich/trigger', { Authorization: `Bearer ${token}x` }, [])).status).toBe(401);
    expect(Object.values(secrets).every((v) => typeof v === 'string' && v.length >= 20)).toBe(true);
  });

  /** Each secret, and for API keys their secret part alone. */
  const needles = () => Object.entries(secrets).flatMap(([name, v]) => {
    const parts: Array<[string, string]> = [[name, v]];
    const m = /^fm_[0-9a-f]{32}_(.+)$/.exec(v);
    if (m) parts.push([`${name} (secret part)`, m[1]]);
    if (name.endsWith('Jwt') || name.endsWith('Token')) parts.push([`${name} (signature)`, v.split('.')[2]]);
    return parts;
  });

  it('the debug log shows the headers, redacted, and no credential', async () => {
    expect(logText).toContain('"x-api-key":"[redacted]"');
    expect(logText).toContain('"authorization":"[redacted]"');
    expect(logText).toMatch(/actionflow request/);
    const found = needles().filter(([, v]) => logText.includes(v)).map(([name]) => name);
    expect(found).toEqual([]);
  });

  const filesText = () => readdirSync(dir).map((f) => [f, readFileSync(path.join(dir, f)).toString('latin1')] as const);

  it('the database files (with the WAL, while the server runs) hold no credential in clear', async () => {
    const files = filesText();
    expect(files.map(([f]) => f)).toContain('security.db');
    const found = needles().flatMap(([name, v]) => files.filter(([, text]) => text.includes(v)).map(([f]) => `${name} in ${f}`));
    expect(found).toEqual([]);
  });

  it('and neither after the server has stopped', async () => {
    await fm.close();
    const found = needles().flatMap(([name, v]) => filesText().filter(([, text]) => text.includes(v)).map(([f]) => `${name} in ${f}`));
    expect(found).toEqual([]);
  });
});

describe('API key verification time does not depend on how much of the key matches', async () => {
  const store = openStore(':memory:');
  const credentials = new Credentials(store, { jwtTtlSeconds: 3600 });
  await seedStore(store, credentials, { now: () => new Date() });
  const user = (await store.users.byUsername('integrator'))!;
  const { key } = (await credentials.createApiKey(user.id, 'timing'));
  // fm_<id>_<43 base64url>: the last character carries only 2 bits, so it is one of these.
  const LAST = 'AEIMQUYcgkosw048';
  const allButLast = key.slice(0, -1) + LAST[(LAST.indexOf(key.at(-1)!) + 1) % LAST.length];
  const prefix = key.slice(0, 36); // fm_<32 hex id>_
  const secretLength = key.length - prefix.length;
  const nothing = prefix + (key[36] === 'z' ? 'y' : 'z').repeat(secretLength - 1) + (key.at(-1) === 'A' ? 'E' : 'A');
  const otherId = `fm_${'0'.repeat(32)}_${nothing.slice(36)}`;
  afterAll(() => store.close());

  const verifyFails = async (k: string) => {
    try {
      await credentials.verifyApiKey(k);
      return false;
    } catch (err) {
      return err instanceof CredentialError && err.status === 401;
    }
  };

  it('compares HMACs of the whole key with crypto.timingSafeEqual, once, whatever the key', async () => {
    const spy = vi.mocked(nodeCrypto.timingSafeEqual);
    for (const k of [allButLast, nothing, otherId]) {
      spy.mockClear();
      expect(await verifyFails(k)).toBe(true);
      expect(spy).toHaveBeenCalledTimes(1);
      const [a, b] = spy.mock.calls[0] as unknown as [Buffer, Buffer];
      expect([a.length, b.length]).toEqual([32, 32]); // HMAC-SHA256 digests, not the keys
    }
    spy.mockClear();
    await expect(credentials.verifyApiKey(key)).resolves.toBeDefined();
    expect(spy).toHaveBeenCalledTimes(1);
  });

  it('measured: the medians of "all but the last character" and "nothing" match are within noise', async () => {
    const sample = async (k: string) => {
      const t = process.hrtime.bigint();
      await verifyFails(k);
      return Number(process.hrtime.bigint() - t) / 1000; // µs
    };
    for (let i = 0; i < 2000; i++) { await sample(allButLast); await sample(nothing); await sample(otherId); }
    const a: number[] = [], n: number[] = [], o: number[] = [];
    for (let i = 0; i < 6000; i++) {
      // Interleaved, in a rotating order, so that drift and load on the machine fall on all alike.
      const order = [[a, allButLast], [n, nothing], [o, otherId]] as const;
      for (let j = 0; j < 3; j++) { const [xs, k] = order[(i + j) % 3]; xs.push(await sample(k)); }
    }
    for (const xs of [a, n, o]) xs.sort((x, y) => x - y);
    const [ma, mn, mo] = [percentile(a, 50), percentile(n, 50), percentile(o, 50)];
    console.log(`[timing] median µs: all but last ${ma.toFixed(2)}, nothing (same id) ${mn.toFixed(2)}, nothing (unknown id) ${mo.toFixed(2)}`);
    // A prefix-dependent comparison of 64-character keys would show a steady gap; allow noise only.
    const bound = (x: number, y: number) => Math.max(3, 0.2 * Math.min(x, y));
    expect(Math.abs(ma - mn)).toBeLessThan(bound(ma, mn));
    expect(Math.abs(ma - mo)).toBeLessThan(Math.max(8, 0.35 * Math.min(ma, mo))); // a different id adds a lookup miss
  });
});

describe('CORS and the body limit are explicit', () => {
  let fm: FlowmockApp;
  let small: FlowmockApp;
  let base: string;
  let smallBase: string;
  beforeAll(async () => {
    fm = await createApp({ db: ':memory:', port: 0, printStartup: false, logLevel: 'silent', adminKey: ADMIN_KEY, validateResponses: true });
    // A configured body limit and a list of allowed origins.
    small = await createApp({ db: ':memory:', port: 0, printStartup: false, logLevel: 'silent', adminKey: ADMIN_KEY, bodyLimitBytes: 4096, cors: ['https://app.example.com'] });
    base = await fm.listen();
    smallBase = await small.listen();
  });
  afterAll(async () => {
    await fm?.close();
    await small?.close();
  });

  it('answers a preflight with the allowed methods and headers, any origin, no credentials mode', async () => {
    const res = await fetch(`${base}/api/v1/flows/executions/start`, {
      method: 'OPTIONS',
      headers: { Origin: 'https://client.example', 'Access-Control-Request-Method': 'POST', 'Access-Control-Request-Headers': 'x-api-key, content-type' },
    });
    expect(res.status).toBe(204);
    expect(res.headers.get('access-control-allow-origin')).toBe('*');
    expect(res.headers.get('access-control-allow-methods')).toBe(CORS_ALLOWED_METHODS);
    expect(CORS_ALLOWED_METHODS.split(', ').sort()).toEqual(['DELETE', 'GET', 'POST', 'PUT']);
    expect(res.headers.get('access-control-allow-headers')).toBe(CORS_ALLOWED_HEADERS);
    expect(CORS_ALLOWED_HEADERS).toMatch(/\bX-API-Key\b/);
    expect(CORS_ALLOWED_HEADERS).toMatch(/\bAuthorization\b/);
    expect(res.headers.get('access-control-max-age')).toBe('600');
    expect(res.headers.get('access-control-allow-credentials')).toBeNull();
  });

  it('sets the CORS headers on answers, errors included', async () => {
    for (const [key, status] of [[ADMIN_KEY, 200], ['wrong-key-0123456789abcdef', 401]] as const) {
      const res = await fetch(`${base}/api/v1/users/me`, { headers: { Origin: 'https://client.example', 'X-API-Key': key } });
      expect(res.status).toBe(status);
      expect(res.headers.get('access-control-allow-origin')).toBe('*');
      expect(res.headers.get('access-control-expose-headers')).toBe(CORS_EXPOSED_HEADERS);
      expect(CORS_EXPOSED_HEADERS).toMatch(/\bLocation\b.*\bX-Request-Id\b/);
      expect(res.headers.get('access-control-allow-credentials')).toBeNull();
    }
  });

  it('with a list of origins, echoes an allowed origin (Vary: Origin) and gives another none', async () => {
    const preflight = (origin: string) => fetch(`${smallBase}/api/v1/users/me`, {
      method: 'OPTIONS', headers: { Origin: origin, 'Access-Control-Request-Method': 'GET', 'Access-Control-Request-Headers': 'x-api-key' },
    });
    const ok = await preflight('https://app.example.com');
    expect(ok.status).toBe(204);
    expect(ok.headers.get('access-control-allow-origin')).toBe('https://app.example.com');
    expect(ok.headers.get('vary')).toMatch(/Origin/);
    const other = await preflight('https://evil.example');
    expect(other.headers.get('access-control-allow-origin')).toBeNull();
    expect(other.headers.get('access-control-allow-headers')).toBeNull();
    const get = await fetch(`${smallBase}/api/v1/users/me`, { headers: { Origin: 'https://evil.example', 'X-API-Key': ADMIN_KEY } });
    expect(get.status).toBe(200); // CORS is the browser's check; the server only withholds the headers
    expect(get.headers.get('access-control-allow-origin')).toBeNull();
  });

  it('is a 413 (problem+json) one byte over the limit, not at the limit', async () => {
    const post = (b: string, where = base, p = '/api/v1/printers') =>
      fetch(where + p, { method: 'POST', headers: { 'X-API-Key': ADMIN_KEY, 'Content-Type': 'application/json' }, body: b });
    const limit = 1024 * 1024;
    const padded = (n: number) => JSON.stringify({ displayName: 'x'.repeat(n - '{"displayName":""}'.length) });
    expect(Buffer.byteLength(padded(limit))).toBe(limit);
    const at = await post(padded(limit));
    expect(at.status).toBe(400); // read and validated (too long a name), not refused for its size
    const over = await post(padded(limit + 1));
    expect(over.status).toBe(413);
    expect(over.headers.get('content-type')).toMatch(/^application\/problem\+json/);
    expect((await over.json()).detail).toMatch(/limit of 1048576 bytes/);
    // A configured limit applies to every operation, anonymous PhixFlow endpoints included.
    expect((await post(padded(4097), smallBase)).status).toBe(413);
    expect((await post(JSON.stringify(['x'.repeat(5000)]), smallBase, '/phixflow/api/1/action/Demo/Public%20ping/trigger')).status).toBe(413);
    expect((await post(padded(4096), smallBase)).status).toBe(400);
  });
});

describe('npm audit of the production dependencies', () => {
  it('finds no high or critical vulnerability (skipped when the audit endpoint cannot be used)', async (ctx) => {
    if (process.env.FLOWMOCK_SKIP_AUDIT) return ctx.skip('FLOWMOCK_SKIP_AUDIT is set');
    const out = await new Promise<{ code: number | null; stdout: string; error?: Error }>((resolve) => {
      execFile('npm', ['audit', '--omit=dev', '--audit-level=high', '--json'], { cwd: ROOT, timeout: 90_000, maxBuffer: 32 * 2 ** 20 },
        (error, stdout) => resolve({ code: error ? (typeof error.code === 'number' ? error.code : null) : 0, stdout, error: error ?? undefined }));
    });
    let report: any;
    try {
      report = JSON.parse(out.stdout);
    } catch {
      return ctx.skip(`npm audit gave no report (registry unreachable?): ${out.error?.message.split('\n')[0] ?? 'no output'}`);
    }
    if (!report.metadata?.vulnerabilities) {
      // e.g. a registry mirror without the advisories endpoint: 405 on POST /-/npm/v1/security/advisories/bulk.
      console.log(`[audit] skipped: the audit endpoint did not answer: ${report.message ?? report.error?.summary ?? JSON.stringify(report).slice(0, 200)}`);
      return ctx.skip(`npm audit could not be run: ${report.message ?? 'no advisories'}`);
    }
    const v = report.metadata.vulnerabilities;
    console.log(`[audit] production dependencies: ${JSON.stringify(v)}`);
    expect({ high: v.high, critical: v.critical }).toEqual({ high: 0, critical: 0 });
    expect(out.code).toBe(0);
  }, 120_000);
});
