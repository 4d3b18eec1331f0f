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

export interface FlowmockApp {
  app: express.Express;
  services: Services;
  config: FlowmockConfig;
  seed: SeedResult;
  recovered: { executions: number; processes: number };
  logger: Logger;
  /** Listens on config.host:config.port (port 0: a free port); resolves with the base URL. */
  listen(): Promise<string>;
  close(): Promise<void>;
}

export async function createApp(config: Partial<FlowmockConfig> = {}, opts: { logger?: Logger; now?: () => Date } = {}): Promise<FlowmockApp> {
  const cfg = resolveConfig(config);
  const logger = opts.logger ?? createLogger(cfg.logLevel);
  const built = await buildServices(cfg, logger, opts.now);
  const app = buildExpressApp(cfg, built.services, logger);
  let server: Server | null = null;
  let closing: Promise<void> | null = null;
  return {
    app,
    services: built.services,
    config: cfg,
    seed: built.seed,
    recovered: built.recovered,
    logger,
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
