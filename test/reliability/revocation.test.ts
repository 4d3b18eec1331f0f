/**
 * Issue 14, item 6: revoking a key, or disabling its user, ends what its requests hold open at
 * once: the dashboard event stream closes, a pending progress long-poll answers 401 instead of
 * waiting out its timeout.
 */
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { createApp, type FlowmockApp } from '../../src/app.js';
import { FLOW } from '../support/demo-flows.js';

const ADMIN_KEY = 'revocation-admin-key-0123456789abcdefghijklm';
let fm: FlowmockApp;
let base: string;
beforeAll(async () => {
  // Virtual clock: executions stay Running until the test moves time, so long-polls wait.
  fm = await createApp({ db: ':memory:', port: 0, speed: 1, clock: 'virtual', printStartup: false, logLevel: 'silent', adminKey: ADMIN_KEY, validateResponses: true });
  base = await fm.listen();
});
afterAll(async () => { await fm?.close(); });

const keyFor = async (username: string) => {
  const user = (await fm.services.store.users.byUsername(username))!;
  return (await fm.services.credentials.createApiKey(user.id, 'revocation test'));
};

/** Reads an event stream until it ends; resolves with what it received. */
async function readToEnd(res: Response): Promise<string> {
  const reader = res.body!.getReader();
  let text = '';
  for (;;) {
    const { done, value } = await reader.read();
    if (done) return text;
    text += new TextDecoder().decode(value);
  }
}

describe('revocation ends open requests', () => {
  it('revoking a key closes its event stream at once (not at the stream timeout of an hour)', async () => {
    const { record, key } = await keyFor('admin');
    const res = await fetch(`${base}/__flowmock/events?timeout=3600`, { headers: { 'X-API-Key': key } });
    expect(res.status).toBe(200);
    const ended = readToEnd(res);
    // The stream is open once its first event is there.
    await new Promise<void>((resolve) => {
      const check = () => (fm.services.credentials['watched'].size > 0 ? resolve() : setImmediate(check));
      check();
    });
    await fm.services.store.apiKeys.revoke(record.id, new Date().toISOString());
    expect(await ended).toMatch(/event: ready/);
  });

  it('a request answered at once watches no credentials (the watch is for requests that stay open)', async () => {
    const { key } = await keyFor('integrator');
    const watch = vi.spyOn(fm.services.credentials, 'watch');
    try {
      const res = await fetch(`${base}/api/v1/flows`, { headers: { 'X-API-Key': key } });
      expect(res.status).toBe(200);
      expect(watch).not.toHaveBeenCalled();
    } finally {
      watch.mockRestore();
    }
  });

  it('revoking a key answers its pending long-poll with 401', async () => {
    const { record, key } = await keyFor('integrator');
    const started = await (await fetch(`${base}/api/v1/flows/executions/start?flow=${FLOW.invoice}`, { method: 'POST', headers: { 'X-API-Key': key } })).json();
    const poll = fetch(`${base}/api/v1/flows/executions/${started.id}/progress?timeout=120`, { headers: { 'X-API-Key': key } });
    await new Promise<void>((resolve) => {
      const check = () => (fm.services.flows.pendingWaiters() > 0 ? resolve() : setImmediate(check));
      check();
    });
    await fm.services.store.apiKeys.revoke(record.id, new Date().toISOString());
    const res = await poll;
    expect(res.status).toBe(401);
    expect((await res.json()).detail).toMatch(/revoked/);
  });

  it('disabling a user answers the pending long-polls of its keys with 401', async () => {
    const { key } = await keyFor('integrator');
    const started = await (await fetch(`${base}/api/v1/flows/executions/start?flow=${FLOW.invoice}`, { method: 'POST', headers: { 'X-API-Key': key } })).json();
    const before = fm.services.flows.pendingWaiters();
    const poll = fetch(`${base}/api/v1/flows/executions/${started.id}/progress?timeout=120`, { headers: { 'X-API-Key': key } });
    await new Promise<void>((resolve) => {
      const check = () => (fm.services.flows.pendingWaiters() > before ? resolve() : setImmediate(check));
      check();
    });
    await fm.services.store.users.setEnabled((await fm.services.store.users.byUsername('integrator'))!.id, false);
    const res = await poll;
    expect(res.status).toBe(401);
    expect((await res.json()).detail).toMatch(/disabled/);
  });
});
