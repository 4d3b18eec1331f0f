/**
 * Issue 14, item 4: logins are throttled per user name and per client address (429 with
 * Retry-After, before any password is checked), the password check runs off the event loop (the
 * loop keeps turning while a password is hashed), and a login token ends when the user's
 * password changes.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createApp, type FlowmockApp } from '../../src/app.js';
import { LOGIN_THROTTLE_DEFAULTS } from '../../src/auth/login-throttle.js';
import { hashPassword } from '../../src/auth/secrets.js';

const ADMIN_KEY = 'login-throttle-admin-key-0123456789abcdefgh';
const PASSWORD = 'correct horse battery staple 7';
let fm: FlowmockApp;
let base: string;
beforeAll(async () => {
  fm = await createApp({ db: ':memory:', port: 0, speed: 0, printStartup: false, logLevel: 'silent', adminKey: ADMIN_KEY, validateResponses: true });
  base = await fm.listen();
  for (const name of ['integrator', 'api-user']) (await fm.services.store.users.setPassword((await fm.services.store.users.byUsername(name))!.id, hashPassword(PASSWORD)));
}, 60_000);
afterAll(async () => { await fm?.close(); });

const login = (username: string, password: string) => fetch(`${base}/api/v1/authenticate/login`, {
  method: 'POST', headers: { 'Content-Type': 'application/json' }, body: JSON.stringify({ username, password }),
});

describe('login throttling', () => {
  it(`after ${LOGIN_THROTTLE_DEFAULTS.perUser} failures for a user name, even the right password answers 429 with Retry-After (documented)`, async () => {
    for (let i = 0; i < LOGIN_THROTTLE_DEFAULTS.perUser; i++) expect((await login('integrator', `wrong-${i}`)).status).toBe(401);
    for (const pw of ['wrong-again', PASSWORD]) {
      const res = await login('integrator', pw);
      expect(res.status).toBe(429);
      const retryAfter = Number(res.headers.get('retry-after'));
      expect(retryAfter).toBeGreaterThan(0);
      expect(retryAfter).toBeLessThanOrEqual(LOGIN_THROTTLE_DEFAULTS.windowMs / 1000);
      expect(await res.json()).toMatchObject({ status: 429, detail: expect.stringMatching(/failed logins for this user/) });
    }
    // Another user is not held up by it.
    expect((await login('api-user', PASSWORD)).status).toBe(200);
  });

  it(`after ${LOGIN_THROTTLE_DEFAULTS.perAddress} failures from one address, any user name from it answers 429`, async () => {
    const t = fm.services.credentials.loginThrottle;
    for (let i = 0; i < LOGIN_THROTTLE_DEFAULTS.perAddress; i++) t.failed(`guess-${i}`, '203.0.113.9');
    expect(() => t.check('someone-new', '203.0.113.9')).toThrow(/from this address/);
    expect(() => t.check('someone-new', '203.0.113.10')).not.toThrow();
  });
});

describe('password checks off the event loop', () => {
  it('the event loop keeps turning while a login checks a password', async () => {
    let turns = 0;
    let spinning = true;
    const spin = () => { if (spinning) { turns++; setImmediate(spin); } };
    setImmediate(spin);
    await expect(fm.services.credentials.login('api-user', 'not the password', { clientAddress: '198.51.100.1' })).rejects.toThrow(/Wrong user name or password/);
    spinning = false;
    // scrypt on the event loop ran inside the call: no turn could happen before it failed.
    expect(turns).toBeGreaterThan(3);
  });
});

describe('login tokens and password changes', () => {
  it('a token issued before a password change is refused after it', async () => {
    const res = await login('api-user', PASSWORD);
    expect(res.status).toBe(200);
    const { tokens: [{ token }] } = await res.json();
    const me = () => fetch(`${base}/api/v1/users/me`, { headers: { Authorization: `Bearer ${token}` } });
    expect((await me()).status).toBe(200);
    const user = (await fm.services.store.users.byUsername('api-user'))!;
    await fm.services.store.users.setPassword(user.id, hashPassword('a brand new password 99'));
    const after = await me();
    expect(after.status).toBe(401);
    expect((await after.json()).detail).toMatch(/password last changed/);
  });
});
