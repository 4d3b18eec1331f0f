/**
 * Issue 14, item 9 (the smaller ones): download names bounded and sanitised; a JSONata range
 * bounded (the demo actionflow's `limit` could make 10,000,000 items); Swagger UI sent with CSP,
 * no framing and nosniff, and not keeping the key in localStorage; `flowmock keys list` strips
 * terminal control characters; journal path templates with adjacent parameters match without
 * backtracking; a documented limit of active keys per user; anonymous PhixFlow runs pruned after
 * their documented retention; the journal's kill -9 window stated in the spec.
 */
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { createApp, type FlowmockApp } from '../../src/app.js';
import { MAX_ACTIVE_KEYS_PER_USER, KeyLimitError } from '../../src/auth/credentials.js';
import { keysList } from '../../src/cli/admin.js';
import { compileExpression, MAX_RANGE_ITEMS } from '../../src/engine/definitions/expressions.js';
import { ANONYMOUS_RETENTION_MS } from '../../src/engine/actionflows/actionflow-engine.js';
import { contentDisposition, MAX_FILE_NAME_CHARS } from '../../src/handler-contract/content-disposition.js';
import { templateToRegExp } from '../../src/store/journal-store.js';
import { ROOT } from './support.js';

const ADMIN_KEY = 'small-items-admin-key-0123456789abcdefghijk';
let fm: FlowmockApp;
let base: string;
const dir = mkdtempSync(path.join(tmpdir(), 'flowmock-small-'));
beforeAll(async () => {
  fm = await createApp({ db: path.join(dir, 's.db'), port: 0, speed: 0, clock: 'virtual', printStartup: false, logLevel: 'silent', adminKey: ADMIN_KEY, validateResponses: true });
  base = await fm.listen();
});
afterAll(async () => {
  await fm?.close();
  rmSync(dir, { recursive: true, force: true });
});

