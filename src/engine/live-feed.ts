/**
 * The dashboard's live feed (GET /__flowmock/events): one poller per server that looks at the
 * store every 250 ms while someone listens (and only reads when the store reported a change since: Store.onChange), so
 * the engines need no hooks for it. Its cursors are timestamps taken from the store, in the
 * engines' own time (real or virtual). Built and closed by src/services.ts.
 */
import type { Logger } from 'pino';
import type { ExecutionRecord, Store } from '../store/types.js';
import type { ProcessListing } from '../store/types.js';
import type { RequestJournal } from './request-journal.js';

export const FEED_INTERVAL_MS = 250;

/** A changed execution, a changed actionflow run, or the newest journal entry id. */
export type FeedEvent =
  | { kind: 'execution'; execution: ExecutionRecord }
  | { kind: 'process'; process: ProcessListing }
  | { kind: 'requests'; latestId: number };
type Listener = (event: FeedEvent) => void;

/** Watches the store for changed executions, processes and new journal entries. */
export class LiveFeed {
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

  constructor(private readonly deps: { store: Store; journal: RequestJournal; logger: Logger }) {}

  subscribe(fn: Listener): () => void {
    if (this.listeners.size === 0) {
      void this.start().catch((err) => this.deps.logger.warn({ err }, 'dashboard feed could not start'));
    }
    this.listeners.add(fn);
    return () => {
      this.listeners.delete(fn);
      if (this.listeners.size === 0) this.stop();
    };
  }

  private async start(): Promise<void> {
    const generation = ++this.generation;
    const { store } = this.deps;
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

  private emit(event: FeedEvent): void {
    for (const fn of [...this.listeners]) {
      try {
        fn(event);
      } catch {
        // one broken stream must not stop the others
      }
    }
  }

  private async tick(): Promise<void> {
    if (this.ticking) return; // the last look is still reading
    this.ticking = true;
    try {
      await this.deps.journal.flush();
      const { store } = this.deps;
      if (!this.dirty) return;
      this.dirty = false;

      const changed = await store.overview.executionsChangedSince(this.execCursor);
      for (const c of changed) {
        if (this.execVersions.get(c.id) === c.version) continue;
        const e = await store.executions.byId(c.id);
        if (e) this.emit({ kind: 'execution', execution: e });
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
          if (listing) this.emit({ kind: 'process', process: listing });
        }
      }
      this.procStates = states;
      this.procCursor = await store.overview.latestProcessChange();

      const latest = await store.journal.latestId();
      if (latest !== this.latestRequest) {
        this.latestRequest = latest;
        this.emit({ kind: 'requests', latestId: latest });
      }
    } catch (err) {
      this.dirty = true; // look again next time
      this.deps.logger.warn({ err }, 'dashboard feed tick failed');
    } finally {
      this.ticking = false;
    }
  }

  /** Stops polling and forgets the listeners (the composition root calls it at shutdown). */
  close(): void {
    this.listeners.clear();
    this.stop();
  }
}
