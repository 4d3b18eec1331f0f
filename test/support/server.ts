/**
 * Starts the reference server for a test on a free loopback port, with an in-memory store,
 * response validation on and a known admin key; `close()` stops it (call it in afterAll).
 */
import { createApp, type FlowmockApp } from '../../src/app.js';
import type { FlowmockConfig } from '../../src/config.js';
import { createScratchDatabase } from './postgres.js';

export const ADMIN_KEY = 'test-admin-key-0123456789abcdef0123456789';

export interface TestServer {
  base: string;
  fm: FlowmockApp;
  adminKey: string;
  integratorKey: string;
  close(): Promise<void>;
  /** fetch against the server with an API key (or none). */
  call(path: string, init?: RequestInit & { key?: string | null }): Promise<Response>;
}

/**
 * With FLOWMOCK_TEST_STORE=postgres (set by the `*-postgres.test.ts` files, which run another
 * file's tests on PostgreSQL), the server's store is a scratch PostgreSQL database, dropped by
 * `close()`; its key file goes where FLOWMOCK_SECRETS_FILE says (those files set a temporary one).
 */
export async function startServer(config: Partial<FlowmockConfig> = {}): Promise<TestServer> {
  const scratch = process.env.FLOWMOCK_TEST_STORE === 'postgres' && config.store === undefined ? await createScratchDatabase() : null;
  let fm: FlowmockApp;
  try {
    fm = await createApp({
      db: ':memory:', port: 0, host: '127.0.0.1', speed: 0, validateResponses: true,
      printStartup: false, logLevel: 'silent', adminKey: ADMIN_KEY, ...(scratch ? { store: scratch.url } : {}), ...config,
    });
  } catch (err) {
    await scratch?.drop();
    throw err;
  }
  const base = await fm.listen();
  const integratorKey = fm.seed.newKeys.find((k) => k.username === 'integrator')?.key ?? '';
  return {
    base, fm, adminKey: ADMIN_KEY, integratorKey,
    close: async () => {
      await fm.close();
      await scratch?.drop();
    },
    call(path, init = {}) {
      const { key, ...rest } = init;
      const headers = new Headers(rest.headers);
      if (key !== null) headers.set('X-API-Key', key ?? integratorKey);
      return fetch(base + path, { ...rest, headers });
    },
  };
}

/** Reads a problem+json answer and checks its media type. */
export async function problemOf(res: Response): Promise<{ status: number; detail: string; errors?: Array<{ in: string; pointer: string; rule?: string; message: string }> }> {
  const type = res.headers.get('content-type') ?? '';
  if (!type.startsWith('application/problem+json')) throw new Error(`expected application/problem+json, got ${type} (${res.status}): ${await res.text()}`);
  return (await res.json()) as never;
}
