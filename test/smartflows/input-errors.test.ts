/**
 * Start requests that must be refused, and how: unknown or missing flowId, bodies that do not fit
 * the flow's input kind, unsafe or broken XML, oversized bodies, unsupported media types. A
 * refused start creates no execution, and hostile XML leaves the server responsive.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startServer, type TestServer } from '../support/server.js';
import { settled } from '../support/wait.js';
import { FLOW, STABLE, expectProblem, json, pollUntil, startFlow, } from './helpers.js';

let s: TestServer;
beforeAll(async () => {
  s = await startServer({ speed: 0 });
});
afterAll(() => s?.close());

const post = (query: string, body?: string, contentType?: string) =>
  s.call(`/api/v1/flows/executions${query}`, { method: 'POST', body, headers: contentType ? { 'Content-Type': contentType } : {} });

const ORDER = `?flowId=${FLOW.order}`;

async function executionCount(): Promise<number> {
  const res = await s.call('/api/v1/flows/executions?size=1');
  await json(res);
  return Number(res.headers.get('x-total-count'));
}

describe('refused starts', () => {
  let before: number;
  beforeAll(async () => {
    before = await executionCount();
  });

  it('an unknown flowId is a 404', async () => {
    const p = await expectProblem(await post('?flowId=99999999-9999-4999-8999-999999999999'), 404);
    expect(p.detail).toContain('99999999-9999-4999-8999-999999999999');
    await expectProblem(await s.call('/api/v1/flows/executions/start?flow=99999999-9999-4999-8999-999999999999', { method: 'POST' }), 404);
    await expectProblem(await s.call('/api/v1/flows/executions/start?flow=No%20such%20flow', { method: 'POST' }), 404);
  });

  it('StartFlow without flow is a 400 naming /flow', async () => {
    const q = await expectProblem(await s.call('/api/v1/flows/executions/start', { method: 'POST' }), 400);
    expect(q.errors).toContainEqual(expect.objectContaining({ in: 'query', pointer: '/flow', rule: 'required' }));
  });

  it('a flowId that names no flow is a 404', async () => {
    await expectProblem(await post('?flowId=invoice'), 404);
  });

  it('JSON sent to the XML flow is a 400 (the spec: "JSON or XML the flow does not take") saying the flow takes XML', async () => {
    // Plug-in JSON (valid as such): the flow's input kind decides.
    const res = await post(ORDER, JSON.stringify({ id: ['r-1'], entity: 'account' }), 'application/json');
    const p = await expectProblem(res, 400);
    expect(p.detail).toMatch(/takes an XML document .*root element <order>/);
    expect(p.errors).toEqual([expect.objectContaining({ in: 'body', rule: 'mediaType' })]);
  });

  it('any JSON sent to the XML flow is a 400 naming the media-type rule first, not the plug-in schema (/id, /entity)', async () => {
    // Shaped like the order, malformed, or sent to /start: the flow's media types are the first rule.
    for (const [path, body] of [
      [`/api/v1/flows/executions${ORDER}`, JSON.stringify({ order: { customer: 'ACME', amount: 1500 } })],
      [`/api/v1/flows/executions${ORDER}`, '{"order": '],
      [`/api/v1/flows/executions/start?flow=${FLOW.order}`, JSON.stringify({ order: { customer: 'ACME', amount: 1500 } })],
    ]) {
      const res = await s.call(path, { method: 'POST', body, headers: { 'Content-Type': 'application/json' } });
      const p = await expectProblem(res, 400);
      expect(p.errors, body).toEqual([{ in: 'body', pointer: '', rule: 'mediaType', message: p.detail }]);
      expect(p.detail).toMatch(/^The media type application\/json is not accepted\. This flow takes an XML document \(application\/xml or text\/xml\)/);
    }
  });

  it('JSON that is not plug-in input, sent to a flow that takes no body, is a 400 saying the flow takes none (not /id, /entity)', async () => {
    const p = await expectProblem(await post(`?flowId=${FLOW.invoice}`, '{"anything": 1}', 'application/json'), 400);
    expect(p.errors).toEqual([expect.objectContaining({ in: 'body', pointer: '', rule: 'noBody' })]);
    expect(p.detail).toMatch(/takes no input/);
  });

  it('malformed XML is a 400 saying where', async () => {
    const p = await expectProblem(await post(ORDER, '<order><customer>ACME</customer><amount>1500</order>', 'application/xml'), 400);
    expect(p.errors).toEqual([expect.objectContaining({ in: 'body', rule: 'wellFormed' })]);
    expect(p.detail).toMatch(/not well formed at line \d+, column \d+/);
  });

  it('XML with a DOCTYPE (billion laughs) is a 400 and the server stays responsive', async () => {
    const lol = ['<?xml version="1.0"?>', '<!DOCTYPE lolz [', ' <!ENTITY lol "lol">',
      ...Array.from({ length: 9 }, (_, i) => ` <!ENTITY lol${i + 1} "${`&lol${i || ''};`.repeat(10)}">`),
      ']>', '<order><customer>&lol9;</customer><amount>1</amount></order>'].join('\n');
    // Expanding it would take gigabytes: an answer at all (within the hang limit) shows it was refused unexpanded.
    const p = await expectProblem(await settled('the DOCTYPE answer', post(ORDER, lol, 'application/xml')), 400);
    expect(p.errors).toEqual([expect.objectContaining({ in: 'body', rule: 'noDtd' })]);
    expect(p.detail).toMatch(/DOCTYPE/);
    // Still answering, and still running flows.
    const ok = await startFlow(s, FLOW.order, { body: '<order><customer>ACME</customer><amount>5</amount></order>', contentType: 'application/xml' });
    expect((await pollUntil(s, ok.id, { until: STABLE })).at(-1)!.status).toBe('Success');
  });

  it('XML with an external entity (SYSTEM "file:///etc/passwd") is a 400 and nothing of the file comes back', async () => {
    const xxe = '<?xml version="1.0"?>\n<!DOCTYPE order [ <!ENTITY xxe SYSTEM "file:///etc/passwd"> ]>\n<order><customer>&xxe;</customer><amount>1</amount></order>';
    const res = await post(ORDER, xxe, 'text/xml');
    const text = await res.clone().text();
    expect(text).not.toMatch(/root:/);
    const p = await expectProblem(res, 400);
    expect(p.errors).toEqual([expect.objectContaining({ rule: 'noDtd' })]);
    expect((await s.call('/api/v1/flows')).status).toBe(200);
  });

  it('a missing required element is a 400 naming it; a wrong root element too', async () => {
    const p = await expectProblem(await post(ORDER, '<order><customer>ACME</customer></order>', 'application/xml'), 400);
    expect(p.errors).toEqual([expect.objectContaining({ in: 'body', pointer: '/order/amount', rule: 'requiredElement' })]);
    expect(p.detail).toContain('<order>/<amount>');
    const root = await expectProblem(await post(ORDER, '<invoice><customer>A</customer><amount>1</amount></invoice>', 'application/xml'), 400);
    expect(root.errors).toEqual([expect.objectContaining({ pointer: '/invoice', rule: 'rootElement' })]);
    expect(root.detail).toContain('expected <order>');
    const empty = await expectProblem(await post(ORDER), 400);
    expect(empty.detail).toMatch(/no body/);
  });

  it('a body sent to a flow that takes none is a 400 (JSON or XML)', async () => {
    const inv = `?flowId=${FLOW.invoice}`;
    const json1 = await expectProblem(await post(inv, JSON.stringify({ id: ['r-1'], entity: 'account' }), 'application/json'), 400);
    expect(json1.errors).toEqual([expect.objectContaining({ rule: 'noBody' })]);
    expect(json1.detail).toMatch(/takes no input/);
    await expectProblem(await post(inv, '<order/>', 'application/xml'), 400);
  });

  it('plug-in input: missing entity or ids is a 400 naming the field; XML to the plug-in flow is refused saying it takes JSON', async () => {
    const crm = `?flowId=${FLOW.crm}`;
    const noEntity = await expectProblem(await post(crm, JSON.stringify({ id: ['r-1'] }), 'application/json'), 400);
    expect(noEntity.errors).toContainEqual(expect.objectContaining({ in: 'body', pointer: '/entity' }));
    const emptyIds = await expectProblem(await post(crm, JSON.stringify({ id: [], entity: 'account' }), 'application/json'), 400);
    expect(emptyIds.errors).toContainEqual(expect.objectContaining({ pointer: '/id' }));
    await expectProblem(await post(crm, '{"id": [', 'application/json'), 400);
    const xml = await expectProblem(await post(crm, '<order/>', 'application/xml'), 400);
    expect(xml.detail).toMatch(/takes plug-in JSON/);
  });

  it('a body over 1 MiB is a 413', async () => {
    const big = `<order><customer>${'A'.repeat(1024 * 1024)}</customer><amount>1</amount></order>`;
    const p = await expectProblem(await post(ORDER, big, 'application/xml'), 413);
    expect(p.detail).toMatch(/limit/);
  });

  it('text/csv is a 415 listing the accepted media types', async () => {
    const p = await expectProblem(await post(ORDER, 'customer,amount\nACME,1500\n', 'text/csv'), 415);
    expect(p.detail).toMatch(/application\/xml/);
  });

  it('none of the refused starts created an execution', async () => {
    // One successful start (the responsiveness check above) is the only new execution.
    expect(await executionCount()).toBe(before + 1);
  });
});
