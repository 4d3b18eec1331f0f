/**
 * What one replica tells the others: "execution X changed", "credentials changed", "the
 * definitions were reloaded", "a process changed". PostgreSQL's LISTEN/NOTIFY carries it: a
 * notification sent inside a transaction is delivered when (and only if) it commits, to every
 * connection listening on the channel, the sender's own included, within milliseconds.
 *
 * One connection per replica listens (outside the pool: LISTEN lasts as long as the session).
 * When it is lost, it reconnects with a growing pause and then tells every subscriber
 * `resync`: anything may have changed meanwhile, so caches are dropped and waiters re-read.
 */
import type pg from 'pg';
import { openPgClient } from './pool.js';

export const CHANGE_CHANNEL = 'flowmock_changes';

export type ChangeKind = 'execution' | 'process' | 'credentials' | 'definitions' | 'journal';
export interface ChangeMessage {
  kind: ChangeKind;
  /** The execution's or process's id; absent for credentials and definitions. */
  id?: string;
  /** An execution's saved version. */
  version?: number;
  /** The replica that made the change. */
  from: string;
}


type Listener = (msg: ChangeMessage) => void;

export class ChangeBus {
  private client: pg.Client | null = null;
  private readonly listeners = new Set<Listener>();
  private readonly resyncListeners = new Set<() => void>();
  private closed = false;
  private retry: NodeJS.Timeout | null = null;
  private failures = 0;

  private constructor(private readonly url: string, readonly channel: string, private readonly onError: (err: Error) => void) {}

  /** Connects and listens on `channel`; rejects when the first connection fails (start-up then stops with the reason). */
  static async start(url: string, channel = CHANGE_CHANNEL, onError: (err: Error) => void = () => {}): Promise<ChangeBus> {
    const bus = new ChangeBus(url, channel, onError);
    await bus.connect();
    return bus;
  }

  private async connect(): Promise<void> {
    const client = openPgClient(this.url, 'flowmock-listen');
    client.on('notification', (n) => {
      if (n.channel !== this.channel || !n.payload) return;
      let msg: ChangeMessage;
      try {
        msg = JSON.parse(n.payload) as ChangeMessage;
      } catch {
        return; // not ours
      }
      for (const fn of [...this.listeners]) fn(msg);
    });
    client.on('error', (err) => this.lost(client, err));
    client.on('end', () => this.lost(client, new Error('the LISTEN connection ended')));
    await client.connect();
    await client.query(`LISTEN ${this.channel}`);
    this.client = client;
    this.failures = 0;
  }

  private lost(client: pg.Client, err: Error): void {
    if (this.client !== client || this.closed) return;
    this.client = null;
    client.removeAllListeners('end');
    client.end().catch(() => {});
    this.onError(err);
    this.scheduleReconnect();
  }

  private scheduleReconnect(): void {
    if (this.closed || this.retry) return;
    const delay = Math.min(5000, 100 * 2 ** this.failures++);
    this.retry = setTimeout(() => {
      this.retry = null;
      this.connect().then(
        () => { for (const fn of [...this.resyncListeners]) fn(); },
        (err: Error) => { this.onError(err); this.scheduleReconnect(); },
      );
    }, delay);
    this.retry.unref();
  }

  /** Every message, this replica's own included; returns the unsubscribe. */
  subscribe(fn: Listener): () => void {
    this.listeners.add(fn);
    return () => { this.listeners.delete(fn); };
  }

  /** Called after a lost connection came back: notifications may have been missed. */
  onResync(fn: () => void): () => void {
    this.resyncListeners.add(fn);
    return () => { this.resyncListeners.delete(fn); };
  }

  get connected(): boolean {
    return this.client !== null;
  }

  async close(): Promise<void> {
    this.closed = true;
    if (this.retry) clearTimeout(this.retry);
    const client = this.client;
    this.client = null;
    if (client) {
      client.removeAllListeners('end');
      await client.end().catch(() => {});
    }
  }
}
