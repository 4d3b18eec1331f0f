/**
 * startFlowmock's helpers beyond the README example: durations, scenario names checked, a real
 * clock refusing to be moved, journal expectations as ranges, reset keeping URL and credentials
 * (the PhixFlow token too), and close() stopping the server.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { durationMs, JournalVerificationError, startFlowmock, type Flowmock } from '../../src/index.js';

let fm: Flowmock;
beforeAll(async () => { fm = await startFlowmock(); });
afterAll(() => fm.close());

const me = (key: string) => fetch(`${fm.url}/api/v1/users/me`, { headers: { 'X-API-Key': key } });

describe('startFlowmock', () => {
  it('durations take milliseconds or a unit; anything else is a TypeError', () => {
    expect(durationMs(250)).toBe(250);
    expect(durationMs('1.5s')).toBe(1500);
    expect(durationMs('2m')).toBe(120_000);
    expect(durationMs('1d')).toBe(86_400_000);
    expect(() => durationMs('soon' as never)).toThrow(TypeError);
  });

  it('scenario() gives the Prefer header and refuses an unknown name', () => {
    expect(fm.scenario('timeout')).toEqual({ Prefer: 'scenario=timeout' });
    expect(() => fm.scenario('explode' as never)).toThrow(/"explode" is not a scenario/);
  });

  it('the admin key, the user key and the PhixFlow token work; the journal counts, filters and verifies ranges', async () => {
    expect(((await (await me(fm.adminKey)).json()) as { userName: string }).userName).toBe('admin');
    expect(((await (await me(fm.userKey)).json()) as { userName: string }).userName).toBe('integrator');
    const trigger = await fetch(`${fm.url}/phixflow/api/1/action/Demo/Echo%20and%20enrich/trigger`, {
      method: 'POST', headers: { Authorization: `Bearer ${fm.phixflowToken}`, 'Content-Type': 'application/json' }, body: '[{"name":"Ada","email":"ada@example.com"}]',
    });
    expect(trigger.status).toBe(200);
    expect(await fm.journal.count({ path: '/api/v1/users/me' })).toBe(2);
    expect((await fm.journal.requests({ user: 'integrator' })).map((r) => r.path)).toEqual(['/api/v1/users/me']);
    expect(await fm.journal.verify({ path: '/api/v1/users/me', count: { atLeast: 1, atMost: 2 } })).toBe(2);
    let failure: unknown;
    try { await fm.journal.verify({ path: '/api/v1/users/me', count: { atMost: 1 } }); } catch (e) { failure = e; }
    expect(failure).toBeInstanceOf(JournalVerificationError);
    expect((failure as JournalVerificationError).matched).toBe(2);
    await fm.journal.clear();
    expect(await fm.journal.count()).toBe(0);
  });

  it('reset() keeps the URL and every credential, and forgets the state', async () => {
    const url = fm.url;
    await me(fm.userKey);
    await fm.reset();
    expect(fm.url).toBe(url);
    expect(await fm.journal.count()).toBe(0);
    expect((await me(fm.userKey)).status).toBe(200);
    expect((await me(fm.adminKey)).status).toBe(200);
    const logs = await fetch(`${fm.url}/phixflow/api/1/action/Demo/Echo%20and%20enrich/trigger`, {
      method: 'POST', headers: { Authorization: `Bearer ${fm.phixflowToken}`, 'Content-Type': 'application/json' }, body: '[]',
    });
    expect(logs.status).not.toBe(401);
  });

  it('a real clock cannot be advanced; close() stops the server', async () => {
    const real = await startFlowmock({ clock: 'real' });
    const url = real.url;
    try {
      expect(real.clock.mode).toBe('real');
      await expect(real.clock.advance('1s')).rejects.toThrow(/the engine clock is real/);
    } finally {
      await real.close();
    }
    await expect(fetch(`${url}/`)).rejects.toThrow();
  });
});
