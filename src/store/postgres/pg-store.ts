/**
 * The PostgreSQL implementation of `Store` (node-postgres, a connection pool). Several flowmock
 * replicas may open the same database and serve one state:
 * - every call takes a pooled connection for one statement; `transaction` holds one connection
 *   for BEGIN…COMMIT and takes a transaction-scoped advisory lock first, so transactions are
 *   serialized across every replica exactly as SQLite serializes writers (read-modify-writes
 *   inside them never lose an update), while single statements run concurrently;
 * - every change that others must learn about is announced with `pg_notify` in the statement
 *   (or transaction) that makes it, so it is announced exactly when it commits (change-bus.ts);
 *   this store reports its own changes to `onChange` listeners itself, and those of other
 *   instances as they arrive.
 *
 * `schema` (default `public`) lets several independent stores share one database (the store
 * contract tests use one schema per test); its notifications use a channel of its own.
 */
import path from 'node:path';
import pg from 'pg';
import type { ServerSecrets } from '../server-secrets.js';
import { fileSecrets, SECRETS_FILE_ID_META_KEY } from '../server-secrets.js';
import { StoreQueryError, groupToSql, POSTGRES_FILTER_DIALECT } from '../filter-sql.js';
import { userQuerySql } from '../user-query.js';
import type { StoreHealthState } from '../store-health.js';
import type {
  ActionflowLogRecord, ConditionGroup, ExecutionProgressView, ExecutionQuery, ExecutionRecord, ExecutionStatistics,
  ExecutionStatus, Page, ProcessRecord, RoleRecord, Store, StoreChange, StoreCollections, StoreTransaction, TimeGrouping,
} from '../types.js';
import { isStable } from '../types.js';
import { applyPgMigrations } from './migrations.js';
import { ChangeBus, CHANGE_CHANNEL, type ChangeMessage } from './change-bus.js';
import { databaseOf, describePgUrl, isTransientPgError, openPgPool, PostgresStoreError } from './pool.js';
import {
  apiKeyFromRow, dataFromRow, documentFromRow, executionFromRow, executionValues, logFromRow, printerFromRow, printerValues,
  processFromRow, processValues, progressFromRow, roleFromRow, toJson, toJsonOrNull, userFromRow, placeholders,
  DATA_COLUMNS, DOCUMENT_COLUMNS, EXECUTION_COLUMNS, PROCESS_COLUMNS,
  type ApiKeyRow, type DataRow, type DocumentRow, type ExecutionRow, type LogRow, type PrinterRow, type ProcessRow,
  type ProgressRow, type RoleRow, type UserRow,
} from './pg-rows.js';
import { createPgJournalStore, createPgOverviewStore } from './pg-journal.js';
import { createPgResourceStore } from './pg-resources.js';

export interface PgStoreOptions {
  env?: NodeJS.ProcessEnv;
  /** Schema of the tables (created when missing); default public. */
  schema?: string;
  /** This instance's name in notifications and leases (default: random). */
  replicaId?: string;
  /** Pool size (default 10). */
  poolMax?: number;
  /** The key file; default FLOWMOCK_SECRETS_FILE, else `.flowmock/<database>[.<schema>].secrets` in the working folder. */
  secretsFile?: string;
  /** Told when the notification connection is lost (it reconnects on its own). */
  onError?: (err: Error) => void;
}

/** The store, plus what replica coordination needs (src/store/postgres/replicas.ts). */
export interface PgStore extends Store {
  readonly backend: 'postgres';
  readonly pool: pg.Pool;
  readonly schema: string;
  readonly replicaId: string;
  readonly bus: ChangeBus;
  /** Every message on the bus, other instances' only (this one's are reported by onChange already). */
  onPeerMessage(fn: (msg: ChangeMessage) => void): () => void;
  /** Announces a change that is not a row (a definitions reload) to every instance. */
  announce(kind: ChangeMessage['kind'], id?: string): Promise<void>;
}

/** Whatever runs a statement: the pool (one statement, autocommit) or a transaction's client. */
interface Querier {
  query<R extends pg.QueryResultRow = pg.QueryResultRow>(text: string, values?: unknown[]): Promise<pg.QueryResult<R>>;
}

/** Any constant: the lock every transaction takes, serializing them across replicas (see the head comment). */
export const PG_TRANSACTION_LOCK = 0x666c6f78;
const LIVE_STATUSES: readonly ExecutionStatus[] = ['Running', 'Waiting', 'Queued', 'UserInput'];
const LIVE_SQL = LIVE_STATUSES.map((s) => `'${s}'`).join(', ');
const STABLE_SQL = "'Success', 'Warning', 'Error', 'Interrupted', 'Canceled'";
const STABLE_PROGRESS_LIMIT = 1000;

/** The execution list's filter properties as PostgreSQL expressions (the SQLite map, translated). */
export const PG_EXECUTION_FILTER_COLUMNS: ReadonlyMap<string, string> = new Map([
  ['id', 'id'], ['status', 'status'], ['flow', 'flow_id'], ['flowId', 'flow_id'], ['flow.id', 'flow_id'],
  ['flow.displayName', 'flow_name'], ['createdAt', 'created_at'], ['modifiedAt', 'modified_at'], ['createdBy', 'created_by'],
  ['mode', "(CASE WHEN (data::jsonb ->> 'skipUserInput') = 'true' THEN 'batch' ELSE 'interactive' END)"],
]);
const SORT_COLUMNS = new Map<string, string>([
  ['createdAt', 'created_at'], ['modifiedAt', 'modified_at'], ['status', 'status'], ['id', 'id'],
]);
const TIME_PREFIX: Record<TimeGrouping, number> = { hour: 13, day: 10, month: 7, year: 4 };

