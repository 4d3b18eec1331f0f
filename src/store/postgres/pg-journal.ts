/**
 * The request journal, the client report and the dashboard's read models on PostgreSQL: the
 * SQLite queries of journal-store.ts translated (every replica writes the one journal, so the
 * journal and the client report see every replica's requests).
 */
import type pg from 'pg';
import type {
  ClientReportRow, JournalEntry, JournalFilter, JournalStore, OverviewStore, Page, ProcessListing, ProcessRecord, StoreChange,
} from '../types.js';
import { PROCESS_COLUMNS } from './pg-rows.js';
import { assembleClientReport, CLIENT_ERROR, DOCUMENT_CONTENT_OPS, READ_OPS, STABLE, START_OPS } from '../client-report.js';

interface Querier {
  query<R extends pg.QueryResultRow = pg.QueryResultRow>(text: string, values?: unknown[]): Promise<pg.QueryResult<R>>;
}

interface JournalRow {
  id: number; at_ms: number; duration_ms: number; method: string; path: string; query: string; status: number;
  operation_id: string | null; api_key_id: string | null; user: string | null; token_subject: string | null;
  execution_id: string | null; req_headers: string; res_headers: string; req_body: string | null; res_body: string | null;
  client: string;
}

const parseOrNull = <T>(s: string | null): T | null => (s === null ? null : (JSON.parse(s) as T));
const iso = (ms: number) => new Date(ms).toISOString();

const entryFromRow = (r: JournalRow): JournalEntry => ({
  id: r.id, at: iso(r.at_ms), durationMs: r.duration_ms, method: r.method, path: r.path, query: JSON.parse(r.query),
  status: r.status, operationId: r.operation_id, client: r.client, apiKeyId: r.api_key_id, user: r.user,
  tokenSubject: r.token_subject, executionId: r.execution_id,
  requestHeaders: JSON.parse(r.req_headers), responseHeaders: JSON.parse(r.res_headers),
  requestBody: parseOrNull(r.req_body), responseBody: parseOrNull(r.res_body),
});

const isTemplate = (p: string) => /\{[^}/]*\}/.test(p);

/**
 * A path template as an anchored POSIX regular expression: each run of n `{param}` is n or more
 * characters other than `/`, the rest literal. PostgreSQL's regex engine does not backtrack
 * exponentially on runs like `{a}{b}{c}` (the reason the SQLite side matches without one).
 */
export function templateToPgRegex(template: string): string {
  let out = '^';
  for (const piece of template.split(/((?:\{[^}/]*\})+)/)) {
    if (piece === '') continue;
    const params = piece.match(/\{[^}/]*\}/g);
    if (params && params.join('') === piece) out += `[^/]{${params.length},}`;
    else out += piece.replace(/[\\^$.|?*+()[\]{}]/g, (c) => `\\${c}`);
  }
  return `${out}$`;
}

/** JSON text as jsonb, or NULL when it is not valid JSON (a body cut at the cap). PostgreSQL 15 has no IS JSON. */
const TRY_JSONB = 'flowmock_try_jsonb';

