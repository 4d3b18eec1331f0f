/**
 * Commands that work on the database directly (no server needed): users, API keys, passwords,
 * PhixFlow tokens. They open the same SQLite file the server uses (--db, FLOWMOCK_DB, the config
 * file's db, or the default), say which on stderr, and warn when there was none and they created
 * it (a new database is not the server's: its keys and users are not the server's either).
 */
import { EMAIL_PATTERN, MIN_PASSWORD_LENGTH, USER_NAME_PATTERN, USER_NAME_RULE } from '../auth/user-rules.js';
import { existsSync } from 'node:fs';
import path from 'node:path';
import { randomUUID } from 'node:crypto';
import { openStore } from '../store/sqlite-store.js';
import { openPgStore } from '../store/postgres/pg-store.js';
import { describePgUrl } from '../store/postgres/pool.js';
import { Credentials, CredentialError } from '../auth/credentials.js';
import { seedStore } from '../auth/seed.js';
import { hashPassword } from '../auth/secrets.js';
import { parseTokenLifetime } from '../auth/token-lifetime.js';
import { resolveConfig, type FlowmockConfig } from '../config.js';
import { storeTarget } from '../store/open-store.js';
import type { Store, UserRecord } from '../store/types.js';
import { CliError } from './errors.js';
import { loadSettings } from './options.js';

export { CliError };

/**
 * Text from the database made safe for a terminal: control characters (escape sequences that
 * could move the cursor, rewrite earlier lines or set the window title) become U+FFFD.
 */
export function printable(text: string): string {
  // eslint-disable-next-line no-control-regex
  return text.replace(/[\u0000-\u001f\u007f-\u009f\u2028\u2029\u202a-\u202e\u2066-\u2069]/g, '\ufffd');
}

interface DbOptions { db?: string; config?: string }

/** Where a command's messages about the database go: stderr, so stdout holds only the answer (a key, a token). */
const note = (line: string) => console.error(line);

/**
 * Opens the database (seeded like the server's), runs fn, and closes it when fn has finished.
 * Prints the path; on a database it had to create, a warning and the new keys (shown once).
 */
async function withStore<T>(opts: DbOptions, fn: (store: Store, credentials: Credentials, cfg: FlowmockConfig) => T | Promise<T>): Promise<T> {
  const { config } = loadSettings({ db: opts.db }, opts.config);
  const cfg = resolveConfig(config);
  // The server's PostgreSQL database (FLOWMOCK_STORE, DATABASE_URL, `store` in the config file),
  // unless --db names a SQLite file for this command. A command is not a replica: it takes no lease.
  const target = storeTarget(cfg);
  if (target.kind === 'postgres' && opts.db === undefined) {
    const pg = await openPgStore(target.url, {});
    try {
      const credentials = new Credentials(pg, { phixflowApiKey: cfg.phixflowApiKey, jwtTtlSeconds: cfg.jwtTtlSeconds });
      const seed = await seedStore(pg, credentials, { adminKey: cfg.adminKey, now: () => new Date() });
      note(`database ${describePgUrl(target.url)} (PostgreSQL)`);
      for (const k of seed.newKeys) note(`  new API key of ${k.username} (shown once): ${k.key}`);
      return await fn(pg, credentials, cfg);
    } finally {
      await pg.close();
    }
  }
  const memory = cfg.db === ':memory:' || cfg.db === '';
  const file = memory ? ':memory:' : path.resolve(cfg.db);
  const existed = memory || existsSync(file);
  let store: Store;
  try {
    // A command serves no one while it waits: it may wait for the server's write lock.
    store = openStore(cfg.db, { busyTimeoutMs: 5000 });
  } catch (err) {
    if (err instanceof Error && err.name === 'SqliteError') throw new CliError(`database ${file}: ${err.message.split('\n')[0]}`);
    throw err;
  }
  try {
    const credentials = new Credentials(store, { phixflowApiKey: cfg.phixflowApiKey, jwtTtlSeconds: cfg.jwtTtlSeconds });
    const seed = await seedStore(store, credentials, { adminKey: cfg.adminKey, now: () => new Date() });
    note(`database ${file}`);
    if (!existed) {
      note(`warning: there was no database at ${file}; a new one was created (with the users admin, integrator and api-user).`
        + ' A server started on another database will not know what this command does there: pass --db (or FLOWMOCK_DB) to name the server\'s.');
      for (const k of seed.newKeys) note(`  new API key of ${k.username} (shown once): ${k.key}`);
    }
    return await fn(store, credentials, cfg);
  } finally {
    await store.close();
  }
}

async function userOrFail(store: Store, name: string) {
  const u = (await store.users.resolve(name));
  if (!u) throw new CliError(`No user ${name}. Users: ${(await store.users.list()).map((x) => x.username).join(', ')}`);
  return u;
}

export async function keysCreate(opts: { user: string; name?: string } & DbOptions): Promise<void> {
  return withStore(opts, async (store, credentials) => {
    const user = await userOrFail(store, opts.user);
    const { record, key } = await credentials.createApiKey(user.id, opts.name ?? 'Created with flowmock keys create');
    console.log(`Created key ${record.id} for ${user.username} (shown once):\n${key}`);
  });
}

