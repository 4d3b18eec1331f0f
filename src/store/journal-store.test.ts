/**
 * The journal's SQL on synthetic entries: the entry cap, path templates, and the client report's
 * polling rate against the Retry-After the answers carried (or the default interval).
 */
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { openStore } from './sqlite-store.js';
import type { Store } from './types.js';
import { templateToRegExp } from './journal-store.js';
import type { NewJournalEntry } from './types.js';

let store: Store;
beforeEach(async () => {
  store = openStore(':memory:');
});
afterEach(() => store.close());

const T0 = Date.parse('2026-11-22T10:00:00.000Z');

function entry(over: Partial<NewJournalEntry>): NewJournalEntry {
  return {
    atMs: T0, durationMs: 1, method: 'GET', path: '/api/v1/flows', query: {}, status: 200, operationId: 'GetFlows',
    apiKeyId: 'k1', user: 'integrator', tokenSubject: null, executionId: null,
    requestHeaders: {}, responseHeaders: {}, requestBody: null, responseBody: null, ...over,
  };
}

const polls = (executionId: string, everyMs: number, n: number, retryAfter?: string): NewJournalEntry[] =>
  Array.from({ length: n }, (_, i) => entry({
    atMs: T0 + i * everyMs, operationId: 'GetFlowExecutionProgress', executionId,
    path: `/api/v1/flows/executions/${executionId}/progress`,
    responseHeaders: retryAfter ? { 'retry-after': retryAfter } : {},
  }));

describe('journal store', () => {
  it('keeps only the newest maxEntries entries', async () => {
    for (let i = 0; i < 5; i++) (await store.journal.insertMany([entry({ atMs: T0 + i }), entry({ atMs: T0 + i })], 7));
    const page = (await store.journal.query({}, 0, 100));
    expect(page.totalElements).toBe(7);
    expect((await store.journal.latestId())).toBe(10);
    expect(page.content.map((e) => e.id)).toEqual([10, 9, 8, 7, 6, 5, 4]);
  });

  it('matches path templates one segment per parameter', async () => {
    const re = templateToRegExp('/api/v1/flows/executions/{execution}/progress');
    expect(re.test('/api/v1/flows/executions/abc/progress')).toBe(true);
    expect(re.test('/api/v1/flows/executions/a/b/progress')).toBe(false);
    expect(templateToRegExp('/a.b/{x}').test('/aXb/1')).toBe(false);
    await store.journal.insertMany([entry({ path: '/api/v1/flows/executions/e1/progress' }), entry({ path: '/api/v1/flows/executions/e1' })], 100);
    expect((await store.journal.count({ path: '/api/v1/flows/executions/{id}' }))).toBe(1);
    expect((await store.journal.count({ path: '/api/v1/flows/executions/{id}/progress' }))).toBe(1);
    expect((await store.journal.count({ pathPrefix: '/api/v1/flows/executions/' }))).toBe(2);
  });

  it('measures polling against Retry-After when the answers carry it, else the default interval', async () => {
    await store.journal.insertMany([
      ...polls('fast-default', 200, 6),          // 5 per second, no Retry-After: default 1 s → too fast
      ...polls('paced-default', 1000, 4),        // 1 per second → fine
      ...polls('paced-but-asked-5', 1000, 4, '5'), // 1 per second while the server asked for 5 s → too fast
      ...polls('slow-asked-2', 2500, 3, '2'),    // 0.4 per second, asked 2 s → fine
      ...polls('two-polls', 10, 2),              // too few polls to judge
    ], 1000);
    const [client] = (await store.journal.clientReport({ defaultPollIntervalSeconds: 1, tooFastTolerance: 0.1 }));
    const byId = Object.fromEntries(client.polling.executions.map((p) => [p.executionId, p]));
    expect(byId['fast-default']).toMatchObject({ polls: 6, spanSeconds: 1, ratePerSecond: 5, suggestedIntervalSeconds: 1, tooFast: true });
    expect(byId['paced-default']).toMatchObject({ ratePerSecond: 1, tooFast: false });
    expect(byId['paced-but-asked-5']).toMatchObject({ suggestedIntervalSeconds: 5, tooFast: true });
    expect(byId['slow-asked-2']).toMatchObject({ ratePerSecond: 0.4, suggestedIntervalSeconds: 2, tooFast: false });
    expect(byId['two-polls']).toMatchObject({ polls: 2, tooFast: false });
    expect(client.polling.tooFast).toBe(2);
    expect(client).toMatchObject({ client: 'key:k1', kind: 'apiKey', requests: 19, firstSeen: '2026-11-22T10:00:00.000Z' });
  });

  it('groups by API key, token subject or anonymous', async () => {
    await store.journal.insertMany([
      entry({}), entry({ apiKeyId: null, user: 'api-user', tokenSubject: 'api-user' }), entry({ apiKeyId: null, user: null }),
      entry({ apiKeyId: null, user: null, status: 401 }), entry({ apiKeyId: null, user: null, status: 499 }),
    ], 100);
    const rows = (await store.journal.clientReport({ defaultPollIntervalSeconds: 1, tooFastTolerance: 0.1 }));
    expect(rows.map((r) => [r.client, r.kind, r.requests, r.clientErrors.total])).toEqual([
      ['anonymous', 'anonymous', 3, 1], // 499 (the client went away) is no answer it received
      ['key:k1', 'apiKey', 1, 0],
      ['token:api-user', 'token', 1, 0],
    ]);
  });
});
