/**
 * flowmock extensions the dashboard (`/__flowmock/`) reads: every execution with its progress,
 * every actionflow run, and a Server-Sent Events stream of changes, as the server's live feed
 * (src/engine/live-feed.ts, services.liveFeed) reports them.
 */
import type { Handlers } from '../../handler-contract/handler-types.js';
import { EventStreamBody } from '../../handler-contract/event-stream.js';
import type { ExecutionRecord, Store } from '../../store/types.js';
import type { ProcessListing } from '../../store/types.js';
import type { components } from '../../../generated/openapi-types.js';

type ExecutionOverview = components['schemas']['ExecutionOverview'];
type ProcessOverview = components['schemas']['ProcessOverview'];

const KEEP_ALIVE_MS = 15_000;
/** The stream's lifetime when the caller names none (the spec's default): short, so readers of the whole answer finish. */
const DEFAULT_STREAM_SECONDS = 5;

export async function executionOverview(store: Store, e: ExecutionRecord): Promise<ExecutionOverview> {
  return {
    id: e.id,
    flow: { id: e.flowId, displayName: e.flowName || '(flow not selected yet)' },
    status: e.status,
    percentage: Math.max(0, Math.min(100, Math.round(e.progress.percentage))),
    message: e.progress.message,
    createdAt: e.createdAt,
    modifiedAt: e.modifiedAt,
    createdBy: { id: e.createdBy, displayName: (await store.users.byId(e.createdBy))?.username ?? e.createdBy },
    stages: e.stages.length,
    documents: (await store.documents.byExecution(e.id)).map((d) => ({
      id: d.id, displayName: d.displayName, contentUrl: `/api/v1/documents/${encodeURIComponent(d.id)}/content`,
    })),
  };
}

export function processOverview(p: ProcessListing): ProcessOverview {
  return {
    id: p.id, application: p.application, actionflow: p.actionflow, status: p.status, user: p.username,
    createdAt: p.createdAt, finishedAt: p.finishedAt, recordsDone: p.recordsDone, httpStatus: p.httpStatus, message: p.message,
  };
}

export const dashboardHandlers: Pick<Handlers, 'GetExecutionOverview' | 'GetProcessOverview' | 'GetDashboardEvents'> = {
  async GetExecutionOverview(ctx) {
    const { store } = ctx.services;
    const page = (await store.executions.query({
      ownerId: null, sort: { field: 'createdAt', direction: 'desc' }, page: ctx.query.page ?? 0, size: ctx.query.size ?? 20,
    }));
    return { status: 200, body: { ...page, content: await Promise.all(page.content.map((e) => executionOverview(store, e))) } };
  },

  async GetProcessOverview(ctx) {
    const page = (await ctx.services.store.overview.processes(ctx.query.page ?? 0, ctx.query.size ?? 20));
    return { status: 200, body: { ...page, content: page.content.map(processOverview) } };
  },

  GetDashboardEvents(ctx) {
    const seconds = ctx.query.timeout ?? DEFAULT_STREAM_SECONDS;
    const { store } = ctx.services;
    const feed = ctx.services.liveFeed;
    const body = new EventStreamBody(async (sink) => {
      sink.raw('retry: 1000\n\n');
      sink.event('ready', { timeout: seconds });
      if (seconds === 0 || sink.signal.aborted) return;
      // Overviews read the store: chained so that events leave in the order the feed reported them.
      let sent = Promise.resolve();
      const unsubscribe = feed.subscribe((e) => {
        if (e.kind === 'execution') {
          sent = sent.then(async () => sink.event('execution', await executionOverview(store, e.execution)))
            .catch((err) => ctx.services.logger.warn({ err }, 'dashboard overview failed'));
        } else if (e.kind === 'process') sink.event('process', processOverview(e.process));
        else sink.event('requests', { latestId: e.latestId });
      });
      const keepAlive = setInterval(() => sink.comment('keep-alive'), KEEP_ALIVE_MS);
      try {
        await new Promise<void>((resolve) => {
          const timer = setTimeout(resolve, seconds * 1000);
          sink.signal.addEventListener('abort', () => {
            clearTimeout(timer);
            resolve();
          }, { once: true });
        });
      } finally {
        clearInterval(keepAlive);
        unsubscribe();
      }
    }, (err) => ctx.services.logger.error({ err, requestId: ctx.requestId }, 'event stream failed'));
    return { status: 200, body, contentType: 'text/event-stream' };
  },
};
