/**
 * Completion webhooks (flowmock extension). A flow or actionflow definition with
 * `webhook: { url, secret? }` gets its final state POSTed as JSON once an execution or run ends:
 *
 * - body: the execution as `GetFlowExecution` answers it, or the PhixFlow envelope as the status
 *   URL answers it;
 * - `X-Flowmock-Event`: `flow-execution.finished` or `actionflow-run.finished`;
 * - `X-Flowmock-Delivery`: a UUID, the same for every attempt of one delivery;
 * - `X-Flowmock-Attempt`: 1, 2, …;
 * - `X-Flowmock-Signature`: `sha256=<hex>`, HMAC-SHA256 over the raw body bytes, keyed with the
 *   definition's `secret` (its UTF-8 bytes) or else the server's webhook secret.
 *
 * A non-2xx answer (redirects are not followed) or a connection error is retried after 0.5, 1,
 * 2, 4 and 8 s of the engine clock (six attempts in all; with `--clock virtual` the retries wait
 * for the clock to be advanced). Each attempt gives up after 10 s (real time). Failures are
 * logged and never reach the execution. URLs are loopback-only (checked when the definitions
 * load); `close()` drops pending retries and aborts requests in flight.
 */
import { createHmac, randomUUID } from 'node:crypto';
import type { Clock, ClockTimer } from './clock.js';
import type { WebhookDef } from './definitions/types.js';

export const WEBHOOK_RETRY_DELAYS_MS = [500, 1000, 2000, 4000, 8000] as const;
const ATTEMPT_TIMEOUT_MS = 10_000;

export type WebhookEvent = 'flow-execution.finished' | 'actionflow-run.finished';

export interface WebhookLogger {
  info(obj: object, msg?: string): void;
  warn(obj: object, msg?: string): void;
  error(obj: object, msg?: string): void;
}

export interface WebhookSenderOptions {
  clock: Clock;
  /** The server's secret, for definitions without their own. */
  secret: () => string;
  logger: WebhookLogger;
  retryDelaysMs?: readonly number[];
  fetch?: typeof fetch;
}

/** `sha256=<hex>` of the body under the key: what `X-Flowmock-Signature` carries. */
export function webhookSignature(secret: string, body: string | Buffer): string {
  return `sha256=${createHmac('sha256', secret).update(body).digest('hex')}`;
}

interface Delivery {
  id: string;
  url: string;
  event: WebhookEvent;
  body: string;
  signature: string;
  attempt: number;
}

export class WebhookSender {
  private readonly clock: Clock;
  private readonly secret: () => string;
  private readonly log: WebhookLogger;
  private readonly delays: readonly number[];
  private readonly fetch: typeof fetch;
  private readonly retries = new Set<ClockTimer>();
  private readonly inFlight = new Set<Promise<void>>();
  private readonly abort = new AbortController();
  private closed = false;

  constructor(opts: WebhookSenderOptions) {
    this.clock = opts.clock;
    this.secret = opts.secret;
    this.log = opts.logger;
    this.delays = opts.retryDelaysMs ?? WEBHOOK_RETRY_DELAYS_MS;
    this.fetch = opts.fetch ?? fetch;
  }

  /** Starts a delivery in the background; never throws. Returns the delivery id (null when closed). */
  send(target: WebhookDef, event: WebhookEvent, payload: unknown): string | null {
    if (this.closed) return null;
    try {
      const body = JSON.stringify(payload);
      const delivery: Delivery = {
        id: randomUUID(),
        url: target.url,
        event,
        body,
        signature: webhookSignature(target.secret ?? this.secret(), body),
        attempt: 0,
      };
      this.attempt(delivery);
      return delivery.id;
    } catch (err) {
      this.log.error({ err, url: target.url, event }, 'webhook: could not prepare the delivery');
      return null;
    }
  }

  /** Settles when no attempt is in flight (pending retries are not waited for). */
  async idle(): Promise<void> {
    while (this.inFlight.size > 0) await Promise.all([...this.inFlight]);
  }

  /** Drops pending retries and aborts attempts in flight. */
  close(): void {
    this.closed = true;
    for (const t of this.retries) this.clock.clearTimeout(t);
    this.retries.clear();
    this.abort.abort();
  }

  private attempt(d: Delivery): void {
    if (this.closed) return;
    d.attempt++;
    const p = this.post(d).finally(() => this.inFlight.delete(p));
    this.inFlight.add(p);
  }

  private async post(d: Delivery): Promise<void> {
    let failure: string;
    try {
      const res = await this.fetch(d.url, {
        method: 'POST',
        redirect: 'manual',
        signal: AbortSignal.any([this.abort.signal, AbortSignal.timeout(ATTEMPT_TIMEOUT_MS)]),
        headers: {
          'Content-Type': 'application/json',
          'User-Agent': 'flowmock-webhook/0.1',
          'X-Flowmock-Event': d.event,
          'X-Flowmock-Delivery': d.id,
          'X-Flowmock-Attempt': String(d.attempt),
          'X-Flowmock-Signature': d.signature,
        },
        body: d.body,
      });
      await res.arrayBuffer().catch(() => undefined); // free the connection
      if (res.status >= 200 && res.status < 300) {
        this.log.info({ delivery: d.id, url: d.url, event: d.event, attempt: d.attempt, status: res.status }, 'webhook delivered');
        return;
      }
      failure = `HTTP ${res.status}`;
    } catch (err) {
      if (this.closed) return;
      failure = err instanceof Error ? `${err.name}: ${err.message}` : String(err);
    }
    const delay = this.delays[d.attempt - 1];
    if (delay === undefined || this.closed) {
      this.log.error({ delivery: d.id, url: d.url, event: d.event, attempts: d.attempt, failure }, 'webhook delivery failed; giving up');
      return;
    }
    this.log.warn({ delivery: d.id, url: d.url, event: d.event, attempt: d.attempt, failure, retryInMs: delay }, 'webhook delivery failed; will retry');
    const timer = this.clock.setTimeout(() => {
      this.retries.delete(timer);
      this.attempt(d);
    }, delay);
    this.retries.add(timer);
  }
}
