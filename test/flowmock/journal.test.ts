/**
 * The request journal over HTTP: what an entry holds and what it must never hold (keys, tokens,
 * passwords), the filters, reset, verify (200 when the expectation holds, 409 when not), and
 * its bounds (body cap, binary summaries, entry cap).
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { hashPassword } from '../../src/auth/secrets.js';
import { startServer, type TestServer } from '../support/server.js';
import { problemOf } from '../support/problem.js';
import { FLOW, pollUntil, startFlow, executionOf } from '../smartflows/helpers.js';
import { call, triggerPath } from '../phixflow/helpers.js';
import { clearJournal, createKey, journal, json, verify, type JournalEntry } from './helpers.js';
import { sleep, waitFor } from '../support/wait.js';

const PASSWORD = 'correct horse battery staple 42';

describe('request journal', () => {
  let s: TestServer;
  beforeAll(async () => {
    s = await startServer();
  });
  afterAll(async () => {
    await s?.close();
  });

  it('records method, path, query, status, duration, operation and caller; keys, tokens and passwords never appear', async () => {
    const integrator = (await s.fm.services.store.users.byUsername('integrator'))!;
    await s.fm.services.store.users.setPassword(integrator.id, hashPassword(PASSWORD));
    await clearJournal(s);

    // API key traffic, a key created over the API, a login and a bearer call, a PhixFlow token and trigger.
    await json(await s.call('/api/v1/flows?page=0&size=5'));
    const created = await createKey(s, 'integrator', 'journal test');
    const login = (await json<{ tokens: Array<{ token: string }> }>(await s.call('/api/v1/authenticate/login', {
      key: null, method: 'POST', headers: { 'Content-Type': 'application/json' },
      body: JSON.stringify({ username: 'integrator', password: PASSWORD }),
    }))).tokens[0];
    await json(await s.call('/api/v1/users/me', { key: null, headers: { Authorization: `Bearer ${login.token}` } }));
    const { token } = await json<{ token: string }>(await s.call('/__flowmock/phixflow/tokens', {
      method: 'POST', key: s.adminKey, headers: { 'Content-Type': 'application/json' }, body: JSON.stringify({ user: 'api-user' }),
    }), 201);
    const triggered = await call(s, triggerPath('Demo', 'Echo and enrich'), { token, json: [{ name: 'Ann', email: 'ann@example.com' }] });
    expect(triggered.status).toBe(200);
    await json(await s.call('/__flowmock/health', { key: null }));
    // A client that puts its key where it does not belong: the journal blanks it there too.
    expect((await s.call(`/api/v1/flows?note=${encodeURIComponent(s.integratorKey)}`)).status).toBe(200);

    const page = await journal(s, '?size=100');
    const text = JSON.stringify(page);
    for (const secret of [s.integratorKey, s.adminKey, created.key, login.token, token, PASSWORD]) {
      expect(text.includes(secret), `a secret (…${secret.slice(-6)}) is in the journal`).toBe(false);
    }
    expect(page.content.map((e) => `${e.method} ${e.path}`)).toEqual([
      'GET /api/v1/flows',
      'GET /__flowmock/health',
      'POST /phixflow/api/1/action/Demo/Echo%20and%20enrich/trigger',
      'POST /__flowmock/phixflow/tokens',
      'GET /api/v1/users/me',
      'POST /api/v1/authenticate/login',
      'POST /api/v1/users/integrator/tokens',
      'GET /api/v1/flows',
    ]); // newest first; the journal's own requests are not in it

    const byOp = (id: string) => page.content.find((e) => e.operationId === id) as JournalEntry;
    const flows = page.content.at(-1)!;
    expect(flows).toMatchObject({
      method: 'GET', path: '/api/v1/flows', query: { page: '0', size: '5' }, status: 200, operationId: 'GetFlows',
      user: 'integrator', client: `key:${flows.apiKeyId}`, tokenSubject: null,
    });
    expect(flows.durationMs).toBeGreaterThanOrEqual(0);
    expect(Date.parse(flows.at)).toBeGreaterThan(Date.now() - 60_000);
    expect(flows.requestHeaders['x-api-key']).toBe('[redacted]');
    expect(flows.requestBody).toBeNull();
    expect(flows.responseHeaders['content-type']).toMatch(/^application\/json/);
    expect(flows.responseBody).toMatchObject({ truncated: false, contentType: expect.stringMatching(/json/) });
    expect((JSON.parse(flows.responseBody!.text!) as unknown[]).length).toBeGreaterThan(0);

    expect(JSON.parse(byOp('CreateUserToken').responseBody!.text!)).toMatchObject({ apiKey: '[redacted]', secret: '[redacted]', displayName: 'journal test' });
    const loginEntry = byOp('AuthenticateLoginPost');
    expect(JSON.parse(loginEntry.requestBody!.text!)).toEqual({ username: 'integrator', password: '[redacted]' });
    expect(JSON.parse(loginEntry.responseBody!.text!).tokens).toBe('[redacted]');
    expect(loginEntry.client).toBe('anonymous');
    expect(byOp('GetCurrentUser')).toMatchObject({ user: 'integrator', tokenSubject: integrator.id, client: `token:${integrator.id}` });
    expect(byOp('GetCurrentUser').requestHeaders.authorization).toBe('[redacted]');
    expect(JSON.parse(byOp('CreatePhixFlowToken').responseBody!.text!).token).toBe('[redacted]');
    const trigger = byOp('TriggerActionflow');
    expect(trigger).toMatchObject({ user: 'api-user', tokenSubject: 'api-user', client: 'token:api-user', status: 200 });
    expect(JSON.parse(trigger.requestBody!.text!)).toEqual([{ name: 'Ann', email: 'ann@example.com' }]);
    expect(page.content[0].query.note).toBe('[redacted]');
  });

  it('filters by path (exact, template, prefix), method, status, user, operation and time; pages newest first', async () => {
    await clearJournal(s);
    const t0 = new Date().toISOString();
    const started = await startFlow(s, FLOW.invoice);
    await pollUntil(s, started.id, { until: ['Success'] });
    await s.call('/api/v1/flows/executions/no-such-execution');
    const t1 = new Date(Date.now() + 1).toISOString();
    await sleep(5); // the journal stamps wall time: the next request must come after t1
    await s.call('/api/v1/printers', { key: s.adminKey });

    const all = await journal(s, '?size=100');
    expect(all.totalElements).toBeGreaterThanOrEqual(4);
    const times = all.content.map((e) => Date.parse(e.at));
    expect([...times].sort((a, b) => b - a)).toEqual(times);

    const template = await journal(s, `?path=${encodeURIComponent('/api/v1/flows/executions/{execution}/progress')}`);
    expect(template.totalElements).toBeGreaterThan(0);
    expect(template.content.every((e) => e.operationId === 'GetFlowExecutionProgress' && e.executionId === started.id)).toBe(true);
    const exact = await journal(s, `?path=${encodeURIComponent(`/api/v1/flows/executions/${started.id}/progress`)}`);
    expect(exact.totalElements).toBe(template.totalElements);
    expect((await journal(s, `?path=${encodeURIComponent('/api/v1/flows/executions/{execution}')}`)).content.map((e) => e.status)).toEqual([404]);
    expect((await journal(s, '?pathPrefix=/api/v1/printers')).content.map((e) => e.path)).toEqual(['/api/v1/printers']);
    expect((await journal(s, '?method=POST')).content.map((e) => e.operationId)).toEqual(['ExecuteFlow']);
    expect((await journal(s, '?status=404')).content.map((e) => e.path)).toEqual(['/api/v1/flows/executions/no-such-execution']);
    expect((await journal(s, '?user=admin')).content.map((e) => e.operationId)).toEqual(['GetPrinters']);
    expect((await journal(s, '?user=integrator')).totalElements).toBe(all.totalElements - 1);
    expect((await journal(s, '?operationId=ExecuteFlow')).content[0].executionId).toBe(started.id);
    expect((await journal(s, `?since=${encodeURIComponent(t1)}`)).content.map((e) => e.operationId)).toEqual(['GetPrinters']);
    expect((await journal(s, `?since=${encodeURIComponent(t0)}&until=${encodeURIComponent(t1)}`)).totalElements).toBe(all.totalElements - 1);

    const p0 = await journal(s, '?page=0&size=2');
    const p1 = await journal(s, '?page=1&size=2');
    expect(p0).toMatchObject({ number: 0, size: 2, totalElements: all.totalElements, totalPages: Math.ceil(all.totalElements / 2) });
    expect([...p0.content, ...p1.content].map((e) => e.id)).toEqual(all.content.slice(0, 4).map((e) => e.id));
  });

  it('DELETE /__flowmock/requests empties it (204); reading the journal does not fill it', async () => {
    await s.call('/api/v1/flows');
    expect((await journal(s)).totalElements).toBeGreaterThan(0);
    const res = await s.call('/__flowmock/requests', { method: 'DELETE', key: s.adminKey });
    expect(res.status).toBe(204);
    expect(await res.text()).toBe('');
    expect((await journal(s)).totalElements).toBe(0);
    await s.call('/__flowmock/report/clients', { key: s.adminKey });
    await s.call('/__flowmock/executions', { key: s.adminKey });
    await s.call('/__flowmock/', { key: null });
    expect((await journal(s)).totalElements).toBe(0);
  });

  it('verify answers 200 with ok true when the expectation holds and 409 problem+json when it does not', async () => {
    await clearJournal(s);
    const started = await startFlow(s, FLOW.invoice);
    const polls = await pollUntil(s, started.id, { until: ['Success'] });
    const progress = '/api/v1/flows/executions/{execution}/progress';

    const holds = await verify(s, { method: 'GET', path: progress, user: 'integrator', count: polls.length });
    expect(holds.status).toBe(200);
    expect(await holds.json()).toEqual({ ok: true, matched: polls.length, expected: { atLeast: polls.length, atMost: polls.length } });
    expect(await json(await verify(s, { path: '/api/v1/flows/executions', method: 'POST' }))).toEqual({ ok: true, matched: 1, expected: { atLeast: 1 } });
    expect((await verify(s, { operationId: 'GetFlowExecutionProgress', status: 200, count: { atLeast: 1, atMost: 100 } })).status).toBe(200);
    expect((await verify(s, { path: '/api/v1/printers', count: 0 })).status).toBe(200);

    const tooMany = await verify(s, { method: 'GET', path: progress, count: { atMost: polls.length - 1 } });
    expect(tooMany.status).toBe(409);
    const problem = await problemOf(tooMany) as any;
    expect(problem).toMatchObject({ status: 409, ok: false, matched: polls.length, expected: { atMost: polls.length - 1 } });
    expect(problem.detail).toContain(`${polls.length} request`);
    expect(problem.detail).toContain(`at most ${polls.length - 1}`);
    const never = await verify(s, { path: '/api/v1/printers' });
    expect(never.status).toBe(409);
    expect(await never.json()).toMatchObject({ matched: 0, expected: { atLeast: 1 } });
    expect((await verify(s, { user: 'admin', count: 1 })).status).toBe(409); // verify calls are not journaled

    const impossible = await verify(s, { count: { atLeast: 3, atMost: 1 } });
    expect(impossible.status).toBe(400);
    expect((await problemOf(impossible)).errors?.[0]).toMatchObject({ in: 'body', pointer: '/count' });
    expect((await verify(s, { path: 'no-slash' })).status).toBe(400);
    expect((await verify(s, { count: -1 })).status).toBe(400);
  });

  it('records a request the client gave up on (a long-poll aborted) as 499', async () => {
    const live = await startServer({ speed: 1, clock: 'virtual' }); // the slow flow stays Running: its clock never moves
    try {
      const slow = await startFlow(live, FLOW.slow);
      const abort = new AbortController();
      const polling = live.call(`/api/v1/flows/executions/${slow.id}/progress?timeout=30`, { signal: abort.signal }).catch(() => null);
      await live.pollsWaiting();
      abort.abort();
      await polling;
      const path = encodeURIComponent(`/api/v1/flows/executions/${slow.id}/progress`);
      const entry = await waitFor('the aborted poll in the journal', async () => (await journal(live, `?path=${path}`)).content[0]);
      expect(entry).toMatchObject({ status: 499, operationId: 'GetFlowExecutionProgress', responseBody: null, user: 'integrator' });
      expect(entry.durationMs).toBeGreaterThan(0);
    } finally {
      await live.close();
    }
  });

  it('needs an administrator: 401 without a key, 403 with a user key', async () => {
    for (const [path, method] of [['/__flowmock/requests', 'GET'], ['/__flowmock/requests', 'DELETE'], ['/__flowmock/report/clients', 'GET'],
      ['/__flowmock/executions', 'GET'], ['/__flowmock/processes', 'GET'], ['/__flowmock/events?timeout=0', 'GET']] as const) {
      expect((await s.call(path, { method, key: null })).status, `${method} ${path} without a key`).toBe(401);
      expect((await s.call(path, { method })).status, `${method} ${path} with the integrator key`).toBe(403);
    }
    const res = await s.call('/__flowmock/requests/verify', { method: 'POST', headers: { 'Content-Type': 'application/json' }, body: '{}' });
    expect(res.status).toBe(403);
  });

  it('keeps text bodies whole below the cap and summarises binary bodies by type and size', async () => {
    await clearJournal(s);
    const run = await startFlow(s, FLOW.invoice);
    await pollUntil(s, run.id, { until: ['Success'] });
    const execution = await executionOf(s, run.id);
    const docId = (Object.values(execution.state.output!.model!)[0] as any).document.id as string;
    const pdf = await s.call(`/api/v1/documents/${docId}/content`);
    const bytes = (await pdf.arrayBuffer()).byteLength;
    const [entry] = (await journal(s, '?operationId=GetDocumentContent')).content;
    expect(entry.responseBody).toEqual({ contentType: 'application/pdf', size: bytes, truncated: true, binary: true, note: `binary application/pdf, ${bytes} bytes` });
  });
});

describe('request journal bounds', () => {
  let s: TestServer;
  beforeAll(async () => {
    s = await startServer({ journalMaxEntries: 20, journalBodyCapBytes: 1024 });
  });
  afterAll(async () => {
    await s?.close();
  });

  it('cuts bodies over the cap and says so', async () => {
    const records = Array.from({ length: 200 }, (_, i) => ({ name: `customer ${i}`, email: `c${i}@example.com` }));
    const body = JSON.stringify(records);
    const res = await call(s, triggerPath('Demo', 'Public ping'), { json: records });
    expect(res.status).toBe(200);
    const [entry] = (await journal(s, '?operationId=TriggerActionflow')).content;
    expect(entry.requestBody).toMatchObject({ size: Buffer.byteLength(body), truncated: true, note: `cut at 1024 of ${Buffer.byteLength(body)} bytes` });
    expect(entry.requestBody!.text).toBe(body.slice(0, 1024));
    expect(entry.responseBody).toMatchObject({ truncated: false });

    const flows = await s.call('/api/v1/flows?size=100');
    const size = (await flows.arrayBuffer()).byteLength;
    expect(size).toBeGreaterThan(1024);
    const [list] = (await journal(s, '?operationId=GetFlows')).content;
    expect(list.responseBody).toMatchObject({ size, truncated: true, note: `cut at 1024 of ${size} bytes` });
    expect(Buffer.byteLength(list.responseBody!.text!)).toBeLessThanOrEqual(1024);
  });

  it('journals a HEAD answer without a body (none was sent)', async () => {
    await clearJournal(s);
    expect((await s.call('/api/v1/flows', { method: 'HEAD' })).status).toBe(200);
    const [entry] = (await journal(s, '?operationId=GetFlows')).content;
    expect(entry).toMatchObject({ method: 'HEAD', status: 200, responseBody: null });
  });

  it('keeps the newest entries up to the limit, deleting the oldest', async () => {
    await clearJournal(s);
    for (let i = 0; i < 30; i++) await s.call(`/api/v1/flows?page=${i}`);
    const page = await journal(s, '?size=100');
    expect(page.totalElements).toBe(20);
    expect(page.content.map((e) => e.query.page)).toEqual(Array.from({ length: 20 }, (_, i) => String(29 - i)));
  });
});

describe('request journal off (--journal-max 0)', () => {
  let s: TestServer;
  beforeAll(async () => {
    s = await startServer({ journalMaxEntries: 0 });
  });
  afterAll(async () => {
    await s?.close();
  });

  it('records nothing, and the journal answers as empty', async () => {
    for (let i = 0; i < 3; i++) expect((await s.call('/api/v1/flows')).status).toBe(200);
    const page = await journal(s, '?size=100');
    expect(page.totalElements).toBe(0);
    expect(page.content).toEqual([]);
  });
});
