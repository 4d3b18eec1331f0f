/**
 * HEAD where clients use it: the spec declares HEAD beside every binary download (document
 * content in both path forms, data content and preview, the flow thumbnail). Each answers its
 * GET's Content-Type, Content-Length (and Content-Disposition) without the bytes, with the GET's
 * errors as bare statuses; and Prism's validating proxy lets them through (it refuses an
 * undeclared method, which is why they are declared), Content-Length aside (Prism recomputes it).
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startFlowmock, type Flowmock } from '../../src/index.js';
import { startPrism, type PrismProcess } from '../support/prism.js';
import { documentIdOf } from '../../src/contract/scenario-kit.js';

const INVOICE_FLOW = '11111111-1111-4111-8111-111111111101';
const XML_FLOW = '11111111-1111-4111-8111-111111111102';
const XML = '<order><customer>ACME</customer><amount>120.50</amount></order>';

let fm: Flowmock;
let prism: PrismProcess;
let documentId: string;
let dataId: string;

async function runToEnd(flow: string, body?: string): Promise<Record<string, any>> { // eslint-disable-line @typescript-eslint/no-explicit-any
  const headers: Record<string, string> = { 'X-API-Key': fm.userKey, ...(body ? { 'Content-Type': 'application/xml' } : {}) };
  const started = await fetch(`${fm.url}/api/v1/flows/executions?flowId=${flow}`, { method: 'POST', headers, body });
  expect(started.status).toBe(200);
  const { id } = (await started.json()) as { id: string };
  for (;;) {
    const progress = await fetch(`${fm.url}/api/v1/flows/executions/${id}/progress?timeout=5`, { headers });
    const p = (await progress.json()) as { status: string };
    if (!['Queued', 'Running'].includes(p.status)) break;
  }
  return (await (await fetch(`${fm.url}/api/v1/flows/executions/${id}`, { headers })).json()) as Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any
}

beforeAll(async () => {
  fm = await startFlowmock();
  const invoice = await runToEnd(INVOICE_FLOW);
  documentId = documentIdOf(invoice.state.output.model) ?? '';
  expect(documentId).not.toBe('');
  const xml = await runToEnd(XML_FLOW, XML);
  dataId = xml.state.inputData?.id ?? xml.state.inputData;
  expect(typeof dataId).toBe('string');
  // Prism takes over 30 s to start on a loaded 2-core machine (the full suite runs beside it).
  prism = await startPrism(['proxy', 'generated/openapi.json', fm.url, '--errors'], 90_000);
}, 150_000);
afterAll(async () => {
  await prism?.stop();
  await fm?.close();
});

const paths = () => [
  { op: 'HeadDocumentContent', path: `/api/v1/documents/${documentId}/content`, headers: ['content-type', 'content-length', 'content-disposition'] },
  { op: 'HeadDocumentContentAlt', path: `/api/v1/documents/content/${documentId}`, headers: ['content-type', 'content-length', 'content-disposition'] },
  { op: 'HeadDataContent', path: `/api/v1/data/${dataId}/content`, headers: ['content-type', 'content-length'] },
  { op: 'HeadDataPreview', path: `/api/v1/data/${dataId}/preview`, headers: ['content-type', 'content-length'] },
  { op: 'HeadFlowThumbnail', path: `/api/v1/flows/${INVOICE_FLOW}/thumbnail`, headers: ['content-type', 'content-length'] },
];

describe('HEAD beside the binary downloads', () => {
  it('each answers its GET\'s headers, with a Content-Length equal to the GET\'s byte count, and no body', async () => {
    for (const { op, path, headers } of paths()) {
      const get = await fetch(`${fm.url}${path}`, { headers: { 'X-API-Key': fm.userKey } });
      const bytes = new Uint8Array(await get.arrayBuffer());
      const head = await fetch(`${fm.url}${path}`, { method: 'HEAD', headers: { 'X-API-Key': fm.userKey } });
      expect([op, get.status, head.status]).toEqual([op, 200, 200]);
      for (const h of headers) expect([op, h, head.headers.get(h)]).toEqual([op, h, get.headers.get(h)]);
      expect([op, Number(head.headers.get('content-length'))]).toEqual([op, bytes.length]);
      expect((await head.arrayBuffer()).byteLength).toBe(0);
    }
    // Dispatched to the declared operation, not the GET's.
    expect(await fm.journal.count({ method: 'HEAD', operationId: 'HeadDocumentContent' })).toBe(1);
    expect(await fm.journal.count({ method: 'HEAD', operationId: 'GetDocumentContent' })).toBe(0);
  });

  it('a HEAD error is the GET\'s status without a body: 401, 404, 406 (Accept)', async () => {
    const doc = `${fm.url}/api/v1/documents/${documentId}/content`;
    const none = await fetch(doc, { method: 'HEAD' });
    expect(none.status).toBe(401);
    const unknown = await fetch(`${fm.url}/api/v1/documents/00000000-0000-4000-8000-000000000000/content`, { method: 'HEAD', headers: { 'X-API-Key': fm.userKey } });
    expect(unknown.status).toBe(404);
    const html = await fetch(doc, { method: 'HEAD', headers: { 'X-API-Key': fm.userKey, Accept: 'text/html' } });
    expect(html.status).toBe(406);
    const docx = await fetch(doc, { method: 'HEAD', headers: { 'X-API-Key': fm.userKey, Accept: 'application/vnd.openxmlformats-officedocument.wordprocessingml.document' } });
    expect(docx.status).toBe(200);
    expect(docx.headers.get('content-type')).toBe('application/vnd.openxmlformats-officedocument.wordprocessingml.document');
    expect(docx.headers.get('content-disposition')).toMatch(/\.docx"/);
  });

  it('Prism\'s validating proxy forwards each declared HEAD and finds no violation', async () => {
    for (const { op, path, headers } of paths()) {
      const direct = await fetch(`${fm.url}${path}`, { method: 'HEAD', headers: { 'X-API-Key': fm.userKey } });
      const proxied = await fetch(`${prism.base}${path}`, { method: 'HEAD', headers: { 'X-API-Key': fm.userKey } });
      expect([op, proxied.status, proxied.headers.get('sl-violations')]).toEqual([op, 200, null]);
      for (const h of headers.filter((n) => n !== 'content-length')) expect([op, h, proxied.headers.get(h)]).toEqual([op, h, direct.headers.get(h)]);
      // Prism recomputes Content-Length from the empty body it forwards (src/contract/unreachable.ts,
      // PRISM_LIMITATIONS): a client behind the proxy sees 0, the server sent the GET's length.
      expect([op, proxied.headers.get('content-length'), Number(direct.headers.get('content-length')) > 0]).toEqual([op, '0', true]);
    }
    const unknown = await fetch(`${prism.base}/api/v1/data/00000000-0000-4000-8000-000000000000/content`, { method: 'HEAD', headers: { 'X-API-Key': fm.userKey } });
    expect([unknown.status, unknown.headers.get('sl-violations')]).toEqual([404, null]);
  });
});
