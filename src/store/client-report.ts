/**
 * The client report's rules, the same on every backend: which operations count as starts, reads
 * and document downloads (as SQL lists both dialects accept), and how the rows each backend's
 * queries return become `ClientReportRow`s (the too-fast rule included).
 */
import type { ClientReportRow, PollingRow } from './types.js';

export const START_OPS = `('ExecuteFlow', 'StartFlow')`;
/** Answers that show an execution's status: reading its progress or record, or cancelling it. */
export const READ_OPS = `('GetFlowExecutionProgress', 'GetFlowExecution', 'CancelFlowExecution', 'CancelFlowExecutionById')`;
export const STABLE = `('Success', 'Warning', 'Error', 'Interrupted', 'Canceled')`;
export const DOCUMENT_CONTENT_OPS = `('GetDocumentContent', 'GetDocumentContentAlt')`;
/** 499: the client went away before the answer (nginx's convention); it received no 4xx. */
export const CLIENT_ERROR = 'status BETWEEN 400 AND 498';

/** What each backend's report queries return, column for column. */
export interface ClientReportQueryRows {
  clients: Array<{
    client: string; api_key_id: string | null; user: string | null; token_subject: string | null; requests: number;
    first_ms: number; last_ms: number; client_errors: number; documents_early: number; started: number;
  }>;
  errors: Array<{ client: string; status: number; n: number }>;
  polling: Array<{ client: string; execution_id: string; polls: number; span_ms: number; suggested: number; rate: number }>;
  unread: Array<{ client: string; execution_id: string }>;
}

export interface ClientReportOptions {
  /** The interval suggested when an answer carried no Retry-After. */
  defaultPollIntervalSeconds: number;
  /** How much faster than suggested a client may poll before it counts as too fast (0.5: 1.5x). */
  tooFastTolerance: number;
}

const iso = (ms: number) => new Date(ms).toISOString();
const round = (n: number) => Math.round(n * 1000) / 1000;

export function assembleClientReport(rows: ClientReportQueryRows, opts: ClientReportOptions): ClientReportRow[] {
  return rows.clients.map((c): ClientReportRow => {
    const polls = rows.polling.filter((p) => p.client === c.client).map((p): PollingRow => ({
      executionId: p.execution_id,
      polls: p.polls,
      spanSeconds: round(p.span_ms / 1000),
      ratePerSecond: round(p.rate),
      suggestedIntervalSeconds: p.suggested,
      tooFast: p.polls >= 3 && p.rate * p.suggested > 1 + opts.tooFastTolerance,
    }));
    const unreadIds = rows.unread.filter((u) => u.client === c.client).map((u) => u.execution_id);
    return {
      client: c.client,
      kind: c.api_key_id !== null ? 'apiKey' : c.token_subject !== null ? 'token' : 'anonymous',
      apiKeyId: c.api_key_id,
      user: c.user,
      tokenSubject: c.token_subject,
      requests: c.requests,
      firstSeen: iso(c.first_ms),
      lastSeen: iso(c.last_ms),
      clientErrors: {
        total: c.client_errors,
        byStatus: rows.errors.filter((e) => e.client === c.client).map((e) => ({ status: e.status, count: e.n })),
      },
      polling: { tooFast: polls.filter((p) => p.tooFast).length, executions: polls },
      executionsStarted: c.started,
      executionsUnread: { count: unreadIds.length, executionIds: unreadIds },
      documentsBeforeSuccess: c.documents_early,
    };
  });
}
