/**
 * Completion webhooks (flowmock extension): a definition's `webhook` gets the final state POSTed,
 * signed with HMAC-SHA256 over the raw body; a failed delivery is retried with backoff; only
 * loopback URLs load. The receiver is a tiny node:http server on 127.0.0.1:0.
 */
import { createHmac } from 'node:crypto';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createServer, type IncomingHttpHeaders, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { startServer, type TestServer } from '../support/server.js';
import { HANG_LIMIT_MS } from '../support/wait.js';
import { STABLE, executionOf, json, pollUntil, type Progress } from '../smartflows/helpers.js';
import { call, envelopeOf, triggerPath } from '../phixflow/helpers.js';
import { DefinitionError, isLoopbackHost, loadDefinitions } from '../../src/engine/definitions/load.js';
import { webhookSignature } from '../../src/engine/webhooks.js';

interface Received { path: string; headers: IncomingHttpHeaders; raw: Buffer; at: number }

/** Records every POST; answers each path with the queued statuses first, then 204. */
class Receiver {
  server!: Server;
  base = '';
  received: Received[] = [];
  private plans = new Map<string, number[]>();
  private waiters: Array<() => void> = [];

  async start(): Promise<void> {
    this.server = createServer((req, res) => {
      const chunks: Buffer[] = [];
      req.on('data', (c: Buffer) => chunks.push(c));
      req.on('end', () => {
        this.received.push({ path: req.url ?? '', headers: req.headers, raw: Buffer.concat(chunks), at: Date.now() });
        const status = this.plans.get(req.url ?? '')?.shift() ?? 204;
        res.writeHead(status).end(status >= 400 ? 'not now' : undefined);
        for (const w of this.waiters.splice(0)) w();
      });
    });
    await new Promise<void>((resolve) => this.server.listen(0, '127.0.0.1', resolve));
    this.base = `http://127.0.0.1:${(this.server.address() as AddressInfo).port}`;
  }

  answer(p: string, ...statuses: number[]): void {
    this.plans.set(p, statuses);
  }

  async waitFor(p: string, count: number, timeoutMs = HANG_LIMIT_MS): Promise<Received[]> {
    const until = Date.now() + timeoutMs;
    for (;;) {
      const got = this.received.filter((r) => r.path === p);
      if (got.length >= count) return got;
      if (Date.now() > until) throw new Error(`${p}: ${got.length} of ${count} deliveries after ${timeoutMs} ms`);
      await new Promise<void>((resolve) => {
        this.waiters.push(resolve);
        setTimeout(resolve, 50);
      });
    }
  }

  close(): Promise<void> {
    return new Promise((resolve) => this.server.close(() => resolve()));
  }
}

const FLOW_ID = '44444444-4444-4444-8444-444444444401';
const RETRY_FLOW_ID = '44444444-4444-4444-8444-444444444402';
const DEAD_FLOW_ID = '44444444-4444-4444-8444-444444444403';
const FLOW_SECRET = 'flow-secret-0123456789';
const SERVER_SECRET = 'server-secret-0123456789';

let rx: Receiver;
let dir: string;
let s: TestServer;

const flowYaml = (id: string, name: string, url: string, secret?: string) => [
  'kind: flow', `id: ${id}`, `displayName: ${name}`, 'input: { kind: none }',
  `webhook: { url: "${url}"${secret ? `, secret: ${secret}` : ''} }`,
  'steps:',
  '  - { id: work, type: progress, durationMs: 10, percentage: 50 }',
  '  - { id: doc, type: document, percentage: 100, fileName: Hook.pdf, template: Hooked }',
].join('\n');