function checkPaging(page: number, size: number): void {
  if (!Number.isInteger(page) || page < 0) throw new StoreQueryError(`page must be an integer >= 0, got ${page}`);
  if (!Number.isInteger(size) || size < 1) throw new StoreQueryError(`size must be an integer >= 1, got ${size}`);
}
const pageOf = <T>(content: T[], page: number, size: number, total: number): Page<T> => ({
  content, number: page, size, totalElements: total, totalPages: Math.ceil(total / size),
});

function executionWhere(ownerId: string | null, flowId: string | undefined, filter: ConditionGroup | undefined) {
  const clauses: string[] = [];
  const params: unknown[] = [];
  if (ownerId !== null) { params.push(ownerId); clauses.push(`created_by = $${params.length}`); }
  if (flowId !== undefined) { params.push(flowId); clauses.push(`flow_id = $${params.length}`); }
  if (filter !== undefined) clauses.push(groupToSql(filter, PG_EXECUTION_FILTER_COLUMNS, params, 0, { nodes: 0 }, POSTGRES_FILTER_DIALECT));
  return { where: clauses.length ? clauses.join(' AND ') : 'TRUE', params };
}

const validSchema = (s: string): string => {
  if (!/^[a-z_][a-z0-9_]{0,62}$/.test(s)) throw new Error(`schema must be a lower-case SQL identifier, got "${s}"`);
  return s;
};

/** What a collection reports to the store when a write is made (after its commit). */
type Emit = (change: StoreChange) => void;

/**
 * The collections over one querier. `announce` is the notify parameters appended to a write:
 * the statement `WITH w AS (<write> RETURNING …) SELECT …, pg_notify(…) FROM w` announces the
 * change in the statement that makes it (only when it changed a row).
 */
