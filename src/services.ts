/**
 * Everything a handler may use, built once per server: the store, credentials, the loaded
 * definitions and the two engines. Handlers reach engines and the store only through this.
 */
import type { Logger } from 'pino';
import type { FlowmockConfig } from './config.js';
import type { Store } from './store/types.js';
import { openStore } from './store/sqlite-store.js';
import { Credentials } from './auth/credentials.js';
import { seedStore, type SeedResult } from './auth/seed.js';
import { loadDefinitions, type LoadedDefinitions } from './engine/definitions/load.js';
import type { LoadedFlow } from './engine/definitions/load.js';
import { FlowEngine } from './engine/flows/flow-engine.js';
import { ActionflowEngine, ActionflowCatalog } from './engine/actionflows/index.js';

export interface Services {
  config: FlowmockConfig;
  store: Store;
  credentials: Credentials;
  definitions: () => LoadedDefinitions;
  flowsById: () => Map<string, LoadedFlow>;
  flows: FlowEngine;
  actionflows: ActionflowEngine;
  catalog: ActionflowCatalog;
  logger: Logger;
  now: () => Date;
  startedAt: Date;
}

export interface BuiltServices {
  services: Services;
  seed: SeedResult;
  recovered: { executions: number; processes: number };
  close(): Promise<void>;
}

export async function buildServices(config: FlowmockConfig, logger: Logger, now: () => Date = () => new Date()): Promise<BuiltServices> {
  // Definitions first: a broken file stops start-up before anything is opened or changed.
  const definitions = await loadDefinitions(config.flowsDir);
  const flowsById = new Map(definitions.flows.map((f) => [f.def.id, f]));
  const store = openStore(config.db);
  try {
    const credentials = new Credentials(store, { phixflowApiKey: config.phixflowApiKey, jwtTtlSeconds: config.jwtTtlSeconds, now });
    const seed = seedStore(store, credentials, { adminKey: config.adminKey, now });
    const engineLogger = logger.child({ component: 'engine' });
    const flows = new FlowEngine({
      store, flows: () => flowsById, speed: config.speed, maxConcurrent: config.maxConcurrent, now, logger: engineLogger,
    });
    const actionflows = new ActionflowEngine({ store, now, logger: engineLogger });
    const recoveredExecutions = flows.recoverOnStartup().interrupted;
    const recoveredProcesses = actionflows.recoverOnStartup().interrupted;
    const services: Services = {
      config, store, credentials,
      definitions: () => definitions,
      flowsById: () => flowsById,
      flows, actionflows,
      catalog: new ActionflowCatalog(() => definitions.actionflows),
      logger, now, startedAt: now(),
    };
    return {
      services,
      seed,
      recovered: { executions: recoveredExecutions, processes: recoveredProcesses },
      async close() {
        await flows.shutdown();
        await actionflows.shutdown();
        store.close();
      },
    };
  } catch (err) {
    store.close();
    throw err;
  }
}
