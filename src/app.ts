/**
 * `createApp(config)`: builds the reference server (services + Express app) without listening.
 * `listen()` starts it on the configured host and port; `close()` stops the HTTP server, the
 * engines and the store, in that order.
 */
import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import type express from 'express';
import type { Logger } from 'pino';
import { resolveConfig, type FlowmockConfig } from './config.js';
import { buildServices, type Services } from './services.js';
import type { SeedResult } from './auth/seed.js';
import { buildExpressApp } from './http/app.js';
import { createLogger } from './http/logging.js';
import { bodyChecks, handlers } from './api/handlers.js';
import { createServerSpecHolder, reloadDefinitions, watchForChanges, type SpecHolder, type Watching } from './http/reload.js';

export interface FlowmockApp {
  app: express.Express;
  services: Services;
  config: FlowmockConfig;
  seed: SeedResult;
  recovered: { executions: number; processes: number };
  logger: Logger;
  /** The spec runtime in use (router, validators, Prefer answers); swapped by a spec reload. */
  spec: SpecHolder;
  /** Reload now, as a file change would (`watch`): false when the new version was refused and the old one kept. */
  reload: { definitions(): Promise<boolean>; spec(): boolean };
  /** The file watchers when `watch` is on (`idle()` resolves once pending reloads are done), else null. */
  watching: Watching | null;
  /** Listens on config.host:config.port (port 0: a free port); resolves with the base URL. */
  listen(): Promise<string>;
  close(): Promise<void>;
}

export async function createApp(config: Partial<FlowmockConfig> = {}, opts: { logger?: Logger; now?: () => Date } = {}): Promise<FlowmockApp> {
  const cfg = resolveConfig(config);
  const logger = opts.logger ?? createLogger(cfg.logLevel, undefined, cfg.logFormat);
  const built = await buildServices(cfg, logger, opts.now);
  let spec: SpecHolder;
  let app: express.Express;
  try {
    spec = createServerSpecHolder(cfg, built.services, logger, handlers, bodyChecks);
    app = buildExpressApp(cfg, built.services, logger, { spec });
  } catch (err) {
    await built.close();
    throw err;
  }
  const reloadLog = logger.child({ component: 'reload' });
  const watching = cfg.watch
    ? watchForChanges({ flowsDir: cfg.flowsDir, definitions: built.services.definitionsHolder, spec, logger })
    : null;
  let server: Server | null = null;
  let closing: Promise<void> | null = null;
  return {
    app,
    services: built.services,
    config: cfg,
    seed: built.seed,
    recovered: built.recovered,
    logger,
    spec,
    reload: {
      definitions: () => reloadDefinitions(cfg.flowsDir, built.services.definitionsHolder, reloadLog),
      spec: () => spec.reload(),
    },
    watching,
    listen() {
      return new Promise((resolve, reject) => {
        const s = app.listen(cfg.port, cfg.host);
        s.once('error', reject);
        s.once('listening', () => {
          server = s;
          // Long-polls can hold a connection up to the long-poll bound; keep-alive sockets close on stop.
          s.keepAliveTimeout = 5_000;
          const { port } = s.address() as AddressInfo;
          resolve(`http://${cfg.host.includes(':') ? `[${cfg.host}]` : cfg.host}:${port}`);
        });
      });
    },
    close() {
      closing ??= (async () => {
        watching?.close();
        if (server) {
          const s = server;
          await new Promise<void>((resolve) => {
            s.close(() => resolve());
            s.closeAllConnections();
          });
        }
        await built.close();
      })();
      return closing;
    },
  };
}