function collections(q: Querier, ctx: {
  emit: Emit;
  inTransaction: boolean;
  replicaId: string;
  channel: string;
  caches: Caches;
}): StoreCollections {
  const { emit, channel, replicaId, caches } = ctx;
  /** Runs `sql` (a write with RETURNING) and announces one message per changed row (deduplicated by PostgreSQL). */
  const writeAnnounced = async <R extends pg.QueryResultRow>(sql: string, values: unknown[], message: string): Promise<R[]> => {
    const n = values.length;
    const res = await q.query<R>(
      `WITH w AS (${sql}) SELECT w.*, pg_notify($${n + 1}::text, ${message.replace(/\$from/g, `$${n + 2}::text`)}) FROM w`,
      [...values, channel, replicaId],
    );
    return res.rows;
  };
  const credentialsMessage = `json_build_object('kind', 'credentials', 'from', $from)::text`;
  const credentialWrite = async (sql: string, values: unknown[]): Promise<number> => {
    const rows = await writeAnnounced(`${sql} RETURNING 1 AS changed`, values, credentialsMessage);
    if (rows.length) {
      caches.roles = null;
      caches.credentialWrites++;
      emit({ kind: 'credentials' });
    }
    return rows.length;
  };
  const mustChange = (changes: number, what: string, id: string): void => {
    if (changes === 0) throw new Error(`${what} ${id} not found`);
  };
  const one = async <R extends pg.QueryResultRow>(sql: string, values: unknown[]): Promise<R | null> => (await q.query<R>(sql, values)).rows[0] ?? null;
  const all = async <R extends pg.QueryResultRow>(sql: string, values: unknown[] = []): Promise<R[]> => (await q.query<R>(sql, values)).rows;
  const scalar = async <T>(sql: string, values: unknown[] = []): Promise<T> => Object.values((await q.query(sql, values)).rows[0] ?? {})[0] as T;

  const executionMessage = `json_build_object('kind', 'execution', 'id', w.id, 'version', w.version, 'from', $from)::text`;
  const processMessage = `json_build_object('kind', 'process', 'id', w.id, 'from', $from)::text`;
  const definitionsMessage = `json_build_object('kind', 'definitions', 'id', w.id, 'from', $from)::text`;

  const saveExecution = async (e: ExecutionRecord, expectedVersion: number | null): Promise<number | null> => {
    caches.stableProgress.delete(e.id);
    const v = executionValues(e);
    // flow_id/flow_name change once: when a SelectFlow execution gets its flow.
    const values = [v[0], v[1], v[2], v[3], v[6], v[7], v[9], v[10], replicaId];
    // Whoever saves an execution as Running runs it: it becomes that replica's (replicas.ts).
    let sql = `UPDATE executions SET flow_id = $2, flow_name = $3, status = $4, modified_at = $5, queue_seq = $6,
        progress = $7, data = $8, version = version + 1,
        owner = CASE WHEN $4 = 'Running' THEN $9 WHEN $4 IN (${STABLE_SQL}) THEN NULL ELSE owner END WHERE id = $1`;
    if (expectedVersion !== null) {
      values.push(expectedVersion);
      sql += ' AND version = $10';
    }
    const rows = await writeAnnounced<{ id: string; version: number }>(`${sql} RETURNING id, version`, values, executionMessage);
    if (!rows.length) return null;
    e.version = rows[0].version;
    emit({ kind: 'execution', id: e.id, version: e.version });
    return e.version;
  };

  const self: StoreCollections = {
    meta: {
      get: async (key) => (await one<{ value: string }>('SELECT value FROM meta WHERE key = $1', [key]))?.value ?? null,
      set: async (key, value) => {
        await q.query('INSERT INTO meta (key, value) VALUES ($1, $2) ON CONFLICT (key) DO UPDATE SET value = excluded.value', [key, value]);
      },
    },

    users: {
      listRoles: async () => {
        // Every authenticated request reads the roles; they change only through upsertRole, so
        // they are served from memory (as copies) until a credentials change here or elsewhere.
        let roles = ctx.inTransaction ? null : caches.roles;
        if (!roles) {
          roles = (await all<RoleRow>('SELECT * FROM roles ORDER BY seq')).map(roleFromRow);
          if (!ctx.inTransaction) caches.roles = roles;
        }
        return roles.map((r) => ({ ...r, permissions: [...r.permissions], privileges: [...r.privileges] }));
      },
      upsertRole: async (r) => {
        await credentialWrite(`INSERT INTO roles (id, name, display_name, description, permissions, privileges)
          VALUES ($1, $2, $3, $4, $5, $6)
          ON CONFLICT (id) DO UPDATE SET name = excluded.name, display_name = excluded.display_name,
            description = excluded.description, permissions = excluded.permissions, privileges = excluded.privileges`,
        [r.id, r.name, r.displayName, r.description, toJson(r.permissions), toJson(r.privileges)]);
      },
      create: async (u) => {
        await credentialWrite(`INSERT INTO users (id, username, display_name, email, enabled, role_ids, password_hash, created_at,
            first_name, last_name, description, modified_at, last_login, login_count, settings)
          VALUES (${placeholders(15)})`, [
          u.id, u.username, u.displayName, u.email, u.enabled ? 1 : 0, toJson(u.roleIds), u.passwordHash, u.createdAt,
          u.firstName ?? '', u.lastName ?? '', u.description ?? null, u.modifiedAt ?? null, u.lastLogin ?? null, u.loginCount ?? 0,
          toJson(u.settings ?? {}),
        ]);
      },
      byId: async (id) => {
        const row = await one<UserRow>('SELECT * FROM users WHERE id = $1', [id]);
        return row ? userFromRow(row) : null;
      },
      byUsername: async (username) => {
        const row = await one<UserRow>('SELECT * FROM users WHERE username = $1', [username]);
        return row ? userFromRow(row) : null;
      },
      resolve: async (idOrName) => (await self.users.byId(idOrName)) ?? self.users.byUsername(idOrName),
      list: async () => (await all<UserRow>('SELECT * FROM users ORDER BY created_at, username')).map(userFromRow),
      setPassword: async (userId, hash) => mustChange(await credentialWrite('UPDATE users SET password_hash = $1 WHERE id = $2', [hash, userId]), 'user', userId),
      setEnabled: async (userId, enabled) => mustChange(await credentialWrite('UPDATE users SET enabled = $1 WHERE id = $2', [enabled ? 1 : 0, userId]), 'user', userId),
      update: async (u) => mustChange(await credentialWrite(`UPDATE users SET username = $2, display_name = $3, email = $4, enabled = $5,
          role_ids = $6, password_hash = $7, first_name = $8, last_name = $9, description = $10, modified_at = $11, settings = $12
        WHERE id = $1`, [
        u.id, u.username, u.displayName, u.email, u.enabled ? 1 : 0, toJson(u.roleIds), u.passwordHash,
        u.firstName ?? '', u.lastName ?? '', u.description ?? null, u.modifiedAt ?? null, toJson(u.settings ?? {}),
      ]), 'user', u.id),
      query: async (uq) => {
        const { where, orderBy, params } = userQuerySql(uq, POSTGRES_FILTER_DIALECT);
        const n = params.length;
        // One statement: the count and the page from the same snapshot.
        const rows = await all<UserRow & { total: number }>(`SELECT *, COUNT(*) OVER () AS total FROM users WHERE ${where}
          ORDER BY ${orderBy} LIMIT $${n + 1} OFFSET $${n + 2}`, [...params, uq.size, uq.page * uq.size]);
        const total = rows.length ? Number(rows[0].total) : await scalar<number>(`SELECT COUNT(*) FROM users WHERE ${where}`, params);
        return pageOf(rows.map(userFromRow), uq.page, uq.size, total);
      },
      delete: async (userId) => {
        // Its API keys and pending reset go with it (ON DELETE CASCADE).
        return (await credentialWrite('DELETE FROM users WHERE id = $1', [userId])) > 0;
      },
      recordLogin: async (userId, at) => {
        mustChange((await q.query('UPDATE users SET login_count = login_count + 1, last_login = $1 WHERE id = $2', [at, userId])).rowCount ?? 0, 'user', userId);
      },
      count: () => scalar<number>('SELECT COUNT(*) FROM users'),
    },

    passwordResets: {
      put: async (r) => {
        await q.query(`INSERT INTO password_resets (user_id, token_hash, created_at, expires_at) VALUES ($1, $2, $3, $4)
          ON CONFLICT (user_id) DO UPDATE SET token_hash = excluded.token_hash, created_at = excluded.created_at, expires_at = excluded.expires_at`,
        [r.userId, r.tokenHash, r.createdAt, r.expiresAt]);
      },
      byUser: async (userId) => {
        const row = await one<{ user_id: string; token_hash: string; created_at: string; expires_at: string }>('SELECT * FROM password_resets WHERE user_id = $1', [userId]);
        return row ? { userId: row.user_id, tokenHash: row.token_hash, createdAt: row.created_at, expiresAt: row.expires_at } : null;
      },
      delete: async (userId) => ((await q.query('DELETE FROM password_resets WHERE user_id = $1', [userId])).rowCount ?? 0) > 0,
    },

    apiKeys: {
      create: async (k) => {
        await credentialWrite(`INSERT INTO api_keys (id, user_id, name, hash, last4, created_at, last_used_at, revoked_at, description, created_by)
          VALUES (${placeholders(10)})`, [
          k.id, k.userId, k.name, k.hash, k.last4, k.createdAt, k.lastUsedAt, k.revokedAt, k.description ?? null, k.createdBy ?? null,
        ]);
      },
      byId: async (id) => {
        const row = await one<ApiKeyRow>('SELECT * FROM api_keys WHERE id = $1', [id]);
        return row ? apiKeyFromRow(row) : null;
      },
      listActive: async (userId) => (await all<ApiKeyRow>('SELECT * FROM api_keys WHERE user_id = $1 AND revoked_at IS NULL ORDER BY created_at, id', [userId])).map(apiKeyFromRow),
      revoke: async (id, at) => (await credentialWrite('UPDATE api_keys SET revoked_at = $1 WHERE id = $2 AND revoked_at IS NULL', [at, id])) > 0,
      touch: async (id, at) => { await q.query('UPDATE api_keys SET last_used_at = $1 WHERE id = $2', [at, id]); },
    },

    printers: {
      list: async () => (await all<PrinterRow>('SELECT * FROM printers ORDER BY display_name, id')).map(printerFromRow),
      byId: async (id) => {
        const row = await one<PrinterRow>('SELECT * FROM printers WHERE id = $1', [id]);
        return row ? printerFromRow(row) : null;
      },
      byName: async (name) => {
        const row = await one<PrinterRow>('SELECT * FROM printers WHERE display_name = $1 ORDER BY created_at, id LIMIT 1', [name]);
        return row ? printerFromRow(row) : null;
      },
      insert: async (p) => {
        await q.query(`INSERT INTO printers (id, display_name, description, definition, flavor, default_printer,
            properties, created_at, created_by, modified_at, modified_by) VALUES (${placeholders(11)})`, printerValues(p));
      },
      update: async (p) => {
        const res = await q.query(`UPDATE printers SET display_name = $2, description = $3, definition = $4, flavor = $5,
            default_printer = $6, properties = $7, created_at = $8, created_by = $9, modified_at = $10, modified_by = $11
          WHERE id = $1`, printerValues(p));
        mustChange(res.rowCount ?? 0, 'printer', p.id);
      },
      delete: async (id) => ((await q.query('DELETE FROM printers WHERE id = $1', [id])).rowCount ?? 0) > 0,
    },

    executions: {
      insert: async (e) => {
        caches.stableProgress.delete(e.id);
        await writeAnnounced(`INSERT INTO executions (${EXECUTION_COLUMNS}, owner)
            VALUES (${placeholders(11)}, CASE WHEN $4 = 'Running' THEN $12 END) RETURNING id, version`,
        [...executionValues(e), replicaId], executionMessage);
        emit({ kind: 'execution', id: e.id, version: e.version });
      },
      save: async (e) => {
        const version = await saveExecution(e, null);
        if (version === null) throw new Error(`execution ${e.id} not found`);
        return version;
      },
      saveIf: (e, expectedVersion) => saveExecution(e, expectedVersion),
      byId: async (id) => {
        const row = await one<ExecutionRow>(`SELECT ${EXECUTION_COLUMNS} FROM executions WHERE id = $1`, [id]);
        return row ? executionFromRow(row) : null;
      },
      progressById: async (id) => {
        // Stable executions never change again, and polling one is the API's most frequent call:
        // their progress is kept here, dropped on a change of the execution here or elsewhere.
        const known = ctx.inTransaction ? undefined : caches.stableProgress.get(id);
        if (known) return known;
        const row = await one<ProgressRow>('SELECT id, status, created_by, version, progress FROM executions WHERE id = $1', [id]);
        if (!row) return null;
        const view = progressFromRow(row);
        if (isStable(view.status) && !ctx.inTransaction) {
          if (caches.stableProgress.size >= STABLE_PROGRESS_LIMIT) caches.stableProgress.clear();
          Object.freeze(view.progress);
          caches.stableProgress.set(id, Object.freeze(view));
        }
        return view;
      },
      query: async (qy: ExecutionQuery) => {
        checkPaging(qy.page, qy.size);
        const column = SORT_COLUMNS.get(qy.sort?.field);
        if (!column) throw new StoreQueryError(`unknown sort field: ${String(qy.sort?.field)}`);
        const dir = qy.sort.direction === 'asc' ? 'ASC' : qy.sort.direction === 'desc' ? 'DESC' : null;
        if (!dir) throw new StoreQueryError(`unknown sort direction: ${String(qy.sort.direction)}`);
        const { where, params } = executionWhere(qy.ownerId, qy.flowId, qy.filter);
        const n = params.length;
        // One statement: the count and the page from the same snapshot.
        const rows = await all<ExecutionRow & { total: number }>(`SELECT ${EXECUTION_COLUMNS}, COUNT(*) OVER () AS total FROM executions
          WHERE ${where} ORDER BY ${column} ${dir}, id ${dir} LIMIT $${n + 1} OFFSET $${n + 2}`, [...params, qy.size, qy.page * qy.size]);
        const total = rows.length ? rows[0].total : await scalar<number>(`SELECT COUNT(*) FROM executions WHERE ${where}`, params);
        return pageOf(rows.map(executionFromRow), qy.page, qy.size, total);
      },
      statistics: async (ownerId, filter, groupTimeBy: TimeGrouping = 'day'): Promise<ExecutionStatistics> => {
        const { where, params } = executionWhere(ownerId, undefined, filter);
        const prefix = TIME_PREFIX[groupTimeBy];
        if (!prefix) throw new StoreQueryError(`unknown time grouping: ${String(groupTimeBy)}`);
        const total = await scalar<number>(`SELECT COUNT(*) FROM executions WHERE ${where}`, params);
        const perTime: ExecutionStatistics['perTime'] = [];
        const timeRows = await all<{ label: string; status: ExecutionStatus; n: number }>(`SELECT substr(created_at, 1, ${prefix}) AS label, status, COUNT(*) AS n
          FROM executions WHERE ${where} GROUP BY label, status ORDER BY label, status`, params);
        for (const r of timeRows) {
          let last = perTime[perTime.length - 1];
          if (!last || last.label !== r.label) perTime.push(last = { label: r.label, perStatus: [], totalCount: 0 });
          last.perStatus.push({ status: r.status, count: r.n });
          last.totalCount += r.n;
        }
        // The name of the newest execution of each flow, so a renamed flow shows its current name.
        const perObject = (await all<{ flow_id: string; flow_name: string; n: number }>(`SELECT flow_id,
            (array_agg(flow_name ORDER BY created_at DESC, id DESC))[1] AS flow_name, COUNT(*) AS n
          FROM executions WHERE ${where} GROUP BY flow_id ORDER BY n DESC, flow_id`, params))
          .map((r) => ({ flowId: r.flow_id, flowName: r.flow_name, count: r.n }));
        const perUser = (await all<{ created_by: string; n: number }>(`SELECT created_by, COUNT(*) AS n FROM executions WHERE ${where}
          GROUP BY created_by ORDER BY n DESC, created_by`, params))
          .map((r) => ({ userId: r.created_by, count: r.n }));
        return { total, perTime, perObject, perUser };
      },
      listLive: async () => (await all<ExecutionRow>(`SELECT ${EXECUTION_COLUMNS} FROM executions
        WHERE status IN (${LIVE_SQL}) ORDER BY created_at, id`)).map(executionFromRow),
      waitingOnCallback: async (callbackId) => {
        const row = await one<ExecutionRow>(`SELECT ${EXECUTION_COLUMNS} FROM executions
          WHERE status = 'Waiting' AND (data::jsonb -> 'waitingFor' ->> 'callbackId') = $1 LIMIT 1`, [callbackId]);
        return row ? executionFromRow(row) : null;
      },
      // In a transaction the rows are locked for it (the queue drain of replicas.ts), skipping
      // those another statement is changing right now: the next drain takes them.
      listQueued: async (limit) => (await all<ExecutionRow>(`SELECT ${EXECUTION_COLUMNS} FROM executions
        WHERE status = 'Queued' ORDER BY queue_seq, created_at, id${limit === undefined ? '' : ' LIMIT $1'}${ctx.inTransaction ? ' FOR UPDATE SKIP LOCKED' : ''}`,
      limit === undefined ? [] : [limit]))
        .map(executionFromRow),
      countByStatus: (status) => scalar<number>('SELECT COUNT(*) FROM executions WHERE status = $1', [status]),
      maxQueueSeq: () => scalar<number>(`SELECT COALESCE(MAX(queue_seq), 0) FROM executions WHERE status = 'Queued'`),
      count: () => scalar<number>('SELECT COUNT(*) FROM executions'),
      delete: async (id) => {
        // Its documents and data objects first (the foreign keys cascade too); the delete is announced like a save.
        await q.query('DELETE FROM documents WHERE execution_id = $1', [id]);
        await q.query('DELETE FROM data_objects WHERE execution_id = $1', [id]);
        const rows = await writeAnnounced<{ id: string; version: number }>('DELETE FROM executions WHERE id = $1 RETURNING id, version', [id], executionMessage);
        if (!rows.length) return false;
        caches.stableProgress.delete(id);
        emit({ kind: 'execution', id, version: rows[0].version });
        return true;
      },
    },

    documents: {
      insert: async (d, content) => {
        await q.query(`INSERT INTO documents (${DOCUMENT_COLUMNS}, content) VALUES (${placeholders(14)})`, [
          d.id, d.executionId, d.displayName, d.description, d.createdAt, d.createdBy, d.templateId, d.language,
          d.finished ? 1 : 0, d.expiration, d.contentType, d.size, toJsonOrNull(d.source ?? null), content,
        ]);
      },
      byId: async (id) => {
        const row = await one<DocumentRow>(`SELECT ${DOCUMENT_COLUMNS} FROM documents WHERE id = $1`, [id]);
        return row ? documentFromRow(row) : null;
      },
      content: async (id) => (await one<{ content: Buffer }>('SELECT content FROM documents WHERE id = $1', [id]))?.content ?? null,
      byExecution: async (executionId) => (await all<DocumentRow>(`SELECT ${DOCUMENT_COLUMNS} FROM documents WHERE execution_id = $1 ORDER BY created_at, seq`, [executionId]))
        .map(documentFromRow),
      deleteByExecution: async (executionId) => (await q.query('DELETE FROM documents WHERE execution_id = $1', [executionId])).rowCount ?? 0,
      listVisible: async (owner, limit) => (await all<DocumentRow & { flow_id: string | null; flow_name: string | null }>(
        `SELECT ${DOCUMENT_COLUMNS.split(', ').map((c) => `d.${c}`).join(', ')}, e.flow_id AS flow_id, e.flow_name AS flow_name FROM documents d
          LEFT JOIN executions e ON e.id = d.execution_id
          WHERE $1::text IS NULL OR COALESCE(e.created_by, d.created_by) = $1
          ORDER BY d.created_at DESC, d.seq DESC LIMIT $2`, [owner, limit]))
        .map((r) => ({ doc: documentFromRow(r), flow: r.flow_id ? { id: r.flow_id, name: r.flow_name ?? r.flow_id } : null })),
    },

    data: {
      insert: async (d, content) => {
        await q.query(`INSERT INTO data_objects (${DATA_COLUMNS}, content) VALUES (${placeholders(13)})`, [
          d.id, d.executionId, d.usage, d.displayName, d.description, d.createdAt, d.createdBy, d.modifiedAt, d.modifiedBy,
          d.expiration, d.contentType, content.length, content,
        ]);
      },
      byId: async (id) => {
        const row = await one<DataRow>(`SELECT ${DATA_COLUMNS} FROM data_objects WHERE id = $1`, [id]);
        return row ? dataFromRow(row) : null;
      },
      content: async (id) => (await one<{ content: Buffer }>('SELECT content FROM data_objects WHERE id = $1', [id]))?.content ?? null,
      inputOf: async (executionId) => {
        const row = await one<DataRow>(`SELECT ${DATA_COLUMNS} FROM data_objects WHERE execution_id = $1 AND usage = 'flowExecutionInput'
          ORDER BY created_at LIMIT 1`, [executionId]);
        return row ? dataFromRow(row) : null;
      },
      update: async (d) => {
        const res = await q.query(`UPDATE data_objects SET display_name = $2, description = $3, expiration = $4, modified_at = $5, modified_by = $6
          WHERE id = $1`, [d.id, d.displayName, d.description, d.expiration, d.modifiedAt, d.modifiedBy]);
        if (!res.rowCount) throw new Error(`data ${d.id} not found`);
      },
      delete: async (id) => ((await q.query('DELETE FROM data_objects WHERE id = $1', [id])).rowCount ?? 0) > 0,
      deleteByExecution: async (executionId, usages) =>
        (await q.query('DELETE FROM data_objects WHERE execution_id = $1 AND usage = ANY($2::text[])', [executionId, usages])).rowCount ?? 0,
      list: async (ownerId, limit) => (await all<DataRow>(`SELECT ${DATA_COLUMNS} FROM data_objects WHERE ($1::text IS NULL OR created_by = $1)
        ORDER BY created_at DESC, id DESC LIMIT $2`, [ownerId, limit])).map(dataFromRow),
    },

    processes: {
      insert: async (p) => {
        await writeAnnounced(`INSERT INTO processes (${PROCESS_COLUMNS}, owner) VALUES (${placeholders(11)}, CASE WHEN $4 = 'Running' THEN $12 END) RETURNING id`,
          [...processValues(p), replicaId], processMessage);
        emit({ kind: 'process', id: p.id });
      },
      save: async (p) => {
        const rows = await writeAnnounced(`UPDATE processes SET application = $2, actionflow = $3, status = $4, user_id = $5, created_at = $6,
            finished_at = $7, http_status = $8, envelope = $9, records_done = $10, message = $11,
            owner = CASE WHEN $4 = 'Running' THEN owner ELSE NULL END WHERE id = $1 RETURNING id`,
        processValues(p), processMessage);
        mustChange(rows.length, 'process', p.id);
        emit({ kind: 'process', id: p.id });
      },
      byId: async (id) => {
        const row = await one<ProcessRow>(`SELECT ${PROCESS_COLUMNS} FROM processes WHERE id = $1`, [id]);
        return row ? processFromRow(row) : null;
      },
      listRunning: async () => (await all<ProcessRow>(`SELECT ${PROCESS_COLUMNS} FROM processes WHERE status = 'Running' ORDER BY created_at, id`))
        .map(processFromRow),
      // One statement: the logs and their runs go together.
      pruneAnonymous: async (before) => scalar<number>(`WITH gone AS (
          DELETE FROM processes WHERE user_id IS NULL AND status <> 'Running' AND finished_at < $1 RETURNING id
        ), logs AS (DELETE FROM actionflow_logs WHERE process_id IN (SELECT id FROM gone))
        SELECT COUNT(*) FROM gone`, [before]),
    },

    actionflowLogs: {
      insert: async (l) => {
        await q.query('INSERT INTO actionflow_logs (id, process_id, application, actionflow, kind, at, content) VALUES ($1, $2, $3, $4, $5, $6, $7)',
          [l.id, l.processId, l.application, l.actionflow, l.kind, l.at, toJson(l.content)]);
      },
      query: async (qy): Promise<Page<ActionflowLogRecord>> => {
        checkPaging(qy.page, qy.size);
        const filters = [qy.application ?? null, qy.actionflow ?? null, qy.processId ?? null];
        const where = `($1::text IS NULL OR application = $1) AND ($2::text IS NULL OR actionflow = $2) AND ($3::text IS NULL OR process_id = $3)`;
        const total = await scalar<number>(`SELECT COUNT(*) FROM actionflow_logs WHERE ${where}`, filters);
        const rows = await all<LogRow>(`SELECT * FROM actionflow_logs WHERE ${where} ORDER BY at DESC, seq DESC LIMIT $4 OFFSET $5`,
          [...filters, qy.size, qy.page * qy.size]);
        return pageOf(rows.map(logFromRow), qy.page, qy.size, total);
      },
    },

    journal: createPgJournalStore(q, { emit }),
    overview: createPgOverviewStore(q),

    // Other replicas cache the flows created over the API (FlowCatalog): every change is announced
    // as a `definitions` change naming the flow.
    apiFlows: {
      list: async () => (await all<ApiFlowRow>('SELECT * FROM api_flows ORDER BY created_at, id')).map(apiFlowFromRow),
      byId: async (id) => {
        const r = await one<ApiFlowRow>('SELECT * FROM api_flows WHERE id = $1', [id]);
        return r ? apiFlowFromRow(r) : null;
      },
      insert: async (r) => {
        await writeAnnounced(`INSERT INTO api_flows (id, flow, created_at, created_by, modified_at, modified_by) VALUES ($1, $2, $3, $4, $5, $6) RETURNING id`,
          [r.id, JSON.stringify(r.flow), r.createdAt, r.createdBy, r.modifiedAt, r.modifiedBy], definitionsMessage);
      },
      update: async (r) => (await writeAnnounced(`UPDATE api_flows SET flow = $2, modified_at = $3, modified_by = $4 WHERE id = $1 RETURNING id`,
        [r.id, JSON.stringify(r.flow), r.modifiedAt, r.modifiedBy], definitionsMessage)).length > 0,
      delete: async (id) => (await writeAnnounced('DELETE FROM api_flows WHERE id = $1 RETURNING id', [id], definitionsMessage)).length > 0,
    },

    resources: createPgResourceStore(q),
  };
  return self;
}

