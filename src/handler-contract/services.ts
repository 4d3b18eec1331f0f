/**
 * What a handler may use, built once per server by the composition root (src/services.ts): the
 * store, credentials, the loaded definitions, the engines and the long-lived services around them.
 * Handlers reach engines and the store only through this. Types only: this module builds nothing.
 */
import type { Logger } from 'pino';
import type { FlowmockConfig } from '../config.js';
import type { Store } from '../store/types.js';
import type { Credentials } from '../auth/credentials.js';
import type { PasswordResets } from '../auth/password-reset.js';
import type { LoadedDefinitions, LoadedFlow } from '../engine/definitions/load.js';
import type { FlowEngine } from '../engine/flows/flow-engine.js';
import type { ActionflowEngine, ActionflowCatalog } from '../engine/actionflows/index.js';
import type { DefinitionsHolder } from '../engine/definitions/holder.js';
import type { FlowCatalog } from '../engine/definitions/api-flows.js';
import type { RandomSource } from '../random.js';
import type { Clock } from '../engine/clock.js';
import type { WebhookSender } from '../engine/webhooks.js';
import type { RequestJournal } from '../engine/request-journal.js';
import type { LiveFeed } from '../engine/live-feed.js';
import type { ResourceEngine } from '../engine/resources/resource-engine.js';
import type { ResourceBinding } from '../engine/resources/collections.js';

export interface Services {
  config: FlowmockConfig;
  store: Store;
  credentials: Credentials;
  definitions: () => LoadedDefinitions;
  /** File flows and API-created flows by id (what the engine runs). */
  flowsById: () => Map<string, LoadedFlow>;
  /** The file flows and the flows created over the API (src/engine/definitions/api-flows.ts). */
  flowCatalog: FlowCatalog;
  /** The definitions as a replaceable value: reload on change (src/http/reload.ts) calls `replace`. */
  definitionsHolder: DefinitionsHolder;
  /** The server's random source, seeded by `--seed` (src/random.ts); `fork(label)` a stream per feature. */
  random: RandomSource;
  flows: FlowEngine;
  actionflows: ActionflowEngine;
  catalog: ActionflowCatalog;
  logger: Logger;
  now: () => Date;
  startedAt: Date;
  /** The engines' clock (`--clock`): real, or virtual (moved by POST /__flowmock/clock). */
  clock: Clock;
  /** Completion webhooks of the definitions that name one. */
  webhooks: WebhookSender;
  /** Password resets and the sandbox outbox their mails go to (src/auth/password-reset.ts). */
  passwordResets: PasswordResets;
  /** The request journal's write queue (the HTTP recorder feeds it; its handlers read and clear it). */
  journal: RequestJournal;
  /** The dashboard's live feed of changed executions, runs and journal entries. */
  liveFeed: LiveFeed;
  /** The regular collections (assets, templates, ...) as the spec declares them (src/engine/resources). */
  resources: ResourceEngine;
  /** The operations the spec binds to the resource engine (`x-flowmock-resource`), by operationId. */
  resourceBindings: ReadonlyMap<string, ResourceBinding>;
}
