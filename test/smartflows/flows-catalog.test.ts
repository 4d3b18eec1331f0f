/**
 * The flows that can be run: GET /flows (paged, by display name), GET /flows/{id} (with the
 * flowmock input-kind extension), the thumbnail (a PNG), and 404 for an unknown flow.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startServer, type TestServer } from '../support/server.js';
import { FLOW, expectProblem, json } from './helpers.js';
import type { components } from '../../generated/openapi-types.js';

type FlowPage = components['schemas']['FlowPage'];
type Flow = components['schemas']['Flow'];

let s: TestServer;
beforeAll(async () => {
  s = await startServer({ speed: 0 });
});
afterAll(() => s?.close());

const DEMO_NAMES = ['Approval', 'Archive with warning', 'Broken data source', 'CRM letter', 'E-signature', 'Invoice', 'Order confirmation', 'Slow report'];

describe('flows', () => {
  it('GET /flows lists the eight demo flows by display name, paged', async () => {
    const all = await json<FlowPage>(await s.call('/api/v1/flows'));
    expect(all).toMatchObject({ number: 0, size: 20, totalElements: 8, totalPages: 1 });
    expect(all.content.map((f) => f.displayName)).toEqual(DEMO_NAMES);
    expect(all.content.every((f) => f.type === 'flow')).toBe(true);
    expect(new Set(all.content.map((f) => f.id))).toEqual(new Set(Object.values(FLOW)));

    const p1 = await json<FlowPage>(await s.call('/api/v1/flows?page=1&size=3'));
    expect(p1).toMatchObject({ number: 1, size: 3, totalElements: 8, totalPages: 3 });
    expect(p1.content.map((f) => f.displayName)).toEqual(DEMO_NAMES.slice(3, 6));
    expect((await json<FlowPage>(await s.call('/api/v1/flows?page=3&size=3'))).content).toEqual([]);
    const bad = await expectProblem(await s.call('/api/v1/flows?size=1000'), 400);
    expect(bad.errors).toContainEqual(expect.objectContaining({ in: 'query', pointer: '/size' }));
  });

  it('GET /flows/{id} shows one flow with the input it takes', async () => {
    const order = await json<Flow>(await s.call(`/api/v1/flows/${FLOW.order}`));
    expect(order).toMatchObject({
      id: FLOW.order, displayName: 'Order confirmation', type: 'flow',
      input: { kind: 'xml', rootElement: 'order', requiredElements: ['customer', 'amount'] },
    });
    expect(order.description).toContain('<order>');
    expect((await json<Flow>(await s.call(`/api/v1/flows/${FLOW.invoice}`))).input).toEqual({ kind: 'none' });
    expect((await json<Flow>(await s.call(`/api/v1/flows/${FLOW.crm}`))).input).toEqual({ kind: 'plugin' });
    expect((await json<Flow>(await s.call(`/api/v1/flows/${FLOW.esign}`))).input).toEqual({ kind: 'any' });
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

  it('an unknown flow is a 404 for the flow, its thumbnail and its executions', async () => {
    const unknown = '99999999-9999-4999-8999-999999999999';
    for (const path of [`/api/v1/flows/${unknown}`, `/api/v1/flows/${unknown}/thumbnail`, `/api/v1/flows/${unknown}/executions`]) {
      expect((await expectProblem(await s.call(path), 404)).detail).toContain(unknown);
    }
  });
});
