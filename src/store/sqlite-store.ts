/**
 * The SQLite implementation of `Store` (better-sqlite3). Every call runs synchronously on the one
 * connection; the asynchronous interface is added by synchronous.ts, which makes every other
 * call wait while a transaction (BEGIN IMMEDIATE, open across the callback's awaits) is open.
 * Fixed statements are prepared once at open; filter queries build parameterised SQL whose
 * text depends only on the filter's shape, and those statements are cached by text.
 */
import fs from 'node:fs';
import path from 'node:path';
import Database from 'better-sqlite3';
import { applyMigrations } from './migrations.js';
import { fileSecrets, memorySecrets, secretsFileFor, SECRETS_FILE_ID_META_KEY, type ServerSecrets } from './server-secrets.js';
import { prepareStoreFiles, StoreFilesError } from './store-files.js';
import { StoreHealth, isTransientStoreError, storeFileOf } from './store-health.js';
import { startCheckpointer, type Checkpointer } from './checkpointer.js';
import { createJournalStore, createOverviewStore } from './journal-store.js';
import { createDataStore } from './data-store.js';
import { createApiFlowStore } from './api-flows-store.js';
import { createResourceStore } from './resource-store.js';
import type {
  ActionflowLogRecord, ApiKeyRecord, ConditionGroup, DocumentRecord, ExecutionProgressView, ExecutionQuery, ExecutionRecord,
  ExecutionStatistics, ExecutionStatus, Page, TimeGrouping, PrinterRecord, ProcessRecord, RoleRecord, Store, StoreChange,
  StoreCollections, StoreTransaction, UserRecord,
} from './types.js';
import { ConnectionGate, gatedView, transactionView, type Synchronous } from './synchronous.js';
import { EXECUTION_STATUSES, isStable } from './types.js';
import { upgradeExecutionReport } from './execution-report-upgrade.js';

import { groupToSql, likeOnEnumsAsIn, SQLITE_FILTER_DIALECT } from './filter-sql.js';
import { userQuerySql } from './user-query.js';
import { StoreQueryError, type EXECUTION_FILTER_KEYS } from './query-rules.js';

/** The collections as this backend implements them: synchronously. */
type SyncCollections = { [K in keyof StoreCollections]: Synchronous<StoreCollections[K]> };

// ---------------------------------------------------------------------------------------------
// Row shapes and mapping

interface RoleRow { id: string; name: string; display_name: string; description: string; permissions: string; privileges: string }
interface UserRow {
  id: string; username: string; display_name: string; email: string | null; enabled: number;
  role_ids: string; password_hash: string | null; created_at: string;
  first_name: string; last_name: string; description: string | null; modified_at: string | null;
  last_login: string | null; login_count: number; settings: string;
}
interface ApiKeyRow {
  id: string; user_id: string; name: string; hash: string; last4: string;
  created_at: string; last_used_at: string | null; revoked_at: string | null;
  description: string | null; created_by: string | null;
}
interface PrinterRow {
  id: string; display_name: string; description: string | null; definition: string; flavor: string | null;
  default_printer: number; properties: string | null; created_at: string; created_by: string;
  modified_at: string; modified_by: string;
}
interface ExecutionRow {
  id: string; flow_id: string; flow_name: string; status: string; created_at: string; created_by: string;
  modified_at: string; queue_seq: number | null; version: number; progress: string; data: string;
}
interface ProgressRow { id: string; status: string; created_by: string; version: number; progress: string }
interface DocumentRow {
  id: string; execution_id: string | null; display_name: string; description: string | null; created_at: string;
  created_by: string; template_id: string | null; language: string | null; finished: number;
  expiration: string | null; content_type: string; size: number; source: string | null;
}
interface ProcessRow {
  id: string; application: string; actionflow: string; status: string; user_id: string | null;
  created_at: string; finished_at: string | null; http_status: number | null; envelope: string | null;
  records_done: number; message: string | null;
}
interface LogRow {
  id: string; process_id: string; application: string; actionflow: string; kind: string; at: string; content: string;
}

/** JSON text for a column; `undefined` (not representable in JSON) is stored as null. */
const toJson = (v: unknown): string => JSON.stringify(v === undefined ? null : v);
const toJsonOrNull = (v: unknown): string | null => (v === null || v === undefined ? null : JSON.stringify(v));
const fromJsonOrNull = <T>(s: string | null): T | null => (s === null ? null : (JSON.parse(s) as T));

const roleFromRow = (r: RoleRow): RoleRecord => ({
  id: r.id, name: r.name, displayName: r.display_name, description: r.description,
  permissions: JSON.parse(r.permissions), privileges: JSON.parse(r.privileges),
});
const userFromRow = (r: UserRow): UserRecord => ({
  id: r.id, username: r.username, displayName: r.display_name, email: r.email, enabled: r.enabled === 1,
  roleIds: JSON.parse(r.role_ids), passwordHash: r.password_hash, createdAt: r.created_at,
  firstName: r.first_name, lastName: r.last_name, description: r.description, modifiedAt: r.modified_at,
  lastLogin: r.last_login, loginCount: r.login_count, settings: JSON.parse(r.settings),
});
const apiKeyFromRow = (r: ApiKeyRow): ApiKeyRecord => ({
  id: r.id, userId: r.user_id, name: r.name, hash: r.hash, last4: r.last4,
  createdAt: r.created_at, lastUsedAt: r.last_used_at, revokedAt: r.revoked_at,
  description: r.description, createdBy: r.created_by,
});
const printerFromRow = (r: PrinterRow): PrinterRecord => ({
  id: r.id, displayName: r.display_name, description: r.description, definition: JSON.parse(r.definition),
  flavor: r.flavor, defaultPrinter: r.default_printer === 1, properties: fromJsonOrNull(r.properties),
  createdAt: r.created_at, createdBy: r.created_by, modifiedAt: r.modified_at, modifiedBy: r.modified_by,
});
const printerParams = (p: PrinterRecord) => ({
  id: p.id, display_name: p.displayName, description: p.description, definition: toJson(p.definition),
  flavor: p.flavor, default_printer: p.defaultPrinter ? 1 : 0, properties: toJsonOrNull(p.properties),
  created_at: p.createdAt, created_by: p.createdBy, modified_at: p.modifiedAt, modified_by: p.modifiedBy,
});