export function createPgJournalStore(q: Querier, ctx: { emit: (c: StoreChange) => void }): JournalStore {
  function where(f: JournalFilter, params: unknown[]): string {
    const clauses: string[] = [];
    const p = (v: unknown) => { params.push(v); return `$${params.length}`; };
    if (f.method !== undefined) clauses.push(`method = ${p(f.method)}`);
    if (f.path !== undefined) {
      if (isTemplate(f.path)) {
        // The literal text before the first parameter rules most rows out before the regexp runs.
        const head = f.path.slice(0, f.path.indexOf('{'));
        clauses.push(`path >= ${p(head)} AND path < ${p(`${head}\u{10FFFF}`)} AND path ~ ${p(templateToPgRegex(f.path))}`);
      } else {
        clauses.push(`path = ${p(f.path)}`);
      }
    }
    if (f.pathPrefix !== undefined) clauses.push(`path >= ${p(f.pathPrefix)} AND path < ${p(`${f.pathPrefix}\u{10FFFF}`)}`);
    if (f.status !== undefined) clauses.push(`status = ${p(f.status)}`);
    if (f.user !== undefined) clauses.push(`"user" = ${p(f.user)}`);
    if (f.operationId !== undefined) clauses.push(`operation_id = ${p(f.operationId)}`);
    if (f.sinceMs !== undefined) clauses.push(`at_ms >= ${p(f.sinceMs)}`);
    if (f.untilMs !== undefined) clauses.push(`at_ms < ${p(f.untilMs)}`);
    return clauses.length ? clauses.join(' AND ') : 'TRUE';
  }

  const count = async (f: JournalFilter): Promise<number> => {
    const params: unknown[] = [];
    const w = where(f, params);
    return (await q.query<{ n: number }>(`SELECT COUNT(*) AS n FROM request_journal WHERE ${w}`, params)).rows[0].n;
  };

  return {
    insertMany: async (entries, maxEntries) => {
      if (!entries.length) return;
      const values: unknown[] = [];
      const rows = entries.map((e) => {
        const start = values.length;
        values.push(
          e.atMs, e.durationMs, e.method, e.path, JSON.stringify(e.query), e.status, e.operationId,
          e.apiKeyId, e.user, e.tokenSubject, e.executionId, JSON.stringify(e.requestHeaders), JSON.stringify(e.responseHeaders),
          e.requestBody ? JSON.stringify(e.requestBody) : null, e.responseBody ? JSON.stringify(e.responseBody) : null,
        );
        return `(${Array.from({ length: 15 }, (_, i) => `$${start + i + 1}`).join(', ')})`;
      });
      const inserted = (await q.query<{ id: number }>(`INSERT INTO request_journal (at_ms, duration_ms, method, path, query, status, operation_id,
          api_key_id, "user", token_subject, execution_id, req_headers, res_headers, req_body, res_body)
        VALUES ${rows.join(', ')} RETURNING id`, values)).rows;
      // Ids grow by one per entry, so this keeps the newest maxEntries.
      const last = Math.max(...inserted.map((r) => r.id));
      if (last > maxEntries) await q.query('DELETE FROM request_journal WHERE id <= $1', [last - maxEntries]);
      ctx.emit({ kind: 'journal' });
    },
    query: async (f, page, size): Promise<Page<JournalEntry>> => {
      const params: unknown[] = [];
      const w = where(f, params);
      const total = await count(f);
      const n = params.length;
      const rows = (await q.query<JournalRow>(`SELECT * FROM request_journal WHERE ${w} ORDER BY at_ms DESC, id DESC LIMIT $${n + 1} OFFSET $${n + 2}`,
        [...params, size, page * size])).rows;
      return { content: rows.map(entryFromRow), number: page, size, totalElements: total, totalPages: Math.ceil(total / size) };
    },
    count,
    clear: async () => {
      // Ids start again at 1, as on SQLite. TRUNCATE would wait for every open reader.
      await q.query('DELETE FROM request_journal');
      await q.query(`SELECT setval(pg_get_serial_sequence('request_journal', 'id'), 1, false)`);
      ctx.emit({ kind: 'journal' });
    },
    latestId: async () => (await q.query<{ n: number }>('SELECT COALESCE(MAX(id), 0) AS n FROM request_journal')).rows[0].n,

    clientReport: async (opts): Promise<ClientReportRow[]> => {
      const since = opts.sinceMs ?? 0;
      const clients = (await q.query<{
        client: string; api_key_id: string | null; user: string | null; token_subject: string | null; requests: number;
        first_ms: number; last_ms: number; client_errors: number; documents_early: number; started: number;
      }>(`SELECT client, MAX(api_key_id) AS api_key_id, MAX("user") AS "user",
          MAX(token_subject) AS token_subject, COUNT(*) AS requests, MIN(at_ms) AS first_ms, MAX(at_ms) AS last_ms,
          COUNT(*) FILTER (WHERE ${CLIENT_ERROR}) AS client_errors,
          COUNT(*) FILTER (WHERE operation_id IN ${DOCUMENT_CONTENT_OPS} AND status = 409) AS documents_early,
          COUNT(DISTINCT CASE WHEN operation_id IN ${START_OPS} AND status = 200 THEN execution_id END) AS started
        FROM request_journal WHERE at_ms >= $1
        GROUP BY client ORDER BY requests DESC, client`, [since])).rows;
      const errors = (await q.query<{ client: string; status: number; n: number }>(`SELECT client, status, COUNT(*) AS n FROM request_journal
        WHERE at_ms >= $1 AND ${CLIENT_ERROR} GROUP BY client, status ORDER BY client, status`, [since])).rows;
      // Retry-After in seconds when the answers carried one (an HTTP-date is not a pace), else the default.
      const polling = (await q.query<{ client: string; execution_id: string; polls: number; span_ms: number; suggested: number; rate: number }>(
        `SELECT client, execution_id, polls, span_ms, suggested,
            CASE WHEN polls > 1 THEN (polls - 1) * 1000.0 / GREATEST(span_ms, 1) ELSE 0 END AS rate
          FROM (
            SELECT client, execution_id, COUNT(*) AS polls, MAX(at_ms) - MIN(at_ms) AS span_ms,
              COALESCE(AVG(CAST(substring(res_headers::jsonb ->> 'retry-after' FROM '^[0-9]+(?:\\.[0-9]+)?') AS DOUBLE PRECISION)),
                $2::double precision) AS suggested
            FROM request_journal
            WHERE operation_id = 'GetFlowExecutionProgress' AND execution_id IS NOT NULL AND at_ms >= $1
            GROUP BY client, execution_id
          ) AS per ORDER BY client, execution_id`, [since, opts.defaultPollIntervalSeconds])).rows;
      // As on SQLite: started by the client, stable now, and no answer showing it read after it
      // became stable (a stable status in the answer, or for a cut body, an answer finished after
      // the execution's last change).
      const unread = (await q.query<{ client: string; execution_id: string }>(`SELECT s.client, s.execution_id FROM (
          SELECT DISTINCT client, execution_id FROM request_journal
          WHERE operation_id IN ${START_OPS} AND status = 200 AND execution_id IS NOT NULL AND at_ms >= $1
        ) AS s
        JOIN executions AS e ON e.id = s.execution_id
        WHERE e.status IN ${STABLE}
          AND NOT EXISTS (
            SELECT 1 FROM request_journal AS r
            WHERE r.operation_id IN ${READ_OPS} AND r.client = s.client AND r.execution_id = s.execution_id
              AND r.status = 200 AND CASE
                WHEN ${TRY_JSONB}(r.res_body::jsonb ->> 'text') IS NOT NULL THEN (${TRY_JSONB}(r.res_body::jsonb ->> 'text') ->> 'status') IN ${STABLE}
                ELSE r.at_ms + r.duration_ms >= extract(epoch FROM e.modified_at::timestamptz) * 1000 - 1 END)
        ORDER BY s.client, e.created_at, e.id`, [since])).rows;
      return assembleClientReport({ clients, errors, polling, unread }, opts);
    },
  };
}

