/**
 * User input over HTTP with the approval flow: the UserInput progress (schema, form, model),
 * invalid form values (400 naming the field), valid values (resume, second stage, the PDF prints
 * them) and posting when the execution is not in UserInput (409). Speed 0: the flow stops by
 * itself at the form.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startServer, type TestServer } from '../support/server.js';
import { settled } from '../support/wait.js';
import {
  FLOW, STABLE, documentsOf, downloadPdf, executionOf, expectProblem, json, pollUntil, progressOf, startFlow, type Progress,
} from './helpers.js';

let s: TestServer;
beforeAll(async () => {
  s = await startServer({ speed: 0 });
});
afterAll(() => s?.close());

const postForm = (id: string, body: unknown, contentType = 'application/json') =>
  s.call(`/api/v1/flows/executions/${id}/progress`, {
    method: 'POST', body: typeof body === 'string' ? body : JSON.stringify(body), headers: { 'Content-Type': contentType },
  });

async function approvalInUserInput(): Promise<Progress> {
  const first = await startFlow(s, FLOW.approval);
  const seen = await pollUntil(s, first.id);
  expect(seen.at(-1)!.status).toBe('UserInput');
  return seen.at(-1)!;
}

describe('user input (approval flow)', () => {
  it('reaches UserInput with schema, form and model (defaults); the execution shows the form and waits', async () => {
    const p = await approvalInUserInput();
    expect(p).toMatchObject({ status: 'UserInput', message: 'Waiting for approval', percentage: 20 });
    expect(p.schema).toEqual({
      type: 'object',
      properties: {
        approver: { type: 'string', title: 'Approver', description: 'Name of the person approving' },
        approved: { type: 'boolean', title: 'Approved' },
        comment: { type: 'string', title: 'Comment' },
      },
      required: ['approver'],
    });
    expect(p.form).toEqual([
      { key: 'approver', title: 'Approver', type: 'string', description: 'Name of the person approving', required: true },
      { key: 'approved', title: 'Approved', type: 'boolean' },
      { key: 'comment', title: 'Comment', type: 'text' },
    ]);
    expect(p.model).toEqual({ approved: false });

    // A long-poll on UserInput answers at once: nothing happens until the client posts the form.
    // (Waiting would take its 120 s; the hang limit is far below.)
    expect((await settled('the long-poll on UserInput', progressOf(s, p.id, { timeout: 120 }))).status).toBe('UserInput');

    const e = await executionOf(s, p.id);
    expect(e.status).toBe('UserInput');
    expect(e.state.output).toMatchObject({ schema: p.schema, form: p.form });
    expect(e.state.waitingFor).toBe('userInput');
    expect(e.state.stages).toHaveLength(1);
    expect(e.state.stages![0].end).toBeNull();
    const approval = e.state.report![0].blocks.find((b) => b.id === 'approval')!;
    expect(approval).toMatchObject({ displayName: 'Approval', step: { status: 'UserInput' } });
    expect(approval.step!.end).toBeUndefined();
  });

  it('invalid values are a 400 problem naming the field pointer; the execution stays in UserInput', async () => {
    const { id } = await approvalInUserInput();
    const cases: Array<[unknown, string, string]> = [
      [{ approver: 42 }, '/approver', 'type'],                               // wrong type
      [{ approver: 'Jane', approved: 'yes' }, '/approved', 'type'],          // wrong type (boolean)
      [{ approver: 'Jane', approvr: 'typo' }, '/approvr', 'additionalProperties'], // unknown key
      [{ approved: true }, '/approver', 'required'],                         // missing required
      [{}, '/approver', 'required'],
    ];
    for (const [body, pointer, rule] of cases) {
      const problem = await expectProblem(await postForm(id, body), 400);
      expect(problem.errors, JSON.stringify(body)).toContainEqual(expect.objectContaining({ in: 'body', pointer, rule }));
      expect(problem.detail).toContain(pointer.slice(1));
    }
    // Several problems at once are all named.
    const both = await expectProblem(await postForm(id, { approved: 1, extra: true }), 400);
    expect(both.errors!.map((e) => e.pointer).sort()).toEqual(['/approved', '/approver', '/extra']);
    // Not an object (the spec's schema), not JSON (malformed), not JSON at all (media type).
    expect((await expectProblem(await postForm(id, ['Jane']), 400)).errors![0].in).toBe('body');
    await expectProblem(await postForm(id, '{"approver":'), 400);
    await expectProblem(await postForm(id, 'approver=Jane', 'application/x-www-form-urlencoded'), 415);

    const e = await executionOf(s, id);
    expect(e.status).toBe('UserInput');
    expect(e.state.stages).toHaveLength(1);
  });

  it('valid values resume it: Running, a second stage with the values as input, the PDF prints the approver', async () => {
    const { id } = await approvalInUserInput();
    const values = { approver: 'Jane Doe', approved: true, comment: 'Looks good' };
    const resumed = await json<Progress>(await postForm(id, values));
    expect(resumed).toMatchObject({ id, status: 'Running' });
    expect(resumed.percentage).toBeGreaterThanOrEqual(50);
    const seen = await pollUntil(s, id, { until: STABLE });
    expect(seen.at(-1)!.status).toBe('Success');

    const e = await executionOf(s, id);
    expect(e.status).toBe('Success');
    expect(e.modifiedBy).toMatchObject({ displayName: 'Integrator' });
    expect(e.state.stages).toHaveLength(2);
    const [first, second] = e.state.stages!;
    expect(first.end).not.toBeNull();
    expect(first.lastProgress).toMatchObject({ status: 'UserInput', message: 'Waiting for approval' });
    expect(second.input).toEqual(values);
    expect(Date.parse(second.start)).toBeGreaterThanOrEqual(Date.parse(first.end as string));
    expect(second.lastProgress!.status).toBe('Success');
    expect(e.state.output).not.toHaveProperty('form'); // the form is shown only while in UserInput
    expect(e.state.report![0].blocks.map((b) => [b.id, b.step?.status])).toEqual([
      ['prepare', 'Output'], ['approval', 'Output'], ['approvalDocument', 'Output'],
    ]);
    const doc = documentsOf(e).approvalDocument;
    expect(doc.displayName).toBe('Approval Jane Doe.pdf');
    const { text } = await downloadPdf(s, doc.id, 'Approval Jane Doe.pdf');
    expect(text).toContain('Approver: Jane Doe');
    expect(text).toContain('Approved: yes');
    expect(text).toContain('Comment: Looks good');
  });

  it('fields left out keep their defaults', async () => {
    const { id } = await approvalInUserInput();
    await json(await postForm(id, { approver: 'Sam' }));
    await pollUntil(s, id, { until: STABLE });
    const e = await executionOf(s, id);
    expect(e.status).toBe('Success');
    const { text } = await downloadPdf(s, documentsOf(e).approvalDocument.id, 'Approval Sam.pdf');
    expect(text).toContain('Approver: Sam');
    expect(text).toContain('Approved: no');
  });

  it('posting form values when the execution is not in UserInput is a 409 (finished, Waiting); unknown is 404', async () => {
    const { id } = await approvalInUserInput();
    await json(await postForm(id, { approver: 'Jane' }));
    await pollUntil(s, id, { until: STABLE });
    const again = await expectProblem(await postForm(id, { approver: 'Jane' }), 409);
    expect(again.detail).toMatch(/Success/);

    const esign = await startFlow(s, FLOW.esign);
    expect((await pollUntil(s, esign.id)).at(-1)!.status).toBe('Waiting');
    expect((await expectProblem(await postForm(esign.id, { approver: 'Jane' }), 409)).detail).toMatch(/Waiting/);

    await expectProblem(await postForm('00000000-0000-4000-8000-000000000000', { approver: 'Jane' }), 404);
  });
});
