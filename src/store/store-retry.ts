/**
 * Waiting for another process's write lock without blocking the event loop: SQLite's
 * busy_timeout sleeps inside the call, on the server's only thread (every request froze for up
 * to 5 s per write). With busy_timeout 0 a write fails at once with SQLITE_BUSY; callers wait
 * here with a timer (exponential backoff, capped) and try again, so every other request is served
 * meanwhile.
 */
import { isTransientStoreError } from './store-health.js';

/** How long a request keeps trying before its 503 (documented in the spec's ServiceUnavailable). */
export const STORE_RETRY_BUDGET_MS = 30_000;
const FIRST_DELAY_MS = 5;
const MAX_DELAY_MS = 250;

/** The pause before attempt `attempt + 1`: 5, 10, 20 … 250 ms. */
export const storeRetryDelayMs = (attempt: number): number => Math.min(MAX_DELAY_MS, FIRST_DELAY_MS * 2 ** Math.min(attempt, 10));

/**
 * Runs `fn` (synchronous store work) until it no longer fails on a lock, pausing between tries;
 * other errors, and a lock outlasting `budgetMs`, are thrown. `shouldStop` ends waiting early.
 */
export async function retryOnLock<T>(fn: () => T, opts: { budgetMs?: number; shouldStop?: () => boolean } = {}): Promise<T> {
  const start = Date.now();
  for (let attempt = 0; ; attempt++) {
    try {
      return fn();
    } catch (err) {
      if (!isTransientStoreError(err) || opts.shouldStop?.() || Date.now() - start >= (opts.budgetMs ?? Infinity)) throw err;
      await new Promise((r) => setTimeout(r, storeRetryDelayMs(attempt)));
    }
  }
}
