/**
 * The cache of verified API keys (Credentials.verifyApiKey): a key verified once is not read from
 * the store again, yet revoking it, disabling its user or changing anything about users, roles or
 * keys, here or through another connection to the same file, takes effect on the next call.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { openStore } from '../store/sqlite-store.js';
import type { Store } from '../store/types.js';
import { Credentials, CredentialError } from './credentials.js';
import { seedStore } from './seed.js';

const opened: Array<{ store: Store; dir?: string }> = [];
afterEach(async () => {
  for (const o of opened.splice(0)) {
    await o.store.close();
    if (o.dir) rmSync(o.dir, { recursive: true, force: true });
  }
});

async function setUp(file = ':memory:', now: () => Date = () => new Date()) {
  const store = openStore(file);
  opened.push({ store });
  const credentials = new Credentials(store, { jwtTtlSeconds: 3600, now });
  await seedStore(store, credentials, { now });
  const user = (await store.users.byUsername('integrator'))!;
  const { key, record } = (await credentials.createApiKey(user.id, 'cache test'));
  return { store, credentials, user, key, record };
}

/** 'ok', or the status of the CredentialError the check throws (or rejects with). */
async function statusOf(check: () => unknown): Promise<number | 'ok'> {
  try {
    await check();
    return 'ok';
  } catch (err) {
    if (err instanceof CredentialError) return err.status;
    throw err;
  }
}

describe('verified API keys are cached, and the cache never outlives a change', () => {
  it('a second call with the same key reads no key or user from the store', async () => {
    const { store, credentials, key } = await setUp();
    const first = (await credentials.verifyApiKey(key));
    const byId = vi.spyOn(store.apiKeys, 'byId');
    const userById = vi.spyOn(store.users, 'byId');
    const again = (await credentials.verifyApiKey(key));
    expect(again.user.username).toBe(first.user.username);
    expect([byId.mock.calls.length, userById.mock.calls.length]).toEqual([0, 0]);
  });

  it('a revoked key is refused on the next call', async () => {
    const { store, credentials, key, record } = await setUp();
    expect(await statusOf(async () => (await credentials.verifyApiKey(key)))).toBe('ok');
    await store.apiKeys.revoke(record.id, new Date().toISOString());
    expect(await statusOf(async () => (await credentials.verifyApiKey(key)))).toBe(401);
  });

  it("a disabled user's key is refused on the next call (403), and works again once enabled", async () => {
    const { store, credentials, key, user } = await setUp();
    expect(await statusOf(async () => (await credentials.verifyApiKey(key)))).toBe('ok');
    await store.users.setEnabled(user.id, false);
    expect(await statusOf(async () => (await credentials.verifyApiKey(key)))).toBe(403);
    await store.users.setEnabled(user.id, true);
    expect(await statusOf(async () => (await credentials.verifyApiKey(key)))).toBe('ok');
  });

  it('a revocation committed by another connection to the same file (the CLI) applies on the next request', async () => {
    const dir = mkdtempSync(path.join(tmpdir(), 'flowmock-credentials-'));
    const file = path.join(dir, 'db.sqlite');
    const { credentials, key, record } = await setUp(file);
    opened[opened.length - 1].dir = dir;
    expect(await statusOf(async () => (await credentials.verifyApiKey(key)))).toBe('ok');
    const other = openStore(file);
    opened.unshift({ store: other });
    await other.apiKeys.revoke(record.id, new Date().toISOString());
    // The next request: a later turn of the event loop (the store reads another connection's
    // commits once per turn, see sqlite-store's dataVersion).
    await new Promise((r) => setImmediate(r));
    expect(await statusOf(async () => (await credentials.verifyApiKey(key)))).toBe(401);
  });

  it('a wrong key with the id of a cached one is still refused (the cache is keyed by the whole key)', async () => {
    const { credentials, key } = await setUp();
    await credentials.verifyApiKey(key);
    const last = key.at(-1) === 'A' ? 'E' : 'A';
    expect(await statusOf(async () => (await credentials.verifyApiKey(key.slice(0, -1) + last)))).toBe(401);
    expect(await statusOf(async () => (await credentials.verifyApiKey(key.slice(0, -2) + 'zz')))).toBe(401);
  });

  it('lastUsedAt is still written once a minute while the key is served from the cache', async () => {
    let t = Date.parse('2026-01-01T00:00:00Z');
    const { store, credentials, key, record } = await setUp(':memory:', () => new Date(t));
    await credentials.verifyApiKey(key);
    expect((await store.apiKeys.byId(record.id))!.lastUsedAt).toBe('2026-01-01T00:00:00.000Z');
    const touch = vi.spyOn(store.apiKeys, 'touch');
    t += 30_000;
    await credentials.verifyApiKey(key);
    expect(touch).not.toHaveBeenCalled();
    t += 30_000;
    await credentials.verifyApiKey(key);
    expect(touch).toHaveBeenCalledTimes(1);
    expect((await store.apiKeys.byId(record.id))!.lastUsedAt).toBe('2026-01-01T00:01:00.000Z');
  });
});

describe('verified PhixFlow tokens are cached the same way, their expiry checked on every use', () => {
  it('a second call reads no user; the cached token still expires on time (engine clock)', async () => {
    let t = Date.parse('2026-01-01T00:00:00Z');
    const { store, credentials } = await setUp(':memory:', () => new Date(t));
    const { token } = await credentials.issuePhixflowToken('api-user', 60);
    expect(await statusOf(() => credentials.verifyPhixflowToken(token))).toBe('ok');
    const byUsername = vi.spyOn(store.users, 'byUsername');
    t += 59_000;
    expect(await statusOf(() => credentials.verifyPhixflowToken(token))).toBe('ok');
    expect(byUsername).not.toHaveBeenCalled();
    t += 1_000; // exp reached
    expect(await statusOf(() => credentials.verifyPhixflowToken(token))).toBe(401);
  });

  it("a disabled user's token is refused on the next call", async () => {
    const { store, credentials } = await setUp();
    const { token } = await credentials.issuePhixflowToken('api-user');
    expect(await statusOf(() => credentials.verifyPhixflowToken(token))).toBe('ok');
    await store.users.setEnabled((await store.users.byUsername('api-user'))!.id, false);
    expect(await statusOf(() => credentials.verifyPhixflowToken(token))).toBe(403);
  });

  it('a token with a changed signature is refused even while the real one is cached', async () => {
    const { credentials } = await setUp();
    const { token } = await credentials.issuePhixflowToken('api-user');
    await credentials.verifyPhixflowToken(token);
    const forged = token.slice(0, -2) + (token.endsWith('AA') ? 'BB' : 'AA');
    expect(await statusOf(() => credentials.verifyPhixflowToken(forged))).toBe(401);
  });
});

describe('watching the credentials of an open request', () => {
  it('a watch reports a revocation made between the authentication and its start', async () => {
    const { store, credentials, key, record } = await setUp();
    const principal = await credentials.verifyApiKey(key);
    await store.apiKeys.revoke(record.id, new Date().toISOString());
    const told = new Promise<string>((resolve) => credentials.watch(principal, resolve));
    expect(await told).toMatch(/revoked/);
  });
});
