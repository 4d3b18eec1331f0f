/**
 * flowmock extensions the dashboard (`/__flowmock/`) reads: every execution with its progress,
 * every actionflow run, and a Server-Sent Events stream of changes. Changes are picked up by one
 * shared poller per server that looks at the store every 250 ms while someone listens (and only
 * reads when the store reported a change since: Store.onChange), so the engines need no hooks for
 * it. Its cursors are timestamps taken from the store, in the engines' own time (real or virtual).
 */
import type { Handlers } from '../../http/handler-types.js';
import { EventStreamBody } from '../../http/event-stream.js';
import { journalFor } from '../../http/journal.js';
import type { Services } from '../../services.js';
import type { ExecutionRecord, Store } from '../../store/types.js';
import type { ProcessListing } from '../../store/types.js';
import type { components } from '../../../generated/openapi-types.js';

type ExecutionOverview = components['schemas']['ExecutionOverview'];
type ProcessOverview = components['schemas']['ProcessOverview'];

export const FEED_INTERVAL_MS = 250;
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

type Listener = (event: 'execution' | 'process' | 'requests', data: unknown) => void;

/** Watches the store for changed executions, processes and new journal entries. */
class LiveFeed {
  private readonly listeners = new Set<Listener>();
  private timer: NodeJS.Timeout | null = null;
  /** The store reported a change since the last look (or nothing was looked at yet). */
  private dirty = true;
  private stopWatching: (() => void) | null = null;
  /** Bumped by every start and stop: a start that finishes after a stop (or a newer start) gives up. */
  private generation = 0;
  private ticking = false;
  private execCursor = '';
  private execVersions = new Map<string, number>();
  private procCursor = '';
  private procStates = new Map<string, string>();
  private latestRequest = 0;

  constructor(private readonly services: Services) {}

  subscribe(fn: Listener): () => void {
    if (this.listeners.size === 0) {
      void this.start().catch((err) => this.services.logger.warn({ err }, 'dashboard feed could not start'));
    }
    this.listeners.add(fn);
    return () => {
      this.listeners.delete(fn);
      if (this.listeners.size === 0) this.stop();
    };
  }

  private async start(): Promise<void> {
    const generation = ++this.generation;
    const { store } = this.services;
    this.stopWatching?.();
    this.stopWatching = store.onChange(() => { this.dirty = true; });
    this.dirty = false;
    const execCursor = await store.overview.latestExecutionChange();
    const execVersions = new Map((await store.overview.executionsChangedSince(execCursor)).map((c) => [c.id, c.version]));
    const procCursor = await store.overview.latestProcessChange();
    const procStates = new Map((await store.overview.processesActiveSince(procCursor)).map((p) => [p.id, `${p.status}/${p.recordsDone}`]));
    const latestRequest = await store.journal.latestId();
    if (generation !== this.generation) return; // stopped (or restarted) meanwhile
    Object.assign(this, { execCursor, execVersions, procCursor, procStates, latestRequest });
    this.timer = setInterval(() => void this.tick(), FEED_INTERVAL_MS);
    this.timer.unref();
  }

  private stop(): void {
    this.generation++;
    if (this.timer) clearInterval(this.timer);
    this.timer = null;
    this.stopWatching?.();
    this.stopWatching = null;
  }

  private emit(event: Parameters<Listener>[0], data: unknown): void {
    for (const fn of [...this.listeners]) {
      try {
        fn(event, data);
      } catch {
        // one broken stream must not stop the others
      }
    }
  }

  private async tick(): Promise<void> {
    if (this.ticking) return; // the last look is still reading
    this.ticking = true;
    try {
      await journalFor(this.services).flush();
      const { store } = this.services;
      if (!this.dirty) return;
      this.dirty = false;

      const changed = await store.overview.executionsChangedSince(this.execCursor);
      for (const c of changed) {
        if (this.execVersions.get(c.id) === c.version) continue;
        const e = await store.executions.byId(c.id);
        if (e) this.emit('execution', await executionOverview(store, e));
      }
      if (changed.length) {
        // Rows modified at the cursor come again next time: remember their versions only.
        this.execCursor = changed[changed.length - 1].modifiedAt;
        this.execVersions = new Map(changed.filter((c) => c.modifiedAt === this.execCursor).map((c) => [c.id, c.version]));
      }

      // Running runs, and those created or finished since the latest time seen last time.
      const states = new Map<string, string>();
      for (const p of await store.overview.processesActiveSince(this.procCursor)) {
        const state = `${p.status}/${p.recordsDone}`;
        states.set(p.id, state);
        if (this.procStates.get(p.id) !== state) {
          const listing = await store.overview.processById(p.id);
          if (listing) this.emit('process', processOverview(listing));
        }
      }
      this.procStates = states;
      this.procCursor = await store.overview.latestProcessChange();

      const latest = await store.journal.latestId();
      if (latest !== this.latestRequest) {
        this.latestRequest = latest;
        this.emit('requests', { latestId: latest });
      }
    } catch (err) {
      this.dirty = true; // look again next time
      this.services.logger.warn({ err }, 'dashboard feed tick failed');
    } finally {
      this.ticking = false;
    }
  }
}

const feeds = new WeakMap<Services, LiveFeed>();
function feedFor(services: Services): LiveFeed {
  let f = feeds.get(services);
  if (!f) {
    f = new LiveFeed(services);
    feeds.set(services, f);
  }
  return f;
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
    const feed = feedFor(ctx.services);
    const body = new EventStreamBody(async (sink) => {
      sink.raw('retry: 1000\n\n');
      sink.event('ready', { timeout: seconds });
      if (seconds === 0 || sink.signal.aborted) return;
      const unsubscribe = feed.subscribe((event, data) => sink.event(event, data));
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
