/**
 * A key borrows its user's rights: an execution started with admin's key is invisible (404, as if
 * it did not exist) to the integrator key (User: read:ownFlowExecutions) on every operation that
 * names it, and visible to api-user (Super User: read:flowExecutions). Lists show the integrator
 * only its own executions.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startServer, type TestServer } from '../support/server.js';
import {
  FLOW, STABLE, documentsOf, downloadPdf, executionOf, expectProblem, json, pollUntil, startFlow, type ExecutionPage,
} from './helpers.js';

let s: TestServer;
let apiUserKey: string;
let adminInvoice: string;
let adminDoc: string;
let adminEsign: { id: string; callbackId: string };
let ownInvoice: string;

beforeAll(async () => {
  s = await startServer({ speed: 0 });
  const apiUser = s.fm.services.store.users.byUsername('api-user')!;
  apiUserKey = s.fm.services.credentials.createApiKey(apiUser.id, 'test').key;

  const inv = await startFlow(s, FLOW.invoice, { key: s.adminKey });
  await pollUntil(s, inv.id, { until: STABLE, key: s.adminKey });
  adminInvoice = inv.id;
  adminDoc = documentsOf(await executionOf(s, inv.id, { key: s.adminKey })).invoice.id;

  const es = await startFlow(s, FLOW.esign, { key: s.adminKey });
  await pollUntil(s, es.id, { key: s.adminKey });
  const w = (await executionOf(s, es.id, { key: s.adminKey })).state.waitingFor as { callbackId: string };
  adminEsign = { id: es.id, callbackId: w.callbackId };

  const own = await startFlow(s, FLOW.invoice);
  await pollUntil(s, own.id, { until: STABLE });
  ownInvoice = own.id;
});
afterAll(() => s?.close());

const json200 = { 'Content-Type': 'application/json' };

describe("another user's execution", () => {
  it('is a 404 for the integrator on GET, progress (GET and POST), cancel (both forms) and callback, like an unknown id', async () => {
    const unknown = '00000000-0000-4000-8000-000000000000';
    for (const target of [adminInvoice, adminEsign.id]) {
      const requests: Array<[string, RequestInit]> = [
        [`/api/v1/flows/executions/${target}`, {}],
        [`/api/v1/flows/executions/${target}/progress?timeout=0`, {}],
        [`/api/v1/flows/executions/${target}/progress`, { method: 'POST', body: '{"approver":"x"}', headers: json200 }],
        [`/api/v1/flows/executions/${target}/progress`, { method: 'DELETE' }],
        [`/api/v1/flows/executions/${target}`, { method: 'DELETE' }],
        [`/api/v1/flows/callback/${adminEsign.callbackId}?executionId=${target}`, { method: 'POST' }],
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

  it("the integrator's own execution and document are visible to it", async () => {
    const e = await executionOf(s, ownInvoice);
    await downloadPdf(s, documentsOf(e).invoice.id, 'Invoice.pdf');
  });
});

describe('lists by rights', () => {
  it("the integrator's lists show only its own executions; api-user's and admin's show everyone's", async () => {
    const mine = await json<ExecutionPage>(await s.call('/api/v1/flows/executions'));
    expect(mine.content.map((e) => e.id)).toEqual([ownInvoice]);
    const mineInvoice = await json<ExecutionPage>(await s.call(`/api/v1/flows/${FLOW.invoice}/executions`));
    expect(mineInvoice.content.map((e) => e.id)).toEqual([ownInvoice]);
    const mineFiltered = await json<ExecutionPage>(await s.call('/api/v1/flows/executions/filter', {
      method: 'POST', body: JSON.stringify({ group: { type: 'and', nodes: [] } }), headers: json200,
    }));
    expect(mineFiltered.totalElements).toBe(1);

    for (const key of [apiUserKey, s.adminKey]) {
      const all = await json<ExecutionPage>(await s.call('/api/v1/flows/executions?sort=createdAt,asc', { key }));
      expect(all.content.map((e) => e.id)).toEqual([adminInvoice, adminEsign.id, ownInvoice]);
    }
  });

  it('no key or an unknown key is a 401', async () => {
    await expectProblem(await s.call('/api/v1/flows/executions', { key: null }), 401);
    await expectProblem(await s.call(`/api/v1/flows/executions/${ownInvoice}`, { key: 'not-a-valid-key-0000000000000000000000' }), 401);
    await expectProblem(await s.call(`/api/v1/flows/executions?flowId=${FLOW.invoice}`, { method: 'POST', key: null }), 401);
  });
});
