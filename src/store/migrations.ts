/**
 * Schema migrations for the SQLite store. Append new migrations at the end with the next
 * version number; never edit one that has shipped (databases already ran it).
 */
import { DATA_MIGRATION_SQL } from './data-store.js';
import type Database from 'better-sqlite3';
import { JOURNAL_MIGRATION_SQL } from './journal-store.js';
import { API_FLOWS_MIGRATION_SQL } from './api-flows-store.js';
import { RESOURCES_MIGRATION_SQL } from './resource-store.js';
import { SERVER_SECRET_NAMES, SECRETS_FILE_ID_META_KEY, type ServerSecrets } from './server-secrets.js';

/** What a migration may need beyond the database: the server's key file (server-secrets.ts). */
export interface MigrationContext {
  secrets?: ServerSecrets;
}

export interface Migration {
  version: number;
  name: string;
  /** SQL script (several statements) or a function for changes SQL alone cannot express. */
  up: string | ((db: Database.Database, ctx: MigrationContext) => void);
}

export const MIGRATIONS: readonly Migration[] = [
  {
    version: 1,
    name: 'initial schema',
    up: `
      CREATE TABLE meta (
        key   TEXT PRIMARY KEY,
        value TEXT NOT NULL
      );

      -- listRoles() keeps insertion order through the rowid, so no WITHOUT ROWID here.
      CREATE TABLE roles (
        id           TEXT PRIMARY KEY,
        name         TEXT NOT NULL,
        display_name TEXT NOT NULL,
        description  TEXT NOT NULL,
        permissions  TEXT NOT NULL,  -- JSON string[]
        privileges   TEXT NOT NULL   -- JSON string[]
      );

      CREATE TABLE users (
        id            TEXT PRIMARY KEY,
        username      TEXT NOT NULL UNIQUE,
        display_name  TEXT NOT NULL,
        email         TEXT,
        enabled       INTEGER NOT NULL CHECK (enabled IN (0, 1)),
        role_ids      TEXT NOT NULL,  -- JSON string[] (order kept as given)
        password_hash TEXT,
        created_at    TEXT NOT NULL
      );

      -- Deferred foreign keys let a transaction insert rows in any order.
      CREATE TABLE api_keys (
        id           TEXT PRIMARY KEY,
        user_id      TEXT NOT NULL REFERENCES users(id) ON DELETE CASCADE DEFERRABLE INITIALLY DEFERRED,
        name         TEXT NOT NULL,
        hash         TEXT NOT NULL,   -- HMAC of the full key; the key itself is never stored
        last4        TEXT NOT NULL,
        created_at   TEXT NOT NULL,
        last_used_at TEXT,
        revoked_at   TEXT
      );
      CREATE INDEX api_keys_user_id ON api_keys (user_id);

      CREATE TABLE printers (
        id              TEXT PRIMARY KEY,
        display_name    TEXT NOT NULL,
        description     TEXT,
        definition      TEXT NOT NULL,  -- JSON
        flavor          TEXT,
        default_printer INTEGER NOT NULL CHECK (default_printer IN (0, 1)),
        properties      TEXT,           -- JSON or NULL
        created_at      TEXT NOT NULL,
        created_by      TEXT NOT NULL,
        modified_at     TEXT NOT NULL,
        modified_by     TEXT NOT NULL
      );
      CREATE INDEX printers_display_name ON printers (display_name);

      -- Queried fields are columns; the rest of the record lives in the JSON 'data' column.
      CREATE TABLE executions (
        id          TEXT PRIMARY KEY,
        flow_id     TEXT NOT NULL,
        flow_name   TEXT NOT NULL,
        status      TEXT NOT NULL,
        created_at  TEXT NOT NULL,
        created_by  TEXT NOT NULL,
        modified_at TEXT NOT NULL,
        queue_seq   INTEGER,
        version     INTEGER NOT NULL,
        data        TEXT NOT NULL
      );
      CREATE INDEX executions_created_at  ON executions (created_at, id);
      CREATE INDEX executions_modified_at ON executions (modified_at, id);
      CREATE INDEX executions_status      ON executions (status, queue_seq);  -- listLive, listQueued, status sort
      CREATE INDEX executions_created_by  ON executions (created_by, created_at);
      CREATE INDEX executions_flow_id     ON executions (flow_id, created_at);

      CREATE TABLE documents (
        id           TEXT PRIMARY KEY,
        execution_id TEXT NOT NULL REFERENCES executions(id) ON DELETE CASCADE DEFERRABLE INITIALLY DEFERRED,
        display_name TEXT NOT NULL,
        description  TEXT,
        created_at   TEXT NOT NULL,
        created_by   TEXT NOT NULL,
        template_id  TEXT,
        language     TEXT,
        finished     INTEGER NOT NULL CHECK (finished IN (0, 1)),
        expiration   TEXT,
        content_type TEXT NOT NULL,
        size         INTEGER NOT NULL,
        content      BLOB NOT NULL    -- only read by documents.content()
      );
      CREATE INDEX documents_execution_id ON documents (execution_id, created_at);

      CREATE TABLE processes (
        id           TEXT PRIMARY KEY,
        application  TEXT NOT NULL,
        actionflow   TEXT NOT NULL,
        status       TEXT NOT NULL,
        user_id      TEXT,
        created_at   TEXT NOT NULL,
        finished_at  TEXT,
        http_status  INTEGER,
        envelope     TEXT,            -- JSON or NULL
        records_done INTEGER NOT NULL,
        message      TEXT
      );
      CREATE INDEX processes_status ON processes (status, created_at);

      CREATE TABLE actionflow_logs (
        id          TEXT PRIMARY KEY,
        process_id  TEXT NOT NULL,
        application TEXT NOT NULL,
        actionflow  TEXT NOT NULL,
        kind        TEXT NOT NULL CHECK (kind IN ('request', 'response')),
        at          TEXT NOT NULL,
        content     TEXT NOT NULL     -- JSON
      );
      CREATE INDEX actionflow_logs_at         ON actionflow_logs (at);
      CREATE INDEX actionflow_logs_app_flow   ON actionflow_logs (application, actionflow, at);
      CREATE INDEX actionflow_logs_process_id ON actionflow_logs (process_id, at);
    `,
  },
  {
    version: 2,
    name: 'request journal',
    up: JOURNAL_MIGRATION_SQL, // src/store/journal-store.ts
  },
  {
    version: 3,
    name: 'hot paths: progress column, journal indexed by time only',
    // A progress poll, the API's most frequent call, reads this column instead of parsing the
    // whole record. Every journal index cost every journaled request an update (a third of the
    // journal's insert); the journal keeps 10,000 entries by default, which its filters scan in
    // a few milliseconds.
    up: `
      ALTER TABLE executions ADD COLUMN progress TEXT NOT NULL DEFAULT '{}';
      UPDATE executions SET progress = COALESCE(json_extract(data, '$.progress'), '{}'), data = json_remove(data, '$.progress');
      DROP INDEX IF EXISTS request_journal_path;
      DROP INDEX IF EXISTS request_journal_user;
      DROP INDEX IF EXISTS request_journal_status;
    `,
  },
  {
    version: 4,
    name: 'server secrets moved out of meta into the key file',
    // Earlier versions kept the key pepper, JWT secret, PhixFlow signing secret and webhook
    // secret in clear in meta: a copy of the database was enough to forge any credential. They
    // are written to the key file first (fsynced), then deleted here in the same transaction that
    // records the migration; a crash in between leaves both, and the next start repeats it.
    up: (db, ctx) => {
      const rows = db.prepare(`SELECT key, value FROM meta WHERE key IN (${SERVER_SECRET_NAMES.map(() => '?').join(', ')})`)
        .all(...SERVER_SECRET_NAMES) as Array<{ key: string; value: string }>;
      if (!ctx.secrets) {
        if (rows.length) throw new Error('migration 4 needs the server secrets file to move the secrets into');
        return; // a bare database (tests of the migrations themselves): nothing to move
      }
      ctx.secrets.merge(Object.fromEntries(rows.map((r) => [r.key, r.value])));
      db.prepare(`DELETE FROM meta WHERE key IN (${SERVER_SECRET_NAMES.map(() => '?').join(', ')})`).run(...SERVER_SECRET_NAMES);
      db.prepare('INSERT INTO meta (key, value) VALUES (?, ?) ON CONFLICT (key) DO UPDATE SET value = excluded.value')
        .run(SECRETS_FILE_ID_META_KEY, ctx.secrets.id);
    },
  },
  {
    version: 5,
    name: 'vendor user fields, personal access token fields, password resets',
    // The vendor's User has first and last names, a description, login statistics and settings;
    // its UserToken a description and a creator. Reset tokens are kept as SHA-256 only.
    up: `
      ALTER TABLE users ADD COLUMN first_name  TEXT NOT NULL DEFAULT '';
      ALTER TABLE users ADD COLUMN last_name   TEXT NOT NULL DEFAULT '';
      ALTER TABLE users ADD COLUMN description TEXT;
      ALTER TABLE users ADD COLUMN modified_at TEXT;
      ALTER TABLE users ADD COLUMN last_login  TEXT;
      ALTER TABLE users ADD COLUMN login_count INTEGER NOT NULL DEFAULT 0;
      ALTER TABLE users ADD COLUMN settings    TEXT NOT NULL DEFAULT '{}';
      UPDATE users SET first_name = display_name WHERE first_name = '';
      ALTER TABLE api_keys ADD COLUMN description TEXT;
      ALTER TABLE api_keys ADD COLUMN created_by  TEXT;
      CREATE TABLE password_resets (
        user_id    TEXT PRIMARY KEY REFERENCES users(id) ON DELETE CASCADE DEFERRABLE INITIALLY DEFERRED,
        token_hash TEXT NOT NULL,   -- SHA-256 (hex) of the reset token; the token itself is never stored
        created_at TEXT NOT NULL,
        expires_at TEXT NOT NULL
      );
    `,
  },
  {
    version: 6,
    name: 'documents without an execution (CreateDocument), and their render source',
    // SQLite cannot drop a NOT NULL: the table is rebuilt. `source` keeps what a document was
    // rendered from (JSON), so a PDF can be served as DOCX when a client accepts only DOCX.
    up: `
      CREATE TABLE documents_new (
        id           TEXT PRIMARY KEY,
        execution_id TEXT REFERENCES executions(id) ON DELETE CASCADE DEFERRABLE INITIALLY DEFERRED,
        display_name TEXT NOT NULL,
        description  TEXT,
        created_at   TEXT NOT NULL,
        created_by   TEXT NOT NULL,
        template_id  TEXT,
        language     TEXT,
        finished     INTEGER NOT NULL CHECK (finished IN (0, 1)),
        expiration   TEXT,
        content_type TEXT NOT NULL,
        size         INTEGER NOT NULL,
        content      BLOB NOT NULL,
        source       TEXT
      );
      INSERT INTO documents_new (id, execution_id, display_name, description, created_at, created_by, template_id, language,
          finished, expiration, content_type, size, content)
        SELECT id, execution_id, display_name, description, created_at, created_by, template_id, language,
          finished, expiration, content_type, size, content FROM documents;
      DROP TABLE documents;
      ALTER TABLE documents_new RENAME TO documents;
      CREATE INDEX documents_execution_id ON documents (execution_id, created_at);
      CREATE INDEX documents_created_at ON documents (created_at);
    `,
  },
  {
    version: 7,
    name: 'data objects: the stored input of executions',
    up: DATA_MIGRATION_SQL, // src/store/data-store.ts
  },
  {
    version: 8,
    name: 'flows created over the API',
    up: API_FLOWS_MIGRATION_SQL, // src/store/api-flows-store.ts
  },
  {
    version: 9,
    name: 'the regular collections (resources), their references and content revisions',
    up: RESOURCES_MIGRATION_SQL, // src/store/resource-store.ts
  },
];

