/**
 * A key borrows its user's rights: an execution started with admin's key is invisible (404, as if
 * it did not exist) to the integrator key (User: read:ownFlowExecutions) on every operation that
 * names it, and visible to api-user (Super User: read:flowExecutions). Lists show the integrator
 * only its own executions.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startServer, type TestServer } from '../support/server.js';
import {
  FLOW, STABLE, documentsOf, downloadPdf, executionOf, expectProblem, json, pollUntil, startFlow, callbackOf, type Execution,
} from './helpers.js';

let s: TestServer;
let apiUserKey: string;
let adminInvoice: string;
let adminDoc: string;
let adminEsign: { id: string; callbackId: string };
let ownInvoice: string;

beforeAll(async () => {
  s = await startServer({ speed: 0 });
  const apiUser = (await s.fm.services.store.users.byUsername('api-user'))!;
  apiUserKey = (await s.fm.services.credentials.createApiKey(apiUser.id, 'test')).key;

  const inv = await startFlow(s, FLOW.invoice, { key: s.adminKey });
  await pollUntil(s, inv.id, { until: STABLE, key: s.adminKey });
  adminInvoice = inv.id;
  adminDoc = documentsOf(await executionOf(s, inv.id, { key: s.adminKey })).invoice.id;

  const es = await startFlow(s, FLOW.esign, { key: s.adminKey });
  await pollUntil(s, es.id, { key: s.adminKey });
  adminEsign = { id: es.id, callbackId: callbackOf(await executionOf(s, es.id, { key: s.adminKey })).callbackId };

  const own = await startFlow(s, FLOW.invoice);
  await pollUntil(s, own.id, { until: STABLE });
  ownInvoice = own.id;
});
afterAll(() => s?.close());

const json200 = { 'Content-Type': 'application/json' };

describe("another user's execution", () => {
  it('is a 404 for the integrator on GET, status, progress (GET and POST), cancel (both forms), like an unknown id', async () => {
    const unknown = '00000000-0000-4000-8000-000000000000';
    for (const target of [adminInvoice, adminEsign.id]) {
      const requests: Array<[string, RequestInit]> = [
        [`/api/v1/flows/executions/${target}`, {}],
        [`/api/v1/flows/executions/${target}/progress?timeout=0`, {}],
        [`/api/v1/flows/executions/${target}/progress`, { method: 'POST', body: '{"approver":"x"}', headers: json200 }],
        [`/api/v1/flows/executions/${target}/progress`, { method: 'DELETE' }],
        [`/api/v1/flows/executions/${target}`, { method: 'DELETE' }],
        [`/api/v1/flows/executions/${target}/status`, {}],
      ];
      for (const [path, init] of requests) {
        const p = await expectProblem(await s.call(path, init), 404);
        // The same answer as for an id that does not exist: nothing leaks.
        const q = await expectProblem(await s.call(path.replace(target, unknown), init), 404);
        expect(p.detail.replace(target, '<id>')).toBe(q.detail.replace(unknown, '<id>'));
      }
    }
    // Nothing happened to them.
    expect((await executionOf(s, adminEsign.id, { key: s.adminKey })).status).toBe('Waiting');
  });

  it("is a 404 for the integrator on its document's metadata and content (both paths)", async () => {
    for (const path of [`/api/v1/documents/${adminDoc}`, `/api/v1/documents/${adminDoc}/content`, `/api/v1/documents/content/${adminDoc}`]) {
      await expectProblem(await s.call(path), 404);
    }
  });

  it('is visible to api-user (Super User, read:flowExecutions): execution, progress, document', async () => {
    const e = await executionOf(s, adminInvoice, { key: apiUserKey });
    expect(e.createdBy).toMatchObject({ displayName: 'Administrator' });
    expect((await json(await s.call(`/api/v1/flows/executions/${adminInvoice}/progress`, { key: apiUserKey }))).status).toBe('Success');
    expect((await json(await s.call(`/api/v1/documents/${adminDoc}`, { key: apiUserKey }))).id).toBe(adminDoc);
    await downloadPdf(s, adminDoc, 'Invoice.pdf', { key: apiUserKey });
    // And the integrator's own one too.
    expect((await executionOf(s, ownInvoice, { key: apiUserKey })).createdBy).toMatchObject({ displayName: 'Integrator' });
  });

  it('api-user may READ admin\'s executions but not continue or cancel them (403), and nothing changes', async () => {
    for (const [path, init] of [
      [`/api/v1/flows/executions/${adminEsign.id}/progress`, { method: 'POST', body: '{"approver":"x"}', headers: json200 }],
      [`/api/v1/flows/executions/${adminEsign.id}/progress`, { method: 'DELETE' }],
      [`/api/v1/flows/executions/${adminEsign.id}`, { method: 'DELETE' }],
    ] as Array<[string, RequestInit]>) {
      const p = await expectProblem(await s.call(path, { ...init, key: apiUserKey }), 403);
      expect(p.detail).toMatch(/may read execution .* but not/);
    }
    expect((await executionOf(s, adminEsign.id, { key: s.adminKey })).status).toBe('Waiting');
  });

  it("the integrator's own execution and document are visible to it", async () => {
    const e = await executionOf(s, ownInvoice);
    await downloadPdf(s, documentsOf(e).invoice.id, 'Invoice.pdf');
  });
});

describe('lists by rights', () => {
  it("the integrator's lists show only its own executions; api-user's and admin's show everyone's", async () => {
    const mine = await json<Execution[]>(await s.call('/api/v1/flows/executions'));
    expect(mine.map((e) => e.id)).toEqual([ownInvoice]);
    const mineInvoice = await json<Execution[]>(await s.call(`/api/v1/flows/${FLOW.invoice}/executions`));
    expect(mineInvoice.map((e) => e.id)).toEqual([ownInvoice]);
    const mineFiltered = await json<Execution[]>(await s.call('/api/v1/flows/executions/filter', {
      method: 'POST', body: JSON.stringify({ group: { type: 'and', nodes: [] } }), headers: json200,
    }));
    expect(mineFiltered).toHaveLength(1);

    for (const key of [apiUserKey, s.adminKey]) {
      const all = await json<Execution[]>(await s.call('/api/v1/flows/executions?sort=createdAt,asc', { key }));
      expect(all.map((e) => e.id)).toEqual([adminInvoice, adminEsign.id, ownInvoice]);
    }
  });

  it('no key or an unknown key is a 401', async () => {
    await expectProblem(await s.call('/api/v1/flows/executions', { key: null }), 401);
    await expectProblem(await s.call(`/api/v1/flows/executions/${ownInvoice}`, { key: 'not-a-valid-key-0000000000000000000000' }), 401);
    await expectProblem(await s.call(`/api/v1/flows/executions?flowId=${FLOW.invoice}`, { method: 'POST', key: null }), 401);
  });
});

describe('data objects by rights', () => {
  it('the input data object of an execution is as visible as the execution', async () => {
    const order = await startFlow(s, FLOW.order, {
      key: s.adminKey, body: '<order><customer>ACME</customer><amount>12</amount></order>', contentType: 'application/xml',
    });
    const e = await executionOf(s, order.id, { key: s.adminKey });
    const dataId = e.state.inputData!.id;
    expect(e.state.inputData).toMatchObject({ type: 'data' });
    await expectProblem(await s.call(`/api/v1/data/${dataId}`), 404);
    expect((await s.call(`/api/v1/data/${dataId}`, { method: 'HEAD' })).status).toBe(404);
    expect((await json(await s.call(`/api/v1/data/${dataId}`, { key: apiUserKey }))).id).toBe(dataId);
    // Changing and deleting need write:data / delete:data, which only administrators hold.
    await expectProblem(await s.call(`/api/v1/data/${dataId}`, { method: 'PUT', body: '{"displayName":"x"}', headers: json200, key: apiUserKey }), 403);
    await expectProblem(await s.call(`/api/v1/data/${dataId}`, { method: 'DELETE', key: apiUserKey }), 403);
  });

});
