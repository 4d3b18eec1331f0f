/**
 * Request and response logging, as the endpoint's logging switches ask. Entries go to the store
 * (and to the logger, the product's "console"). A logging failure never fails the run.
 */
import { randomUUID } from 'node:crypto';
import type { ActionflowDef } from '../definitions/types.js';
import type { ActionflowLogRecord, Store, StoreCollections } from '../../store/types.js';
import type { ActionflowEnvelope, EngineLogger, PreparedInput } from './types.js';

/** Bodies longer than this are cut in the request log. */
export const LOG_BODY_LIMIT_BYTES = 64 * 1024;

export class ActionLog {
  constructor(
    private readonly store: Store,
    private readonly now: () => Date,
    private readonly logger?: EngineLogger,
  ) {}

  /** `store`: the transaction the entry is written in (default: its own write). */
  request(def: ActionflowDef, processId: string, prepared: PreparedInput, store: StoreCollections = this.store): Promise<void> {
    const { input } = prepared;
    return this.write(store, def, processId, 'request', {
      method: prepared.method,
      url: input.url,
      headers: input.headers, // already redacted by prepareInput
      ...capBody(input.body),
    });
  }

  response(def: ActionflowDef, processId: string, statusCode: number | null, envelope: ActionflowEnvelope, store: StoreCollections = this.store): Promise<void> {
    return this.write(store, def, processId, 'response', { statusCode, envelope });
  }

  private async write(store: StoreCollections, def: ActionflowDef, processId: string, kind: ActionflowLogRecord['kind'], content: Record<string, unknown>): Promise<void> {
    const entry: ActionflowLogRecord = {
      id: randomUUID(),
      processId,
      application: def.application,
      actionflow: def.name,
      kind,
      at: this.now().toISOString(),
      content,
    };
    try {
      await store.actionflowLogs.insert(entry);
      this.logger?.info({ processId, application: def.application, actionflow: def.name, kind, content }, `actionflow ${kind}`);
    } catch (err) {
      this.logger?.warn({ err, processId, kind }, 'could not write the actionflow log entry');
    }
  }
}

export function capBody(body: string): { body: string; note?: string } {
  const bytes = Buffer.byteLength(body, 'utf8');
  if (bytes <= LOG_BODY_LIMIT_BYTES) return { body };
  // Cutting bytes may split a character; drop the broken tail rather than log a U+FFFD.
  const cut = Buffer.from(body, 'utf8').subarray(0, LOG_BODY_LIMIT_BYTES).toString('utf8').replace(/\uFFFD$/, '');
  return { body: cut, note: `Body cut to the first ${LOG_BODY_LIMIT_BYTES} of ${bytes} bytes` };
}