interface ProcessListingRow {
  id: string; application: string; actionflow: string; status: string; user_id: string | null;
  created_at: string; finished_at: string | null; http_status: number | null; envelope: string | null;
  records_done: number; message: string | null; username: string | null;
}
const listingFromRow = (r: ProcessListingRow): ProcessListing => ({
  id: r.id, application: r.application, actionflow: r.actionflow, status: r.status as ProcessRecord['status'],
  userId: r.user_id, createdAt: r.created_at, finishedAt: r.finished_at, httpStatus: r.http_status,
  envelope: parseOrNull(r.envelope), recordsDone: r.records_done, message: r.message, username: r.username,
});
const LISTING = `${PROCESS_COLUMNS.split(', ').map((c) => `p.${c}`).join(', ')}, u.username`;

export function createPgOverviewStore(q: Querier): OverviewStore {
  return {
    processes: async (page, size) => {
      const total = (await q.query<{ n: number }>('SELECT COUNT(*) AS n FROM processes')).rows[0].n;
      const rows = (await q.query<ProcessListingRow>(`SELECT ${LISTING} FROM processes AS p LEFT JOIN users AS u ON u.id = p.user_id
        ORDER BY p.created_at DESC, p.id DESC LIMIT $1 OFFSET $2`, [size, page * size])).rows;
      return { content: rows.map(listingFromRow), number: page, size, totalElements: total, totalPages: Math.ceil(total / size) };
    },
    processById: async (id) => {
      const row = (await q.query<ProcessListingRow>(`SELECT ${LISTING} FROM processes AS p LEFT JOIN users AS u ON u.id = p.user_id WHERE p.id = $1`, [id])).rows[0];
      return row ? listingFromRow(row) : null;
    },
    executionsChangedSince: async (since) => (await q.query<{ id: string; version: number; modified_at: string }>(
      'SELECT id, version, modified_at FROM executions WHERE modified_at >= $1 ORDER BY modified_at, id', [since])).rows
      .map((r) => ({ id: r.id, version: r.version, modifiedAt: r.modified_at })),
    processesActiveSince: async (since) => (await q.query<{ id: string; status: string; records_done: number }>(
      `SELECT id, status, records_done FROM processes WHERE status = 'Running'
        UNION SELECT id, status, records_done FROM processes WHERE created_at >= $1
        UNION SELECT id, status, records_done FROM processes WHERE finished_at >= $1`, [since])).rows
      .map((r) => ({ id: r.id, status: r.status, recordsDone: r.records_done })),
    latestExecutionChange: async () => (await q.query<{ t: string }>(`SELECT COALESCE(MAX(modified_at), '') AS t FROM executions`)).rows[0].t,
    latestProcessChange: async () => (await q.query<{ t: string }>(`SELECT COALESCE(GREATEST(MAX(created_at), MAX(finished_at)), '') AS t FROM processes`)).rows[0].t,
  };
}
