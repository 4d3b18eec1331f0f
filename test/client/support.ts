/**
 * Shared pieces of the client tests: the demo flow ids, clients for a harness server, and a
 * process-level `unhandledRejection` listener that fails the file if any promise the client
 * made was left rejected without a handler.
 */
import { afterAll, beforeAll, expect } from 'vitest';
import type { TestServer } from '../support/server.js';
import { sleep } from '../support/wait.js';
import { createPhixFlowClient, createSmartFlowsClient, type PhixFlowClient, type SmartFlowsClient } from '../../src/client/index.js';

export { FLOW } from '../support/demo-flows.js';

/** A Smart Flows client with the integrator's (User role) key, or the given key. */
export const smartFlows = (s: TestServer, apiKey = s.integratorKey): SmartFlowsClient => createSmartFlowsClient({ baseUrl: s.base, apiKey });

/** A PhixFlow client with a token the server issued for `user` (default api-user). */
export async function phixFlow(s: TestServer, user: string | null = 'api-user'): Promise<PhixFlowClient> {
  const token = user === null ? undefined : (await s.fm.services.credentials.issuePhixflowToken(user)).token;
  return createPhixFlowClient({ baseUrl: s.base, ...(token ? { token } : {}) });
}

/** Registers a process-level unhandledRejection listener for the file; afterAll asserts it saw nothing. */
export function failOnUnhandledRejections(): unknown[] {
  const seen: unknown[] = [];
  const listener = (reason: unknown): void => {
    seen.push(reason);
  };
  beforeAll(() => {
    process.on('unhandledRejection', listener);
  });
  afterAll(async () => {
    await sleep(100); // a rejection left without a handler is reported on a later turn: give it time to surface
    process.off('unhandledRejection', listener);
    expect(seen, 'unhandled rejections').toEqual([]);
  });
  return seen;
}

/** A rejection of `promise`, failing if it resolves. */
export async function rejectionOf(promise: Promise<unknown>): Promise<unknown> {
  try {
    await promise;
  } catch (err) {
    return err;
  }
  throw new Error('expected a rejection, but the promise resolved');
}
