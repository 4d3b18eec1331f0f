/**
 * Commands that work on the database directly (no server needed): API keys, passwords, PhixFlow
 * tokens. They open the same SQLite file the server uses.
 */
import { openStore } from '../store/sqlite-store.js';
import { Credentials, CredentialError } from '../auth/credentials.js';
import { seedStore } from '../auth/seed.js';
import { hashPassword } from '../store/secrets.js';
import { parseTokenLifetime } from '../auth/token-lifetime.js';
import { resolveConfig, configFromEnv, type FlowmockConfig } from '../config.js';
import type { Store } from '../store/types.js';

export class CliError extends Error {}

/**
 * Text from the database made safe for a terminal: control characters (escape sequences that
 * could move the cursor, rewrite earlier lines or set the window title) become U+FFFD.
 */
export function printable(text: string): string {
  // eslint-disable-next-line no-control-regex
  return text.replace(/[\u0000-\u001f\u007f-\u009f\u2028\u2029\u202a-\u202e\u2066-\u2069]/g, '\ufffd');
}

/** Opens the database (seeded like the server's), runs fn, and closes it when fn has finished. */
async function withStore<T>(db: string | undefined, fn: (store: Store, credentials: Credentials, cfg: FlowmockConfig) => T | Promise<T>): Promise<T> {
  const cfg = resolveConfig(configFromEnv(), db ? { db } : {});
  // A command serves no one while it waits: it may wait for the server's write lock.
  const store = openStore(cfg.db, { busyTimeoutMs: 5000 });
  try {
    const credentials = new Credentials(store, { phixflowApiKey: cfg.phixflowApiKey, jwtTtlSeconds: cfg.jwtTtlSeconds });
    seedStore(store, credentials, { adminKey: cfg.adminKey, now: () => new Date() });
    return await fn(store, credentials, cfg);
  } finally {
    store.close();
  }
}

function userOrFail(store: Store, name: string) {
  const u = store.users.resolve(name);
  if (!u) throw new CliError(`No user ${name}. Users: ${store.users.list().map((x) => x.username).join(', ')}`);
  return u;
}

export async function keysCreate(opts: { user: string; name?: string; db?: string }): Promise<void> {
  return withStore(opts.db, (store, credentials) => {
    const user = userOrFail(store, opts.user);
    const { record, key } = credentials.createApiKey(user.id, opts.name ?? 'Created with flowmock keys create');
    console.log(`Created key ${record.id} for ${user.username} (shown once):\n${key}`);
  });
}

export async function keysList(opts: { user: string; db?: string }): Promise<void> {
  return withStore(opts.db, (store) => {
    const user = userOrFail(store, opts.user);
    const keys = store.apiKeys.listActive(user.id);
    if (!keys.length) return console.log(`${printable(user.username)} has no active API keys.`);
    console.log(['id'.padEnd(35), 'name'.padEnd(32), 'created'.padEnd(25), 'last used'.padEnd(25), 'ends with'].join(' '));
    for (const k of keys) {
      // Names (and everything else read from the database) lose their control characters.
      console.log([printable(k.id).padEnd(35), printable(k.name).slice(0, 32).padEnd(32), printable(k.createdAt).padEnd(25),
        printable(k.lastUsedAt ?? '-').padEnd(25), `…${printable(k.last4)}`].join(' '));
    }
  });
}

export async function keysRevoke(opts: { id: string; db?: string }): Promise<void> {
  return withStore(opts.db, (store) => {
    if (!store.apiKeys.revoke(opts.id, new Date().toISOString())) throw new CliError(`No active API key ${opts.id}.`);
    console.log(`Revoked key ${opts.id}; every call with it is now a 401.`);
  });
}

export async function setPassword(opts: { user: string; password: string; db?: string }): Promise<void> {
  if (opts.password.length < 8) throw new CliError('A password needs at least 8 characters.');
  return withStore(opts.db, (store) => {
    const user = userOrFail(store, opts.user);
    store.users.setPassword(user.id, hashPassword(opts.password));
    console.log(`Password set for ${user.username}; log in with POST /api/v1/authenticate/login.`);
  });
}

export async function token(opts: { user: string; expires?: string; db?: string }): Promise<void> {
  let seconds: number | undefined;
  if (opts.expires !== undefined) {
    seconds = parseTokenLifetime(opts.expires) ?? undefined;
    if (seconds === undefined) throw new CliError(`--expires takes a duration such as 90s, 30m, 1h or 7d, not "${opts.expires}".`);
  }
  await withStore(opts.db, async (_store, credentials) => {
    try {
      const t = await credentials.issuePhixflowToken(opts.user, seconds);
      console.log(t.token);
      console.error(`PhixFlow token for ${opts.user}${t.expiresAt ? `, expires ${t.expiresAt}` : ', does not expire'}. Send it as Authorization: Bearer <token>.`);
    } catch (err) {
      if (err instanceof CredentialError) throw new CliError(err.message);
      throw err;
    }
  });
}
