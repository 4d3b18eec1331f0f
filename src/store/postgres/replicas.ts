/**
 * Several flowmock replicas on one PostgreSQL database: who is alive, who runs what, and what
 * happens to the work of one that died.
 *
 * - Each replica registers a row in `replicas` with a lease (default 15 s) and renews it every
 *   third of that. Its live work (Running executions it runs, Running actionflow runs) carries its
 *   id in `owner`. One lease per replica rather than one per row: renewing it is one statement,
 *   whatever the number of executions, and a replica's work lives and dies with it anyway.
 * - A replica that starts touches nothing of its peers: only work whose owner's lease has expired
 *   (or that has no owner: a database last served by a single server) is recovered.
 * - Recovery of expired work, by whichever replica sees it first (each checks at every renewal):
 *   Running executions become Interrupted, exactly as after a restart of a single server (their
 *   runner's in-memory state, a step half-way, died with it); Queued ones are untouched (the queue
 *   is shared: any replica starts them); UserInput and Waiting ones keep their state (a continue
 *   or callback through any replica resumes them); Running actionflow runs end Fail. The
 *   recovering replica does this under the same transaction lock as every other write, so two
 *   never recover the same row.
 * - The queue and the concurrency limit are global: a replica starts a Queued execution only in a
 *   transaction that counts the Running ones first and locks the queued rows it takes
 *   (`FOR UPDATE SKIP LOCKED`, rows another statement is changing are left for the next drain):
 *   `drainQueueOnce`. Saving an execution as Running makes it the saving replica's (pg-store.ts).
 * - The virtual clock (tests) moves only through one server's POST /__flowmock/clock; replicas
 *   with their own clocks would disagree on time, so a replica with a virtual clock refuses to
 *   start beside live peers, and a peer refuses to start beside a live virtual-clock replica.
 */
import os from 'node:os';
import type { ExecutionRecord, ProcessRecord, Store, StoreTransaction } from '../types.js';
import { PG_TRANSACTION_LOCK, type PgStore } from './pg-store.js';
import { EXECUTION_COLUMNS, executionFromRow, PROCESS_COLUMNS, processFromRow, type ExecutionRow, type ProcessRow } from './pg-rows.js';

export const DEFAULT_LEASE_MS = 15_000;

export class ReplicaConflictError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'ReplicaConflictError';
  }
}

export interface ReplicaOptions {
  clock: 'real' | 'virtual';
  /** How long a replica's work stays its own without a renewal (default 15 s). */
  leaseMs?: number;
  /** Told after each recovery of a dead peer's work (to end it the engine's way); must not throw. */
  onExpired?: (expired: { executions: ExecutionRecord[]; processes: ProcessRecord[]; replicas: string[] }) => Promise<void> | void;
  onError?: (err: unknown) => void;
}

export interface LiveReplica { id: string; host: string; pid: number; clock: string; startedAt: string; leaseExpiresAt: string }

export class ReplicaCoordinator {
  readonly leaseMs: number;
  private timer: NodeJS.Timeout | null = null;
  private stopped = false;
  /** Ends what `recoverExpired` took over (the engines set it once built). */
  onExpired: ReplicaOptions['onExpired'];

  private constructor(private readonly store: PgStore, private readonly opts: ReplicaOptions) {
    this.leaseMs = opts.leaseMs ?? DEFAULT_LEASE_MS;
    this.onExpired = opts.onExpired;
  }

  get id(): string {
    return this.store.replicaId;
  }

  /**
   * Registers this replica (refusing a virtual clock beside live peers, and any replica beside a
   * live virtual-clock one) and starts renewing its lease.
   */
  static async join(store: PgStore, opts: ReplicaOptions): Promise<ReplicaCoordinator> {
    const c = new ReplicaCoordinator(store, opts);
    const lease = `${c.leaseMs} milliseconds`;
    await withLock(store, async (q) => {
      const peers = (await q(`SELECT id, clock FROM replicas WHERE lease_expires_at > now() AND id <> $1`, [store.replicaId])).rows as Array<{ id: string; clock: string }>;
      if (opts.clock === 'virtual' && peers.length) {
        throw new ReplicaConflictError(`the virtual clock needs a server of its own, but ${peers.length} other flowmock replica${peers.length > 1 ? 's' : ''} `
          + `serve${peers.length > 1 ? '' : 's'} this database (${peers.map((p) => p.id).join(', ')}): stop them, or use --clock real with replicas.`);
      }
      const virtual = peers.find((p) => p.clock === 'virtual');
      if (virtual) {
        throw new ReplicaConflictError(`replica ${virtual.id} serves this database with the virtual clock, which needs a server of its own: `
          + 'stop it (or restart it with --clock real) before starting more replicas.');
      }
      await q(`INSERT INTO replicas (id, host, pid, clock, lease_expires_at) VALUES ($1, $2, $3, $4, now() + $5::interval)
        ON CONFLICT (id) DO UPDATE SET lease_expires_at = excluded.lease_expires_at, clock = excluded.clock`,
      [store.replicaId, os.hostname(), process.pid, opts.clock, lease]);
    });
    return c;
  }

  /**
   * Renews the lease every third of it and recovers expired peers' work meanwhile. The renewal
   * never waits for a recovery: recovering takes the store's transaction lock, which a busy peer
   * may hold, and a renewal queued behind it would let this replica's own lease run out.
   */
  startRenewing(): void {
    if (this.timer || this.stopped) return;
    let recovering = false;
    const every = Math.max(50, Math.floor(this.leaseMs / 3));
    const tick = () => {
      this.renew().catch((err) => this.opts.onError?.(err)).finally(() => {
        if (!this.stopped) this.timer = setTimeout(tick, every);
        this.timer?.unref();
      });
      if (recovering) return;
      recovering = true;
      this.recoverExpired().catch((err) => this.opts.onError?.(err)).finally(() => { recovering = false; });
    };
    this.timer = setTimeout(tick, every);
    this.timer.unref();
  }

