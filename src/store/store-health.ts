/**
 * When the store cannot be written: another process holds the write lock (SQLITE_BUSY, with
 * busy_timeout 0 no request waits for it with the event loop blocked), the file became read-only,
 * the disk is full, or the database file was deleted or replaced under the running server.
 *
 * `StoreHealth` is what the server knows about it: the HTTP layer answers such failures with the
 * documented 503 (`ServiceUnavailable`, with Retry-After), `/__flowmock/health` reports it, and
 * the engines retry transient failures later instead of failing an execution.
 */
import fs from 'node:fs';
import path from 'node:path';

/** Thrown by the store while its file is gone or replaced: never written again, nothing started afresh. */
export class StoreUnavailableError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'StoreUnavailableError';
  }
}

const codeOf = (err: unknown): string => String((err as { code?: unknown } | null)?.code ?? '');

/** Another connection holds a lock: worth trying again shortly. */
export function isTransientStoreError(err: unknown): boolean {
  const code = codeOf(err);
  return code.startsWith('SQLITE_BUSY') || code.startsWith('SQLITE_LOCKED')
    // PostgreSQL: serialization failure, deadlock, lock not available.
    || code === '40001' || code === '40P01' || code === '55P03';
}

/** PostgreSQL unreachable, shutting down, out of connections or disk (SQLSTATE classes 08, 57P, 53). */
const isPgUnavailable = (err: unknown, code: string): boolean => code.startsWith('08') || code.startsWith('57P') || code.startsWith('53')
  || code === 'ECONNREFUSED' || code === 'ECONNRESET' || code === 'ETIMEDOUT'
  || (err instanceof Error && /timeout exceeded when trying to connect|Connection terminated/.test(err.message));

/** The store could not be read or written for a reason outside the request: a 503, not a 500. */
export function isStoreUnavailable(err: unknown): boolean {
  if (err instanceof StoreUnavailableError || isTransientStoreError(err)) return true;
  const code = codeOf(err);
  return ['SQLITE_READONLY', 'SQLITE_IOERR', 'SQLITE_CANTOPEN', 'SQLITE_FULL', 'SQLITE_PROTOCOL'].some((c) => code.startsWith(c))
    || (err instanceof TypeError && /database connection is not open/.test(err.message))
    || isPgUnavailable(err, code);
}

export interface StoreHealthState {
  ok: boolean;
  /** Why not, when not ok. */
  problem: string | null;
  /** The store's file was deleted or replaced: permanent until a restart on a present file. */
  lost: boolean;
  /** When the last write failed because of a lock (ISO time), for health. */
  lastBusyAt: string | null;
}

/** Identity of a file on disk: a deleted or replaced database has another (or none). */
function identity(file: string): string | null {
  try {
    const st = fs.statSync(file);
    return `${st.dev}:${st.ino}`;
  } catch {
    return null;
  }
}

/**
 * Watches the database file: at every check (periodic, and before each write transaction
 * cheaply through `assertPresent`) the file must still be the one opened. A deleted or
 * replaced file (or folder) is logged once and turns every later write into a
 * StoreUnavailableError: the server keeps answering reads from its open handle, answers
 * writes with 503, and never starts afresh with new keys.
 */
export class StoreHealth {
  private readonly original: string | null;
  private lostReason: string | null = null;
  private busySince: number | null = null;
  private lastBusyAt: string | null = null;
  private lastCheckMs = 0;

  constructor(private readonly file: string | null, private readonly onLost: (reason: string) => void = () => {}) {
    this.original = file ? identity(file) : null;
  }

  /** Checks the file now (at most every `minIntervalMs`); true while it is the one opened. */
  check(minIntervalMs = 0): boolean {
    if (this.lostReason || !this.file || this.original === null) return this.lostReason === null;
    const now = Date.now();
    if (now - this.lastCheckMs < minIntervalMs) return true;
    this.lastCheckMs = now;
    const current = identity(this.file);
    if (current === this.original) return true;
    this.lostReason = current === null
      ? `the database file ${this.file} (or its folder) was deleted while the server ran; nothing more is written, to keep what the server holds from being lost silently. Restore the file or restart the server.`
      : `the database file ${this.file} was replaced by another file while the server ran; nothing more is written to either. Restart the server.`;
    this.onLost(this.lostReason);
    return false;
  }

  /** Throws StoreUnavailableError once the file is known lost (checked at most every 250 ms). */
  assertPresent(): void {
    if (!this.check(250)) throw new StoreUnavailableError(`The store cannot be written: ${this.lostReason}`);
  }

  noteBusy(): void {
    this.busySince ??= Date.now();
    this.lastBusyAt = new Date().toISOString();
  }

  noteWritten(): void {
    this.busySince = null;
  }

  state(): StoreHealthState {
    if (this.lostReason) return { ok: false, problem: this.lostReason, lost: true, lastBusyAt: this.lastBusyAt };
    if (this.busySince !== null) {
      return { ok: false, problem: 'another process holds the database write lock; writes are retried', lost: false, lastBusyAt: this.lastBusyAt };
    }
    return { ok: true, problem: null, lost: false, lastBusyAt: this.lastBusyAt };
  }
}

export const storeFileOf = (file: string): string | null => (file === ':memory:' || file === '' ? null : path.resolve(file));
