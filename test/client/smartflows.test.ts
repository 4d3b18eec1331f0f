/**
 * `createSmartFlowsClient`: runFlow and downloadDocument against the reference server (speed 0),
 * one test per outcome a caller must handle: Success with a PDF, XML and plug-in input, user
 * input answered through onUserInput (and refused clearly without it), Error and Warning
 * returned as results, Waiting resumed by a callback, and a bearer-token client.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { PDFDocument } from 'pdf-lib';
import { startServer, type TestServer } from '../support/server.js';
import { sleep } from '../support/wait.js';
import { pdfText } from '../smartflows/helpers.js';
import { hashPassword } from '../../src/auth/secrets.js';
import {
  UserInputRequiredError, createSmartFlowsClient, unwrap, type FlowExecutionProgress, type SmartFlowsClient,
} from '../../src/client/index.js';
import { FLOW, failOnUnhandledRejections, rejectionOf, smartFlows } from './support.js';

failOnUnhandledRejections();

let s: TestServer;
let sf: SmartFlowsClient;
beforeAll(async () => {
  s = await startServer({ speed: 0 });
  sf = smartFlows(s);
});
afterAll(() => s?.close());

async function textOf(bytes: Uint8Array): Promise<string> {
  return pdfText(await PDFDocument.load(bytes, { updateMetadata: false })).replace(/\s+/g, ' ');
}

describe('runFlow', () => {
  it('runs the invoice flow (no input) to Success, reporting progress in order, and lists its one PDF, which downloadDocument fetches with type and file name', async () => {
    const seen: FlowExecutionProgress[] = [];
    const run = await sf.runFlow(FLOW.invoice, undefined, { onProgress: (p) => seen.push(p) });

    expect(run.status).toBe('Success');
    expect(run.execution).toMatchObject({ id: run.id, status: 'Success', flow: { id: FLOW.invoice, displayName: 'Invoice' } });
    expect(run.progress).toMatchObject({ id: run.id, status: 'Success', percentage: 100 });
    expect(seen[0]).toMatchObject({ id: run.id, percentage: 0 });
    expect(seen.at(-1)).toEqual(run.progress);
    const percentages = seen.map((p) => p.percentage);
    expect(percentages).toEqual([...percentages].sort((a, b) => a - b));

    expect(run.documents).toEqual([{ id: expect.any(String), displayName: 'Invoice.pdf', key: 'invoice' }]);
    const doc = await sf.downloadDocument(run.documents[0].id);
    expect(doc.contentType).toMatch(/^application\/pdf/);
    expect(doc.fileName).toBe('Invoice.pdf');
    expect(doc.bytes).toBeInstanceOf(Uint8Array);
    expect(Buffer.from(doc.bytes.subarray(0, 5)).toString('latin1')).toBe('%PDF-');
    expect(await textOf(doc.bytes)).toContain('Invoice');
  });

  it('sends a string as application/xml: the order flow reads the customer from the XML', async () => {
    const run = await sf.runFlow(FLOW.order, '<order><customer>ACME</customer><amount>120.50</amount></order>');
    expect(run.status).toBe('Success');
    // The input is stored as a Data object: the reference, then the bytes as sent.
    const ref = run.execution.state.inputData!;
    expect(ref).toMatchObject({ type: 'data' });
    const data = await unwrap(sf.api.GET('/api/v1/data/{dataId}', { params: { path: { dataId: ref.id } } }));
    expect(data).toMatchObject({ contentType: 'application/xml', value: { content: '<order><customer>ACME</customer><amount>120.50</amount></order>' } });
    const doc = await sf.downloadDocument(run.documents[0].id);
    expect(doc.fileName).toBe('Order confirmation ACME.pdf');
    expect(await textOf(doc.bytes)).toContain('Customer: ACME');
  });

  it('sends an object as plug-in JSON: the CRM letter lists the record ids', async () => {
    const run = await sf.runFlow(FLOW.crm, { id: ['rec-1', 'rec-2'], entity: 'account', userId: 'u-7' });
    expect(run.status).toBe('Success');
    const data = await unwrap(sf.api.GET('/api/v1/data/{dataId}', { params: { path: { dataId: run.execution.state.inputData!.id } } }));
    expect(data.value?.content).toEqual({ id: ['rec-1', 'rec-2'], entity: 'account', userId: 'u-7' });
    const doc = await sf.downloadDocument(run.documents[0].id);
    expect(doc.fileName).toBe('CRM letter account.pdf');
    expect(await textOf(doc.bytes)).toContain('Records: rec-1, rec-2');
  });

  it('answers a UserInput step through onUserInput (which gets schema, form and defaults); the answer reaches the PDF', async () => {
    const asked: FlowExecutionProgress[] = [];
    const run = await sf.runFlow(FLOW.approval, undefined, {
      onUserInput: (p) => {
        asked.push(p);
        return { approver: 'Jane Doe', approved: true, comment: 'Looks right' };
      },
    });
    expect(asked).toHaveLength(1);
    expect(asked[0]).toMatchObject({ status: 'UserInput', model: { approved: false } });
    expect(asked[0].form?.map((f) => f.key)).toEqual(['approver', 'approved', 'comment']);

    expect(run.status).toBe('Success');
    expect(run.execution.state.stages).toHaveLength(2); // the form opened a second stage
    expect(run.documents).toHaveLength(1);
    const doc = await sf.downloadDocument(run.documents[0].id);
    expect(doc.fileName).toBe('Approval Jane Doe.pdf');
    expect(await textOf(doc.bytes)).toContain('Approver: Jane Doe');
  });

  it('accepts an async onUserInput', async () => {
    const run = await sf.runFlow(FLOW.approval, undefined, {
      onUserInput: async () => {
        await new Promise((r) => setImmediate(r)); // answered on a later turn: a real async callback
        return { approver: 'Async Approver' };
      },
    });
    expect(run.status).toBe('Success');
    expect(run.documents[0].displayName).toBe('Approval Async Approver.pdf');
  });

  it('without onUserInput, rejects with UserInputRequiredError naming the execution and the form fields (the execution stays in UserInput)', async () => {
    const err = await rejectionOf(sf.runFlow(FLOW.approval));
    expect(err).toBeInstanceOf(UserInputRequiredError);
    const e = err as UserInputRequiredError;
    expect(e.message).toMatch(/waiting for user input.*fields: approver, approved, comment.*no onUserInput/);
    expect(e.progress.status).toBe('UserInput');
    const exec = await unwrap(sf.api.GET('/api/v1/flows/executions/{execution}', { params: { path: { execution: e.executionId } } }));
    expect(exec.status).toBe('UserInput');
  });

  it('skipUserInput starts with StartFlow (/flows/executions/start?flow=): the form is skipped with its defaults, no onUserInput needed', async () => {
    const run = await sf.runFlow(FLOW.approval, undefined, { skipUserInput: true });
    expect(run.status).toBe('Success');
    expect(run.documents).toHaveLength(1);
  });

  it('returns (does not throw) a flow that ends in Error, with its message and no documents', async () => {
    const run = await sf.runFlow(FLOW.error);
    expect(run.status).toBe('Error');
    expect(run.execution.status).toBe('Error');
    expect(run.progress.message).toContain('could not be reached');
    expect(run.documents).toEqual([]);
  });

  it('returns a Warning flow with the document it produced before the failing step', async () => {
    const run = await sf.runFlow(FLOW.warning);
    expect(run.status).toBe('Warning');
    expect(run.documents.map((d) => d.displayName)).toEqual(['Report.pdf']);
    const doc = await sf.downloadDocument(run.documents[0].id);
    expect(Buffer.from(doc.bytes.subarray(0, 4)).toString('latin1')).toBe('%PDF');
  });

  it('keeps following a Waiting execution (backing off) until a callback resumes it, then returns Success', async () => {
    let callbackPosted: Promise<unknown> | undefined;
    const waitingSeen: number[] = [];
    const run = await sf.runFlow(FLOW.esign, undefined, {
      onProgress: (p) => {
        if (p.status !== 'Waiting' || callbackPosted) return;
        waitingSeen.push(Date.now());
        // The e-signing service calls back a little later, outside runFlow.
        callbackPosted = (async () => {
          // The service calls back later; runFlow meanwhile keeps polling the Waiting execution (its
          // back-off is client time, real, with no hook to wait on).
          await sleep(300);
          const exec = await unwrap(sf.api.GET('/api/v1/flows/executions/{execution}', { params: { path: { execution: p.id } } }));
          // waitingFor is the callback URL: /api/v1/flows/callback/<callbackId>?executionId=<id>
          const callbackId = /\/callback\/([^?]+)/.exec(exec.state.waitingFor ?? '')?.[1] ?? '';
          return unwrap(sf.api.POST('/api/v1/flows/callback/{callbackId}', {
            params: { path: { callbackId }, query: { executionId: p.id } },
            body: { signed: true },
            parseAs: 'text',
          }));
        })();
      },
    });
    await callbackPosted;
    expect(waitingSeen).toHaveLength(1);
    expect(run.status).toBe('Success');
    expect(run.documents.map((d) => d.displayName)).toEqual(['Contract.pdf']);
    expect(run.execution.state.stages).toHaveLength(2);
  });

  it('works with a login JWT (bearerToken) instead of an API key', async () => {
    const user = (await s.fm.services.store.users.byUsername('integrator'))!;
    await s.fm.services.store.users.setPassword(user.id, hashPassword('correct horse battery'));
    const anon = createSmartFlowsClient({ baseUrl: s.base, apiKey: 'unused' });
    const login = await unwrap(anon.api.POST('/api/v1/authenticate/login', {
      body: { username: 'integrator', password: 'correct horse battery' },
    }));
    const viaJwt = createSmartFlowsClient({ baseUrl: s.base, bearerToken: login.tokens![0].token! });
    expect(login.user?.userName).toBe('integrator');
    const run = await viaJwt.runFlow(FLOW.invoice);
    expect(run.status).toBe('Success');
    expect(run.execution.createdBy).toMatchObject({ displayName: expect.any(String) });
  });
});
