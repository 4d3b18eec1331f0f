/**
 * Scratch PostgreSQL databases for tests: each test file that needs PostgreSQL creates its own
 * `flowmock_<random>` database on the test server and drops it afterwards, so runs never see
 * each other's rows and nothing is left behind.
 *
 * The server is FLOWMOCK_TEST_PG (an admin URL), else 127.0.0.1:5432 as user `postgres`, else
 * as `root` (trust auth, as on the development machines and CI, whose .ci/run starts it).
 * Unreachable: the tests skip with a message saying so, except under CI (CI=true), where they
 * fail, since CI must never pass by skipping them.
 */
import { randomBytes } from 'node:crypto';
import pg from 'pg';

const CANDIDATES = process.env.FLOWMOCK_TEST_PG
  ? [process.env.FLOWMOCK_TEST_PG]
  : ['postgres://postgres@127.0.0.1:5432/postgres', 'postgres://root@127.0.0.1:5432/postgres'];

let adminUrl: Promise<string | null> | null = null;
let unreachableReason = '';

async function tryConnect(url: string): Promise<boolean> {
  const client = new pg.Client({ connectionString: url, connectionTimeoutMillis: 3000 });
  try {
    await client.connect();
    await client.query('SELECT 1');
    return true;
  } catch (err) {
    unreachableReason = `${(err as Error).message}`;
    return false;
  } finally {
    await client.end().catch(() => {});
  }
}

/** The admin URL of the test server, or null when none is reachable. */
export function postgresAdminUrl(): Promise<string | null> {
  adminUrl ??= (async () => {
    for (const url of CANDIDATES) if (await tryConnect(url)) return url;
    return null;
  })();
  return adminUrl;
}

/**
 * Whether PostgreSQL tests can run: true, or false after printing why they skip. Under CI an
 * unreachable server is an error.
 */
export async function postgresAvailable(): Promise<boolean> {
  if (await postgresAdminUrl()) return true;
  const msg = `PostgreSQL is not reachable (${CANDIDATES.join(', ')}: ${unreachableReason}); the PostgreSQL tests skip. `
    + 'Start it (e.g. pg_ctlcluster 15 main start) or set FLOWMOCK_TEST_PG to an admin URL.';
  if (process.env.CI) throw new Error(`${msg} Under CI they must run: .ci/run starts PostgreSQL.`);
  console.warn(msg);
  return false;
}

export interface ScratchDatabase {
  /** The connection URL of the new database. */
  url: string;
  name: string;
  /** Drops it (closing whatever is still connected to it). */
  drop(): Promise<void>;
}

const withAdmin = async <T>(fn: (c: pg.Client) => Promise<T>): Promise<T> => {
  const url = await postgresAdminUrl();
  if (!url) throw new Error('PostgreSQL is not reachable');
  const client = new pg.Client({ connectionString: url, connectionTimeoutMillis: 5000 });
  await client.connect();
  try {
    return await fn(client);
  } finally {
    await client.end().catch(() => {});
  }
};

/** Creates an empty database `flowmock_<random>` (UTF-8, from template0). */
export async function createScratchDatabase(): Promise<ScratchDatabase> {
  const name = `flowmock_${randomBytes(6).toString('hex')}`;
  await withAdmin((c) => c.query(`CREATE DATABASE ${name} TEMPLATE template0 ENCODING 'UTF8'`));
  const admin = new URL((await postgresAdminUrl())!);
  admin.pathname = `/${name}`;
  let dropped = false;
  return {
    url: admin.toString(),
    name,
    drop: async () => {
      if (dropped) return;
      dropped = true;
      await withAdmin((c) => c.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`));
    },
  };
}
