/**
 * Embedding flowmock in a jest suite (the README's example; `npm test` runs it through
 * test/package/jest-example.test.ts). The same API as with vitest: start once, reset per test.
 */
// #region readme
import { afterAll, beforeAll, beforeEach, expect, test } from '@jest/globals';
import { startFlowmock, type Flowmock } from 'flowmock';
import { runFlow } from 'flowmock/client';

const INVOICE = '11111111-1111-4111-8111-111111111101';

let fm: Flowmock;
beforeAll(async () => { fm = await startFlowmock(); });
afterAll(() => fm.close());
beforeEach(() => fm.reset());

test('the invoice flow ends in Success with one PDF', async () => {
  const run = await runFlow({ baseUrl: fm.url, apiKey: fm.userKey }, INVOICE);
  expect(run.status).toBe('Success');
  expect(run.documents).toHaveLength(1);
  await fm.journal.verify({ operationId: 'ExecuteFlow', count: 1 });
});

test('a PhixFlow trigger with the token answers its data', async () => {
  const res = await fetch(`${fm.url}/phixflow/api/1/action/Demo/Echo%20and%20enrich/trigger`, {
    method: 'POST',
    headers: { Authorization: `Bearer ${fm.phixflowToken}`, 'Content-Type': 'application/json' },
    body: JSON.stringify([{ name: 'Ada', email: 'ada@example.com' }]),
  });
  expect(res.status).toBe(200);
  expect(await fm.journal.count({ path: '/phixflow/api/1/action/{application}/{actionflow}/trigger' })).toBe(1);
});
// #endregion readme
