/**
 * Flows created over the API round-trip: CreateFlow stores the vendor Flow (plus id and who/when),
 * GetFlow and GetFlows (one list with the file flows) show it, ExecuteFlow runs it through the
 * engine with the vendor report tree, UpdateFlow replaces it (the next run takes the new body),
 * DeleteFlow removes it (404 after, its executions kept). A body that cannot run is a 400 naming
 * the block's pointer and the rule; file flows answer 409 naming their file; a reload of the
 * definitions and a restart on the same database keep API flows.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { startServer, type TestServer } from '../support/server.js';
import { FLOW, STABLE, executionOf, expectProblem, json, pollUntil, startFlow } from './helpers.js';
import type { components } from '../../generated/openapi-types.js';

type Flow = components['schemas']['Flow'];

let dir: string;
let s: TestServer;
let restarted: TestServer | undefined;
beforeAll(async () => {
  dir = mkdtempSync(path.join(os.tmpdir(), 'flowmock-flows-crud-'));
  s = await startServer({ speed: 0, db: path.join(dir, 'flowmock.db') });
});
afterAll(async () => {
  await s?.close();
  await restarted?.close();
  rmSync(dir, { recursive: true, force: true });
});

const send = (method: string, body: unknown, key: string) =>
  ({ method, body: JSON.stringify(body), headers: { 'Content-Type': 'application/json' }, key });
const progress = (id: string, durationMs = 10) => ({ id, step: { stepId: 'progress', parameters: { durationMs } } });
/** A flow (any input: sent as XML) whose condition routes on the order amount: the report shows which branch ran. */
const creditCheck = (threshold: number): Flow => ({
  type: 'advanced',
  displayName: 'Credit check (API)',
  description: 'Created over the API',
  input: { type: 'user' },
  body: {
    preZones: [{
      id: 'check', displayName: 'Check',
      blocks: [
        progress('read'),
        {
          id: 'large',
          condition: {
            conditions: { type: 'and', nodes: [{ id: 'n', condition: { type: 'expression', expression: `$number(input.order.amount) > ${threshold}` } }] },
            bodyIfTrue: [{ id: 'yes', blocks: [progress('review')] }],
            bodyIfFalse: [{ id: 'no', blocks: [progress('fast')] }],
          },
        },
        { id: 'letter', step: { stepId: 'document', parameters: { fileName: 'Credit {{ input.order.amount }}.pdf', template: 'Amount {{ input.order.amount }}' } } },
      ],
    }],
  },
});

async function run(server: TestServer, flowId: string, amount: number) {
  const p = await startFlow(server, flowId, { key: server.adminKey, body: `<order><amount>${amount}</amount></order>`, contentType: 'application/xml' });
  const end = (await pollUntil(server, p.id, { key: server.adminKey, until: STABLE })).at(-1)!;
  return executionOf(server, end.id, { key: server.adminKey });
}

