/**
 * The engine clock and completion webhooks (flowmock extensions for integrators), built once per
 * server next to the engines: `services.ts` hands `clock` and the two `…Finished` callbacks to
 * the engines, then `watch`es their activity so a virtual clock knows when they are idle.
 */
import { randomBytes } from 'node:crypto';
import type { Logger } from 'pino';
import type { FlowmockConfig } from './config.js';
import type { ExecutionRecord, ProcessRecord, Store } from './store/types.js';
import { createClock, VirtualClock, type Clock, type IdleProbe } from './engine/clock.js';
import { WebhookSender } from './engine/webhooks.js';
import type { LoadedActionflow, LoadedFlow } from './engine/definitions/load.js';
import type { ActionflowEnvelope } from './engine/actionflows/types.js';
import { presentExecution } from './api/executions/presenters.js';

/** The store's meta key of the generated webhook secret (when FLOWMOCK_WEBHOOK_SECRET is not set). */
export const WEBHOOK_SECRET_META_KEY = 'webhook-secret';

export interface IntegratorKit {
  clock: Clock;
  webhooks: WebhookSender;
  flowFinished(rec: ExecutionRecord): void;
  actionflowFinished(af: LoadedActionflow, process: ProcessRecord, envelope: ActionflowEnvelope): void;
  /** The engines' activity, which a virtual clock waits on between timers. */
  watch(...probes: IdleProbe[]): void;
  close(): void;
}

export function createIntegratorKit(opts: {
  config: FlowmockConfig;
  store: Store;
  logger: Logger;
  now: () => Date;
  /** The flow definition by id, as loaded now. */
  flow: (id: string) => LoadedFlow | undefined;
}): IntegratorKit {
  const { config, store } = opts;
  const clockLog = opts.logger.child({ component: 'clock' });
  const clock = createClock(config.clock, opts.now, clockLog);
  let serverSecret: string | undefined = config.webhookSecret;
  const webhooks = new WebhookSender({
    clock,
    logger: opts.logger.child({ component: 'webhooks' }),
    secret: () => {
      serverSecret ??= store.secrets.ensure(WEBHOOK_SECRET_META_KEY, () => randomBytes(32).toString('hex'));
      return serverSecret;
    },
  });
  return {
    clock,
    webhooks,
    flowFinished(rec) {
      const hook = opts.flow(rec.flowId)?.def.webhook;
      if (!hook) return;
      // The payload reads the store (documents, users): sent once it is built, never thrown at the engine.
      void presentExecution(store, rec).then(
        (payload) => webhooks.send(hook, 'flow-execution.finished', payload),
        (err) => opts.logger.warn({ err, executionId: rec.id }, 'webhook: could not build the payload'),
      );
    },
    actionflowFinished(af, _process, envelope) {
      if (af.def.webhook) webhooks.send(af.def.webhook, 'actionflow-run.finished', envelope);
    },
    watch(...probes) {
      if (clock instanceof VirtualClock) for (const p of probes) clock.addProbe(p);
    },
    close() {
      webhooks.close();
      if (clock instanceof VirtualClock) clock.close();
    },
  };
}