  async renew(): Promise<void> {
    const lease = `${this.leaseMs} milliseconds`;
    const res = await this.store.pool.query(`UPDATE replicas SET lease_expires_at = now() + $2::interval WHERE id = $1`, [this.id, lease]);
    // Frozen past its lease (a stalled machine), this replica was taken for dead and its row
    // removed by a peer (which ended its Running work): it comes back as a live replica.
    if (!res.rowCount) {
      await this.store.pool.query(`INSERT INTO replicas (id, host, pid, clock, lease_expires_at) VALUES ($1, $2, $3, $4, now() + $5::interval)
        ON CONFLICT (id) DO UPDATE SET lease_expires_at = excluded.lease_expires_at`, [this.id, os.hostname(), process.pid, this.opts.clock, lease]);
    }
  }

  /** Replicas whose lease has not expired (this one included). */
  async live(): Promise<LiveReplica[]> {
    const rows = (await this.store.pool.query<{ id: string; host: string; pid: number; clock: string; started_at: Date; lease_expires_at: Date }>(
      'SELECT * FROM replicas WHERE lease_expires_at > now() ORDER BY started_at, id')).rows;
    return rows.map((r) => ({ id: r.id, host: r.host, pid: r.pid, clock: r.clock, startedAt: r.started_at.toISOString(), leaseExpiresAt: r.lease_expires_at.toISOString() }));
  }

  /**
   * Takes the Running executions and actionflow runs of replicas whose lease expired (and of no
   * replica) for this one, under the transaction lock, and hands them to `onExpired` to be ended
   * (Interrupted / Fail). Returns them.
   */
  async recoverExpired(): Promise<{ executions: ExecutionRecord[]; processes: ProcessRecord[]; replicas: string[] }> {
    const found = await withLock(this.store, async (q) => {
      const replicas = (await q(`DELETE FROM replicas WHERE lease_expires_at <= now() RETURNING id`, [])).rows.map((r) => (r as { id: string }).id);
      const orphaned = `(owner IS NULL OR owner NOT IN (SELECT id FROM replicas WHERE lease_expires_at > now()))`;
      const executions = (await q(`UPDATE executions SET owner = $1 WHERE status = 'Running' AND ${orphaned}
        RETURNING ${EXECUTION_COLUMNS}`, [this.id])).rows.map((r) => executionFromRow(r as ExecutionRow));
      const processes = (await q(`UPDATE processes SET owner = $1 WHERE status = 'Running' AND ${orphaned}
        RETURNING ${PROCESS_COLUMNS}`, [this.id])).rows.map((r) => processFromRow(r as ProcessRow));
      return { executions, processes, replicas };
    });
    if (found.executions.length || found.processes.length || found.replicas.length) await this.onExpired?.(found);
    return found;
  }

  /** Marks an execution or actionflow run as this replica's (it starts running it here). */
  async own(kind: 'execution' | 'process', id: string): Promise<void> {
    await this.store.pool.query(`UPDATE ${kind === 'execution' ? 'executions' : 'processes'} SET owner = $1 WHERE id = $2`, [this.id, id]);
  }

  /**
   * Leaves: stops renewing and expires the lease at once, so peers recover this replica's
   * Running work at their next renewal instead of waiting for the lease.
   */
  async leave(): Promise<void> {
    this.stopped = true;
    if (this.timer) clearTimeout(this.timer);
    this.timer = null;
    await this.store.pool.query(`UPDATE replicas SET lease_expires_at = now() WHERE id = $1`, [this.id]).catch(() => {});
  }
}

type Q = (text: string, values: unknown[]) => Promise<{ rows: unknown[] }>;

/** Runs fn on one client in a transaction that holds the store's transaction lock (the one every store transaction takes). */
async function withLock<T>(store: PgStore, fn: (q: Q) => Promise<T>): Promise<T> {
  const client = await store.pool.connect();
  try {
    await client.query('BEGIN');
    await client.query('SELECT pg_advisory_xact_lock($1)', [PG_TRANSACTION_LOCK]);
    const result = await fn((text, values) => client.query(text, values));
    await client.query('COMMIT');
    return result;
  } catch (err) {
    await client.query('ROLLBACK').catch(() => {});
    throw err;
  } finally {
    client.release();
  }
}

/**
 * Starts Queued executions while Running slots are free, lowest queueSeq first, the same way on
 * every backend and every replica: in one store transaction (serialized across replicas), count
 * the Running executions, take the first free-many Queued ones (on PostgreSQL locked for the
 * transaction, skipping rows another statement is changing: the next drain gets them), and let
 * `start` make each Running and save it through `tx` (which makes it this replica's). Returns
 * the executions started.
 */
export async function drainQueueOnce(
  store: Store, maxConcurrent: number, start: (tx: StoreTransaction, rec: ExecutionRecord) => Promise<void>,
): Promise<ExecutionRecord[]> {
  return store.transaction(async (tx) => {
    const free = maxConcurrent - (await tx.executions.countByStatus('Running'));
    if (free <= 0) return [];
    const batch = await tx.executions.listQueued(free);
    for (const rec of batch) await start(tx, rec);
    return batch;
  });
}