beforeAll(async () => {
  rx = new Receiver();
  await rx.start();
  dir = mkdtempSync(path.join(tmpdir(), 'flowmock-webhooks-'));
  writeFileSync(path.join(dir, 'hooked.yaml'), flowYaml(FLOW_ID, 'Hooked', `${rx.base}/flow?x=1`, FLOW_SECRET));
  writeFileSync(path.join(dir, 'retried.yaml'), flowYaml(RETRY_FLOW_ID, 'Retried', `${rx.base}/retry`));
  // A port nobody listens on (the receiver's, once closed, would do too): connection refused.
  writeFileSync(path.join(dir, 'dead.yaml'), flowYaml(DEAD_FLOW_ID, 'Dead end', 'http://127.0.0.1:9/nobody'));
  writeFileSync(path.join(dir, 'echo.yaml'), [
    'kind: actionflow', 'application: Test', 'name: Hooked echo', 'mode: sync', 'allowAnonymous: true',
    'output: { name: Out }', `webhook: { url: "http://localhost:${new URL(rx.base).port}/actionflow" }`,
  ].join('\n'));
  // Retries wait on the engine clock: virtual, so each test moves it to the retry it expects.
  s = await startServer({ speed: 0, clock: 'virtual', flowsDir: dir, webhookSecret: SERVER_SECRET });
});
afterAll(async () => {
  await s?.close();
  await rx?.close();
  rmSync(dir, { recursive: true, force: true });
});
beforeEach(() => {
  rx.received = [];
});

const hmac = (secret: string, raw: Buffer) => `sha256=${createHmac('sha256', secret).update(raw).digest('hex')}`;

describe('completion webhooks', () => {
  it('POSTs the finished execution, as GetFlowExecution answers it, signed with the definition secret', async () => {
    const started = await json<Progress>(await s.call(`/api/v1/flows/executions?flowId=${FLOW_ID}`, { method: 'POST' }));
    await pollUntil(s, started.id, { until: STABLE });
    const [got] = await rx.waitFor('/flow?x=1', 1);
    expect(got.headers['content-type']).toBe('application/json');
    expect(got.headers['x-flowmock-event']).toBe('flow-execution.finished');
    expect(got.headers['x-flowmock-delivery']).toMatch(/^[0-9a-f-]{36}$/);
    expect(got.headers['x-flowmock-attempt']).toBe('1');
    expect(got.headers['x-flowmock-signature']).toBe(hmac(FLOW_SECRET, got.raw));
    expect(got.headers['x-flowmock-signature']).not.toBe(hmac(SERVER_SECRET, got.raw));
    expect(webhookSignature(FLOW_SECRET, got.raw)).toBe(got.headers['x-flowmock-signature']);
    const payload = JSON.parse(got.raw.toString('utf8'));
    expect(payload).toEqual(await executionOf(s, started.id));
    expect(payload).toMatchObject({ id: started.id, status: 'Success', flow: { id: FLOW_ID, displayName: 'Hooked' } });
    // Only the end is delivered, once: nothing else in flight, no retry due however long the clock moves on.
    await s.fm.services.webhooks.idle();
    await s.advance(60_000);
    await s.fm.services.webhooks.idle();
    expect(rx.received.filter((r) => r.path === '/flow?x=1')).toHaveLength(1);
  });

  it('also for an execution that ends otherwise (canceled in UserInput via the user-input scenario)', async () => {
    const started = await json<Progress>(await s.call(`/api/v1/flows/executions?flowId=${FLOW_ID}`, { method: 'POST', headers: { Prefer: 'scenario=user-input' } }));
    await pollUntil(s, started.id);
    await s.call(`/api/v1/flows/executions/${started.id}`, { method: 'DELETE' });
    const [got] = await rx.waitFor('/flow?x=1', 1);
    expect(JSON.parse(got.raw.toString('utf8'))).toMatchObject({ id: started.id, status: 'Canceled' });
  });

  it('retries after a 500 (0.5 s later, same delivery id), and stops once a 2xx came', async () => {
    rx.answer('/retry', 500);
    const started = await json<Progress>(await s.call(`/api/v1/flows/executions?flowId=${RETRY_FLOW_ID}`, { method: 'POST' }));
    await pollUntil(s, started.id, { until: STABLE });
    await rx.waitFor('/retry', 1);
    await s.fm.services.webhooks.idle();
    await s.advance(499);
    await s.fm.services.webhooks.idle();
    expect(rx.received.filter((r) => r.path === '/retry'), 'no retry before 0.5 s').toHaveLength(1);
    await s.advance(1);
    const [first, second] = await rx.waitFor('/retry', 2);
    expect(first.headers['x-flowmock-attempt']).toBe('1');
    expect(second.headers['x-flowmock-attempt']).toBe('2');
    expect(second.headers['x-flowmock-delivery']).toBe(first.headers['x-flowmock-delivery']);
    expect(second.raw.equals(first.raw)).toBe(true);
    // Without its own secret the server's secret signs.
    expect(second.headers['x-flowmock-signature']).toBe(hmac(SERVER_SECRET, second.raw));
    await s.fm.services.webhooks.idle();
    await s.advance(60_000); // past every later retry delay (1, 2, 4, 8 s)
    await s.fm.services.webhooks.idle();
    expect(rx.received.filter((r) => r.path === '/retry')).toHaveLength(2);
  });

  it('a delivery that cannot connect is logged and retried; the execution is not affected', async () => {
    const started = await json<Progress>(await s.call(`/api/v1/flows/executions?flowId=${DEAD_FLOW_ID}`, { method: 'POST' }));
    expect((await pollUntil(s, started.id, { until: STABLE })).at(-1)!.status).toBe('Success');
    await s.fm.services.webhooks.idle();
    expect((await executionOf(s, started.id)).status).toBe('Success');
    expect((await s.call('/__flowmock/health', { key: null })).status).toBe(200);
  });

  it('POSTs the envelope of a finished actionflow run, signed with the server secret', async () => {
    const env = await envelopeOf(await call(s, triggerPath('Test', 'Hooked echo'), { json: [{ a: 1 }] }), 200);
    const [got] = await rx.waitFor('/actionflow', 1);
    expect(got.headers['x-flowmock-event']).toBe('actionflow-run.finished');
    expect(got.headers['x-flowmock-signature']).toBe(hmac(SERVER_SECRET, got.raw));
    expect(JSON.parse(got.raw.toString('utf8'))).toEqual(env);
  });
});

