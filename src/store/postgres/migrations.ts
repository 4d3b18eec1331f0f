/**
 * Schema migrations for the PostgreSQL store. Same rules as the SQLite ones
 * (src/store/migrations.ts): append with the next version, never edit one that has shipped.
 *
 * Version 1 is the SQLite schema as its migrations 1–8 left it (PostgreSQL databases start
 * there: none ever held the older shapes, nor secrets in `meta`). Differences, each on purpose:
 * - text that is compared or sorted is `COLLATE "C"` (byte order, as SQLite compares), so lists,
 *   filters and paging answer exactly as on SQLite whatever the database's locale;
 * - JSON is kept as text (not jsonb: jsonb reorders keys, and answers must keep them as written);
 * - booleans stay 0/1 integers, so a filter's isTrue/isFalse reads the same on both backends;
 * - the journal's id is an identity column (replicas insert concurrently);
 * - the journal's `user` column is quoted (a reserved word in PostgreSQL).
 */
import type { PoolClient } from 'pg';

export interface PgMigration {
  version: number;
  name: string;
  up: string | ((client: PoolClient) => Promise<void>);
}

/** Text compared and sorted byte-wise, as SQLite does. */
const T = 'TEXT COLLATE "C"';

export const PG_MIGRATIONS: readonly PgMigration[] = [
  {
    version: 1,
    name: 'initial schema (the SQLite schema of its migrations 1-8)',
    up: `
      CREATE TABLE meta (
        key   ${T} PRIMARY KEY,
        value TEXT NOT NULL
      );

      -- listRoles() keeps insertion order: SQLite's rowid, here an identity column.
      CREATE TABLE roles (
        seq          BIGINT GENERATED ALWAYS AS IDENTITY,
        id           ${T} PRIMARY KEY,
        name         ${T} NOT NULL,
        display_name ${T} NOT NULL,
        description  TEXT NOT NULL,
        permissions  TEXT NOT NULL,  -- JSON string[]
        privileges   TEXT NOT NULL   -- JSON string[]
      );

      CREATE TABLE users (
        id            ${T} PRIMARY KEY,
        username      ${T} NOT NULL UNIQUE,
        display_name  ${T} NOT NULL,
        email         ${T},
        enabled       SMALLINT NOT NULL CHECK (enabled IN (0, 1)),
        role_ids      TEXT NOT NULL,  -- JSON string[] (order kept as given)
        password_hash TEXT,
        created_at    ${T} NOT NULL,
        first_name    ${T} NOT NULL DEFAULT '',
        last_name     ${T} NOT NULL DEFAULT '',
        description   ${T},
        modified_at   ${T},
        last_login    ${T},
        login_count   INTEGER NOT NULL DEFAULT 0,
        settings      TEXT NOT NULL DEFAULT '{}'
      );

      CREATE TABLE api_keys (
        id           ${T} PRIMARY KEY,
        user_id      ${T} NOT NULL REFERENCES users(id) ON DELETE CASCADE DEFERRABLE INITIALLY DEFERRED,
        name         ${T} NOT NULL,
        hash         TEXT NOT NULL,   -- HMAC of the full key; the key itself is never stored
        last4        TEXT NOT NULL,
        created_at   ${T} NOT NULL,
        last_used_at ${T},
        revoked_at   ${T},
        description  ${T},
        created_by   ${T}
      );
      CREATE INDEX api_keys_user_id ON api_keys (user_id);

      CREATE TABLE password_resets (
        user_id    ${T} PRIMARY KEY REFERENCES users(id) ON DELETE CASCADE DEFERRABLE INITIALLY DEFERRED,
        token_hash TEXT NOT NULL,   -- SHA-256 (hex) of the reset token; the token itself is never stored
        created_at ${T} NOT NULL,
        expires_at ${T} NOT NULL
      );

      CREATE TABLE printers (
        id              ${T} PRIMARY KEY,
        display_name    ${T} NOT NULL,
        description     ${T},
        definition      TEXT NOT NULL,  -- JSON
        flavor          ${T},
        default_printer SMALLINT NOT NULL CHECK (default_printer IN (0, 1)),
        properties      TEXT,           -- JSON or NULL
        created_at      ${T} NOT NULL,
        created_by      ${T} NOT NULL,
        modified_at     ${T} NOT NULL,
        modified_by     ${T} NOT NULL
      );
      CREATE INDEX printers_display_name ON printers (display_name);

      -- Queried fields are columns; the rest of the record lives in the JSON 'data' column.
      CREATE TABLE executions (
        id          ${T} PRIMARY KEY,
        flow_id     ${T} NOT NULL,
        flow_name   ${T} NOT NULL,
        status      ${T} NOT NULL,
        created_at  ${T} NOT NULL,
        created_by  ${T} NOT NULL,
        modified_at ${T} NOT NULL,
        queue_seq   INTEGER,
        version     INTEGER NOT NULL,
        progress    TEXT NOT NULL DEFAULT '{}',
        data        TEXT NOT NULL
      );
      CREATE INDEX executions_created_at  ON executions (created_at, id);
      CREATE INDEX executions_modified_at ON executions (modified_at, id);
      CREATE INDEX executions_status      ON executions (status, queue_seq);
      CREATE INDEX executions_created_by  ON executions (created_by, created_at);
      CREATE INDEX executions_flow_id     ON executions (flow_id, created_at);
      CREATE INDEX executions_callback    ON executions (((data::jsonb -> 'waitingFor' ->> 'callbackId'))) WHERE status = 'Waiting';

      CREATE TABLE documents (
        seq          BIGINT GENERATED ALWAYS AS IDENTITY,  -- SQLite's rowid: insertion order among equal times
        id           ${T} PRIMARY KEY,
        execution_id ${T} REFERENCES executions(id) ON DELETE CASCADE DEFERRABLE INITIALLY DEFERRED,
        display_name ${T} NOT NULL,
        description  ${T},
        created_at   ${T} NOT NULL,
        created_by   ${T} NOT NULL,
        template_id  ${T},
        language     ${T},
        finished     SMALLINT NOT NULL CHECK (finished IN (0, 1)),
        expiration   ${T},
        content_type ${T} NOT NULL,
        size         INTEGER NOT NULL,
        content      BYTEA NOT NULL,   -- only read by documents.content()
        source       TEXT              -- JSON: what it was rendered from
      );
      CREATE INDEX documents_execution_id ON documents (execution_id, created_at);
      CREATE INDEX documents_created_at ON documents (created_at);

      CREATE TABLE data_objects (
        id           ${T} PRIMARY KEY,
        execution_id ${T} REFERENCES executions(id) ON DELETE CASCADE DEFERRABLE INITIALLY DEFERRED,
        usage        ${T} NOT NULL,
        display_name ${T} NOT NULL,
        description  ${T},
        created_at   ${T} NOT NULL,
        created_by   ${T} NOT NULL,
        modified_at  ${T} NOT NULL,
        modified_by  ${T} NOT NULL,
        expiration   ${T},
        content_type ${T} NOT NULL,
        size         INTEGER NOT NULL,
        content      BYTEA NOT NULL    -- only read by data.content()
      );
      CREATE INDEX data_objects_execution_id ON data_objects (execution_id);
      CREATE INDEX data_objects_created_by ON data_objects (created_by, created_at);

      CREATE TABLE processes (
        id           ${T} PRIMARY KEY,
        application  ${T} NOT NULL,
        actionflow   ${T} NOT NULL,
        status       ${T} NOT NULL,
        user_id      ${T},
        created_at   ${T} NOT NULL,
        finished_at  ${T},
        http_status  INTEGER,
        envelope     TEXT,            -- JSON or NULL
        records_done INTEGER NOT NULL,
        message      TEXT
      );
      CREATE INDEX processes_status      ON processes (status, created_at);
      CREATE INDEX processes_created_at  ON processes (created_at, id);
      CREATE INDEX processes_finished_at ON processes (finished_at);

      CREATE TABLE actionflow_logs (
        seq         BIGINT GENERATED ALWAYS AS IDENTITY,
        id          ${T} PRIMARY KEY,
        process_id  ${T} NOT NULL,
        application ${T} NOT NULL,
        actionflow  ${T} NOT NULL,
        kind        ${T} NOT NULL CHECK (kind IN ('request', 'response')),
        at          ${T} NOT NULL,
        content     TEXT NOT NULL     -- JSON
      );
      CREATE INDEX actionflow_logs_at         ON actionflow_logs (at);
      CREATE INDEX actionflow_logs_app_flow   ON actionflow_logs (application, actionflow, at);
      CREATE INDEX actionflow_logs_process_id ON actionflow_logs (process_id, at);

      CREATE TABLE request_journal (
        id            BIGINT GENERATED BY DEFAULT AS IDENTITY PRIMARY KEY,
        at_ms         BIGINT NOT NULL,       -- when the request was received, ms since the epoch
        duration_ms   DOUBLE PRECISION NOT NULL,
        method        ${T} NOT NULL,
        path          ${T} NOT NULL,
        query         TEXT NOT NULL,         -- JSON object
        status        INTEGER NOT NULL,
        operation_id  ${T},
        api_key_id    ${T},
        "user"        ${T},
        token_subject ${T},
        execution_id  ${T},
        req_headers   TEXT NOT NULL,         -- JSON object, secrets redacted
        res_headers   TEXT NOT NULL,
        req_body      TEXT,                  -- JSON JournalBody or NULL
        res_body      TEXT,
        client        ${T} GENERATED ALWAYS AS (CASE
          WHEN api_key_id IS NOT NULL THEN 'key:' || api_key_id
          WHEN token_subject IS NOT NULL THEN 'token:' || token_subject
          ELSE 'anonymous' END) STORED
      );
      CREATE INDEX request_journal_at ON request_journal (at_ms);

      -- JSON text as jsonb, NULL when it is not JSON (PostgreSQL 15 has no IS JSON): the client report.
      CREATE FUNCTION flowmock_try_jsonb(t TEXT) RETURNS jsonb LANGUAGE plpgsql IMMUTABLE AS $fn$
      BEGIN
        RETURN t::jsonb;
      EXCEPTION WHEN others THEN
        RETURN NULL;
      END
      $fn$;

      CREATE TABLE api_flows (
        id          ${T} PRIMARY KEY,
        flow        TEXT NOT NULL,  -- JSON: the vendor Flow as sent
        created_at  ${T} NOT NULL,
        created_by  ${T} NOT NULL,
        modified_at ${T} NOT NULL,
        modified_by ${T} NOT NULL
      );
    `,
  },
  {
    version: 2,
    name: 'replicas: who runs what, and until when (leases)',
    // A replica owns the executions and actionflow runs it is running; it renews its lease every
    // few seconds. When a replica stops renewing (killed, frozen, cut off), its lease expires and
    // any other replica takes its live work over (src/store/postgres/leases.ts). Times are the
    // database's clock, so replicas with skewed clocks agree on what has expired.
    up: `
      CREATE TABLE replicas (
        id               ${T} PRIMARY KEY,
        host             TEXT NOT NULL,
        pid              INTEGER NOT NULL,
        clock            ${T} NOT NULL,   -- 'real' or 'virtual': a virtual clock refuses peers
        started_at       TIMESTAMPTZ NOT NULL DEFAULT now(),
        lease_expires_at TIMESTAMPTZ NOT NULL
      );
      ALTER TABLE executions ADD COLUMN owner ${T};
      CREATE INDEX executions_owner ON executions (owner) WHERE owner IS NOT NULL;
      ALTER TABLE processes ADD COLUMN owner ${T};
      CREATE INDEX processes_owner ON processes (owner) WHERE owner IS NOT NULL;
    `,
  },
  {
    version: 3,
    name: 'the regular collections (resources), their references and content revisions (SQLite migration 9)',
    up: `
      CREATE TABLE resources (
        type        ${T} NOT NULL,
        id          ${T} NOT NULL,
        body        TEXT NOT NULL,   -- JSON: the model's client-set fields
        created_at  ${T} NOT NULL,
        created_by  ${T} NOT NULL,
        modified_at ${T} NOT NULL,
        modified_by ${T} NOT NULL,
        PRIMARY KEY (type, id)
      );
      CREATE TABLE resource_refs (
        from_type ${T} NOT NULL,
        from_id   ${T} NOT NULL,
        field     ${T} NOT NULL,
        to_type   ${T} NOT NULL,
        to_id     ${T} NOT NULL,
        PRIMARY KEY (from_type, from_id, field, to_type, to_id)
      );
      CREATE INDEX resource_refs_to ON resource_refs (to_type, to_id);
      CREATE TABLE resource_contents (
        type         ${T} NOT NULL,
        id           ${T} NOT NULL,
        slot         ${T} NOT NULL,
        revision     INTEGER NOT NULL,
        description  TEXT,
        content_type TEXT NOT NULL,
        size         INTEGER NOT NULL,
        created_at   ${T} NOT NULL,
        created_by   ${T} NOT NULL,
        content      BYTEA NOT NULL,
        PRIMARY KEY (type, id, slot, revision)
      );
    `,
  },
];

