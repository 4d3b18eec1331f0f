/**
 * The regular collections are state, not fixtures: after a restart on the same SQLite file, a
 * created object, its references, its content versions and a changed default are still there,
 * and a seeded object that was deleted stays deleted (seeds are put in once per collection and
 * database). The temp directory is removed afterwards.
 */
import { afterAll, expect, it } from 'vitest';
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { startServer, type TestServer } from '../support/server.js';
import { expectProblem, json } from './helpers.js';

const dir = mkdtempSync(path.join(os.tmpdir(), 'flowmock-resources-restart-'));
const servers: TestServer[] = [];
afterAll(async () => {
  for (const s of servers) await s.close();
  rmSync(dir, { recursive: true, force: true });
});

type Obj = Record<string, any>;

it('keeps created objects, references, content versions and the default, and does not bring a deleted seed back', async () => {
  const db = path.join(dir, 'flowmock.db');
  const first = await startServer({ db });
  servers.push(first);
  const call = (s: TestServer, p: string, init: RequestInit = {}) => s.call(p, { key: s.adminKey, ...init });
  const post = (s: TestServer, p: string, body: unknown) => call(s, p, { method: 'POST', body: JSON.stringify(body), headers: { 'Content-Type': 'application/json' } });

  expect(await json(await call(first, '/api/v1/taggroups/region', { method: 'DELETE' }))).toEqual({});
  const tpl = await json<Obj>(await post(first, '/api/v1/templates', { displayName: 'zz-kept', datasets: [{ id: 'crm-records' }] }), 201);
  const bytes = Buffer.from([0, 159, 146, 150, 255]);
  await json(await call(first, `/api/v1/templates/${tpl.id}/content?lang=nl`, { method: 'PUT', body: bytes, headers: { 'Content-Type': 'application/octet-stream' } }));
  await json(await call(first, '/api/v1/languages/default', { method: 'PUT', body: JSON.stringify({ id: 'nl' }), headers: { 'Content-Type': 'application/json' } }));
  await first.close();
  servers.pop();

  const second = await startServer({ db });
  servers.push(second);
  await expectProblem(await call(second, '/api/v1/taggroups/region'), 404);
  expect(await json<Obj>(await call(second, `/api/v1/templates/${tpl.id}`))).toMatchObject({ displayName: 'zz-kept', datasets: [{ id: 'crm-records' }] });
  expect(Buffer.from(await (await call(second, `/api/v1/templates/${tpl.id}/content`)).arrayBuffer()).equals(bytes)).toBe(true); // nl is the default now
  await expectProblem(await call(second, '/api/v1/datasets/crm-records', { method: 'DELETE' }), 409, { detail: tpl.id });
  expect((await json<Obj[]>(await call(second, '/api/v1/templates?filter=displayName:zz-kept'))).map((t) => t.id)).toEqual([tpl.id]);
});
