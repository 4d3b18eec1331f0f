/**
 * The one server starter of the HTTP tests: the reference server in the test process on a free
 * loopback port, with an in-memory store, response validation on and a known admin key; `close()`
 * stops it (call it in afterAll). With `{ clock: 'virtual' }` the engines' time (step durations,
 * timeouts, record delays, retries) moves only with `advance()`, so a timed test is exact and
 * takes no real time.
 */
import { createApp, type FlowmockApp } from '../../src/app.js';
import type { FlowmockConfig } from '../../src/config.js';
import { createScratchDatabase } from './postgres.js';
import { VirtualClock } from '../../src/engine/clock.js';
import { waitFor } from './wait.js';

export const ADMIN_KEY = 'test-admin-key-0123456789abcdef0123456789';

export interface TestServer {
  base: string;
  fm: FlowmockApp;
  adminKey: string;
  integratorKey: string;
  close(): Promise<void>;
  /** fetch against the server with an API key (or none). */
  call(path: string, init?: RequestInit & { key?: string | null }): Promise<Response>;
  /** The virtual engine clock (fails on a server started with the real clock). */
  clock(): VirtualClock;
  /**
   * Moves the virtual clock on by `ms`, firing every engine timer due on the way; resolves once
   * the engines are idle again (every state due saved). The same as POST /__flowmock/clock.
   */
  advance(ms: number): Promise<{ now: Date; fired: number }>;
  /**
   * Waits until at least `count` engine timers wait on the virtual clock: the work a test just
   * started (a request in flight) has reached its timed wait, so an advance now moves it on.
   */
  timersPending(count?: number): Promise<void>;
  /** Waits until at least `count` progress long-polls wait for a change (the poll a test sent is in place). */
  pollsWaiting(count?: number): Promise<void>;
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
  const server: TestServer = {
    base, fm, adminKey: ADMIN_KEY, integratorKey,
    close: async () => {
      await fm.close();
      await scratch?.drop();
    },
    clock() {
      const c = fm.services.clock;
      if (!(c instanceof VirtualClock)) throw new Error('this test server runs the real clock: start it with { clock: \'virtual\' }');
      return c;
    },
    advance(ms) {
      return server.clock().advance(ms);
    },
    async timersPending(count = 1) {
      const c = server.clock();
      await waitFor(`${count} engine timer(s) on the virtual clock`, () => c.pending() >= count, { intervalMs: 5 });
    },
    async pollsWaiting(count = 1) {
      await waitFor(`${count} long-poll(s) waiting`, () => fm.services.flows.pendingWaiters() >= count, { intervalMs: 5 });
    },
    call(path, init = {}) {
      const { key, ...rest } = init;
      const headers = new Headers(rest.headers);
      if (key !== null) headers.set('X-API-Key', key ?? integratorKey);
      return fetch(base + path, { ...rest, headers });
    },
  };
  return server;
}
