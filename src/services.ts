/**
 * The composition root of a server: builds, once, every long-lived service a handler may use (the
 * `Services` of src/handler-contract/services.ts: store, credentials, definitions, engines,
 * journal, live feed) and closes them all, in order, in `close()`. Nothing else keeps state
 * beyond a request: no module holds a singleton.
 */
import { PasswordResets } from './auth/password-reset.js';
import type { Logger } from 'pino';
import type { FlowmockConfig } from './config.js';
import type { Store } from './store/types.js';
import { openTargetStore, storeTarget } from './store/open-store.js';
import { readSpecFiles, reloadDefinitions, specFilePath } from './http/reload.js';
import { parseResourceBindings, parseResourceCollections } from './engine/resources/collections.js';
import { ResourceEngine } from './engine/resources/resource-engine.js';
import { Credentials } from './auth/credentials.js';
import { seedStore, type SeedResult } from './auth/seed.js';
import { loadDefinitions } from './engine/definitions/load.js';
import { FlowEngine } from './engine/flows/flow-engine.js';
import { EngineCaches } from './engine/flows/caches.js';
import { ActionflowEngine, ActionflowCatalog } from './engine/actionflows/index.js';
import { DefinitionsHolder } from './engine/definitions/holder.js';
import { FlowCatalog } from './engine/definitions/api-flows.js';
import { createRandom } from './random.js';
import { createIntegratorKit } from './integrator-services.js';
import { RequestJournal } from './engine/request-journal.js';
import { LiveFeed } from './engine/live-feed.js';
import type { Services } from './handler-contract/services.js';

export type { Services };

export interface BuiltServices {
  services: Services;
  seed: SeedResult;
  recovered: { executions: number; processes: number };
  close(): Promise<void>;
}

