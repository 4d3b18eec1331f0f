/**
 * Callbacks (esign flow Waiting for an e-signature), cancelling (both documented forms) and
 * "no document before the execution has ended". Speed 0: the flows stop by themselves in
 * Waiting or UserInput, which are the live states exercised here.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startServer, type TestServer } from '../support/server.js';
import { settled } from '../support/wait.js';
import {
  FLOW, STABLE, callbackOf, documentsOf, downloadPdf, executionOf, expectProblem, json, pollUntil, progressOf, startFlow, type Progress,
} from './helpers.js';

let s: TestServer;
beforeAll(async () => {
  s = await startServer({ speed: 0 });
});
afterAll(() => s?.close());

async function esignWaiting(): Promise<{ id: string; callbackId: string; callbackUrl: string }> {
  const first = await startFlow(s, FLOW.esign);
  expect((await pollUntil(s, first.id)).at(-1)!.status).toBe('Waiting');
  const e = await executionOf(s, first.id);
  return { id: first.id, ...callbackOf(e) };
}

const callback = (callbackId: string, executionId: string, body?: unknown) =>
  s.call(`/api/v1/flows/callback/${encodeURIComponent(callbackId)}?executionId=${encodeURIComponent(executionId)}`, {
    method: 'POST',
    ...(body === undefined ? {} : { body: JSON.stringify(body), headers: { 'Content-Type': 'application/json' } }),
  });

describe('callback (esign flow)', () => {
  it('reaches Waiting with state.waitingFor.callbackId and callbackUrl; a long-poll answers at once', async () => {
    const { id, callbackId, callbackUrl } = await esignWaiting();
    expect(callbackId).toMatch(/^[0-9a-f-]{36}$/);
    expect(callbackUrl).toBe(`/api/v1/flows/callback/${callbackId}?executionId=${id}`);
    // Waiting would take the poll's 120 s; the hang limit is far below.
    const p = await settled('the long-poll on Waiting', progressOf(s, id, { timeout: 120 }));
    expect(p).toMatchObject({ status: 'Waiting', message: 'Waiting for e-signature' });
    expect(p).not.toHaveProperty('form');
  });

  it('POST /flows/callback/{callbackId}?executionId=... resumes it to Success (a new stage with the callback data)', async () => {
    const { id, callbackUrl } = await esignWaiting();
    // The callbackUrl the execution shows is directly usable.
    const resumed = await s.call(callbackUrl, {
      method: 'POST', body: JSON.stringify({ signed: true, signer: 'jane.doe@example.com' }), headers: { 'Content-Type': 'application/json' },
    });
    expect(resumed.status).toBe(200);
    expect(await resumed.text()).toBe('Running');
    expect((await pollUntil(s, id, { until: STABLE })).at(-1)!.status).toBe('Success');
    const e = await executionOf(s, id);
    expect(e.state.stages).toHaveLength(2);
    expect(e.state.stages![1].input).toEqual({ signed: true, signer: 'jane.doe@example.com' });
    expect(e.state.waitingFor).toBeNull();
    await downloadPdf(s, documentsOf(e).contract.id, 'Contract.pdf');
  });

  it('a callback without a body resumes it too', async () => {
    const { id, callbackId } = await esignWaiting();
    expect((await callback(callbackId, id)).status).toBe(200);
    expect((await pollUntil(s, id, { until: STABLE })).at(-1)!.status).toBe('Success');
    expect((await executionOf(s, id)).state.stages![1].input).toBeNull();
  });

  it('a wrong callback id is a 404 telling nothing (the call needs no credentials), and the execution keeps waiting', async () => {
    const { id, callbackId } = await esignWaiting();
    const problem = await expectProblem(await callback('not-the-callback-id', id, { signed: true }), 404);
    const unknown = await expectProblem(await callback('not-the-callback-id', '00000000-0000-4000-8000-000000000000', { signed: true }), 404);
    expect(problem.detail).toBe(unknown.detail);
    const e = await executionOf(s, id);
    expect(e.status).toBe('Waiting');
    expect(callbackOf(e).callbackId).toBe(callbackId);
  });

  it('a callback for an execution that is not Waiting, or an unknown one, is a 404', async () => {
    const { id, callbackId } = await esignWaiting();
    expect((await callback(callbackId, id)).status).toBe(200);
    await pollUntil(s, id, { until: STABLE });
    await expectProblem(await callback(callbackId, id), 404);

    const approval = await startFlow(s, FLOW.approval);
    expect((await pollUntil(s, approval.id)).at(-1)!.status).toBe('UserInput');
    await expectProblem(await callback(callbackId, approval.id), 404);

    await expectProblem(await callback(callbackId, '00000000-0000-4000-8000-000000000000'), 404);
    // Nobody waits on this callback any more: without executionId it is unknown.
    await expectProblem(await s.call(`/api/v1/flows/callback/${callbackId}`, { method: 'POST', key: null }), 404);
  });

  it('PostFlowCallback needs no credentials and no executionId (the vendor\'s definition); body and answer are text', async () => {
    const { id, callbackId } = await esignWaiting();
    const handled = await s.call(`/api/v1/flows/callback/${callbackId}`, { key: null });
    expect(await json(handled)).toEqual({ callbackId, handled: true });
    const res = await s.call(`/api/v1/flows/callback/${callbackId}`, {
      method: 'POST', key: null, body: 'signed by jane', headers: { 'Content-Type': 'text/plain' },
    });
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toMatch(/^text\/plain/);
    expect(await res.text()).toBe('Running');
    expect((await pollUntil(s, id, { until: STABLE })).at(-1)!.status).toBe('Success');
    expect((await executionOf(s, id)).state.stages![1].input).toBe('signed by jane');
    expect(await json(await s.call(`/api/v1/flows/callback/${callbackId}?executionId=${id}`, { key: null }))).toEqual({ callbackId, handled: false });
  });
});

describe('documents are not served before the execution has ended', () => {
  it('the contract of an esign execution still Waiting: 409 problem+json on both content paths, never bytes', async () => {
    const { id, callbackId } = await esignWaiting();
    const docId = documentsOf(await executionOf(s, id)).contract.id;
    for (const path of [`/api/v1/documents/${docId}/content`, `/api/v1/documents/content/${docId}`]) {
      const res = await s.call(path);
      const text = await res.clone().text();
      expect(text.startsWith('%PDF')).toBe(false);
      const problem = await expectProblem(res, 409);
      expect(problem.detail).toMatch(/Waiting/);
    }
    // After the callback and the end of the execution, the same document downloads.
    await callback(callbackId, id);
    await pollUntil(s, id, { until: STABLE });
    await downloadPdf(s, docId, 'Contract.pdf');
  });

  it('an unknown document is a 404 for metadata and content', async () => {
    await expectProblem(await s.call('/api/v1/documents/00000000-0000-4000-8000-000000000000'), 404);
    await expectProblem(await s.call('/api/v1/documents/00000000-0000-4000-8000-000000000000/content'), 404);
    await expectProblem(await s.call('/api/v1/documents/content/00000000-0000-4000-8000-000000000000'), 404);
  });
});

describe('cancel', () => {
  it('DELETE .../progress on a live execution (UserInput) → 200 Canceled; the record is closed', async () => {
    const approval = await startFlow(s, FLOW.approval);
    expect((await pollUntil(s, approval.id)).at(-1)!.status).toBe('UserInput');
    const res = await s.call(`/api/v1/flows/executions/${approval.id}/progress`, { method: 'DELETE' });
    const p = await json<Progress>(res);
    expect(p).toMatchObject({ id: approval.id, status: 'Canceled', message: 'Canceled by integrator' });
    expect((await progressOf(s, approval.id)).status).toBe('Canceled');
    const e = await executionOf(s, approval.id);
    expect(e.status).toBe('Canceled');
    expect(e.state.waitingFor).toBeNull();
    expect(e.state.stages!.at(-1)!.end).not.toBeNull();
    expect(e.state.report![0].blocks.every((b) => b.step?.end)).toBe(true);
    // A canceled form cannot be posted any more.
    await expectProblem(await s.call(`/api/v1/flows/executions/${approval.id}/progress`, {
      method: 'POST', body: '{"approver":"Jane"}', headers: { 'Content-Type': 'application/json' },
    }), 409);
  });

  it('DELETE /flows/executions/{id} on a live execution (Waiting) → 200 Canceled; its callback is then a 404', async () => {
    const { id, callbackId } = await esignWaiting();
    const p = await json<Progress>(await s.call(`/api/v1/flows/executions/${id}`, { method: 'DELETE' }));
    expect(p).toMatchObject({ id, status: 'Canceled' });
    expect((await executionOf(s, id)).status).toBe('Canceled');
    await expectProblem(await callback(callbackId, id), 404);
  });

  it('cancelling a stable execution is a 409 with either form; an unknown one is a 404', async () => {
    const inv = await startFlow(s, FLOW.invoice);
    expect((await pollUntil(s, inv.id, { until: STABLE })).at(-1)!.status).toBe('Success');
    for (const path of [`/api/v1/flows/executions/${inv.id}/progress`, `/api/v1/flows/executions/${inv.id}`]) {
      const problem = await expectProblem(await s.call(path, { method: 'DELETE' }), 409);
      expect(problem.detail).toMatch(/Success/);
    }
    expect((await executionOf(s, inv.id)).status).toBe('Success');

    const canceled = await startFlow(s, FLOW.approval);
    await pollUntil(s, canceled.id);
    expect((await s.call(`/api/v1/flows/executions/${canceled.id}`, { method: 'DELETE' })).status).toBe(200);
    await expectProblem(await s.call(`/api/v1/flows/executions/${canceled.id}/progress`, { method: 'DELETE' }), 409);

    await expectProblem(await s.call('/api/v1/flows/executions/00000000-0000-4000-8000-000000000000', { method: 'DELETE' }), 404);
    await expectProblem(await s.call('/api/v1/flows/executions/00000000-0000-4000-8000-000000000000/progress', { method: 'DELETE' }), 404);
  });
});