/** Splits an execution into its queried columns and the JSON remainder (no field stored twice). */
function executionParams(e: ExecutionRecord) {
  const { id, flowId, flowName, status, createdAt, createdBy, modifiedAt, queueSeq, version, progress, ...rest } = e;
  return {
    id, flow_id: flowId, flow_name: flowName, status, created_at: createdAt, created_by: createdBy,
    modified_at: modifiedAt, queue_seq: queueSeq, version, progress: JSON.stringify(progress), data: JSON.stringify(rest),
  };
}
type ExecutionData = Omit<ExecutionRecord, 'id' | 'flowId' | 'flowName' | 'status' | 'createdAt' | 'createdBy' | 'modifiedAt' | 'queueSeq' | 'version' | 'progress'>;
// Records saved before the vendor-shaped report are upgraded as they are read (execution-report-upgrade.ts).
const executionFromRow = (r: ExecutionRow): ExecutionRecord => upgradeExecutionReport({
  ...(JSON.parse(r.data) as ExecutionData),
  id: r.id, flowId: r.flow_id, flowName: r.flow_name, status: r.status as ExecutionStatus,
  progress: JSON.parse(r.progress) as ExecutionRecord['progress'],
  createdAt: r.created_at, createdBy: r.created_by, modifiedAt: r.modified_at,
  queueSeq: r.queue_seq, version: r.version,
});

const documentFromRow = (r: DocumentRow): DocumentRecord => ({
  id: r.id, executionId: r.execution_id, displayName: r.display_name, description: r.description,
  createdAt: r.created_at, createdBy: r.created_by, templateId: r.template_id, language: r.language,
  finished: r.finished === 1, expiration: r.expiration, contentType: r.content_type, size: r.size,
  source: fromJsonOrNull(r.source) as DocumentRecord['source'],
});
const processFromRow = (r: ProcessRow): ProcessRecord => ({
  id: r.id, application: r.application, actionflow: r.actionflow, status: r.status as ProcessRecord['status'],
  userId: r.user_id, createdAt: r.created_at, finishedAt: r.finished_at, httpStatus: r.http_status,
  envelope: fromJsonOrNull(r.envelope), recordsDone: r.records_done, message: r.message,
});
const processParams = (p: ProcessRecord) => ({
  id: p.id, application: p.application, actionflow: p.actionflow, status: p.status, user_id: p.userId,
  created_at: p.createdAt, finished_at: p.finishedAt, http_status: p.httpStatus,
  envelope: toJsonOrNull(p.envelope), records_done: p.recordsDone, message: p.message,
});
const logFromRow = (r: LogRow): ActionflowLogRecord => ({
  id: r.id, processId: r.process_id, application: r.application, actionflow: r.actionflow,
  kind: r.kind as ActionflowLogRecord['kind'], at: r.at, content: JSON.parse(r.content),
});

// ---------------------------------------------------------------------------------------------
// Filter translation

/**
 * The execution list's filter properties as SQL (see EXECUTION_LIST in src/api/executions):
 * `mode` is `batch` for executions started with /start (skipUserInput in the record).
 */
export const EXECUTION_FILTER_COLUMNS: ReadonlyMap<string, string> = new Map<(typeof EXECUTION_FILTER_KEYS)[number], string>([
  ['id', 'id'], ['status', 'status'], ['flow', 'flow_id'], ['flowId', 'flow_id'], ['flow.id', 'flow_id'],
  ['flow.displayName', 'flow_name'], ['createdAt', 'created_at'], ['modifiedAt', 'modified_at'], ['createdBy', 'created_by'],
  ['mode', "(CASE WHEN json_extract(data, '$.skipUserInput') THEN 'batch' ELSE 'interactive' END)"],
]);
const SORT_COLUMNS = new Map<string, string>([
  ['createdAt', 'created_at'], ['modifiedAt', 'modified_at'], ['status', 'status'], ['id', 'id'],
]);
/** Period label lengths of the statistics' groupTimeBy (prefixes of the stored ISO time). */
const TIME_PREFIX: Record<TimeGrouping, number> = { hour: 13, day: 10, month: 7, year: 4 };

/** The filter properties whose column holds one of a fixed set of values (see likeOnEnumsAsIn). */
const EXECUTION_FILTER_ENUMS: ReadonlyMap<string, readonly string[]> = new Map([['status', EXECUTION_STATUSES]]);
/**
 * The same columns with the status index kept out of the plan (`+status`: SQLite uses no index for
 * an expression): for a page of many matching executions, reading the sort column's index in order
 * until the page is full is cheaper than finding every match by status and sorting them all.
 */
const EXECUTION_FILTER_COLUMNS_IN_SORT_ORDER: ReadonlyMap<string, string> = new Map(
  [...EXECUTION_FILTER_COLUMNS].map(([k, v]) => [k, v === 'status' ? '+status' : v]),
);

/** WHERE clause shared by query() and statistics(). */
function executionWhere(ownerId: string | null, flowId: string | undefined, filter: ConditionGroup | undefined, columns = EXECUTION_FILTER_COLUMNS) {
  const clauses: string[] = [];
  const params: unknown[] = [];
  if (ownerId !== null) { clauses.push('created_by = ?'); params.push(ownerId); }
  if (flowId !== undefined) { clauses.push('flow_id = ?'); params.push(flowId); }
  if (filter !== undefined) clauses.push(groupToSql(likeOnEnumsAsIn(filter, EXECUTION_FILTER_ENUMS), columns, params));
  return { where: clauses.length ? clauses.join(' AND ') : '1', params };
}

function checkPaging(page: number, size: number): void {
  if (!Number.isInteger(page) || page < 0) throw new StoreQueryError(`page must be an integer >= 0, got ${page}`);
  if (!Number.isInteger(size) || size < 1) throw new StoreQueryError(`size must be an integer >= 1, got ${size}`);
}

const pageOf = <T>(content: T[], page: number, size: number, total: number): Page<T> => ({
  content, number: page, size, totalElements: total, totalPages: Math.ceil(total / size),
});

// ---------------------------------------------------------------------------------------------

const EXECUTION_COLUMNS = 'id, flow_id, flow_name, status, created_at, created_by, modified_at, queue_seq, version, progress, data';
/** Metadata columns only: the BLOB is read by documents.content() alone. */
const DOCUMENT_COLUMNS =
  'id, execution_id, display_name, description, created_at, created_by, template_id, language, finished, expiration, content_type, size, source';
const LIVE_STATUSES: readonly ExecutionStatus[] = ['Running', 'Waiting', 'Queued', 'UserInput'];
const STABLE_PROGRESS_LIMIT = 1000; // stable executions whose progress is kept in memory; emptied when full
const STATEMENT_CACHE_LIMIT = 200;
/** How often another connection's commits are looked for while anyone listens for changes. */
const EXTERNAL_CHANGE_POLL_MS = 100;

