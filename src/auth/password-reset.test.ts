/**
 * Proves the sandbox password reset: a token goes to the outbox only for an active user, works
 * once, only for its user, only before it expires, and only the newest one works; the store never
 * holds the token in clear.
 */
import { describe, expect, it } from 'vitest';
import { openStore } from '../store/sqlite-store.js';
import { verifyPassword } from './secrets.js';
import { PasswordResets, RESET_TOKEN_TTL_MS } from './password-reset.js';

async function setup() {
  const store = openStore(':memory:');
  let t = Date.parse('2026-11-22T10:00:00.000Z');
  const now = () => new Date(t);
  const base = { displayName: 'Ann', email: 'ann@example.invalid', roleIds: [], passwordHash: null, createdAt: now().toISOString() };
  await store.users.create({ id: 'u1', username: 'ann', enabled: true, ...base });
  await store.users.create({ id: 'u2', username: 'bob', enabled: false, ...base, email: null });
  return { store, resets: new PasswordResets(store, now), advance: (ms: number) => { t += ms; } };
}

describe('PasswordResets', () => {
  it('mails a token for an active user only, and the token sets the password once', async () => {
    const { store, resets } = await setup();
    await resets.request('nobody', undefined);
    await resets.request('bob', undefined); // disabled
    expect(resets.outbox()).toEqual([]);
    await resets.request('ann', '/reset?x=1');
    const [mail] = resets.outbox();
    expect(mail).toMatchObject({ kind: 'passwordReset', to: 'ann@example.invalid', userId: 'u1' });
    expect(mail.link).toBe(`/reset?x=1&userId=u1&resetToken=${mail.resetToken}`);
    expect((await store.passwordResets.byUser('u1'))!.tokenHash).not.toContain(mail.resetToken);
    expect((await resets.authorize('u2', mail.resetToken, 'pw'))).toBe(false); // another user's id
    expect((await resets.authorize('u1', `${mail.resetToken}x`, 'pw'))).toBe(false);
    expect((await resets.authorize('u1', mail.resetToken, 'new password'))).toBe(true);
    expect(verifyPassword('new password', (await store.users.byId('u1'))!.passwordHash!)).toBe(true);
    expect((await resets.authorize('u1', mail.resetToken, 'again'))).toBe(false); // spent
  });

  it('only the newest token works, and not after it expires', async () => {
    const { resets, advance } = await setup();
    await resets.request('ann', undefined);
    const first = resets.outbox()[0].resetToken;
    await resets.request('ann', undefined);
    const second = resets.outbox()[0].resetToken;
    expect((await resets.authorize('u1', first, 'pw'))).toBe(false);
    advance(RESET_TOKEN_TTL_MS);
    expect((await resets.authorize('u1', second, 'pw'))).toBe(false);
  });
});
