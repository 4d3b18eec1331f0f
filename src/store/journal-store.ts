/**
 * The request journal and the dashboard's read models, on the store's SQLite database
 * (tables from migration 2): journal entries with filters, verification counts, the client
 * report (computed in SQL from the journal and the executions), and listings of executions'
 * changes and actionflow runs for the dashboard.
 */
import type Database from 'better-sqlite3';
import type {
  ClientReportRow, JournalEntry, JournalFilter, JournalStore, NewJournalEntry, OverviewStore, Page, ProcessListing, ProcessRecord,
} from './types.js';
import type { Synchronous } from './synchronous.js';
import { assembleClientReport, CLIENT_ERROR, DOCUMENT_CONTENT_OPS, READ_OPS, STABLE, START_OPS } from './client-report.js';

// ---------------------------------------------------------------------------------------------

/** Migration 2: the journal table, its indexes, and indexes for the dashboard's process list. */
export const JOURNAL_MIGRATION_SQL = `
  CREATE TABLE request_journal (
    id            INTEGER PRIMARY KEY,   -- grows by one per entry (no AUTOINCREMENT: reset restarts it)
    at_ms         INTEGER NOT NULL,      -- when the request was received, ms since the epoch
    duration_ms   REAL NOT NULL,
    method        TEXT NOT NULL,
    path          TEXT NOT NULL,
    query         TEXT NOT NULL,         -- JSON object
    status        INTEGER NOT NULL,
    operation_id  TEXT,
    api_key_id    TEXT,
    user          TEXT,
    token_subject TEXT,
    execution_id  TEXT,
    req_headers   TEXT NOT NULL,         -- JSON object, secrets redacted
    res_headers   TEXT NOT NULL,         -- JSON object, secrets redacted
    req_body      TEXT,                  -- JSON JournalBody or NULL
    res_body      TEXT,
    client        TEXT GENERATED ALWAYS AS (CASE
      WHEN api_key_id IS NOT NULL THEN 'key:' || api_key_id
      WHEN token_subject IS NOT NULL THEN 'token:' || token_subject
      ELSE 'anonymous' END) VIRTUAL
  );
  CREATE INDEX request_journal_at        ON request_journal (at_ms);
  CREATE INDEX request_journal_path      ON request_journal (path, at_ms);
  CREATE INDEX request_journal_user      ON request_journal (user, at_ms);
  CREATE INDEX request_journal_status    ON request_journal (status, at_ms);
  -- No more indexes: each one costs every request an update; the report scans at most 10,000 rows.
  -- (Migration 3 drops the path, user and status indexes again, for the same reason.)

  CREATE INDEX processes_created_at  ON processes (created_at, id);
  CREATE INDEX processes_finished_at ON processes (finished_at);
`;

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

/**
 * A path template (`/a/{x}/b`, `/f/{name}.{ext}`) as a matcher: each `{param}` stands for one or
 * more characters other than `/`. Matched segment by segment with the greedy wildcard algorithm
 * (no regular expression: `{a}{b}{c}…` once backtracked for seconds), in at most (segment length
 * × template segment length) steps.
 */
export function templateToRegExp(template: string): { test(path: string): boolean } {
  const segments = template.split('/').map(compileSegment);
  return {
    test(path: string): boolean {
      const parts = path.split('/');
      if (parts.length !== segments.length) return false;
      return segments.every((seg, i) => seg(parts[i]));
    },
  };
}

/** One segment: literal pieces and runs of parameters (a run of n parameters needs at least n characters). */
function compileSegment(template: string): (text: string) => boolean {
  const tokens: Array<{ literal: string } | { min: number }> = [];
  for (const piece of template.split(/(\{[^}/]*\})/)) {
    if (piece === '') continue;
    if (/^\{[^}/]*\}$/.test(piece)) {
      const last = tokens[tokens.length - 1];
      if (last && 'min' in last) last.min++;
      else tokens.push({ min: 1 });
    } else {
      tokens.push({ literal: piece });
    }
  }
  if (tokens.every((t) => 'literal' in t)) return (text) => text === template;
  return (text) => {
    // Greedy: literals must appear in order; a parameter run takes its minimum, then as little
    // as the next literal's first later occurrence allows (the last literal must end the text).
    let at = 0;
    for (let i = 0; i < tokens.length; i++) {
      const t = tokens[i];
      if ('literal' in t) {
        if (i === 0) {
          if (!text.startsWith(t.literal)) return false;
          at = t.literal.length;
        } else if (i === tokens.length - 1) {
          if (text.length - t.literal.length < at || !text.endsWith(t.literal)) return false;
          at = text.length;
        } else {
          const found = text.indexOf(t.literal, at);
          if (found === -1) return false;
          at = found + t.literal.length;
        }
      } else {
        at += t.min;
        if (at > text.length) return false;
        if (i === tokens.length - 1) at = text.length;
      }
    }
    return at === text.length;
  };
}
const isTemplate = (path: string) => /\{[^}/]*\}/.test(path);


