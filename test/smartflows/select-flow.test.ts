/**
 * ExecuteFlow without flowId (the vendor's flow picker): the execution waits in SelectFlow with a
 * form whose `flow` field offers the flows whose input fits what was sent; continuing with
 * {"flow": "<id or name>"} runs that flow with the stored input (state.inputData, /data/...).
 * Also StartFlow by name, GetFlowExecutionStatus outputs and the progress timeout -1.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startServer, type TestServer } from '../support/server.js';
import { FLOW, STABLE, executionOf, expectProblem, json, pollUntil, type Execution, type Progress } from './helpers.js';

let s: TestServer;
beforeAll(async () => {
  s = await startServer({ speed: 0 });
});
afterAll(() => s?.close());

const ORDER_XML = '<order><customer>ACME</customer><amount>120.50</amount></order>';
const jsonHeaders = { 'Content-Type': 'application/json' };

describe('ExecuteFlow without flowId: SelectFlow', () => {
  it('offers the flows whose input fits XML <order>, and runs the chosen one by name with the stored input', async () => {
    const first = await json<Progress>(await s.call('/api/v1/flows/executions', {
      method: 'POST', body: ORDER_XML, headers: { 'Content-Type': 'application/xml' },
    }));
    expect(first).toMatchObject({ status: 'SelectFlow', percentage: 0, form: [expect.objectContaining({ key: 'flow' })] });
    const offered = (first.schema as { properties: { flow: { enum: string[] } } }).properties.flow.enum;
    expect(offered).toContain(FLOW.order);
    expect(offered).not.toContain(FLOW.invoice); // takes no input
    // A long-poll answers at once; the record has no flow yet and waits for the selection.
    expect((await json<Progress>(await s.call(`/api/v1/flows/executions/${first.id}/progress?timeout=-1`))).status).toBe('SelectFlow');
    const waiting = await executionOf(s, first.id);
    expect(waiting.flow).toBeUndefined();
    expect(waiting.state.waitingFor).toBe('flowSelection');

    // Not offered: 400 naming /flow; the execution keeps waiting.
    const bad = await expectProblem(await s.call(`/api/v1/flows/executions/${first.id}/progress`, {
      method: 'POST', body: JSON.stringify({ flow: FLOW.invoice }), headers: jsonHeaders,
    }), 400);
    expect(bad.errors).toContainEqual(expect.objectContaining({ in: 'body', pointer: '/flow' }));

    const orderName = (await json<{ displayName: string }>(await s.call(`/api/v1/flows/${FLOW.order}`))).displayName;
    const resumed = await json<Progress>(await s.call(`/api/v1/flows/executions/${first.id}/progress`, {
      method: 'POST', body: JSON.stringify({ flow: orderName }), headers: jsonHeaders,
    }));
    expect(['Running', 'Queued']).toContain(resumed.status);
    expect((await pollUntil(s, first.id, { until: STABLE })).at(-1)!.status).toBe('Success');
    const done = await executionOf(s, first.id);
    expect(done.flow).toMatchObject({ id: FLOW.order, type: 'flow' });
    expect(done.state.stages).toHaveLength(2);

    // The input is a Data object: metadata, the bytes as sent, an XML preview.
    const dataId = done.state.inputData!.id;
    const data = await json(await s.call(`/api/v1/data/${dataId}`));
    expect(data).toMatchObject({ id: dataId, type: 'value', usage: 'flowExecutionInput', contentType: 'application/xml', value: { content: ORDER_XML } });
    const content = await s.call(`/api/v1/data/${dataId}/content`);
    expect(content.headers.get('content-type')).toMatch(/^application\/xml/);
    expect(await content.text()).toBe(ORDER_XML);
    expect(await (await s.call(`/api/v1/data/${dataId}/preview`)).text()).toBe(ORDER_XML);
    expect((await s.call(`/api/v1/data/${dataId}`, { method: 'HEAD' })).status).toBe(200);
    const meta = await (await s.call('/api/v1/data/meta?creator=integrator')).text();
    expect(meta).toContain(`id="${dataId}"`);
    expect(await (await s.call('/api/v1/data/meta?creator=nobody')).text()).toBe('<data></data>');
  });

  it('continuing a SelectFlow execution needs {"flow"}: without it a 400 naming /flow', async () => {
    const first = await json<Progress>(await s.call('/api/v1/flows/executions', { method: 'POST' }));
    expect(first.status).toBe('SelectFlow');
    const p = await expectProblem(await s.call(`/api/v1/flows/executions/${first.id}/progress`, { method: 'POST', body: '{}', headers: jsonHeaders }), 400);
    expect(p.errors).toContainEqual(expect.objectContaining({ pointer: '/flow', rule: 'required' }));
    // Cancel works in SelectFlow like in any live status.
    expect((await json<Progress>(await s.call(`/api/v1/flows/executions/${first.id}/progress`, { method: 'DELETE' }))).status).toBe('Canceled');
  });
});

describe('StartFlow, status, data objects', () => {
  it('StartFlow takes a flow name, answers a FlowExecution in batch mode; status lists its outputs', async () => {
    const res = await s.call('/api/v1/flows/executions/start?flow=Invoice', { method: 'POST' });
    const e = await json<Execution>(res);
    expect(e).toMatchObject({ mode: 'batch', priority: 0, flow: { id: FLOW.invoice, type: 'flow' }, state: { languageCode: 'en', timeZoneId: 'UTC' } });
    expect(e.state.inputData).toBeNull();
    expect((await pollUntil(s, e.id, { until: STABLE })).at(-1)!.status).toBe('Success');
    const status = await json<Execution>(await s.call(`/api/v1/flows/executions/${e.id}/status`));
    expect(status.outputs).toEqual([expect.objectContaining({ output: expect.objectContaining({ id: 'invoice' }), content: { document: expect.objectContaining({ type: 'document' }) } })]);
    const one = await json<Execution>(await s.call(`/api/v1/flows/executions/${e.id}/status?output=invoice`));
    expect(one.outputs).toHaveLength(1);
    await expectProblem(await s.call(`/api/v1/flows/executions/${e.id}/status?output=nope`), 404);
  });

  it('a data object can be renamed and deleted by an administrator; then it is gone and inputData is null', async () => {
    const start = await json<Progress>(await s.call(`/api/v1/flows/executions?flowId=${FLOW.order}`, {
      method: 'POST', body: ORDER_XML, headers: { 'Content-Type': 'application/xml' }, key: s.adminKey,
    }));
    const dataId = (await executionOf(s, start.id, { key: s.adminKey })).state.inputData!.id;
    const renamed = await json(await s.call(`/api/v1/data/${dataId}`, {
      method: 'PUT', body: JSON.stringify({ displayName: 'Order 4711', id: 'ignored' }), headers: jsonHeaders, key: s.adminKey,
    }));
    expect(renamed).toMatchObject({ id: dataId, displayName: 'Order 4711' });
    expect((await s.call(`/api/v1/data/${dataId}?deleteInbound=true`, { method: 'DELETE', key: s.adminKey })).status).toBe(204);
    await expectProblem(await s.call(`/api/v1/data/${dataId}`, { key: s.adminKey }), 404);
    expect((await executionOf(s, start.id, { key: s.adminKey })).state.inputData).toBeNull();
  });

  it('timeout=-1 is accepted (the vendor sample); below -1 or above 120 is a 400 naming timeout', async () => {
    const e = await json<Execution>(await s.call('/api/v1/flows/executions/start?flow=Invoice', { method: 'POST' }));
    await pollUntil(s, e.id, { until: STABLE });
    expect((await json<Progress>(await s.call(`/api/v1/flows/executions/${e.id}/progress?timeout=-1`))).status).toBe('Success');
    for (const t of ['-2', '121']) {
      const p = await expectProblem(await s.call(`/api/v1/flows/executions/${e.id}/progress?timeout=${t}`), 400);
      expect(p.errors).toContainEqual(expect.objectContaining({ in: 'query', pointer: '/timeout' }));
    }
  });
});
