/**
 * A server restart on the same SQLite file loses no execution: those that were Running (the slow
 * flow and an invoice mid-run, at speed 1) or Queued (a third start with maxConcurrent 2) come
 * back Interrupted with a message saying the server stopped; one in UserInput (approval) and one Waiting (esign) keep their status and can be
 * continued on the new server. The temp directory is removed afterwards.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { startServer, type TestServer } from '../support/server.js';
import {
  FLOW, STABLE, documentsOf, downloadPdf, executionOf, json, pollUntil, progressOf, startFlow, callbackOf, type Execution, type Progress,
} from './helpers.js';

let dir: string;
let first: TestServer | undefined;
let second: TestServer | undefined;
let key: string;
const ids = { approval: '', esign: '', slow: '', invoice: '', queued: '' };

beforeAll(async () => {
  dir = mkdtempSync(path.join(os.tmpdir(), 'flowmock-restart-'));
  const db = path.join(dir, 'flowmock.db');
  first = await startServer({ db, speed: 1, clock: 'virtual', maxConcurrent: 2 });
  key = first.integratorKey;
  const approval = await startFlow(first, FLOW.approval);
  const esign = await startFlow(first, FLOW.esign);
  ids.approval = approval.id;
  ids.esign = esign.id;
  await first.advance(800); // approval's first step (500 ms) and esign's document (800 ms) end
  expect((await pollUntil(first, approval.id)).at(-1)!.status).toBe('UserInput');
  expect((await pollUntil(first, esign.id)).at(-1)!.status).toBe('Waiting');
  ids.slow = (await startFlow(first, FLOW.slow)).id;
  ids.invoice = (await startFlow(first, FLOW.invoice)).id;
  const queued = await startFlow(first, FLOW.invoice);
  expect(queued.status).toBe('Queued');
  ids.queued = queued.id;
  await first.advance(200); // both are inside their first step (2500 ms and 800 ms)
  for (const id of [ids.slow, ids.invoice]) expect((await progressOf(first, id, { timeout: 0 })).status).toBe('Running');
  await first.close();
  first = undefined;
  second = await startServer({ db, speed: 0 });
});

afterAll(async () => {
  await first?.close();
  await second?.close();
  if (dir) rmSync(dir, { recursive: true, force: true });
});

describe('restart on the same SQLite file', () => {
  it('start-up reports the two Running and one Queued executions it interrupted; none is lost', async () => {
    expect(second!.fm.recovered.executions).toBe(3);
    const all = await json<Execution[]>(await second!.call('/api/v1/flows/executions', { key }));
    expect(all.map((e) => e.id).sort()).toEqual(Object.values(ids).sort());
  });

  it('the Running and Queued ones are Interrupted with a message saying the server stopped, their records closed', async () => {
    for (const id of [ids.slow, ids.invoice]) {
      const p = await progressOf(second!, id, { key });
      expect(p.status).toBe('Interrupted');
      expect(p.message).toMatch(/server stopped/);
      const e = await executionOf(second!, id, { key });
      expect(e.status).toBe('Interrupted');
      expect(e.state.stages!.at(-1)!.end).not.toBeNull();
      expect(e.state.stages!.at(-1)!.lastProgress!.status).toBe('Interrupted');
      const open = e.state.report![0].blocks.at(-1)!;
      expect(open.step).toMatchObject({ status: 'Error', output: { message: expect.stringMatching(/server stopped/) } });
      expect(e.state.errors).toEqual([{ error: 'FlowInterrupted', message: expect.stringMatching(/server stopped/) }]);
      expect(e.state.output!.model).toEqual({});
    }
    const q = await executionOf(second!, ids.queued, { key });
    expect(q.status).toBe('Interrupted');
    expect((await progressOf(second!, ids.queued, { key })).message).toMatch(/server stopped while the execution was Queued/);
    expect(q.state.report).toEqual([]); // it never ran
    // Stable: nothing runs on in the new server (its clock is real and its speed 0: a leftover runner would have ended it).
    await second!.fm.services.flows.activity.whenIdle();
    expect((await executionOf(second!, ids.invoice, { key })).status).toBe('Interrupted');
  });

  it('the UserInput one is still UserInput with its form and can be continued to Success', async () => {
    const p = await progressOf(second!, ids.approval, { key });
    expect(p).toMatchObject({ status: 'UserInput', message: 'Waiting for approval', model: { approved: false } });
    expect(p.form!.map((f) => f.key)).toEqual(['approver', 'approved', 'comment']);
    const resumed = await json<Progress>(await second!.call(`/api/v1/flows/executions/${ids.approval}/progress`, {
      method: 'POST', key, body: JSON.stringify({ approver: 'After Restart', approved: true }), headers: { 'Content-Type': 'application/json' },
    }));
    expect(resumed.status).toBe('Running');
    expect((await pollUntil(second!, ids.approval, { until: STABLE, key })).at(-1)!.status).toBe('Success');
    const e = await executionOf(second!, ids.approval, { key });
    expect(e.state.stages).toHaveLength(2);
    const { text } = await downloadPdf(second!, documentsOf(e).approvalDocument.id, 'Approval After Restart.pdf', { key });
    expect(text).toContain('Approver: After Restart');
  });

  it('the Waiting one is still Waiting on the same callback id and resumes on the callback', async () => {
    const e = await executionOf(second!, ids.esign, { key });
    expect(e.status).toBe('Waiting');
    const { callbackId } = callbackOf(e);
    const res = await second!.call(`/api/v1/flows/callback/${callbackId}?executionId=${ids.esign}`, { method: 'POST', key });
    expect(res.status).toBe(200);
    expect((await pollUntil(second!, ids.esign, { until: STABLE, key })).at(-1)!.status).toBe('Success');
    await downloadPdf(second!, documentsOf(await executionOf(second!, ids.esign, { key })).contract.id, 'Contract.pdf', { key });
  });
});