describe('webhook URLs', () => {
  it('only loopback hosts load; anything else is a definition error at /webhook/url', async () => {
    const bad = mkdtempSync(path.join(tmpdir(), 'flowmock-webhooks-bad-'));
    try {
      const urls = ['http://example.com/hook', 'http://10.0.0.1/hook', 'https://192.168.1.2:8443/x', 'http://[::ffff:127.0.0.1]/x', 'http://localhost.example.com/x'];
      urls.forEach((url, i) => writeFileSync(path.join(bad, `f${i}.yaml`), flowYaml(`55555555-5555-4555-8555-55555555550${i}`, `F${i}`, url)));
      writeFileSync(path.join(bad, 'ftp.yaml'), flowYaml('55555555-5555-4555-8555-555555555599', 'Ftp', 'ftp://127.0.0.1/x'));
      const err = await loadDefinitions(bad).then(() => null, (e: unknown) => e);
      expect(err).toBeInstanceOf(DefinitionError);
      const problems = (err as DefinitionError).problems.map((p) => [path.basename(p.file), p.pointer, p.rule]);
      expect(problems).toEqual(expect.arrayContaining([
        ...urls.map((_u, i) => [`f${i}.yaml`, '/webhook/url', 'loopback-url']),
        ['ftp.yaml', '/webhook/url', 'pattern'],
      ]));
      expect((err as DefinitionError).message).toContain('host "example.com" is not a loopback address');
    } finally {
      rmSync(bad, { recursive: true, force: true });
    }
  });

  it('127.0.0.0/8 (in any spelling the URL parser accepts), [::1] and localhost are loopback', () => {
    for (const url of ['http://127.0.0.1:1/x', 'http://127.1.2.3/', 'http://127.1/', 'http://0x7f.0.0.1/', 'http://[::1]:8080/', 'http://[0:0:0:0:0:0:0:1]/', 'http://LOCALHOST/']) {
      expect(isLoopbackHost(new URL(url).hostname), url).toBe(true);
    }
    for (const url of ['http://128.0.0.1/', 'http://[::2]/', 'http://example.com/', 'http://0.0.0.0/']) {
      expect(isLoopbackHost(new URL(url).hostname), url).toBe(false);
    }
  });
});