function watchWrites(stmt: Database.Statement, health: StoreHealth): void {
  for (const method of ['run', 'get', 'all'] as const) {
    const original = stmt[method] as (...args: unknown[]) => unknown;
    (stmt as unknown as Record<string, unknown>)[method] = function watchedWrite(this: Database.Statement, ...args: unknown[]) {
      health.assertPresent();
      try {
        const result = original.apply(this, args);
        health.noteWritten();
        return result;
      } catch (err) {
        if (isTransientStoreError(err)) health.noteBusy();
        throw err;
      }
    };
  }
}

/** Opens (creating and migrating as needed) the store at `file`, or an in-memory one for ':memory:'. */
export function openStore(file: string, opts: {
  env?: NodeJS.ProcessEnv;
  busyTimeoutMs?: number;
  /** Told once when the database file is deleted or replaced under the running store. */
  onLost?: (reason: string) => void;
} = {}): Store {
  const inMemory = file === ':memory:' || file === '';
  // Owner-only folder and files; writable WAL and SHM checked before SQLite maps them (SIGBUS otherwise).
  const created = !inMemory && prepareStoreFiles(file);
  // A new database beside the key file of an old one: the database was deleted or moved. Starting
  // afresh would mint new keys silently; say so instead (a key file named by
  // FLOWMOCK_SECRETS_FILE is shared on purpose and exempt).
  const env = opts.env ?? process.env;
  if (created && !env.FLOWMOCK_SECRETS_FILE && fs.existsSync(secretsFileFor(file, env))) {
    fs.rmSync(path.resolve(file), { force: true });
    throw new StoreFilesError(`the database ${path.resolve(file)} is missing but its secrets file ${secretsFileFor(file, env)} is there: `
      + 'the database was deleted or moved. Restore it, or remove the secrets file too to start afresh with a new database and new keys.');
  }

  const db = new Database(file);
  let secrets: ServerSecrets;
  try {
    // A short wait only while opening (start-up, migrations); afterwards 0 (see below).
    db.pragma('busy_timeout = 5000'); // first, so the pragmas below wait for a busy writer
    if (!inMemory) db.pragma('journal_mode = WAL'); // readers and the writer do not block each other
    db.pragma('synchronous = NORMAL'); // safe with WAL; only the last commits may be lost on power loss
    db.pragma('foreign_keys = ON');
    const hasMeta = db.prepare(`SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = 'meta'`).pluck().get() !== undefined;
    const expectedId = hasMeta ? ((db.prepare('SELECT value FROM meta WHERE key = ?').pluck().get(SECRETS_FILE_ID_META_KEY) as string | undefined) ?? null) : null;
    secrets = inMemory ? memorySecrets() : fileSecrets(secretsFileFor(file, opts.env), expectedId);
    applyMigrations(db, undefined, { secrets });
    // No request may wait for another process's lock with the event loop blocked: a busy
    // database fails at once (SQLITE_BUSY), and callers retry later (src/store/store-health.ts)
    // or answer 503. Only the CLI, which serves no one meanwhile, passes a wait.
    db.pragma(`busy_timeout = ${Math.max(0, Math.floor(opts.busyTimeoutMs ?? 0))}`);
  } catch (err) {
    db.close();
    throw err;
  }

  // Every writing statement first makes sure the file is still the one opened (a deleted or
  // replaced database is never written silently), and tells the health when a lock got in the way.
  const health = new StoreHealth(inMemory ? null : storeFileOf(file), opts.onLost);
  const prepare = db.prepare.bind(db);
  (db as { prepare: typeof db.prepare }).prepare = ((sql: string) => {
    const stmt = prepare(sql);
    if (!stmt.readonly) watchWrites(stmt, health);
    return stmt;
  }) as typeof db.prepare;
  const fileWatch = inMemory ? null : setInterval(() => health.check(), 1000);
  fileWatch?.unref();

  // Filter SQL varies with the filter's shape only, so a small cache keyed by text avoids
  // recompiling the usual few shapes; Map order gives cheap oldest-first eviction.
  const dynamic = new Map<string, Database.Statement>();
  const cached = (sql: string): Database.Statement => {
    let stmt = dynamic.get(sql);
    if (stmt) {
      dynamic.delete(sql);
    } else {
      stmt = db.prepare(sql);
      if (dynamic.size >= STATEMENT_CACHE_LIMIT) dynamic.delete(dynamic.keys().next().value as string);
    }
    dynamic.set(sql, stmt);
    return stmt;
  };

  const s = {
    metaGet: db.prepare('SELECT value FROM meta WHERE key = ?').pluck(),
    dataVersion: db.prepare('PRAGMA data_version').pluck(),
    metaSet: db.prepare('INSERT INTO meta (key, value) VALUES (?, ?) ON CONFLICT (key) DO UPDATE SET value = excluded.value'),

    rolesList: db.prepare('SELECT * FROM roles ORDER BY rowid'),
    roleUpsert: db.prepare(`INSERT INTO roles (id, name, display_name, description, permissions, privileges)
      VALUES (@id, @name, @display_name, @description, @permissions, @privileges)
      ON CONFLICT (id) DO UPDATE SET name = excluded.name, display_name = excluded.display_name,
        description = excluded.description, permissions = excluded.permissions, privileges = excluded.privileges`),
    userInsert: db.prepare(`INSERT INTO users (id, username, display_name, email, enabled, role_ids, password_hash, created_at,
        first_name, last_name, description, modified_at, last_login, login_count, settings)
      VALUES (@id, @username, @display_name, @email, @enabled, @role_ids, @password_hash, @created_at,
        @first_name, @last_name, @description, @modified_at, @last_login, @login_count, @settings)`),
    userRecordLogin: db.prepare('UPDATE users SET login_count = login_count + 1, last_login = ? WHERE id = ?'),
    resetPut: db.prepare(`INSERT INTO password_resets (user_id, token_hash, created_at, expires_at) VALUES (@user_id, @token_hash, @created_at, @expires_at)
      ON CONFLICT (user_id) DO UPDATE SET token_hash = excluded.token_hash, created_at = excluded.created_at, expires_at = excluded.expires_at`),
    resetByUser: db.prepare('SELECT * FROM password_resets WHERE user_id = ?'),
    resetDelete: db.prepare('DELETE FROM password_resets WHERE user_id = ?'),
    userById: db.prepare('SELECT * FROM users WHERE id = ?'),
    userByName: db.prepare('SELECT * FROM users WHERE username = ?'),
    usersList: db.prepare('SELECT * FROM users ORDER BY created_at, username'),
    userSetPassword: db.prepare('UPDATE users SET password_hash = ? WHERE id = ?'),
    userSetEnabled: db.prepare('UPDATE users SET enabled = ? WHERE id = ?'),
    usersCount: db.prepare('SELECT COUNT(*) FROM users').pluck(),
    userUpdate: db.prepare(`UPDATE users SET username = @username, display_name = @display_name, email = @email, enabled = @enabled,
        role_ids = @role_ids, password_hash = @password_hash, first_name = @first_name, last_name = @last_name,
        description = @description, modified_at = @modified_at, settings = @settings WHERE id = @id`),
    userDelete: db.prepare('DELETE FROM users WHERE id = ?'),
    userKeysDelete: db.prepare('DELETE FROM api_keys WHERE user_id = ?'),

    keyInsert: db.prepare(`INSERT INTO api_keys (id, user_id, name, hash, last4, created_at, last_used_at, revoked_at, description, created_by)
      VALUES (@id, @user_id, @name, @hash, @last4, @created_at, @last_used_at, @revoked_at, @description, @created_by)`),
    keyById: db.prepare('SELECT * FROM api_keys WHERE id = ?'),
    keysActive: db.prepare('SELECT * FROM api_keys WHERE user_id = ? AND revoked_at IS NULL ORDER BY created_at, id'),
    keyRevoke: db.prepare('UPDATE api_keys SET revoked_at = ? WHERE id = ? AND revoked_at IS NULL'),
    keyTouch: db.prepare('UPDATE api_keys SET last_used_at = ? WHERE id = ?'),

    printersList: db.prepare('SELECT * FROM printers ORDER BY display_name, id'),
    printerById: db.prepare('SELECT * FROM printers WHERE id = ?'),
    printerByName: db.prepare('SELECT * FROM printers WHERE display_name = ? ORDER BY created_at, id LIMIT 1'),
    printerInsert: db.prepare(`INSERT INTO printers (id, display_name, description, definition, flavor, default_printer,
        properties, created_at, created_by, modified_at, modified_by)
      VALUES (@id, @display_name, @description, @definition, @flavor, @default_printer,
        @properties, @created_at, @created_by, @modified_at, @modified_by)`),
    printerUpdate: db.prepare(`UPDATE printers SET display_name = @display_name, description = @description,
        definition = @definition, flavor = @flavor, default_printer = @default_printer, properties = @properties,
        created_at = @created_at, created_by = @created_by, modified_at = @modified_at, modified_by = @modified_by
      WHERE id = @id`),
    printerDelete: db.prepare('DELETE FROM printers WHERE id = ?'),

    execInsert: db.prepare(`INSERT INTO executions (${EXECUTION_COLUMNS})
      VALUES (@id, @flow_id, @flow_name, @status, @created_at, @created_by, @modified_at, @queue_seq, @version, @progress, @data)`),
    // The database bumps the counter, so it stays monotonic even if a caller saves a stale copy.
    // Only the columns that change after the insert are set: SQLite rewrites the entries of every
    // index on a column named in SET, and the flow, creator and creation time are fixed (three
    // of the five indexes, on every one of an execution's saves, cost more as the table grows).
    execSave: db.prepare(`UPDATE executions SET flow_id = @flow_id, flow_name = @flow_name, status = @status, modified_at = @modified_at, queue_seq = @queue_seq,
        progress = @progress, data = @data, version = version + 1
      WHERE id = @id RETURNING version`).pluck(),
    execSaveIf: db.prepare(`UPDATE executions SET flow_id = @flow_id, flow_name = @flow_name, status = @status, modified_at = @modified_at, queue_seq = @queue_seq,
        progress = @progress, data = @data, version = version + 1
      WHERE id = @id AND version = @expected RETURNING version`).pluck(),
    execById: db.prepare(`SELECT ${EXECUTION_COLUMNS} FROM executions WHERE id = ?`),
    execWaitingOn: db.prepare(`SELECT ${EXECUTION_COLUMNS} FROM executions
      WHERE status = 'Waiting' AND json_extract(data, '$.waitingFor.callbackId') = ? LIMIT 1`),
    // A poll reads the progress column only: reading and parsing the whole record cost it ~30 µs.
    execProgressById: db.prepare('SELECT id, status, created_by, version, progress FROM executions WHERE id = ?'),
    execLive: db.prepare(`SELECT ${EXECUTION_COLUMNS} FROM executions
      WHERE status IN (${LIVE_STATUSES.map((st) => `'${st}'`).join(', ')}) ORDER BY created_at, id`),
    execQueued: db.prepare(`SELECT ${EXECUTION_COLUMNS} FROM executions
      WHERE status = 'Queued' ORDER BY queue_seq, created_at, id`),
    execQueuedFirst: db.prepare(`SELECT ${EXECUTION_COLUMNS} FROM executions
      WHERE status = 'Queued' ORDER BY queue_seq, created_at, id LIMIT ?`),
    // Both answered from the executions_status index, without reading any record.
    execCountByStatus: db.prepare('SELECT COUNT(*) FROM executions WHERE status = ?').pluck(),
    execMaxQueueSeq: db.prepare(`SELECT COALESCE(MAX(queue_seq), 0) FROM executions WHERE status = 'Queued'`).pluck(),
    execCount: db.prepare('SELECT COUNT(*) FROM executions').pluck(),
    execMaxRowid: db.prepare('SELECT MAX(rowid) FROM executions').pluck(),
    execDelete: db.prepare('DELETE FROM executions WHERE id = ? RETURNING version').pluck(),
    execDeleteDocs: db.prepare('DELETE FROM documents WHERE execution_id = ?'),
    execDeleteData: db.prepare('DELETE FROM data_objects WHERE execution_id = ?'),

    docInsert: db.prepare(`INSERT INTO documents (${DOCUMENT_COLUMNS}, content)
      VALUES (@id, @execution_id, @display_name, @description, @created_at, @created_by, @template_id, @language,
        @finished, @expiration, @content_type, @size, @source, @content)`),
    docsVisible: db.prepare(`SELECT ${DOCUMENT_COLUMNS.split(', ').map((c) => `d.${c}`).join(', ')}, e.flow_id AS flow_id, e.flow_name AS flow_name FROM documents d
      LEFT JOIN executions e ON e.id = d.execution_id
      WHERE @owner IS NULL OR COALESCE(e.created_by, d.created_by) = @owner
      ORDER BY d.created_at DESC, d.rowid DESC LIMIT @limit`),
    docById: db.prepare(`SELECT ${DOCUMENT_COLUMNS} FROM documents WHERE id = ?`),
    docContent: db.prepare('SELECT content FROM documents WHERE id = ?').pluck(),
    docsByExecution: db.prepare(`SELECT ${DOCUMENT_COLUMNS} FROM documents WHERE execution_id = ? ORDER BY created_at, rowid`),

    procInsert: db.prepare(`INSERT INTO processes (id, application, actionflow, status, user_id, created_at, finished_at,
        http_status, envelope, records_done, message)
      VALUES (@id, @application, @actionflow, @status, @user_id, @created_at, @finished_at,
        @http_status, @envelope, @records_done, @message)`),
    procSave: db.prepare(`UPDATE processes SET application = @application, actionflow = @actionflow, status = @status,
        user_id = @user_id, created_at = @created_at, finished_at = @finished_at, http_status = @http_status,
        envelope = @envelope, records_done = @records_done, message = @message
      WHERE id = @id`),
    procById: db.prepare('SELECT * FROM processes WHERE id = ?'),
    procRunning: db.prepare(`SELECT * FROM processes WHERE status = 'Running' ORDER BY created_at, id`),
    procPruneLogs: db.prepare(`DELETE FROM actionflow_logs WHERE process_id IN
      (SELECT id FROM processes WHERE user_id IS NULL AND status <> 'Running' AND finished_at < ?)`),
    procPrune: db.prepare(`DELETE FROM processes WHERE user_id IS NULL AND status <> 'Running' AND finished_at < ?`),

    logInsert: db.prepare(`INSERT INTO actionflow_logs (id, process_id, application, actionflow, kind, at, content)
      VALUES (@id, @process_id, @application, @actionflow, @kind, @at, @content)`),
    // "(@x IS NULL OR col = @x)" keeps one prepared statement for every combination of filters.
    logCount: db.prepare(`SELECT COUNT(*) FROM actionflow_logs
      WHERE (@application IS NULL OR application = @application) AND (@actionflow IS NULL OR actionflow = @actionflow)
        AND (@process_id IS NULL OR process_id = @process_id)`).pluck(),
    logPage: db.prepare(`SELECT * FROM actionflow_logs
      WHERE (@application IS NULL OR application = @application) AND (@actionflow IS NULL OR actionflow = @actionflow)
        AND (@process_id IS NULL OR process_id = @process_id)
      ORDER BY at DESC, rowid DESC LIMIT @limit OFFSET @offset`),
  };

  /** Throws when an update touched no row: saving a record that was never inserted is a bug. */
  const mustChange = (changes: number, what: string, id: string): void => {
    if (changes === 0) throw new Error(`${what} ${id} not found`);
  };

  // One wrapper for every store.transaction(fn): better-sqlite3 builds a wrapper per
  // db.transaction() call, and nested calls still become savepoints.
  const inTransaction = db.transaction((fn: () => unknown) => fn());

  const runQuery = db.transaction((q: ExecutionQuery): Page<ExecutionRecord> => {
    checkPaging(q.page, q.size);
    const column = SORT_COLUMNS.get(q.sort?.field);
    if (!column) throw new StoreQueryError(`unknown sort field: ${String(q.sort?.field)}`);
    const dir = q.sort.direction === 'asc' ? 'ASC' : q.sort.direction === 'desc' ? 'DESC' : null;
    if (!dir) throw new StoreQueryError(`unknown sort direction: ${String(q.sort.direction)}`);

    const { where, params } = executionWhere(q.ownerId, q.flowId, q.filter);
    const total = cached(`SELECT COUNT(*) FROM executions WHERE ${where}`).pluck().get(...params) as number;
    // A filter on status: SQLite (no statistics) finds the matches by the status index and sorts
    // them all, cheap for a few, slow for many (10,000 Error of 100,000: ~100 ms); reading in sort
    // order until the page is full costs about (offset + size) × stored / total rows at ~0.4 of a
    // sorted row's cost. The count (now an index count) and MAX(rowid) (≥ the number stored) tell which.
    let pageWhere = where;
    let pageParams = params;
    const inOrder = executionWhere(q.ownerId, q.flowId, q.filter, EXECUTION_FILTER_COLUMNS_IN_SORT_ORDER);
    if (inOrder.where !== where && total > 0) {
      const stored = (s.execMaxRowid.get() as number | null) ?? 0;
      if (2 * total * total >= (q.page * q.size + q.size) * stored) ({ where: pageWhere, params: pageParams } = inOrder);
    }
    const rows = cached(`SELECT ${EXECUTION_COLUMNS} FROM executions WHERE ${pageWhere}
      ORDER BY ${column} ${dir}, id ${dir} LIMIT ? OFFSET ?`).all(...pageParams, q.size, q.page * q.size) as ExecutionRow[];
    return pageOf(rows.map(executionFromRow), q.page, q.size, total);
  });

  const runStatistics = db.transaction((ownerId: string | null, filter?: ConditionGroup, groupTimeBy: TimeGrouping = 'day'): ExecutionStatistics => {
    const { where, params } = executionWhere(ownerId, undefined, filter);
    const prefix = TIME_PREFIX[groupTimeBy];
    if (!prefix) throw new StoreQueryError(`unknown time grouping: ${String(groupTimeBy)}`);
    const total = cached(`SELECT COUNT(*) FROM executions WHERE ${where}`).pluck().get(...params) as number;
    const perTime: ExecutionStatistics['perTime'] = [];
    const timeRows = cached(`SELECT substr(created_at, 1, ${prefix}) AS label, status, COUNT(*) AS n FROM executions WHERE ${where}
      GROUP BY label, status ORDER BY label, status`).all(...params) as Array<{ label: string; status: ExecutionStatus; n: number }>;
    for (const r of timeRows) {
      let last = perTime[perTime.length - 1];
      if (!last || last.label !== r.label) perTime.push(last = { label: r.label, perStatus: [], totalCount: 0 });
      last.perStatus.push({ status: r.status, count: r.n });
      last.totalCount += r.n;
    }
    // With MAX() in the select list SQLite takes the bare flow_name from the newest row,
    // so a renamed flow is reported under its current name.
    const perObject = (cached(`SELECT flow_id, flow_name, COUNT(*) AS n, MAX(created_at) FROM executions
      WHERE ${where} GROUP BY flow_id ORDER BY n DESC, flow_id`).all(...params) as Array<{ flow_id: string; flow_name: string; n: number }>)
      .map((r) => ({ flowId: r.flow_id, flowName: r.flow_name, count: r.n }));
    const perUser = (cached(`SELECT created_by, COUNT(*) AS n FROM executions WHERE ${where}
      GROUP BY created_by ORDER BY n DESC, created_by`).all(...params) as Array<{ created_by: string; n: number }>)
      .map((r) => ({ userId: r.created_by, count: r.n }));
    return { total, perTime, perObject, perUser };
  });

  const runLogQuery = db.transaction((q: Parameters<SyncCollections['actionflowLogs']['query']>[0]): Page<ActionflowLogRecord> => {
    checkPaging(q.page, q.size);
    const filters = { application: q.application ?? null, actionflow: q.actionflow ?? null, process_id: q.processId ?? null };
    const total = s.logCount.get(filters) as number;
    const rows = s.logPage.all({ ...filters, limit: q.size, offset: q.page * q.size }) as LogRow[];
    return pageOf(rows.map(logFromRow), q.page, q.size, total);
  });

  // ---- change notification (StoreChange in types.ts)
  const gate = new ConnectionGate();
  const listeners = new Set<(change: StoreChange) => void>();
  /** Changes made inside the open transaction: delivered at its commit, dropped at its rollback. */
  let pending: StoreChange[] | null = null;
  const queued: StoreChange[] = [];
  let deliveryScheduled = false;
  const deliverQueued = (): void => {
    deliveryScheduled = false;
    for (const change of queued.splice(0)) {
      for (const fn of [...listeners]) {
        try {
          fn(change);
        } catch {
          // one broken listener must not keep the change from the others
        }
      }
    }
  };
  const deliver = (change: StoreChange): void => {
    queued.push(change);
    if (!deliveryScheduled) {
      deliveryScheduled = true;
      queueMicrotask(deliverQueued);
    }
  };
  const emit = (change: StoreChange): void => {
    if (listeners.size === 0) return;
    if (pending) pending.push(change);
    else deliver(change);
  };
  // Commits by another connection (a second server, a CLI command) move PRAGMA data_version;
  // while anyone listens it is looked at every EXTERNAL_CHANGE_POLL_MS and reported as `external`.
  let externalWatch: NodeJS.Timeout | null = null;
  let externalSeen = 0;
  const watchExternal = (on: boolean): void => {
    if (on && !externalWatch && db.open) {
      externalSeen = s.dataVersion.get() as number;
      externalWatch = setInterval(() => {
        if (!db.open) return;
        const now = s.dataVersion.get() as number;
        if (now === externalSeen) return;
        externalSeen = now;
        credentialWrites++; // another connection's commit may have changed credentials
        emit({ kind: 'external' });
      }, EXTERNAL_CHANGE_POLL_MS);
      externalWatch.unref();
    } else if (!on && externalWatch) {
      clearInterval(externalWatch);
      externalWatch = null;
    }
  };

  let rolesCache: RoleRecord[] | null = null;
  let credentialWrites = 0; // see credentialsVersion
  const bumpCredentials = (): void => {
    credentialWrites++;
    emit({ kind: 'credentials' });
  };
  // PRAGMA data_version moves when another connection commits. It is read at most once per turn
  // of the event loop: a request's credential check and its reads share one value, as if the
  // request had been served at the moment of the first read.
  let dataVersionNow: number | null = null;
  const dataVersion = (): number => {
    if (dataVersionNow === null) {
      dataVersionNow = s.dataVersion.get() as number;
      setImmediate(() => { dataVersionNow = null; });
    }
    return dataVersionNow;
  };
  // Stable executions never change again, and polling one is the API's most frequent call: their
  // progress is kept here, dropped on any save or insert of the execution here and on any commit
  // by another connection.
  const stableProgress = new Map<string, { view: ExecutionProgressView; dataVersion: number }>();

  // WAL checkpoints (and their fsyncs) in a worker thread; the automatic one, raised from 1000
  // pages, is only a backstop. See checkpointer.ts.
  let checkpointer: Checkpointer | null = null;
  if (!inMemory) {
    db.pragma('wal_autocheckpoint = 4000');
    checkpointer = startCheckpointer(path.resolve(file));
  }

  const journal = createJournalStore(db);
  const sync: SyncCollections = {
    meta: {
      get: (key) => (s.metaGet.get(key) as string | undefined) ?? null,
      set: (key, value) => { s.metaSet.run(key, value); },
    },

    users: {
      listRoles: () => {
        // Every authenticated request reads the roles; they change only through upsertRole (at
        // start-up), so they are read from SQLite once and then served from memory (as copies).
        let roles = rolesCache;
        if (!roles || db.inTransaction) {
          roles = (s.rolesList.all() as RoleRow[]).map(roleFromRow);
          if (!db.inTransaction) rolesCache = roles; // never cache what a rollback could undo
        }
        return roles.map((r) => ({ ...r, permissions: [...r.permissions], privileges: [...r.privileges] }));
      },
      upsertRole: (r) => {
        rolesCache = null;
        bumpCredentials();
        s.roleUpsert.run({
          id: r.id, name: r.name, display_name: r.displayName, description: r.description,
          permissions: toJson(r.permissions), privileges: toJson(r.privileges),
        });
      },
      create: (u) => {
        bumpCredentials();
        s.userInsert.run({
          id: u.id, username: u.username, display_name: u.displayName, email: u.email, enabled: u.enabled ? 1 : 0,
          role_ids: toJson(u.roleIds), password_hash: u.passwordHash, created_at: u.createdAt,
          first_name: u.firstName ?? '', last_name: u.lastName ?? '', description: u.description ?? null,
          modified_at: u.modifiedAt ?? null, last_login: u.lastLogin ?? null, login_count: u.loginCount ?? 0,
          settings: toJson(u.settings ?? {}),
        });
      },
      byId: (id) => {
        const row = s.userById.get(id) as UserRow | undefined;
        return row ? userFromRow(row) : null;
      },
      byUsername: (username) => {
        const row = s.userByName.get(username) as UserRow | undefined;
        return row ? userFromRow(row) : null;
      },
      resolve: (idOrName) => sync.users.byId(idOrName) ?? sync.users.byUsername(idOrName),
      list: () => (s.usersList.all() as UserRow[]).map(userFromRow),
      setPassword: (userId, hash) => {
        bumpCredentials();
        mustChange(s.userSetPassword.run(hash, userId).changes, 'user', userId);
      },
      setEnabled: (userId, enabled) => {
        bumpCredentials();
        mustChange(s.userSetEnabled.run(enabled ? 1 : 0, userId).changes, 'user', userId);
      },
      update: (u) => {
        bumpCredentials();
        mustChange(s.userUpdate.run({
          id: u.id, username: u.username, display_name: u.displayName, email: u.email, enabled: u.enabled ? 1 : 0,
          role_ids: toJson(u.roleIds), password_hash: u.passwordHash, first_name: u.firstName ?? '', last_name: u.lastName ?? '',
          description: u.description ?? null, modified_at: u.modifiedAt ?? null, settings: toJson(u.settings ?? {}),
        }).changes, 'user', u.id);
      },
      query: (q) => {
        const { where, orderBy, params } = userQuerySql(q, SQLITE_FILTER_DIALECT);
        return inTransaction(() => {
          const total = cached(`SELECT COUNT(*) FROM users WHERE ${where}`).pluck().get(...params) as number;
          const rows = cached(`SELECT * FROM users WHERE ${where} ORDER BY ${orderBy} LIMIT ? OFFSET ?`).all(...params, q.size, q.page * q.size) as UserRow[];
          return pageOf(rows.map(userFromRow), q.page, q.size, total);
        }) as Page<UserRecord>;
      },
      delete: (userId) => {
        bumpCredentials();
        s.userKeysDelete.run(userId);
        s.resetDelete.run(userId);
        return s.userDelete.run(userId).changes > 0;
      },
      recordLogin: (userId, at) => { mustChange(s.userRecordLogin.run(at, userId).changes, 'user', userId); },
      count: () => s.usersCount.get() as number,
    },

    passwordResets: {
      put: (r) => { s.resetPut.run({ user_id: r.userId, token_hash: r.tokenHash, created_at: r.createdAt, expires_at: r.expiresAt }); },
      byUser: (userId) => {
        const row = s.resetByUser.get(userId) as { user_id: string; token_hash: string; created_at: string; expires_at: string } | undefined;
        return row ? { userId: row.user_id, tokenHash: row.token_hash, createdAt: row.created_at, expiresAt: row.expires_at } : null;
      },
      delete: (userId) => s.resetDelete.run(userId).changes > 0,
    },

    apiKeys: {
      create: (k) => {
        bumpCredentials();
        s.keyInsert.run({
          id: k.id, user_id: k.userId, name: k.name, hash: k.hash, last4: k.last4,
          created_at: k.createdAt, last_used_at: k.lastUsedAt, revoked_at: k.revokedAt,
          description: k.description ?? null, created_by: k.createdBy ?? null,
        });
      },
      byId: (id) => {
        const row = s.keyById.get(id) as ApiKeyRow | undefined;
        return row ? apiKeyFromRow(row) : null;
      },
      listActive: (userId) => (s.keysActive.all(userId) as ApiKeyRow[]).map(apiKeyFromRow),
      revoke: (id, at) => {
        bumpCredentials();
        return s.keyRevoke.run(at, id).changes > 0;
      },
      touch: (id, at) => { s.keyTouch.run(at, id); }, // an unknown id is harmless here
    },

    printers: {
      list: () => (s.printersList.all() as PrinterRow[]).map(printerFromRow),
      byId: (id) => {
        const row = s.printerById.get(id) as PrinterRow | undefined;
        return row ? printerFromRow(row) : null;
      },
      byName: (name) => {
        const row = s.printerByName.get(name) as PrinterRow | undefined;
        return row ? printerFromRow(row) : null;
      },
      insert: (p) => { s.printerInsert.run(printerParams(p)); },
      update: (p) => mustChange(s.printerUpdate.run(printerParams(p)).changes, 'printer', p.id),
      delete: (id) => s.printerDelete.run(id).changes > 0,
    },

    executions: {
      insert: (e) => {
        stableProgress.delete(e.id);
        s.execInsert.run(executionParams(e));
        emit({ kind: 'execution', id: e.id, version: e.version });
      },
      save: (e) => {
        stableProgress.delete(e.id);
        const { id, flow_id, flow_name, status, modified_at, queue_seq, progress, data } = executionParams(e);
        // flow_id/flow_name change once: when a SelectFlow execution gets its flow.
        const version = s.execSave.get({ id, flow_id, flow_name, status, modified_at, queue_seq, progress, data }) as number | undefined;
        if (version === undefined) throw new Error(`execution ${e.id} not found`);
        e.version = version;
        emit({ kind: 'execution', id, version });
        return version;
      },
      saveIf: (e, expected) => {
        const { id, flow_id, flow_name, status, modified_at, queue_seq, progress, data } = executionParams(e);
        const version = s.execSaveIf.get({ id, flow_id, flow_name, status, modified_at, queue_seq, progress, data, expected }) as number | undefined;
        if (version === undefined) return null;
        stableProgress.delete(id);
        e.version = version;
        emit({ kind: 'execution', id, version });
        return version;
      },
      byId: (id) => {
        const row = s.execById.get(id) as ExecutionRow | undefined;
        return row ? executionFromRow(row) : null;
      },
      progressById: (id) => {
        const version = dataVersion();
        const known = stableProgress.get(id);
        if (known && known.dataVersion === version) return known.view;
        const row = s.execProgressById.get(id) as ProgressRow | undefined;
        if (!row) return null;
        const view: ExecutionProgressView = {
          id: row.id, status: row.status as ExecutionStatus, createdBy: row.created_by, version: row.version,
          progress: JSON.parse(row.progress) as ExecutionProgressView['progress'],
        };
        if (isStable(view.status) && !db.inTransaction) { // never keep what a rollback could undo
          if (stableProgress.size >= STABLE_PROGRESS_LIMIT) stableProgress.clear();
          Object.freeze(view.progress);
          stableProgress.set(id, { view: Object.freeze(view), dataVersion: version });
        }
        return view;
      },
      query: (q) => runQuery(q),
      statistics: (ownerId, filter, groupTimeBy) => runStatistics(ownerId, filter, groupTimeBy),
      listLive: () => (s.execLive.all() as ExecutionRow[]).map(executionFromRow),
      waitingOnCallback: (callbackId) => {
        const row = s.execWaitingOn.get(callbackId) as ExecutionRow | undefined;
        return row ? executionFromRow(row) : null;
      },
      listQueued: (limit) => ((limit === undefined ? s.execQueued.all() : s.execQueuedFirst.all(limit)) as ExecutionRow[]).map(executionFromRow),
      countByStatus: (status) => s.execCountByStatus.get(status) as number,
      maxQueueSeq: () => s.execMaxQueueSeq.get() as number,
      count: () => s.execCount.get() as number,
      delete: (id) => {
        // Its documents and data objects first: the foreign keys cascade too, but only where they are enforced.
        s.execDeleteDocs.run(id);
        s.execDeleteData.run(id);
        const version = s.execDelete.get(id) as number | undefined;
        if (version === undefined) return false;
        stableProgress.delete(id);
        emit({ kind: 'execution', id, version });
        return true;
      },
    },

    documents: {
      insert: (d, content) => {
        s.docInsert.run({
          id: d.id, execution_id: d.executionId, display_name: d.displayName, description: d.description,
          created_at: d.createdAt, created_by: d.createdBy, template_id: d.templateId, language: d.language,
          finished: d.finished ? 1 : 0, expiration: d.expiration, content_type: d.contentType, size: d.size,
          source: toJsonOrNull(d.source ?? null), content,
        });
      },
      byId: (id) => {
        const row = s.docById.get(id) as DocumentRow | undefined;
        return row ? documentFromRow(row) : null;
      },
      content: (id) => (s.docContent.get(id) as Buffer | undefined) ?? null,
      byExecution: (executionId) => (s.docsByExecution.all(executionId) as DocumentRow[]).map(documentFromRow),
      deleteByExecution: (executionId) => s.execDeleteDocs.run(executionId).changes,
      listVisible: (owner, limit) => (s.docsVisible.all({ owner, limit }) as Array<DocumentRow & { flow_id: string | null; flow_name: string | null }>)
        .map((r) => ({ doc: documentFromRow(r), flow: r.flow_id ? { id: r.flow_id, name: r.flow_name ?? r.flow_id } : null })),
    },

    data: createDataStore(db),

    processes: {
      insert: (p) => {
        s.procInsert.run(processParams(p));
        emit({ kind: 'process', id: p.id });
      },
      save: (p) => {
        mustChange(s.procSave.run(processParams(p)).changes, 'process', p.id);
        emit({ kind: 'process', id: p.id });
      },
      byId: (id) => {
        const row = s.procById.get(id) as ProcessRow | undefined;
        return row ? processFromRow(row) : null;
      },
      listRunning: () => (s.procRunning.all() as ProcessRow[]).map(processFromRow),
      pruneAnonymous: (before) => inTransaction(() => {
        s.procPruneLogs.run(before);
        return s.procPrune.run(before).changes;
      }) as number,
    },

    actionflowLogs: {
      insert: (l) => {
        s.logInsert.run({
          id: l.id, process_id: l.processId, application: l.application, actionflow: l.actionflow,
          kind: l.kind, at: l.at, content: toJson(l.content),
        });
      },
      query: (q) => runLogQuery(q),
    },

    journal: {
      ...journal,
      insertMany: (entries, maxEntries) => {
        journal.insertMany(entries, maxEntries);
        if (entries.length) emit({ kind: 'journal' });
      },
      clear: () => {
        journal.clear();
        emit({ kind: 'journal' });
      },
    },
    overview: createOverviewStore(db),
    apiFlows: createApiFlowStore(db),
    resources: createResourceStore(db),
  };

  // ---- the asynchronous views (synchronous.ts): the store's, waiting for an open transaction, and the transaction's
  const namespaces = Object.keys(sync) as Array<keyof SyncCollections>;
  const viewOf = (make: typeof gatedView) =>
    Object.fromEntries(namespaces.map((name) => [name, make(sync[name], gate)])) as unknown as StoreCollections;

  let savepoints = 0;
  const txView: StoreTransaction = {
    ...viewOf(transactionView),
    // Nested: a savepoint, so that a caught failure inside undoes only its own writes.
    transaction: async <T>(fn: (tx: StoreTransaction) => Promise<T>): Promise<T> => {
      if (!gate.busy) throw new Error('a transaction view was used after its transaction ended: use the store itself');
      const name = `flowmock_${++savepoints}`;
      const mark = pending?.length ?? 0;
      db.exec(`SAVEPOINT ${name}`);
      try {
        const result = await fn(txView);
        db.exec(`RELEASE ${name}`);
        return result;
      } catch (err) {
        if (db.inTransaction) {
          db.exec(`ROLLBACK TO ${name}`);
          db.exec(`RELEASE ${name}`);
        }
        if (pending) pending.length = mark;
        throw err;
      } finally {
        savepoints--;
      }
    },
  };

  let closed = false;
  const store: Store = {
    ...viewOf(gatedView),
    transaction: async <T>(fn: (tx: StoreTransaction) => Promise<T>): Promise<T> => {
      await gate.acquire();
      try {
        // BEGIN IMMEDIATE takes the write lock now or fails at once (busy_timeout 0; callers
        // retry, store-retry.ts): a transaction never fails half-way on another process's lock.
        health.assertPresent();
        try {
          db.exec('BEGIN IMMEDIATE');
        } catch (err) {
          if (isTransientStoreError(err)) health.noteBusy();
          throw err;
        }
        pending = [];
        let result: T;
        try {
          result = await fn(txView);
          db.exec('COMMIT'); // deferred foreign keys are checked here
        } catch (err) {
          if (db.inTransaction) db.exec('ROLLBACK');
          pending = null;
          throw err;
        }
        health.noteWritten();
        const committed = pending;
        pending = null;
        for (const change of committed) deliver(change);
        return result;
      } finally {
        gate.release();
      }
    },
    health,
    probeWritable: async () => {
      if (gate.busy) return health.state(); // a transaction holds the lock: nothing to learn now
      // BEGIN IMMEDIATE takes the write lock or fails at once (busy_timeout 0): never blocks.
      try {
        health.assertPresent();
        db.exec('BEGIN IMMEDIATE');
        db.exec('ROLLBACK');
        health.noteWritten();
      } catch (err) {
        if (isTransientStoreError(err)) health.noteBusy();
        else if (!health.state().lost) return { ...health.state(), ok: false, problem: (err as Error).message };
      }
      return health.state();
    },
    close: async () => {
      await gate.idle();
      if (closed) return;
      closed = true;
      watchExternal(false);
      listeners.clear();
      if (fileWatch) clearInterval(fileWatch);
      dynamic.clear();
      checkpointer?.stop();
      db.close();
    },


    // Local writes bump the counter; PRAGMA data_version moves when another connection commits.
    credentialsVersion: () => `${credentialWrites}:${dataVersion()}`,
    onChange: (fn) => {
      listeners.add(fn);
      watchExternal(true);
      return () => {
        listeners.delete(fn);
        if (listeners.size === 0) watchExternal(false);
      };
    },

    secrets,
  };
  return store;
}
