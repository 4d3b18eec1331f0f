/**
 * Connecting to PostgreSQL: which store settings name it, the connection pool (node-postgres),
 * and how numbers come back. One pool per server; every store call takes a client from it for
 * one statement or one transaction.
 */
import pg from 'pg';

/** The PostgreSQL store cannot start: the server cannot be reached, refuses the login, has no such database. */
export class PostgresStoreError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'PostgresStoreError';
  }
}

/** A `postgres://` or `postgresql://` URL selects the PostgreSQL store; anything else is a SQLite file. */
export const isPostgresUrl = (s: string): boolean => /^postgres(ql)?:\/\//i.test(s.trim());

/** The URL without its password, for logs and messages. */
export function describePgUrl(url: string): string {
  try {
    const u = new URL(url);
    if (u.password) u.password = '***';
    return u.toString();
  } catch {
    return 'postgres://(unparsable URL)';
  }
}

/** The database a URL names (its path), for messages and scratch databases. */
export const databaseOf = (url: string): string => decodeURIComponent(new URL(url).pathname.replace(/^\//, '')) || 'postgres';

// COUNT(*), BIGINT and NUMERIC come back as strings by default (they may exceed 2^53); every
// such value flowmock stores (counts, ms timestamps, journal ids) fits a JavaScript number.
const INT8 = 20;
const NUMERIC = 1700;
const typeParsers = {
  getTypeParser: ((oid: number, format?: 'text' | 'binary') => {
    if (oid === INT8 || oid === NUMERIC) return (v: string) => Number(v);
    return (pg.types.getTypeParser as (o: number, f?: string) => unknown)(oid, format);
  }) as pg.CustomTypesConfig['getTypeParser'],
};

export interface PgPoolOptions {
  /** Connections at most (default 10). */
  max?: number;
  /** Name shown in pg_stat_activity (default 'flowmock'). */
  applicationName?: string;
  /** The schema every connection works in (default: the server's search_path). */
  searchPath?: string;
}

export function openPgPool(url: string, opts: PgPoolOptions = {}): pg.Pool {
  if (!isPostgresUrl(url)) throw new Error(`not a postgres:// URL: ${describePgUrl(url)}`);
  const pool = new pg.Pool({
    connectionString: url,
    max: opts.max ?? 10,
    application_name: opts.applicationName ?? 'flowmock',
    connectionTimeoutMillis: 10_000,
    idleTimeoutMillis: 30_000,
    types: typeParsers,
    ...(opts.searchPath ? { options: `-c search_path=${opts.searchPath}` } : {}),
  });
  // An idle client that loses its connection (server restart) emits on the pool: without a
  // listener that would crash the process. The next query gets a fresh connection.
  pool.on('error', () => {});
  return pool;
}

/** A client outside the pool (LISTEN needs one that stays connected). */
export function openPgClient(url: string, applicationName = 'flowmock'): pg.Client {
  return new pg.Client({ connectionString: url, application_name: applicationName, connectionTimeoutMillis: 10_000, types: typeParsers });
}

const codeOf = (err: unknown): string => String((err as { code?: unknown } | null)?.code ?? '');

/**
 * Worth trying again shortly: a serialization failure or deadlock (40xxx), a lock not available
 * (55P03), the server shutting down or unreachable (57P0x, 08xxx), too many connections (53300).
 */
export function isTransientPgError(err: unknown): boolean {
  const code = codeOf(err);
  return code === '40001' || code === '40P01' || code === '55P03' || code === '53300' || code === '57P01' || code === '57P03'
    || code.startsWith('08') || code === 'ECONNREFUSED' || code === 'ECONNRESET';
}