/**
 * Applies every migration the database has not run yet, each in its own IMMEDIATE
 * transaction (so two processes opening the same file cannot both apply one).
 * Returns the versions applied by this call.
 */
export function applyMigrations(db: Database.Database, migrations: readonly Migration[] = MIGRATIONS, ctx: MigrationContext = {}): number[] {
  for (let i = 1; i < migrations.length; i++) {
    if (migrations[i].version <= migrations[i - 1].version) {
      throw new Error(`migrations out of order: ${migrations[i].version} after ${migrations[i - 1].version}`);
    }
  }
  db.exec(`CREATE TABLE IF NOT EXISTS schema_migrations (
    version    INTEGER PRIMARY KEY,
    name       TEXT NOT NULL,
    applied_at TEXT NOT NULL
  )`);

  const latest = migrations.length ? migrations[migrations.length - 1].version : 0;
  const current = (db.prepare('SELECT MAX(version) AS v FROM schema_migrations').get() as { v: number | null }).v ?? 0;
  if (current > latest) {
    // Refuse to run against a schema written by a newer flowmock: we would misread it.
    throw new Error(`database schema version ${current} is newer than this flowmock supports (${latest})`);
  }

  const isApplied = db.prepare('SELECT 1 FROM schema_migrations WHERE version = ?').pluck();
  const record = db.prepare('INSERT INTO schema_migrations (version, name, applied_at) VALUES (?, ?, ?)');
  const applyOne = db.transaction((m: Migration): boolean => {
    if (isApplied.get(m.version)) return false; // re-checked under the write lock
    if (typeof m.up === 'string') db.exec(m.up);
    else m.up(db, ctx);
    record.run(m.version, m.name, new Date().toISOString());
    return true;
  });

  const applied: number[] = [];
  for (const m of migrations) {
    if (m.version <= current) continue;
    if (applyOne.immediate(m)) applied.push(m.version);
  }
  return applied;
}