export function createJournalStore(db: Database.Database): Synchronous<JournalStore> {
  const regexps = new Map<string, { test(path: string): boolean }>();
  db.function('flowmock_path_match', { deterministic: true }, (template: unknown, path: unknown) => {
    if (typeof template !== 'string' || typeof path !== 'string') return 0;
    let re = regexps.get(template);
    if (!re) {
      if (regexps.size > 100) regexps.clear();
      re = templateToRegExp(template);
      regexps.set(template, re);
    }
    return re.test(path) ? 1 : 0;
  });

  // Positional parameters: binding 15 named ones cost about 4 µs more per journaled request.
  const insert = db.prepare(`INSERT INTO request_journal (at_ms, duration_ms, method, path, query, status, operation_id,
      api_key_id, user, token_subject, execution_id, req_headers, res_headers, req_body, res_body)
    VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`);
  const trim = db.prepare('DELETE FROM request_journal WHERE id <= ?');
  const clear = db.prepare('DELETE FROM request_journal');
  const latest = db.prepare('SELECT COALESCE(MAX(id), 0) FROM request_journal').pluck();

  const insertMany = db.transaction((entries: NewJournalEntry[], maxEntries: number) => {
    let last = 0;
    for (const e of entries) {
      last = Number(insert.run(
        e.atMs, e.durationMs, e.method, e.path, JSON.stringify(e.query), e.status, e.operationId,
        e.apiKeyId, e.user, e.tokenSubject, e.executionId, JSON.stringify(e.requestHeaders), JSON.stringify(e.responseHeaders),
        e.requestBody ? JSON.stringify(e.requestBody) : null, e.responseBody ? JSON.stringify(e.responseBody) : null,
      ).lastInsertRowid);
    }
    // Ids are contiguous (rowid = max + 1, only whole prefixes are deleted), so this keeps the newest maxEntries.
    if (last > maxEntries) trim.run(last - maxEntries);
  });

  // Filter SQL depends only on which filters are set; statements are cached by text.
  const statements = new Map<string, Database.Statement>();
  const stmt = (sql: string) => {
    let s = statements.get(sql);
    if (!s) {
      s = db.prepare(sql);
      statements.set(sql, s);
    }
    return s;
  };

  function where(f: JournalFilter): { sql: string; params: Record<string, unknown> } {
    const clauses: string[] = [];
    const params: Record<string, unknown> = {};
    if (f.method !== undefined) { clauses.push('method = @method'); params.method = f.method; }
    if (f.path !== undefined) {
      if (isTemplate(f.path)) {
        // The literal text before the first parameter rules most rows out before the regexp runs.
        const head = f.path.slice(0, f.path.indexOf('{'));
        clauses.push('path >= @path_head AND path < @path_head_end AND flowmock_path_match(@path, path)');
        params.path = f.path; params.path_head = head; params.path_head_end = `${head}\u{10FFFF}`;
      } else {
        clauses.push('path = @path'); params.path = f.path;
      }
    }
    if (f.pathPrefix !== undefined) {
      clauses.push('path >= @prefix AND path < @prefix_end');
      params.prefix = f.pathPrefix; params.prefix_end = `${f.pathPrefix}\u{10FFFF}`;
    }
    if (f.status !== undefined) { clauses.push('status = @status'); params.status = f.status; }
    if (f.user !== undefined) { clauses.push('user = @user'); params.user = f.user; }
    if (f.operationId !== undefined) { clauses.push('operation_id = @operation_id'); params.operation_id = f.operationId; }
    if (f.sinceMs !== undefined) { clauses.push('at_ms >= @since'); params.since = f.sinceMs; }
    if (f.untilMs !== undefined) { clauses.push('at_ms < @until'); params.until = f.untilMs; }
    return { sql: clauses.length ? clauses.join(' AND ') : '1', params };
  }

  const runQuery = db.transaction((f: JournalFilter, page: number, size: number): Page<JournalEntry> => {
    const w = where(f);
    const total = stmt(`SELECT COUNT(*) FROM request_journal WHERE ${w.sql}`).pluck().get(w.params) as number;
    const rows = stmt(`SELECT * FROM request_journal WHERE ${w.sql} ORDER BY at_ms DESC, id DESC LIMIT @limit OFFSET @offset`)
      .all({ ...w.params, limit: size, offset: page * size }) as JournalRow[];
    return { content: rows.map(entryFromRow), number: page, size, totalElements: total, totalPages: Math.ceil(total / size) };
  });

  // ------------------------------------------------------------------ client report (SQL only)
  const reportClients = db.prepare(`SELECT client, MAX(api_key_id) AS api_key_id, MAX(user) AS user,
      MAX(token_subject) AS token_subject, COUNT(*) AS requests, MIN(at_ms) AS first_ms, MAX(at_ms) AS last_ms,
      SUM(${CLIENT_ERROR}) AS client_errors,
      COALESCE(SUM(operation_id IN ${DOCUMENT_CONTENT_OPS} AND status = 409), 0) AS documents_early,
      COUNT(DISTINCT CASE WHEN operation_id IN ${START_OPS} AND status = 200 THEN execution_id END) AS started
    FROM request_journal WHERE at_ms >= @since
    GROUP BY client ORDER BY requests DESC, client`);
  const reportErrors = db.prepare(`SELECT client, status, COUNT(*) AS n FROM request_journal
    WHERE at_ms >= @since AND ${CLIENT_ERROR} GROUP BY client, status ORDER BY client, status`);
  // Retry-After in seconds when the answers carried one (an HTTP-date is not a pace), else the default.
  const reportPolling = db.prepare(`SELECT client, execution_id, polls, span_ms, suggested,
      CASE WHEN polls > 1 THEN (polls - 1) * 1000.0 / MAX(span_ms, 1) ELSE 0 END AS rate
    FROM (
      SELECT client, execution_id, COUNT(*) AS polls, MAX(at_ms) - MIN(at_ms) AS span_ms,
        COALESCE(AVG(CASE WHEN res_headers ->> '$."retry-after"' GLOB '[0-9]*'
          THEN CAST(res_headers ->> '$."retry-after"' AS REAL) END), @default_interval) AS suggested
      FROM request_journal
      WHERE operation_id = 'GetFlowExecutionProgress' AND execution_id IS NOT NULL AND at_ms >= @since
      GROUP BY client, execution_id
    ) ORDER BY client, execution_id`);
  // Started by the client, stable now, and no answer showing it read after it became stable: the
  // journaled answer shows a stable status, or, when its body was cut (not valid JSON), it finished
  // after the execution's last change. The status comes first because the engines may run on a
  // virtual clock (their timestamps then are not the journal's wall time).
  const reportUnread = db.prepare(`SELECT s.client, s.execution_id FROM (
      SELECT DISTINCT client, execution_id FROM request_journal
      WHERE operation_id IN ${START_OPS} AND status = 200 AND execution_id IS NOT NULL AND at_ms >= @since
    ) AS s
    JOIN executions AS e ON e.id = s.execution_id
    WHERE e.status IN ${STABLE}
      AND NOT EXISTS (
        SELECT 1 FROM request_journal AS r
        WHERE r.operation_id IN ${READ_OPS} AND r.client = s.client AND r.execution_id = s.execution_id
          AND r.status = 200 AND CASE
            WHEN json_valid(r.res_body ->> '$.text') THEN (r.res_body ->> '$.text') ->> '$.status' IN ${STABLE}
            ELSE r.at_ms + r.duration_ms >= unixepoch(e.modified_at, 'subsec') * 1000 - 1 END)
    ORDER BY s.client, e.created_at, e.id`);

  const clientReport = db.transaction((opts: { sinceMs?: number; defaultPollIntervalSeconds: number; tooFastTolerance: number }) => {
    const since = opts.sinceMs ?? 0;
    const clients = reportClients.all({ since }) as Array<{
      client: string; api_key_id: string | null; user: string | null; token_subject: string | null; requests: number;
      first_ms: number; last_ms: number; client_errors: number; documents_early: number; started: number;
    }>;
    const errors = reportErrors.all({ since }) as Array<{ client: string; status: number; n: number }>;
    const polling = reportPolling.all({ since, default_interval: opts.defaultPollIntervalSeconds }) as Array<{
      client: string; execution_id: string; polls: number; span_ms: number; suggested: number; rate: number;
    }>;
    const unread = reportUnread.all({ since }) as Array<{ client: string; execution_id: string }>;
    return assembleClientReport({ clients, errors, polling, unread }, opts);
  });

  return {
    insertMany: (entries, maxEntries) => {
      if (entries.length) insertMany(entries, maxEntries);
    },
    query: (f, page, size) => runQuery(f, page, size),
    count: (f) => {
      const w = where(f);
      return stmt(`SELECT COUNT(*) FROM request_journal WHERE ${w.sql}`).pluck().get(w.params) as number;
    },
    clear: () => { clear.run(); },
    latestId: () => latest.get() as number,
    clientReport: (opts) => clientReport(opts),
  };
}