/** Any constant: the lock every replica takes to migrate, so one migrates and the others wait. */
const MIGRATION_LOCK = 0x666c6f77; // 'flow'

/**
 * Applies the migrations the database has not run yet, under a session advisory lock (replicas
 * starting together migrate once), each in its own transaction. Returns the versions applied.
 */
export async function applyPgMigrations(client: PoolClient, migrations: readonly PgMigration[] = PG_MIGRATIONS): Promise<number[]> {
  for (let i = 1; i < migrations.length; i++) {
    if (migrations[i].version <= migrations[i - 1].version) {
      throw new Error(`migrations out of order: ${migrations[i].version} after ${migrations[i - 1].version}`);
    }
  }
  await client.query('SELECT pg_advisory_lock($1)', [MIGRATION_LOCK]);
  try {
    await client.query(`CREATE TABLE IF NOT EXISTS schema_migrations (
      version    INTEGER PRIMARY KEY,
      name       TEXT NOT NULL,
      applied_at TEXT NOT NULL
    )`);
    const latest = migrations.length ? migrations[migrations.length - 1].version : 0;
    const { rows } = await client.query<{ v: number | null }>('SELECT MAX(version) AS v FROM schema_migrations');
    const current = rows[0]?.v ?? 0;
    if (current > latest) {
      throw new Error(`database schema version ${current} is newer than this flowmock supports (${latest})`);
    }
    const applied: number[] = [];
    for (const m of migrations) {
      if (m.version <= current) continue;
      await client.query('BEGIN');
      try {
        if (typeof m.up === 'string') await client.query(m.up);
        else await m.up(client);
        await client.query('INSERT INTO schema_migrations (version, name, applied_at) VALUES ($1, $2, $3)', [m.version, m.name, new Date().toISOString()]);
        await client.query('COMMIT');
      } catch (err) {
        await client.query('ROLLBACK').catch(() => {});
        throw err;
      }
      applied.push(m.version);
    }
    return applied;
  } finally {
    await client.query('SELECT pg_advisory_unlock($1)', [MIGRATION_LOCK]).catch(() => {});
  }
}
