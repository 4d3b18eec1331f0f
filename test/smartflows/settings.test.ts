/**
 * The settings operations: every part of the vendor's Settings kept in the store (defaults until
 * set, replaced as a whole, cleared back to the defaults), the system default language shared with
 * SetSystemDefaultLanguage, counters counted from real executions, and a 4xx naming what is wrong.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startServer, type TestServer } from '../support/server.js';
import { FLOW, expectProblem, json, startFlow } from './helpers.js';

let s: TestServer;
beforeAll(async () => { s = await startServer(); });
afterAll(() => s?.close());

type Obj = Record<string, any>;
const put = (type: string, body: unknown, key = s.adminKey) =>
  s.call(`/api/v1/settings/${type}`, { method: 'PUT', key, body: JSON.stringify(body), headers: { 'Content-Type': 'application/json' } });
const get = (type: string, key = s.adminKey) => s.call(`/api/v1/settings/${type}`, { key });

describe('settings', () => {
  it('GetSettings: every part of the vendor Settings, defaults until set; administrators only', async () => {
    const all = await json<Obj>(await s.call('/api/v1/settings', { key: s.adminKey }));
    expect(Object.keys(all).sort()).toEqual(['cleanup', 'counters', 'defaultPlugin', 'frontend', 'onCreate', 'project', 'userManagement']);
    expect(all.project).toMatchObject({ displayName: 'flowmock', timeZone: 'UTC', systemLanguage: { code: 'en-US' } });
    expect(all.cleanup.flowExecutions.completed.success.full.age).toEqual({ timeUnit: 'days', period: 30 });
    await expectProblem(await s.call('/api/v1/settings'), 403, { detail: 'read:settings' });
    await expectProblem(await s.call('/api/v1/settings', { key: null }), 401);
  });

  it('UpdateSubSettings replaces a part, GetSubSettings and GetSettings answer it, ClearSubSettings restores the defaults', async () => {
    const saved = await json<Obj>(await put('project', { displayName: 'Sandbox A', timeZone: 'Europe/Amsterdam', defaultPriority: 3 }));
    expect(saved).toEqual({ displayName: 'Sandbox A', timeZone: 'Europe/Amsterdam', defaultPriority: 3, systemLanguage: { code: 'en-US', displayName: 'American English' } });
    expect(await json<Obj>(await get('project'))).toEqual(saved);
    expect((await json<Obj>(await s.call('/api/v1/settings', { key: s.adminKey }))).project).toEqual(saved);
    const frontend = { theme: 'dark', columns: ['id', 'status'], nested: { a: 1 } };
    expect(await json(await put('frontend', frontend))).toEqual(frontend);
    expect(await json(await get('frontend'))).toEqual(frontend);

    const cleared = await json<Obj>(await s.call('/api/v1/settings/project', { method: 'DELETE', key: s.adminKey }));
    expect(cleared).toMatchObject({ displayName: 'flowmock', timeZone: 'UTC' });
    expect(await json<Obj>(await get('project'))).toEqual(cleared);
    expect(await json(await s.call('/api/v1/settings/frontend', { method: 'DELETE', key: s.adminKey }))).toEqual({});
  });

  it('project.systemLanguage is the system default language, both ways', async () => {
    expect(await json<Obj>(await put('project', { systemLanguage: { code: 'nl-NL' } }))).toMatchObject({ systemLanguage: { code: 'nl-NL', displayName: 'Dutch (Netherlands)' } });
    expect(await json<Obj>(await s.call('/api/v1/system/languages/default'))).toMatchObject({ id: 'nl-NL' });
    expect(await json<Obj>(await s.call('/api/v1/settings/public', { key: null }))).toEqual({
      projectId: 'flowmock', systemLanguage: { code: 'nl-NL', displayName: 'Dutch (Netherlands)' },
      projectConsoleUrl: `${s.base}/__flowmock/`, flowExecutionPanelUrl: `${s.base}/__flowmock/`,
    });
    await json(await put('project', { systemLanguage: { code: 'en-US' } }));
  });

  it('the part survives a restart of the store view: it is kept in the store, not in memory', async () => {
    await json(await put('userManagement', { sync: { enabled: true, schedule: '0 0 * * *' } }));
    expect(await s.fm.services.store.meta.get('settings.userManagement')).toBe(JSON.stringify({ sync: { enabled: true, schedule: '0 0 * * *' } }));
  });

  it('counters: executions and documents of this month and year, counted from the store; read-only', async () => {
    const before = await json<Obj>(await get('counters'));
    expect(before.windowCounters.map((w: Obj) => w.window)).toEqual(['month', 'year']);
    await startFlow(s, FLOW.invoice, { key: s.adminKey });
    const after = await json<Obj>(await get('counters'));
    expect(after.windowCounters[0].executions).toBe(before.windowCounters[0].executions + 1);
    expect(after.windowCounters[1].executions).toBe(before.windowCounters[1].executions + 1);
    await expectProblem(await put('counters', { windowCounters: [] }), 400, { field: { in: 'path', pointer: '/settingsType', rule: 'readOnly' } });
    await expectProblem(await s.call('/api/v1/settings/counters', { method: 'DELETE', key: s.adminKey }), 400, { field: { in: 'path', pointer: '/settingsType', rule: 'readOnly' } });
  });

  it('bad input is a 4xx naming the field; an unknown type a 404 naming the types; writing needs write:settings', async () => {
    const project = await json<Obj>(await get('project'));
    await expectProblem(await get('nope'), 404, { detail: 'project, defaultPlugin, cleanup' });
    await expectProblem(await put('nope', {}), 404);
    await expectProblem(await put('project', { colour: 'red' }), 400, { field: { in: 'body', pointer: '/colour', rule: 'additionalProperties' } });
    await expectProblem(await put('project', { defaultPriority: 'high' }), 400, { field: { in: 'body', pointer: '/defaultPriority' } });
    await expectProblem(await put('project', { timeZone: 'Mars/Olympus' }), 400, { field: { in: 'body', pointer: '/timeZone', rule: 'enum' } });
    await expectProblem(await put('project', { systemLanguage: { code: 'xx-YY' } }), 400, { field: { in: 'body', pointer: '/systemLanguage/code', rule: 'enum' } });
    await expectProblem(await put('cleanup', { flowExecutions: { completed: { success: { full: { age: { timeUnit: 'weeks', period: 1 } } } } } }), 400,
      { field: { in: 'body', pointer: '/flowExecutions/completed/success/full/age/timeUnit' } });
    await expectProblem(await put('cleanup', { flowExecutions: { completed: { success: { full: { age: { timeUnit: 'days', period: -1 } } } } } }), 400,
      { field: { in: 'body', pointer: '/flowExecutions/completed/success/full/age/period', rule: 'minimum' } });
    await expectProblem(await put('project', { displayName: 'x' }, s.integratorKey), 403, { detail: 'write:settings' });
    expect(await json<Obj>(await get('project'))).toEqual(project); // nothing refused was kept
  });
});