// ---------------------------------------------------------------------------------------------

interface ProcessRow {
  id: string; application: string; actionflow: string; status: string; user_id: string | null;
  created_at: string; finished_at: string | null; http_status: number | null; envelope: string | null;
  records_done: number; message: string | null; username: string | null;
}
const processFromRow = (r: ProcessRow): ProcessListing => ({
  id: r.id, application: r.application, actionflow: r.actionflow, status: r.status as ProcessRecord['status'],
  userId: r.user_id, createdAt: r.created_at, finishedAt: r.finished_at, httpStatus: r.http_status,
  envelope: parseOrNull(r.envelope), recordsDone: r.records_done, message: r.message, username: r.username,
});

export function createOverviewStore(db: Database.Database): Synchronous<OverviewStore> {
  const s = {
    procCount: db.prepare('SELECT COUNT(*) FROM processes').pluck(),
    procPage: db.prepare(`SELECT p.*, u.username FROM processes AS p LEFT JOIN users AS u ON u.id = p.user_id
      ORDER BY p.created_at DESC, p.id DESC LIMIT ? OFFSET ?`),
    procById: db.prepare('SELECT p.*, u.username FROM processes AS p LEFT JOIN users AS u ON u.id = p.user_id WHERE p.id = ?'),
    execChanged: db.prepare('SELECT id, version, modified_at FROM executions WHERE modified_at >= ? ORDER BY modified_at, id'),
    procActive: db.prepare(`SELECT id, status, records_done FROM processes WHERE status = 'Running'
      UNION SELECT id, status, records_done FROM processes WHERE created_at >= @since
      UNION SELECT id, status, records_done FROM processes WHERE finished_at >= @since`),
    execLatest: db.prepare('SELECT COALESCE(MAX(modified_at), \'\') FROM executions').pluck(),
    procLatest: db.prepare(`SELECT COALESCE(MAX(t), '') FROM (SELECT MAX(created_at) AS t FROM processes
      UNION ALL SELECT MAX(finished_at) FROM processes)`).pluck(),
  };
  const page = db.transaction((p: number, size: number): Page<ProcessListing> => {
    const total = s.procCount.get() as number;
    const rows = s.procPage.all(size, p * size) as ProcessRow[];
    return { content: rows.map(processFromRow), number: p, size, totalElements: total, totalPages: Math.ceil(total / size) };
  });
  return {
    processes: (p, size) => page(p, size),
    processById: (id) => {
      const row = s.procById.get(id) as ProcessRow | undefined;
      return row ? processFromRow(row) : null;
    },
    executionsChangedSince: (since) => (s.execChanged.all(since) as Array<{ id: string; version: number; modified_at: string }>)
      .map((r) => ({ id: r.id, version: r.version, modifiedAt: r.modified_at })),
    processesActiveSince: (since) => (s.procActive.all({ since }) as Array<{ id: string; status: string; records_done: number }>)
      .map((r) => ({ id: r.id, status: r.status, recordsDone: r.records_done })),
    latestExecutionChange: () => s.execLatest.get() as string,
    latestProcessChange: () => s.procLatest.get() as string,
  };
}
