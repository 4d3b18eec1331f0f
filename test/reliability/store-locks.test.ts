/**
 * Issue 14, items 2 and 3 (in process; the 10 s lock against a real server process is in
 * crash.test.ts): a write lock held by another connection never blocks the event loop (the
 * health answers while a start waits for the lock), a waiting start succeeds once the lock is
 * let go, a running execution whose step hits the lock is retried, not ended `Error`; and a
 * database deleted under the running server is detected, logged, answered with the documented
 * 503, and not silently recreated (nor at the next start).
 */
import { existsSync, mkdtempSync, rmSync, unlinkSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { Writable } from 'node:stream';
import Database from 'better-sqlite3';
import { afterAll, describe, expect, it } from 'vitest';
import { waitFor as until } from '../support/wait.js';
import { createApp, type FlowmockApp } from '../../src/app.js';
import { createLogger } from '../../src/http/logging.js';
import { FLOW } from '../support/demo-flows.js';

const ADMIN_KEY = 'store-locks-admin-key-0123456789abcdefghijkl';
const root = mkdtempSync(path.join(tmpdir(), 'flowmock-locks-'));
const apps: FlowmockApp[] = [];
afterAll(async () => {
  for (const a of apps) await a.close();
  rmSync(root, { recursive: true, force: true });
});

async function start(name: string, extra: Record<string, unknown> = {}) {
  let log = '';
  const sink = new Writable({ write(chunk, _enc, cb) { log += chunk; cb(); } });
  const db = path.join(root, name, 'flowmock.db');
  const fm = await createApp({ db, port: 0, speed: 1, printStartup: false, logLevel: 'info', adminKey: ADMIN_KEY, validateResponses: true, ...extra }, { logger: createLogger('info', sink) });
  apps.push(fm);
  const base = await fm.listen();
  const call = (p: string, init: RequestInit = {}) => fetch(base + p, { ...init, headers: { 'X-API-Key': ADMIN_KEY, 'Content-Type': 'application/json', ...(init.headers as Record<string, string>) } });
  return { fm, db, base, call, log: () => log };
}

describe('another connection holding the write lock', () => {
  it('does not block the event loop: health answers (degraded) while a start waits; the start then succeeds', async () => {
    const { db, call } = await start('lock-start');
    const other = new Database(db);
    other.exec('BEGIN IMMEDIATE'); // the write lock, as another process would hold it
    let startAnswered = false;
    const pending = call(`/api/v1/flows/executions/start?flow=${FLOW.invoice}`, { method: 'POST' }).then((r) => { startAnswered = true; return r; });
    // With a blocking busy timeout the start's write would hold the event loop until it failed
    // (a 500), and this health request would be answered only after it.
    const health = await until('a degraded health', async () => {
      const r = await call('/__flowmock/health');
      const body = await r.json();
      return body.status === 'degraded' ? { status: r.status, body } : null;
    });
    expect(startAnswered).toBe(false);
    expect(health.status).toBe(200);
    expect(health.body.store).toEqual({ writable: false, problem: expect.stringMatching(/lock/) });
    other.exec('COMMIT');
    other.close();
    const res = await pending;
    expect(res.status).toBe(200);
    const healthAfter = await (await call('/__flowmock/health')).json();
    expect(healthAfter).toMatchObject({ status: 'ok', store: { writable: true, problem: null } });
  });

  it('a running execution whose step meets the lock is retried, not ended Error', async () => {
    const { fm, db, call } = await start('lock-running', { clock: 'virtual' });
    const started = await (await call(`/api/v1/flows/executions/start?flow=${FLOW.invoice}`, { method: 'POST' })).json();
    const other = new Database(db);
    other.exec('BEGIN IMMEDIATE');
    const busyBefore = fm.services.store.health.state().lastBusyAt;
    // Moving the virtual clock ends the step's wait; its save meets the lock. (The clock waits
    // for the engine to settle, so the lock is let go while the advance is still in flight.)
    const advanced = call('/__flowmock/clock', { method: 'POST', body: JSON.stringify({ advanceMs: 10_000 }) });
    await until('the engine to meet the lock', () => (fm.services.store.health.state().lastBusyAt !== busyBefore ? true : null));
    other.exec('COMMIT');
    other.close();
    expect((await advanced).status).toBe(200);
    const done = await until('the execution to finish', async () => {
      await call('/__flowmock/clock', { method: 'POST', body: JSON.stringify({ advanceMs: 10_000 }) });
      const e = await (await call(`/api/v1/flows/executions/${started.id}`)).json();
      return ['Success', 'Warning', 'Error', 'Interrupted', 'Canceled'].includes(e.status) ? e : null;
    });
    expect(done.status).toBe('Success');
  });
});

describe('the database deleted while the server runs', () => {
  it('is detected and logged; answers are the documented 503 and health says so; no new database is made', async () => {
    const { db, call, log } = await start('deleted', { speed: 0 });
    expect((await call(`/api/v1/flows/executions/start?flow=${FLOW.invoice}`, { method: 'POST' })).status).toBe(200);
    for (const f of [db, `${db}-wal`, `${db}-shm`]) if (existsSync(f)) unlinkSync(f);
    const health = await until('health to report the loss', async () => {
      const r = await call('/__flowmock/health');
      return r.status === 503 ? r.json() : null;
    });
    expect(health).toMatchObject({ status: 'unavailable', store: { writable: false, problem: expect.stringMatching(/deleted/) } });
    const res = await call(`/api/v1/flows/executions/start?flow=${FLOW.invoice}`, { method: 'POST' });
    expect(res.status).toBe(503);
    expect(res.headers.get('retry-after')).toBe('1');
    expect((await res.json()).detail).toMatch(/deleted/);
    expect((await call('/api/v1/users/me')).status).toBe(503);
    expect(log()).toMatch(/database lost/);
    expect(existsSync(db)).toBe(false);
    // Nor at the next start: a new database beside the old one's key file is refused, not made.
    await apps.pop()!.close();
    await expect(createApp({ db, port: 0, speed: 0, printStartup: false, logLevel: 'silent', adminKey: ADMIN_KEY })).rejects.toThrow(/database .* is missing but its secrets file/);
    expect(existsSync(db)).toBe(false);
  });
});
