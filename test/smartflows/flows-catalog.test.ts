/**
 * Flows as the vendor has them: GET /flows (a plain array of Flow, paged, sorted, filtered),
 * GET /flows/{id} (the vendor's Flow with its body of zones and blocks), the step types, a
 * property's settings, the contract, the thumbnail (a PNG), the documented 409 for changing and
 * deleting flows of definition files over the API, and 404 for an unknown flow.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startServer, type TestServer } from '../support/server.js';
import { FLOW, expectProblem, json } from './helpers.js';
import type { components } from '../../generated/openapi-types.js';

type Flow = components['schemas']['Flow'];
type FlowStep = components['schemas']['FlowStep'];

let s: TestServer;
beforeAll(async () => {
  s = await startServer({ speed: 0 });
});
afterAll(() => s?.close());

const DEMO_NAMES = ['Approval', 'Archive with warning', 'Broken data source', 'CRM letter', 'CRM routing', 'E-signature', 'Invoice', 'Order confirmation', 'Slow report'];
const post = (body: unknown) => ({ method: 'POST', body: JSON.stringify(body), headers: { 'Content-Type': 'application/json' } });

describe('flows', () => {
  it('GET /flows is a plain array of the demo flows by display name; page/size page it, sort and filter apply', async () => {
    const all = await json<Flow[]>(await s.call('/api/v1/flows'));
    expect(all.map((f) => f.displayName)).toEqual(DEMO_NAMES);
    expect(new Set(all.map((f) => f.id))).toEqual(new Set(Object.values(FLOW)));

    const p1 = await json<Flow[]>(await s.call('/api/v1/flows?page=1&size=3'));
    expect(p1.map((f) => f.displayName)).toEqual(DEMO_NAMES.slice(3, 6));
    expect(await json<Flow[]>(await s.call('/api/v1/flows?page=3&size=3'))).toEqual([]);
    const desc = await json<Flow[]>(await s.call('/api/v1/flows?sort=displayName,desc'));
    expect(desc.map((f) => f.displayName)).toEqual([...DEMO_NAMES].reverse());
    const crm = await json<Flow[]>(await s.call(`/api/v1/flows?filter=${encodeURIComponent('displayName:crm,input.type:plugin')}`));
    expect(crm.map((f) => f.displayName)).toEqual(['CRM letter', 'CRM routing']);

    const bad = await expectProblem(await s.call('/api/v1/flows?size=1000'), 400);
    expect(bad.errors).toContainEqual(expect.objectContaining({ in: 'query', pointer: '/size' }));
    const badFilter = await expectProblem(await s.call('/api/v1/flows?filter=colour:red'), 400);
    expect(badFilter.errors).toContainEqual(expect.objectContaining({ in: 'query', pointer: '/filter' }));
    const badSort = await expectProblem(await s.call('/api/v1/flows?sort=colour'), 400);
    expect(badSort.errors).toContainEqual(expect.objectContaining({ in: 'query', pointer: '/sort' }));
  });

  it('GET /flows/{id} is the vendor Flow: type, input {id, displayName, type, dataset}, outputs, settings, body zones and blocks', async () => {
    const order = await json<Flow>(await s.call(`/api/v1/flows/${FLOW.order}`));
    expect(order).toMatchObject({
      id: FLOW.order, displayName: 'Order confirmation', type: 'advanced',
      input: { type: 'user', dataset: { displayName: 'order', type: 'dataset' } },
      primaryTemplate: { id: 'order-confirmation', type: 'template' },
      outputs: [{ id: 'confirmation', displayName: 'Order confirmation PDF' }],
      settings: { groupToSingleDocument: false, askQuestionsFirst: false },
      tagGroups: [],
    });
    expect(order.description).toContain('<order>');
    const blocks = order.body!.preZones![0].blocks!;
    expect(blocks.map((b) => b.id)).toEqual(['validate', 'large-order', 'confirmation']);
    expect(blocks[0].step).toMatchObject({ stepId: 'progress', parameters: { durationMs: 600, percentage: 20 } });
    expect(blocks[1].condition).toMatchObject({
      conditions: { type: 'and', nodes: [{ condition: { type: 'expression', expression: '$number(input.order.amount) > 1000' } }] },
      bodyIfTrue: [{ id: 'large-order.then', blocks: [{ id: 'review', step: { stepId: 'progress' } }] }],
      bodyIfFalse: [],
    });
    expect((await json<Flow>(await s.call(`/api/v1/flows/${FLOW.invoice}`)))).toMatchObject({ type: 'simple', input: { type: 'none' } });
    expect((await json<Flow>(await s.call(`/api/v1/flows/${FLOW.crm}`))).input!.type).toBe('plugin');
    const routing = await json<Flow>(await s.call(`/api/v1/flows/${FLOW.routing}`));
    expect(routing.body!.preZones!.map((z) => z.id)).toEqual(['prepare', 'records', 'finish']);
    expect(routing.body!.preZones![0].blocks![1].switch).toMatchObject({ switchValue: 'input.entity', cases: [{ caseValue: 'account' }, { caseValue: 'contact' }] });
    const warning = await json<Flow>(await s.call(`/api/v1/flows/${FLOW.warning}`));
    expect(warning.body!.preZones![0].blocks![1].try).toMatchObject({ bodyTry: [{ blocks: [{ id: 'archive' }] }], bodyCatch: [{ blocks: [{ id: 'keep' }] }] });
  });

  it('GET /flows/steps lists every step type of the flow language as FlowStep; GET /flows/steps/{step} one; unknown is 404', async () => {
    const steps = await json<FlowStep[]>(await s.call('/api/v1/flows/steps'));
    expect(steps.map((st) => st.id)).toEqual(['progress', 'document', 'userInput', 'waitForCallback', 'fail', 'if', 'try', 'switch', 'iterate']);
    const doc = await json<FlowStep>(await s.call('/api/v1/flows/steps/document'));
    expect(doc).toMatchObject({ type: 'gendoc', id: 'document', primaryParameters: ['fileName', 'template'], outputId: 'document' });
    expect((doc.inputSchema as { properties: object }).properties).toHaveProperty('fileName');
    expect((await expectProblem(await s.call('/api/v1/flows/steps/teleport'), 404)).detail).toContain('teleport');
  });

  it('POST /flows/steps/{step}?property= answers the property\'s schema; an unknown property is a 400 naming the query parameter', async () => {
    const settings = await json<Record<string, unknown>>(await s.call('/api/v1/flows/steps/fail?property=status', post({})));
    expect(settings).toEqual({ step: 'fail', property: 'status', required: true, schema: { enum: ['Error', 'Warning', 'Interrupted'] } });
    const bad = await expectProblem(await s.call('/api/v1/flows/steps/fail?property=colour', post({})), 400);
    expect(bad.errors).toContainEqual(expect.objectContaining({ in: 'query', pointer: '/property' }));
    const missing = await expectProblem(await s.call('/api/v1/flows/steps/fail', post({})), 400);
    expect(missing.errors).toContainEqual(expect.objectContaining({ in: 'query', pointer: '/property' }));
  });

  it('POST /flows/{id}/contract gives the input and output schemas derived from the definition', async () => {
    const c = await json<components['schemas']['FlowContract']>(await s.call(`/api/v1/flows/${FLOW.order}/contract`, post({})));
    expect(c).toMatchObject({ id: FLOW.order, displayName: 'Order confirmation' });
    expect(c.inputSchema).toMatchObject({ type: 'object', required: ['order'], properties: { order: { required: ['customer', 'amount'] } } });
    expect(Object.keys((c.outputSchema as { properties: object }).properties)).toEqual(['confirmation']);
    expect((await json<components['schemas']['FlowContract']>(await s.call(`/api/v1/flows/${FLOW.invoice}/contract`, post({})))).inputSchema).toMatchObject({ type: 'null' });
  });

  it('CreateFlow, UpdateFlow and DeleteFlow need write:flows / delete:flows (403 for a plain user); on a flow of a definition file they answer 409 naming the file; nothing changes', async () => {
    const admin = { key: s.adminKey };
    expect((await expectProblem(await s.call('/api/v1/flows', post({ displayName: 'New' })), 403)).detail).toContain('write:flows');
    expect((await expectProblem(await s.call(`/api/v1/flows/${FLOW.invoice}`, { method: 'DELETE' }), 403)).detail).toContain('delete:flows');
    const created = await expectProblem(await s.call('/api/v1/flows', { ...post({ id: FLOW.invoice, displayName: 'New', type: 'simple' }), ...admin }), 409);
    expect(created.detail).toContain('invoice.yaml');
    const updated = await expectProblem(await s.call(`/api/v1/flows/${FLOW.invoice}`, { ...post({ displayName: 'Renamed' }), method: 'PUT', ...admin }), 409);
    expect(updated.detail).toContain('invoice.yaml');
    const deleted = await expectProblem(await s.call(`/api/v1/flows/${FLOW.invoice}`, { method: 'DELETE', ...admin }), 409);
    expect(deleted.detail).toContain('invoice.yaml');
    const wrongType = await expectProblem(await s.call('/api/v1/flows', { ...post({ type: 'complex' }), ...admin }), 400);
    expect(wrongType.errors).toContainEqual(expect.objectContaining({ in: 'body', pointer: '/type' }));
    expect((await json<Flow>(await s.call(`/api/v1/flows/${FLOW.invoice}`))).displayName).toBe('Invoice');
  });

  it('GET /flows/{id}/thumbnail is an image/png with the PNG signature', async () => {
    const res = await s.call(`/api/v1/flows/${FLOW.invoice}/thumbnail`);
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toMatch(/^image\/png/);
    const bytes = Buffer.from(await res.arrayBuffer());
    expect(bytes.subarray(0, 8)).toEqual(Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]));
    // IHDR: 160 × 226 pixels (the spec's flowmock choice).
    expect(bytes.readUInt32BE(16)).toBe(160);
    expect(bytes.readUInt32BE(20)).toBe(226);
  });

  it('an unknown flow is a 404 for the flow, its thumbnail, contract, executions and delete', async () => {
    const unknown = '99999999-9999-4999-8999-999999999999';
    for (const path of [`/api/v1/flows/${unknown}`, `/api/v1/flows/${unknown}/thumbnail`, `/api/v1/flows/${unknown}/executions`]) {
      expect((await expectProblem(await s.call(path), 404)).detail).toContain(unknown);
    }
    expect((await expectProblem(await s.call(`/api/v1/flows/${unknown}/contract`, post({})), 404)).detail).toContain(unknown);
    expect((await expectProblem(await s.call(`/api/v1/flows/${unknown}`, { method: 'DELETE', key: s.adminKey }), 404)).detail).toContain(unknown);
  });
});
