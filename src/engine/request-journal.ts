/**
 * The request journal's queue (GET /__flowmock/requests): entries the HTTP recorder
 * (src/http/journal.ts) hands over are written every 100 ms (or at 128 waiting), one prepared
 * INSERT each in one transaction, the oldest beyond the limit deleted once per batch: a commit per
 * request would cost more than the request. Whatever reads the journal flushes the queue first,
 * so it sees every finished request. One per server, built and closed by src/services.ts.
 */
import type { Logger } from 'pino';
import type { Store } from '../store/types.js';
import { isTransientStoreError } from '../store/store-health.js';
import type { NewJournalEntry } from '../store/types.js';

export const JOURNAL_DEFAULTS = { maxEntries: 10_000, bodyCapBytes: 16 * 1024 };
const FLUSH_AFTER_MS = 100;
const FLUSH_AT_ENTRIES = 128; // a flush blocks the event loop about 20 µs per entry
const JOURNAL_BACKLOG_LIMIT = 10_000; // entries kept in memory while the database is locked

export interface RequestJournalOptions {
  store: Store;
  logger: Logger;
  /** Entries kept (default 10,000; 0 turns the journal off). */
  maxEntries?: number;
  /** Bytes kept of each body (default 16 KiB). */
  bodyCapBytes?: number;
}

/** One journal per running server, shared by the recorder and the journal's handlers. */
export class RequestJournal {
  private pending: NewJournalEntry[] = [];
  private timer: NodeJS.Timeout | null = null;
  readonly maxEntries: number;
  readonly bodyCapBytes: number;

  constructor(private readonly opts: RequestJournalOptions) {
    this.maxEntries = Math.max(0, Math.floor(opts.maxEntries ?? JOURNAL_DEFAULTS.maxEntries)); // 0: off
    this.bodyCapBytes = Math.max(0, Math.floor(opts.bodyCapBytes ?? JOURNAL_DEFAULTS.bodyCapBytes));
  }

  record(entry: NewJournalEntry): void {
    this.pending.push(entry);
    if (this.pending.length >= FLUSH_AT_ENTRIES) {
      setImmediate(() => void this.flush());
    } else if (!this.timer) {
      this.timer = setTimeout(() => void this.flush(), FLUSH_AFTER_MS);
      this.timer.unref();
    }
  }

  /** The flushes in order: a reader's flush also waits for the one already writing. */
  private flushing: Promise<void> = Promise.resolve();

  /** Writes what is queued (readers call it first, so they see every finished request). */
  flush(): Promise<void> {
    const done = this.flushing.then(() => this.flushNow());
    this.flushing = done.catch(() => undefined);
    return done;
  }

  private async flushNow(): Promise<void> {
    if (this.timer) clearTimeout(this.timer);
    this.timer = null;
    if (!this.pending.length) return;
    const entries = this.pending;
    this.pending = [];
    try {
      await this.opts.store.journal.insertMany(entries, this.maxEntries);
    } catch (err) {
      if (isTransientStoreError(err) && entries.length + this.pending.length <= JOURNAL_BACKLOG_LIMIT) {
        // Another process holds the database lock: kept, written with the next batch.
        this.pending = entries.concat(this.pending);
        if (!this.timer) {
          this.timer = setTimeout(() => void this.flush(), FLUSH_AFTER_MS * 5);
          this.timer.unref();
        }
        return;
      }
      // The store is closing, or full: the journal is a diagnostic, never a reason to fail.
      this.opts.logger.warn({ err, dropped: entries.length }, 'request journal entries dropped');
    }
  }

  warn(err: unknown): void {
    this.opts.logger.warn({ err }, 'request not journaled');
  }

  /** Forgets queued entries too (DELETE /__flowmock/requests). */
  async clear(): Promise<void> {
    this.pending = [];
    await this.opts.store.journal.clear();
  }

  /** Writes what is queued and stops the timer (the composition root calls it before closing the store). */
  async close(): Promise<void> {
    await this.flush();
    if (this.timer) clearTimeout(this.timer);
    this.timer = null;
  }
}
