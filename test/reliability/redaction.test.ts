/**
 * Issue 14, item 8: one list of secret names (headers, query parameters, body fields at any
 * depth) keeps credentials out of the debug log, the request journal and what an actionflow sees
 * of its request, wherever the caller put them (?api_key=, ?token=, ?access_token=,
 * X-Auth-Token, a login body that is an array, nested fields, a form body); and the journal names
 * a caller only from verified credentials (a forged token's `sub` is not reported as that user).
 */
import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { Writable } from 'node:stream';
import { SignJWT } from 'jose';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createApp, type FlowmockApp } from '../../src/app.js';
import { createLogger } from '../../src/http/logging.js';

const ADMIN_KEY = 'redaction-admin-key-0123456789abcdefghijklmnop';
const dir = mkdtempSync(path.join(tmpdir(), 'flowmock-redaction-'));
let fm: FlowmockApp;
let base: string;
let logText = '';
const S = (n: number) => `sekret-${n}-${'q'.repeat(12)}`;

beforeAll(async () => {
  const sink = new Writable({ write(chunk, _enc, cb) { logText += chunk; cb(); } });
  fm = await createApp(
    { db: path.join(dir, 'r.db'), port: 0, speed: 0, printStartup: false, logLevel: 'debug', adminKey: ADMIN_KEY },
    { logger: createLogger('debug', sink) },
  );
  base = await fm.listen();
}, 60_000);
afterAll(async () => {
  await fm?.close();
  rmSync(dir, { recursive: true, force: true });
});

const send = (p: string, init: { method?: string; headers?: Record<string, string>; body?: string } = {}) =>
  fetch(base + p, { method: init.method ?? (init.body === undefined ? 'GET' : 'POST'), headers: init.headers, body: init.body });

describe('credentials sent anywhere stay out of the log, the journal and actionflow input', () => {
  it('redacts query, header, nested-body, array-body and form-body credentials everywhere', async () => {
    await send(`/api/v1/users/me?api_key=${S(1)}&token=${S(2)}&access_token=${S(3)}&apiKey=${S(10)}`, { headers: { 'X-API-Key': ADMIN_KEY, 'X-Auth-Token': S(4) } });
    await send('/api/v1/authenticate/login', { headers: { 'Content-Type': 'application/json' }, body: JSON.stringify([{ username: 'integrator', password: S(5) }]) });
    await send('/api/v1/authenticate/login', { headers: { 'Content-Type': 'application/json' }, body: JSON.stringify({ username: 'integrator', password: S(6), extra: { deeper: [{ refresh_token: S(7) }] } }) });
    await send('/api/v1/authenticate/login', { headers: { 'Content-Type': 'application/x-www-form-urlencoded' }, body: `username=integrator&password=${S(11)}` });
    const { token } = await (await send('/__flowmock/phixflow/tokens', { headers: { 'X-API-Key': ADMIN_KEY, 'Content-Type': 'application/json' }, body: JSON.stringify({ user: 'api-user' }) })).json();
    const echo = await send(`/phixflow/api/1/action/Demo/Echo%20and%20enrich/trigger?access_token=${S(8)}`, {
      headers: { Authorization: `Bearer ${token}`, 'X-Auth-Token': S(9), 'Content-Type': 'application/json' }, body: JSON.stringify([{ email: 'a@b.c' }]),
    });
    expect(echo.status).toBe(200);
    await fm.services.journal.flush();

    const journal = await (await send('/__flowmock/requests?size=100', { headers: { 'X-API-Key': ADMIN_KEY } })).text();
    const logs = await (await send('/__flowmock/phixflow/logs?size=100', { headers: { 'X-API-Key': ADMIN_KEY } })).text();
    const files = readdirSync(dir).filter((f) => !f.endsWith('.secrets')).map((f) => readFileSync(path.join(dir, f)).toString('latin1')).join('\n');
    const leaks: string[] = [];
    for (let n = 1; n <= 11; n++) {
      for (const [where, text] of [['journal', journal], ['actionflow logs', logs], ['debug log', logText], ['database files', files]] as const) {
        if (text.includes(S(n))) leaks.push(`secret ${n} in the ${where}`);
      }
    }
    expect(leaks).toEqual([]);
    expect(journal).toContain('[redacted]');
    expect(logText).toContain('"x-auth-token":"[redacted]"');
  });

  it('a forged PhixFlow token: its sub is not reported as the user in the journal', async () => {
    const forged = await new SignJWT({}).setProtectedHeader({ alg: 'HS256', typ: 'JWT' }).setSubject('admin').setIssuedAt()
      .sign(new TextEncoder().encode('not-the-servers-secret-0123456789abcdef'));
    // An anonymous actionflow answers even with a token it does not need.
    const res = await send('/phixflow/api/1/action/Demo/Public%20ping/trigger', { headers: { Authorization: `Bearer ${forged}`, 'Content-Type': 'application/json' }, body: '[]' });
    expect(res.status).toBe(200);
    await fm.services.journal.flush();
    const entries = ((await (await send("/__flowmock/requests?size=100", { headers: { "X-API-Key": ADMIN_KEY } })).json()) as { content: Array<{ path: string; user: string | null; tokenSubject: string | null }> }).content;
    const ping = entries.find((e) => e.path.includes('Public%20ping') || e.path.includes('Public ping'));
    expect(ping).toBeDefined();
    expect(ping!.user).not.toBe('admin');
    expect(ping!.tokenSubject).toBe('admin'); // shown as sent, and documented as not verified
  });
});
