/**
 * flowmock extensions over the request journal: list and reset it, verify expectations on it
 * (200 when one holds, 409 problem+json when not), and the per-client usage report.
 */
import type { Handlers } from '../../handler-contract/handler-types.js';
import { ProblemError, invalidField, problemBody, type Problem } from '../../handler-contract/problem.js';
import type { JournalFilter } from '../../store/types.js';

/** The suggested pace of progress polls when the answers carry no Retry-After (flowmock choice). */
export const DEFAULT_POLL_INTERVAL_SECONDS = 1;
/** A client is "too fast" above one poll per suggested interval, with this much slack for timer jitter. */
export const TOO_FAST_TOLERANCE = 0.1;

interface Expected { atLeast?: number; atMost?: number }

/** 409: the expectation does not hold; the problem carries the count and the expectation. */
class VerificationFailed extends ProblemError {
  constructor(detail: string, private readonly matched: number, private readonly expected: Expected) {
    super(409, detail);
  }

  override toProblem(requestId?: string): Problem {
    const p = problemBody(409, this.message, undefined, requestId);
    return { ...p, type: 'urn:flowmock:problem:verification-failed', title: 'Verification failed', ok: false, matched: this.matched, expected: this.expected } as Problem;
  }
}

const timeOf = (iso: string | undefined): number | undefined => (iso === undefined ? undefined : Date.parse(iso));

function describe(f: JournalFilter & { since?: string }): string {
  const parts = [f.method ?? 'any method', f.path ?? (f.pathPrefix !== undefined ? `${f.pathPrefix}…` : 'any path')];
  if (f.status !== undefined) parts.push(`answered ${f.status}`);
  if (f.operationId !== undefined) parts.push(`(${f.operationId})`);
  if (f.user !== undefined) parts.push(`by ${f.user}`);
  if (f.since !== undefined) parts.push(`since ${f.since}`);
  return parts.join(' ');
}

function describeExpected(e: Expected): string {
  if (e.atLeast !== undefined && e.atLeast === e.atMost) return `exactly ${e.atLeast}`;
  const parts: string[] = [];
  if (e.atLeast !== undefined) parts.push(`at least ${e.atLeast}`);
  if (e.atMost !== undefined) parts.push(`at most ${e.atMost}`);
  return parts.join(' and ') || 'any number';
}

export const journalHandlers: Pick<Handlers, 'GetRequestJournal' | 'ClearRequestJournal' | 'VerifyRequests' | 'GetClientReport'> = {
  async GetRequestJournal(ctx) {
    const q = ctx.query;
    await ctx.services.journal.flush();
    const page = (await ctx.services.store.journal.query({
      method: q.method, path: q.path, pathPrefix: q.pathPrefix, status: q.status, user: q.user,
      operationId: q.operationId, sinceMs: timeOf(q.since), untilMs: timeOf(q.until),
    }, q.page ?? 0, q.size ?? 20));
    return { status: 200, body: page };
  },

  async ClearRequestJournal(ctx) {
    await ctx.services.journal.clear();
    return { status: 204, body: undefined };
  },

  async VerifyRequests(ctx) {
    const b = ctx.body!;
    const count = b.count;
    const expected: Expected = count === undefined ? { atLeast: 1 }
      : typeof count === 'number' ? { atLeast: count, atMost: count }
        : { ...(count.atLeast !== undefined ? { atLeast: count.atLeast } : {}), ...(count.atMost !== undefined ? { atMost: count.atMost } : {}) };
    if (expected.atLeast !== undefined && expected.atMost !== undefined && expected.atLeast > expected.atMost) {
      throw invalidField('body', '/count', 'range', `atLeast (${expected.atLeast}) is greater than atMost (${expected.atMost}): no count can hold`);
    }
    await ctx.services.journal.flush();
    const filter: JournalFilter = {
      method: b.method, path: b.path, pathPrefix: b.pathPrefix, status: b.status, user: b.user,
      operationId: b.operationId, sinceMs: timeOf(b.since),
    };
    const matched = (await ctx.services.store.journal.count(filter));
    const ok = (expected.atLeast === undefined || matched >= expected.atLeast) && (expected.atMost === undefined || matched <= expected.atMost);
    if (!ok) {
      throw new VerificationFailed(
        `${matched} request${matched === 1 ? '' : 's'} matched ${describe({ ...filter, since: b.since })}; expected ${describeExpected(expected)}.`,
        matched, expected,
      );
    }
    return { status: 200, body: { ok: true, matched, expected } };
  },

  async GetClientReport(ctx) {
    await ctx.services.journal.flush();
    const clients = (await ctx.services.store.journal.clientReport({
      sinceMs: timeOf(ctx.query.since),
      defaultPollIntervalSeconds: DEFAULT_POLL_INTERVAL_SECONDS,
      tooFastTolerance: TOO_FAST_TOLERANCE,
    }));
    return {
      status: 200,
      body: { generatedAt: ctx.services.now().toISOString(), defaultPollIntervalSeconds: DEFAULT_POLL_INTERVAL_SECONDS, clients },
    };
  },
};