describe('flows created over the API', () => {
  let id = '';

  it('create -> get -> list -> run -> update -> run -> delete -> 404', async () => {
    const created = await json<Flow>(await s.call('/api/v1/flows', send('POST', creditCheck(1000), s.adminKey)));
    id = created.id!;
    expect(id).toMatch(/^[0-9a-f-]{36}$/);
    expect(created).toMatchObject({ ...creditCheck(1000), createdBy: { type: 'user' }, modifiedBy: { type: 'user' } });
    expect(created.createdAt).toBe(created.modifiedAt);

    expect(await json<Flow>(await s.call(`/api/v1/flows/${id}`, { key: s.adminKey }))).toEqual(created);
    const list = await json<Flow[]>(await s.call('/api/v1/flows?size=100', { key: s.adminKey }));
    expect(list.map((f) => f.id)).toEqual(expect.arrayContaining([id, FLOW.invoice]));
    const filtered = await json<Flow[]>(await s.call(`/api/v1/flows?filter=${encodeURIComponent('displayName:(api)')}`, { key: s.adminKey }));
    expect(filtered.map((f) => f.id)).toEqual([id]);

    const first = await run(s, id, 5000);
    expect(first.status).toBe('Success');
    expect(first.state.report![0]).toMatchObject({ id: 'check', blocks: [{ id: 'read' }, { id: 'large', condition: { result: true } }, { id: 'letter' }] });
    expect(first.state.output?.model).toHaveProperty('letter');

    const changed = { ...creditCheck(10_000), displayName: 'Credit check v2 (API)' };
    const updated = await json<Flow>(await s.call(`/api/v1/flows/${id}`, send('PUT', changed, s.adminKey)));
    expect(updated).toMatchObject({ id, displayName: 'Credit check v2 (API)', createdAt: created.createdAt });
    const second = await run(s, id, 5000);
    expect(second.state.report![0].blocks[1]).toMatchObject({ id: 'large', condition: { result: false } });

    expect(await json(await s.call(`/api/v1/flows/${id}`, { method: 'DELETE', key: s.adminKey }))).toEqual({});
    expect((await expectProblem(await s.call(`/api/v1/flows/${id}`, { key: s.adminKey }), 404)).detail).toContain(id);
    expect((await json<Flow[]>(await s.call('/api/v1/flows?size=100', { key: s.adminKey }))).map((f) => f.id)).not.toContain(id);
    // The executions are history: still readable after the flow is gone.
    expect((await executionOf(s, first.id, { key: s.adminKey })).status).toBe('Success');
    await expectProblem(await s.call(`/api/v1/flows/${id}`, { method: 'DELETE', key: s.adminKey }), 404);
  });

  it('a body that cannot run is a 400 naming the block pointer and the rule; nothing is stored or changed', async () => {
    const bad = creditCheck(1);
    bad.body!.preZones![0].blocks![2] = { id: 'mail', step: { stepId: 'sendMail', parameters: {} } };
    const before = (await json<Flow[]>(await s.call('/api/v1/flows?size=100', { key: s.adminKey }))).length;
    const problem = await expectProblem(await s.call('/api/v1/flows', send('POST', bad, s.adminKey)), 400);
    expect(problem.errors).toContainEqual(expect.objectContaining({ in: 'body', pointer: '/body/preZones/0/blocks/2/step/stepId', rule: 'runnableStep' }));
    expect((await json<Flow[]>(await s.call('/api/v1/flows?size=100', { key: s.adminKey }))).length).toBe(before);

    const ok = await json<Flow>(await s.call('/api/v1/flows', send('POST', creditCheck(1), s.adminKey)));
    const nested = creditCheck(1);
    (nested.body!.preZones![0].blocks![1].condition!.bodyIfTrue![0].blocks![0].step!.parameters as Record<string, unknown>).durationMs = -1;
    const p2 = await expectProblem(await s.call(`/api/v1/flows/${ok.id}`, send('PUT', nested, s.adminKey)), 400);
    expect(p2.errors).toContainEqual(expect.objectContaining({ pointer: '/body/preZones/0/blocks/1/condition/bodyIfTrue/0/blocks/0/step/parameters/durationMs' }));
    expect(await json<Flow>(await s.call(`/api/v1/flows/${ok.id}`, { key: s.adminKey }))).toEqual(ok);
    const wrongId = await expectProblem(await s.call(`/api/v1/flows/${ok.id}`, send('PUT', { ...creditCheck(1), id: FLOW.invoice }, s.adminKey)), 400);
    expect(wrongId.errors).toContainEqual(expect.objectContaining({ pointer: '/id', rule: 'matchesPath' }));
  });

  it('file flows answer 409 naming their file; an id already used is a 409; rights are write:flows and delete:flows', async () => {
    expect((await expectProblem(await s.call(`/api/v1/flows/${FLOW.invoice}`, send('PUT', creditCheck(1), s.adminKey)), 409)).detail).toContain('invoice.yaml');
    expect((await expectProblem(await s.call(`/api/v1/flows/${FLOW.invoice}`, { method: 'DELETE', key: s.adminKey }), 409)).detail).toContain('invoice.yaml');
    expect((await expectProblem(await s.call('/api/v1/flows', send('POST', { ...creditCheck(1), id: FLOW.invoice }, s.adminKey)), 409)).detail).toContain('invoice.yaml');
    const mine = await json<Flow>(await s.call('/api/v1/flows', send('POST', creditCheck(1), s.adminKey)));
    await expectProblem(await s.call('/api/v1/flows', send('POST', { ...creditCheck(1), id: mine.id }, s.adminKey)), 409);
    expect((await expectProblem(await s.call('/api/v1/flows', send('POST', creditCheck(1), s.integratorKey)), 403)).detail).toContain('write:flows');
    expect((await expectProblem(await s.call(`/api/v1/flows/${mine.id}`, { method: 'DELETE', key: s.integratorKey }), 403)).detail).toContain('delete:flows');
  });

  it('deleting a flow while an execution waits for its callback: the execution stays readable, resuming it is a 409', async () => {
    const waiting = await json<Flow>(await s.call('/api/v1/flows', send('POST', {
      displayName: 'Waits (API)', input: { type: 'none' },
      body: { preZones: [{ id: 'main', blocks: [progress('before'), { id: 'wait', step: { stepId: 'waitForCallback' } }, progress('after')] }] },
    }, s.adminKey)));
    const p = await startFlow(s, waiting.id!, { key: s.adminKey });
    expect((await pollUntil(s, p.id, { key: s.adminKey })).at(-1)!.status).toBe('Waiting');
    // waitingFor is the callback URL to post to (/api/v1/flows/callback/<callbackId>?executionId=<id>).
    const callbackId = /\/flows\/callback\/([^?]+)/.exec(String((await executionOf(s, p.id, { key: s.adminKey })).state.waitingFor))![1];
    expect(await json(await s.call(`/api/v1/flows/${waiting.id}`, { method: 'DELETE', key: s.adminKey }))).toEqual({});
    const resumed = await expectProblem(await s.call(`/api/v1/flows/callback/${callbackId}?executionId=${p.id}`, { method: 'POST', key: s.adminKey }), 409);
    expect(resumed.detail).toContain('removed');
    expect((await executionOf(s, p.id, { key: s.adminKey })).status).toBe('Waiting');
  });

  it('a reload of the definitions and a restart on the same database keep API flows, runnable', async () => {
    const kept = await json<Flow>(await s.call('/api/v1/flows', send('POST', { ...creditCheck(1), displayName: 'Kept (API)' }, s.adminKey)));
    expect(await s.fm.reload.definitions()).toBe(true);
    expect(await json<Flow>(await s.call(`/api/v1/flows/${kept.id}`, { key: s.adminKey }))).toEqual(kept);
    expect((await run(s, kept.id!, 2)).status).toBe('Success');

    await s.close();
    restarted = await startServer({ speed: 0, db: path.join(dir, 'flowmock.db') });
    expect(await json<Flow>(await restarted.call(`/api/v1/flows/${kept.id}`, { key: restarted.adminKey }))).toEqual(kept);
    expect((await run(restarted, kept.id!, 2)).state.report![0].blocks[1]).toMatchObject({ condition: { result: true } });
  });
});