export async function buildServices(config: FlowmockConfig, logger: Logger, now: () => Date = () => new Date()): Promise<BuiltServices> {
  // Definitions first: a broken file stops start-up before anything is opened or changed.
  // Held, not captured: everything below reads them through the holder, so a reload is seen.
  const definitionsHolder = new DefinitionsHolder(await loadDefinitions(config.flowsDir));
  const random = createRandom(config.seed);
  const storeLog = logger.child({ component: 'store' });
  // A SQLite file, or PostgreSQL as one of possibly several replicas (src/store/open-store.ts).
  const opened = await openTargetStore(storeTarget(config), {
    clock: config.clock,
    leaseMs: config.replicaLeaseSeconds !== undefined ? config.replicaLeaseSeconds * 1000 : undefined,
    onLost: (reason) => storeLog.error(`database lost: ${reason}`),
    onError: (err) => storeLog.warn({ err }, 'PostgreSQL: replica lease or change notifications failed; retrying'),
  });
  const { store, replica } = opened;
  try {
    const credentials = new Credentials(store, { phixflowApiKey: config.phixflowApiKey, jwtTtlSeconds: config.jwtTtlSeconds, now, phixflowVersion: config.phixflowVersion });
    const seed = await seedStore(store, credentials, { adminKey: config.adminKey, now });
    const engineLogger = logger.child({ component: 'engine' });
    // With --seed, ids of new executions and actionflow runs repeat too, but only on a new
    // database (an existing one may already hold the ids the seed gives); otherwise crypto UUIDs.
    const idStream = (label: string): (() => string) | undefined => {
      if (random.seed === null || !seed.freshDatabase) return undefined;
      const ids = random.fork(label);
      return () => ids.uuid();
    };
    const flowCatalog = new FlowCatalog(store, definitionsHolder, logger.child({ component: 'flows' }));
    await flowCatalog.load();
    const kit = createIntegratorKit({ config, store, logger, now, flow: (id) => flowCatalog.flowsById().get(id) });
    // The flow engine's memo caches (programs, scenario views, form validators, compiled text):
    // this server's own, dropped when it closes.
    const engineCaches = new EngineCaches();
    const flows = new FlowEngine({
      store, flows: () => flowCatalog.flowsById(), newId: idStream('execution-ids'), speed: config.speed, maxConcurrent: config.maxConcurrent, now, logger: engineLogger,
      clock: kit.clock, onFinished: kit.flowFinished, caches: engineCaches,
    });
    const actionflows = new ActionflowEngine({ store, now, logger: engineLogger, newId: idStream('process-ids'), clock: kit.clock, onFinished: kit.actionflowFinished });
    kit.watch(flows.activity, actionflows.activity);
    const journal = new RequestJournal({ store, logger, maxEntries: config.journalMaxEntries, bodyCapBytes: config.journalBodyCapBytes });
    const liveFeed = new LiveFeed({ store, journal, logger });
    let recoveredExecutions: number;
    let recoveredProcesses: number;
    if (replica) {
      // Replicas: only the work of replicas whose lease expired is recovered, now and at every
      // renewal; the peers' own work and the shared queue are left alone.
      replica.onExpired = async ({ executions, processes }) => {
        await flows.recoverOnStartup(executions);
        await actionflows.recoverOnStartup(processes);
      };
      const found = await replica.recoverExpired();
      recoveredExecutions = found.executions.length;
      recoveredProcesses = found.processes.length;
      replica.startRenewing();
      // Flows: a peer's API-flow change re-reads the API flows here; a peer's reload of its
      // flow files reloads ours (from our own folder); our reloads are announced to the peers.
      const pg = opened.pg!;
      let reloadingForPeer = false;
      definitionsHolder.onReplace(() => {
        if (!reloadingForPeer) pg.announce('definitions').catch((err) => storeLog.warn({ err }, 'could not tell the other replicas about the reload'));
      });
      pg.onPeerMessage((msg) => {
        if (msg.kind !== 'definitions') return;
        if (msg.id) {
          flowCatalog.load().catch((err) => storeLog.warn({ err }, 'could not re-read the flows created over the API'));
          return;
        }
        void (async () => {
          reloadingForPeer = true;
          try {
            await reloadDefinitions(config.flowsDir, definitionsHolder, logger.child({ component: 'reload' }));
          } finally {
            reloadingForPeer = false;
          }
        })();
      });
    } else {
      recoveredExecutions = (await flows.recoverOnStartup()).interrupted;
      recoveredProcesses = (await actionflows.recoverOnStartup()).interrupted;
    }
    // The regular collections as the spec declares them (x-flowmock-resources), seeded once per collection.
    const specDoc = readSpecFiles(specFilePath(config)).doc;
    const resourceCollections = parseResourceCollections(specDoc);
    const resources = new ResourceEngine({ store, collections: resourceCollections, flows: () => flowCatalog.flowsById(), now, newId: idStream('resource-ids') });
    await resources.seed('system');
    const services: Services = {
      config, store, credentials,
      definitions: () => definitionsHolder.current(),
      flowsById: () => flowCatalog.flowsById(),
      flowCatalog, definitionsHolder, random,
      flows, actionflows,
      catalog: new ActionflowCatalog(() => definitionsHolder.current().actionflows),
      logger, now, startedAt: now(),
      clock: kit.clock, webhooks: kit.webhooks,
      passwordResets: new PasswordResets(store, now),
      journal, liveFeed,
      resources, resourceBindings: parseResourceBindings(specDoc, resourceCollections),
    };
    return {
      services,
      seed,
      recovered: { executions: recoveredExecutions, processes: recoveredProcesses },
      async close() {
        liveFeed.close();
        kit.close();
        await flows.shutdown();
        engineCaches.clear();
        await actionflows.shutdown();
        await journal.close();
        // Gives the lease up at once: a peer recovers what was still Running here without waiting for it.
        await replica?.leave();
        await store.close();
      },
    };
  } catch (err) {
    await replica?.leave();
    await store.close();
    throw err;
  }
}