describe('small items', () => {
  it('a document name of any size or content gives a bounded, clean Content-Disposition', async () => {
    const huge = `${'a'.repeat(1_800_000)}.pdf`;
    const header = contentDisposition(huge);
    expect(header.length).toBeLessThan(4 * MAX_FILE_NAME_CHARS + 100);
    expect(header).toMatch(/filename="a+\.pdf"/);
    const nasty = contentDisposition('..\\../etc/passwd\r\nSet-Cookie: x=1\u0000\u001b[2J.pdf');
    expect(nasty).not.toMatch(/[\u0000-\u001f\u007f/\\]/);
  });

  it(`a JSONata range is bounded to ${MAX_RANGE_ITEMS} items (D2014), below it works as before`, async () => {
    const e = compileExpression('$count([0..$n - 1])');
    expect(await e.evaluate({}, { n: MAX_RANGE_ITEMS })).toBe(MAX_RANGE_ITEMS);
    await expect(e.evaluate({}, { n: 10_000_000 })).rejects.toThrow(/D2014/);
    expect(await compileExpression('[3..1]').evaluate({})).toEqual([]);
    // Through the demo actionflow: a huge limit is refused, not allocated.
    const { token } = await (await fetch(`${base}/__flowmock/phixflow/tokens`, { method: 'POST', headers: { 'X-API-Key': ADMIN_KEY, 'Content-Type': 'application/json' }, body: JSON.stringify({ user: 'api-user' }) })).json();
    const res = await fetch(`${base}/phixflow/api/1/action/Demo/Regional%20prices/trigger?currency=EUR&limit=10000000`, { method: 'POST', headers: { Authorization: `Bearer ${token}`, 'Content-Type': 'application/json' }, body: '[]' });
    expect(res.status).toBeLessThan(500);
    expect(JSON.stringify(await res.json())).toMatch(/D2014|at most/);
  });

  it('Swagger UI: CSP without framing, nosniff, and the key not kept in localStorage', async () => {
    const page = await fetch(`${base}/swagger-ui/`);
    expect(page.status).toBe(200);
    expect(page.headers.get('content-security-policy')).toMatch(/frame-ancestors 'none'/);
    expect(page.headers.get('x-frame-options')).toBe('DENY');
    expect(page.headers.get('x-content-type-options')).toBe('nosniff');
    const init = await (await fetch(`${base}/swagger-ui/swagger-initializer.js`)).text();
    expect(init).toMatch(/persistAuthorization: false/);
  });

  it('flowmock keys list prints no terminal control characters from key names', async () => {
    const user = (await fm.services.store.users.byUsername('api-user'))!;
    await fm.services.credentials.createApiKey(user.id, 'evil\u001b]0;pwned\u0007\u001b[2J\u009b31m name');
    const lines: string[] = [];
    const spy = vi.spyOn(console, 'log').mockImplementation((...a: unknown[]) => { lines.push(a.join(' ')); });
    try {
      await keysList({ user: 'api-user', db: path.join(dir, 's.db') });
    } finally {
      spy.mockRestore();
    }
    const out = lines.join('\n');
    expect(out).toMatch(/evil/);
    expect(out).not.toMatch(/[\u0000-\u0009\u000b-\u001f\u007f-\u009f]/);
  });

  it('journal path templates with adjacent parameters match correctly and without backtracking', async () => {
    const t = templateToRegExp(`/a/${'{p}'.repeat(30)}/b`);
    expect(t.test(`/a/${'x'.repeat(30)}/b`)).toBe(true);
    expect(t.test(`/a/${'x'.repeat(29)}/b`)).toBe(false);
    // A regular expression backtracked for seconds (exponentially) on this one.
    expect(t.test(`/a/${'x'.repeat(50_000)}/c`)).toBe(false);
    const mixed = templateToRegExp('/f/{name}.{ext}-{v}');
    expect(mixed.test('/f/report.final.pdf-2')).toBe(true);
    expect(mixed.test('/f/report.pdf-')).toBe(false);
    expect(mixed.test('/f/.pdf-2')).toBe(false);
    expect(templateToRegExp('/api/v1/flows/executions/{execution}/progress').test('/api/v1/flows/executions/1/2/progress')).toBe(false);
  });

  it(`a user holds at most ${MAX_ACTIVE_KEYS_PER_USER} active keys: one more is a 400 naming maxKeysPerUser`, async () => {
    const user = (await fm.services.store.users.byUsername('integrator'))!;
    while ((await fm.services.store.apiKeys.listActive(user.id)).length < MAX_ACTIVE_KEYS_PER_USER) await fm.services.credentials.createApiKey(user.id, 'filler');
    await expect(fm.services.credentials.createApiKey(user.id, 'one more')).rejects.toThrow(KeyLimitError);
    const integratorKey = fm.seed.newKeys.find((k) => k.username === 'integrator')!.key;
    const res = await fetch(`${base}/api/v1/users/me/tokens`, { method: 'POST', headers: { 'X-API-Key': integratorKey, 'Content-Type': 'application/json' }, body: JSON.stringify({ displayName: 'one more' }) });
    expect(res.status).toBe(400);
    expect((await res.json()).errors[0].rule).toBe('maxKeysPerUser');
  });

  it('anonymous PhixFlow runs are pruned after their retention; runs of token holders are kept', async () => {
    const ping = () => fetch(`${base}/phixflow/api/1/action/Demo/Public%20ping/trigger`, { method: 'POST', headers: { 'Content-Type': 'application/json' }, body: '[]' });
    const first = await (await ping()).json();
    expect((await fm.services.store.processes.byId(first.processId))).not.toBeNull();
    const advance = await fetch(`${base}/__flowmock/clock`, { method: 'POST', headers: { 'X-API-Key': ADMIN_KEY, 'Content-Type': 'application/json' }, body: JSON.stringify({ advanceMs: ANONYMOUS_RETENTION_MS + 120_000 }) });
    expect(advance.status).toBe(200);
    const second = await (await ping()).json();
    expect((await fm.services.store.processes.byId(first.processId))).toBeNull();
    expect((await fm.services.store.processes.byId(second.processId))).not.toBeNull();
  });

  it("the journal's kill -9 window and its reason are stated in the spec", () => {
    const spec = readFileSync(path.join(ROOT, 'spec', 'openapi.yaml'), 'utf8');
    expect(spec).toMatch(/kill -9` loses at most the last 100 ms of journal entries/);
  });
});