interface ApiFlowRow { id: string; flow: string; created_at: string; created_by: string; modified_at: string; modified_by: string }
const apiFlowFromRow = (r: ApiFlowRow) => ({
  id: r.id, flow: JSON.parse(r.flow) as Record<string, unknown>,
  createdAt: r.created_at, createdBy: r.created_by, modifiedAt: r.modified_at, modifiedBy: r.modified_by,
});

/** What the store keeps in memory, dropped on changes here and on other instances' notifications. */
interface Caches {
  roles: RoleRecord[] | null;
  stableProgress: Map<string, ExecutionProgressView>;
  /** Credential writes seen (here, and announced by others): credentialsVersion. */
  credentialWrites: number;
}

/** Where the key file of a PostgreSQL database lives. */
export function pgSecretsFileFor(url: string, schema: string, env: NodeJS.ProcessEnv = process.env): string {
  if (env.FLOWMOCK_SECRETS_FILE) return path.resolve(env.FLOWMOCK_SECRETS_FILE);
  const db = databaseOf(url).replace(/[^A-Za-z0-9_.-]/g, '_');
  return path.resolve('.flowmock', `${db}${schema === 'public' ? '' : `.${schema}`}.secrets`);
}

/** Opens (creating the schema and migrating as needed) the store on the database at `url`. */
export async function openPgStore(url: string, opts: PgStoreOptions = {}): Promise<PgStore> {
  const schema = validSchema(opts.schema ?? 'public');
  const replicaId = opts.replicaId ?? `r-${Math.random().toString(36).slice(2, 10)}`;
  const channel = schema === 'public' ? CHANGE_CHANNEL : `${CHANGE_CHANNEL}_${schema}`.slice(0, 63);
  const pool = openPgPool(url, { max: opts.poolMax, searchPath: schema });
  let secrets: ServerSecrets;
  let bus: ChangeBus | null = null;
  try {
    const client = await pool.connect().catch((err: Error) => {
      throw new PostgresStoreError(`cannot connect to PostgreSQL at ${describePgUrl(url)}: ${err.message}`);
    });
    try {
      await client.query(`CREATE SCHEMA IF NOT EXISTS ${schema}`);
      await applyPgMigrations(client);
      const expectedId = (await client.query<{ value: string }>('SELECT value FROM meta WHERE key = $1', [SECRETS_FILE_ID_META_KEY])).rows[0]?.value ?? null;
      const file = opts.secretsFile ?? pgSecretsFileFor(url, schema, opts.env);
      await import('node:fs').then((fs) => fs.mkdirSync(path.dirname(file), { recursive: true, mode: 0o700 }));
      secrets = fileSecrets(file, expectedId);
      if (expectedId === null) {
        await client.query('INSERT INTO meta (key, value) VALUES ($1, $2) ON CONFLICT (key) DO NOTHING', [SECRETS_FILE_ID_META_KEY, secrets.id]);
        const stored = (await client.query<{ value: string }>('SELECT value FROM meta WHERE key = $1', [SECRETS_FILE_ID_META_KEY])).rows[0].value;
        // Two replicas creating the database at once with two different key files: the second says so.
        if (stored !== secrets.id) secrets = fileSecrets(file, stored);
      }
    } finally {
      client.release();
    }
    bus = await ChangeBus.start(url, channel, opts.onError);
  } catch (err) {
    await bus?.close();
    await pool.end().catch(() => {});
    throw err;
  }
  return buildPgStore({ pool, bus, schema, replicaId, channel, secrets });
}