export async function keysList(opts: { user: string } & DbOptions): Promise<void> {
  return withStore(opts, async (store) => {
    const user = await userOrFail(store, opts.user);
    const keys = (await store.apiKeys.listActive(user.id));
    if (!keys.length) return console.log(`${printable(user.username)} has no active API keys.`);
    console.log(['id'.padEnd(35), 'name'.padEnd(32), 'created'.padEnd(25), 'last used'.padEnd(25), 'ends with'].join(' '));
    for (const k of keys) {
      // Names (and everything else read from the database) lose their control characters.
      console.log([printable(k.id).padEnd(35), printable(k.name).slice(0, 32).padEnd(32), printable(k.createdAt).padEnd(25),
        printable(k.lastUsedAt ?? '-').padEnd(25), `…${printable(k.last4)}`].join(' '));
    }
  });
}

export async function keysRevoke(opts: { id: string } & DbOptions): Promise<void> {
  return withStore(opts, async (store) => {
    if (!(await store.apiKeys.revoke(opts.id, new Date().toISOString()))) throw new CliError(`No active API key ${opts.id}.`);
    console.log(`Revoked key ${opts.id}; every call with it is now a 401.`);
  });
}

export async function setPassword(opts: { user: string; password: string } & DbOptions): Promise<void> {
  if (opts.password.length < 8) throw new CliError('A password needs at least 8 characters.');
  return withStore(opts, async (store) => {
    const user = await userOrFail(store, opts.user);
    await store.users.setPassword(user.id, hashPassword(opts.password));
    console.log(`Password set for ${user.username}; log in with POST /api/v1/authenticate/login.`);
  });
}

export async function token(opts: { user: string; expires?: string } & DbOptions): Promise<void> {
  let seconds: number | undefined;
  if (opts.expires !== undefined) {
    seconds = parseTokenLifetime(opts.expires) ?? undefined;
    if (seconds === undefined) throw new CliError(`--expires takes a duration such as 90s, 30m, 1h or 7d, not "${opts.expires}".`);
  }
  await withStore(opts, async (_store, credentials) => {
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

/** The user's fields with the vendor's names (User: userName, emailAddress, firstName, lastName). */
function vendorFields(u: UserRecord) {
  const [firstName, ...rest] = u.displayName.split(' ');
  return { userName: u.username, emailAddress: u.email, firstName: firstName ?? '', lastName: rest.join(' ') };
}

export async function usersCreate(opts: {
  userName: string; emailAddress?: string; firstName?: string; lastName?: string; role: string; password?: string; apiKey?: boolean;
} & DbOptions): Promise<void> {
  if (!USER_NAME_PATTERN.test(opts.userName)) throw new CliError(`--user-name takes ${USER_NAME_RULE}`);
  if (opts.password !== undefined && opts.password.length < MIN_PASSWORD_LENGTH) throw new CliError(`A password needs at least ${MIN_PASSWORD_LENGTH} characters.`);
  if (opts.emailAddress !== undefined && !EMAIL_PATTERN.test(opts.emailAddress)) throw new CliError(`--email-address "${opts.emailAddress}" is not an email address.`);
  return withStore(opts, async (store, credentials) => {
    if ((await store.users.byUsername(opts.userName))) throw new CliError(`A user ${opts.userName} exists already.`);
    const displayName = [opts.firstName, opts.lastName].filter(Boolean).join(' ') || opts.userName;
    const user: UserRecord = {
      id: randomUUID(), username: opts.userName, displayName, email: opts.emailAddress ?? null, enabled: true,
      roleIds: [opts.role], passwordHash: opts.password ? hashPassword(opts.password) : null, createdAt: new Date().toISOString(),
    };
    await store.users.create(user);
    console.log(`Created user ${user.username} (id ${user.id}, role ${opts.role}).`);
    if (opts.apiKey) {
      const { record, key } = await credentials.createApiKey(user.id, 'Created with flowmock users create');
      console.log(`Created key ${record.id} for ${user.username} (shown once):\n${key}`);
    }
  });
}

export async function usersList(opts: DbOptions): Promise<void> {
  return withStore(opts, async (store) => {
    const rows = (await store.users.list()).map((u) => ({ ...vendorFields(u), id: u.id, role: u.roleIds.join(','), enabled: u.enabled }));
    const cols: Array<[keyof (typeof rows)[number], number]> = [['userName', 16], ['firstName', 12], ['lastName', 12], ['emailAddress', 28], ['role', 14], ['enabled', 8], ['id', 36]];
    console.log(cols.map(([c, w]) => String(c).padEnd(w)).join(' '));
    for (const r of rows) console.log(cols.map(([c, w]) => String(r[c] ?? '-').slice(0, Math.max(w, 36)).padEnd(w)).join(' '));
  });
}

export async function usersSetEnabled(opts: { user: string; enabled: boolean } & DbOptions): Promise<void> {
  return withStore(opts, async (store) => {
    const user = await userOrFail(store, opts.user);
    await store.users.setEnabled(user.id, opts.enabled);
    console.log(opts.enabled ? `Enabled ${user.username}.` : `Disabled ${user.username}: every call with their API keys or tokens is refused.`);
  });
}
