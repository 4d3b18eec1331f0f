/** Helpers of the request-journal, client-report and dashboard tests. */
import type { TestServer } from '../support/server.js';
import type { components } from '../../generated/openapi-types.js';

export type JournalEntry = components['schemas']['RequestJournalEntry'];
export type JournalPage = components['schemas']['RequestJournalPage'];
export type ClientReport = components['schemas']['ClientReport'];
export type ExecutionOverviewPage = components['schemas']['ExecutionOverviewPage'];
export type ProcessOverviewPage = components['schemas']['ProcessOverviewPage'];

/** JSON of an answer with the expected status; on a mismatch the body is in the message. */
export async function json<T = any>(res: Response, status = 200): Promise<T> {
  const text = await res.text();
  if (res.status !== status) throw new Error(`expected ${status}, got ${res.status}: ${text}`);
  return JSON.parse(text) as T;
}

export async function journal(s: TestServer, query = ''): Promise<JournalPage> {
  return json<JournalPage>(await s.call(`/__flowmock/requests${query}`, { key: s.adminKey }));
}

export function verify(s: TestServer, body: unknown): Promise<Response> {
  return s.call('/__flowmock/requests/verify', {
    method: 'POST', key: s.adminKey, headers: { 'Content-Type': 'application/json' }, body: JSON.stringify(body),
  });
}

export async function clearJournal(s: TestServer): Promise<void> {
  const res = await s.call('/__flowmock/requests', { method: 'DELETE', key: s.adminKey });
  if (res.status !== 204) throw new Error(`DELETE /__flowmock/requests: ${res.status} ${await res.text()}`);
}

/** Creates a personal access token for `user` with the admin key; returns its id and API key. */
export async function createKey(s: TestServer, user: string, name: string): Promise<{ id: string; key: string }> {
  const res = await s.call(`/api/v1/users/${user}/tokens`, {
    method: 'POST', key: s.adminKey, headers: { 'Content-Type': 'application/json' }, body: JSON.stringify({ displayName: name }),
  });
  const created = await json<{ id: string; apiKey: string }>(res, 201);
  return { id: created.id, key: created.apiKey };
}