function buildPgStore(parts: { pool: pg.Pool; bus: ChangeBus; schema: string; replicaId: string; channel: string; secrets: ServerSecrets }): PgStore {
  const { pool, bus, schema, replicaId, channel, secrets } = parts;
  const listeners = new Set<(c: StoreChange) => void>();
  const peerListeners = new Set<(m: ChangeMessage) => void>();
  const caches: Caches = { roles: null, stableProgress: new Map(), credentialWrites: 0 };
  let peerCredentialChanges = 0;
  let lastProblem: { problem: string; at: string } | null = null;
  let closed = false;
  const openTransactions = new Set<Promise<unknown>>();

  const emit: Emit = (change) => {
    for (const fn of [...listeners]) {
      queueMicrotask(() => {
        try {
          fn(change);
        } catch {
          // a listener's failure is its own
        }
      });
    }
  };

  bus.subscribe((msg) => {
    if (msg.from === replicaId) return; // reported when made
    if (msg.kind === 'credentials') {
      peerCredentialChanges++;
      caches.roles = null;
    }
    if (msg.kind === 'execution' && msg.id) caches.stableProgress.delete(msg.id);
    for (const fn of [...peerListeners]) fn(msg);
    if (msg.kind === 'execution' && msg.id) emit({ kind: 'execution', id: msg.id, version: Number((msg as { version?: number }).version ?? -1) });
    else if (msg.kind === 'process' && msg.id) emit({ kind: 'process', id: msg.id });
    else if (msg.kind === 'credentials') emit({ kind: 'credentials' });
    else if (msg.kind === 'journal') emit({ kind: 'journal' });
  });
  bus.onResync(() => {
    peerCredentialChanges++;
    caches.roles = null;
    caches.stableProgress.clear();
    emit({ kind: 'external' });
  });

  /** The pool, noting in the health whether the database answers. */
  const watched: Querier = {
    query: async <R extends pg.QueryResultRow>(text: string, values?: unknown[]) => {
      if (closed) throw new Error('the store is closed');
      try {
        const res = await pool.query<R>(text, values);
        lastProblem = null;
        return res;
      } catch (err) {
        if (isTransientPgError(err)) lastProblem = { problem: `PostgreSQL: ${(err as Error).message}`, at: new Date().toISOString() };
        throw err;
      }
    },
  };

  const base = collections(watched, { emit, inTransaction: false, replicaId, channel, caches });

  /** A transaction on one client: `depth` > 0 is a savepoint inside it. */
  const txView = (client: pg.PoolClient, state: { ended: boolean; pending: StoreChange[]; savepoints: number }): StoreTransaction => {
    const q: Querier = {
      query: <R extends pg.QueryResultRow>(text: string, values?: unknown[]) => {
        if (state.ended) return Promise.reject(new Error('this transaction has ended: use the store, or a new transaction'));
        return client.query<R>(text, values);
      },
    };
    const view = collections(q, { emit: (c) => { state.pending.push(c); }, inTransaction: true, replicaId, channel, caches }) as StoreTransaction;
    view.transaction = async <T>(fn: (tx: StoreTransaction) => Promise<T>): Promise<T> => {
      const name = `sp${++state.savepoints}`;
      await q.query(`SAVEPOINT ${name}`);
      const mark = state.pending.length;
      try {
        const result = await fn(view);
        await q.query(`RELEASE SAVEPOINT ${name}`);
        return result;
      } catch (err) {
        await q.query(`ROLLBACK TO SAVEPOINT ${name}`);
        state.pending.length = mark;
        throw err;
      }
    };
    return view;
  };

  const transaction = async <T>(fn: (tx: StoreTransaction) => Promise<T>): Promise<T> => {
    if (closed) throw new Error('the store is closed');
    const run = (async () => {
      const client = await pool.connect();
      const state = { ended: false, pending: [] as StoreChange[], savepoints: 0 };
      let broken = false;
      try {
        await client.query('BEGIN');
        await client.query('SELECT pg_advisory_xact_lock($1)', [PG_TRANSACTION_LOCK]);
        const result = await fn(txView(client, state));
        await client.query('COMMIT');
        state.ended = true;
        for (const c of state.pending) emit(c);
        return result;
      } catch (err) {
        state.ended = true;
        await client.query('ROLLBACK').catch(() => { broken = true; });
        throw err;
      } finally {
        state.ended = true;
        client.release(broken);
      }
    })();
    openTransactions.add(run);
    try {
      return await run;
    } finally {
      openTransactions.delete(run);
    }
  };

  const health = {
    state: (): StoreHealthState => (lastProblem
      ? { ok: false, problem: lastProblem.problem, lost: false, lastBusyAt: lastProblem.at }
      : { ok: true, problem: null, lost: false, lastBusyAt: null }),
  };

  const store: PgStore = {
    ...base,
    backend: 'postgres',
    pool, schema, replicaId, bus, secrets, health,
    transaction,
    probeWritable: async () => {
      try {
        await watched.query('SELECT 1');
      } catch (err) {
        if (!lastProblem) return { ok: false, problem: `PostgreSQL: ${(err as Error).message}`, lost: false, lastBusyAt: null };
      }
      return health.state();
    },
    close: async () => {
      if (closed) return;
      await Promise.allSettled([...openTransactions]);
      closed = true;
      listeners.clear();
      peerListeners.clear();
      await bus.close();
      await pool.end().catch(() => {});
    },
    onChange: (fn) => {
      listeners.add(fn);
      return () => { listeners.delete(fn); };
    },
    credentialsVersion: () => `${caches.credentialWrites}:${peerCredentialChanges}`,
    onPeerMessage: (fn) => {
      peerListeners.add(fn);
      return () => { peerListeners.delete(fn); };
    },
    announce: async (kind, id) => {
      await watched.query('SELECT pg_notify($1, $2)', [channel, JSON.stringify({ kind, ...(id ? { id } : {}), from: replicaId })]);
    },
  };
  return store;
}
