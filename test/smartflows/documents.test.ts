/**
 * Documents as the vendor publishes them: a flow whose document step says `format: docx` produces
 * a real DOCX (a valid OOXML zip whose XML parses, `unzip -t` clean where unzip exists); a client
 * that accepts only DOCX gets a PDF document as DOCX; CreateDocument renders PDF or DOCX from
 * DocGenSettings, stores it when asked, and answers a 400 naming the field for what flowmock
 * cannot generate; lists show a user only its own documents.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { copyFileSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { execFileSync } from 'node:child_process';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { inflateRawSync } from 'node:zlib';
import { startServer, type TestServer } from '../support/server.js';
import { problemOf } from '../support/problem.js';
import { json, pollUntil, startFlow, executionOf, documentsOf } from './helpers.js';

const DOCX = 'application/vnd.openxmlformats-officedocument.wordprocessingml.document';

/** The entries of a ZIP file, read through its central directory. */
function unzipEntries(buf: Buffer): Map<string, Buffer> {
  const eocd = buf.lastIndexOf(Buffer.from([0x50, 0x4b, 0x05, 0x06]));
  expect(eocd).toBeGreaterThan(0);
  const count = buf.readUInt16LE(eocd + 10);
  let at = buf.readUInt32LE(eocd + 16);
  const out = new Map<string, Buffer>();
  for (let i = 0; i < count; i++) {
    expect(buf.readUInt32LE(at)).toBe(0x02014b50);
    const method = buf.readUInt16LE(at + 10);
    const packed = buf.readUInt32LE(at + 20);
    const nameLen = buf.readUInt16LE(at + 28);
    const extra = buf.readUInt16LE(at + 30) + buf.readUInt16LE(at + 32);
    const local = buf.readUInt32LE(at + 42);
    const name = buf.subarray(at + 46, at + 46 + nameLen).toString('utf8');
    const dataAt = local + 30 + buf.readUInt16LE(local + 26) + buf.readUInt16LE(local + 28);
    const raw = buf.subarray(dataAt, dataAt + packed);
    out.set(name, method === 8 ? inflateRawSync(raw) : Buffer.from(raw));
    at += 46 + nameLen + extra;
  }
  return out;
}

/** Checks the bytes are a Word document: the OOXML parts, well-formed enough to hold `text`. */
function expectDocx(bytes: Buffer, text: string): void {
  const entries = unzipEntries(bytes);
  expect([...entries.keys()]).toEqual(expect.arrayContaining(['[Content_Types].xml', '_rels/.rels', 'word/document.xml']));
  const doc = entries.get('word/document.xml')!.toString('utf8');
  expect(doc).toMatch(/^<\?xml[^>]*\?>\s*<w:document [^>]*>.*<\/w:document>$/s);
  expect(doc).toContain(text);
  expect(entries.get('[Content_Types].xml')!.toString()).toContain('wordprocessingml.document.main+xml');
  let hasUnzip = true;
  try { execFileSync('unzip', ['-v'], { stdio: 'ignore' }); } catch { hasUnzip = false; }
  if (hasUnzip) {
    const file = path.join(dir, `check-${Math.random().toString(36).slice(2)}.docx`);
    writeFileSync(file, bytes);
    expect(execFileSync('unzip', ['-t', file]).toString()).toMatch(/No errors detected/);
  }
}

let s: TestServer;
let dir: string;
beforeAll(async () => {
  dir = mkdtempSync(path.join(tmpdir(), 'flowmock-docs-'));
  copyFileSync('flows/invoice.yaml', path.join(dir, 'invoice.yaml'));
  writeFileSync(path.join(dir, 'letter.yaml'), `kind: flow
id: 11111111-1111-4111-8111-1111111119d1
displayName: Word letter
input:
  kind: none
steps:
  - id: letter
    type: document
    message: Write the letter
    percentage: 100
    format: docx
    fileName: Letter.docx
    template: |
      Dear customer & friend,
      this letter is a Word file.
`);
  s = await startServer({ flowsDir: dir });
});
afterAll(async () => {
  await s.close();
  rmSync(dir, { recursive: true, force: true });
});

async function runToDocument(flowId: string): Promise<string> {
  const first = await startFlow(s, flowId);
  const seen = await pollUntil(s, first.id);
  expect(seen.at(-1)!.status).toBe('Success');
  return Object.values(documentsOf(await executionOf(s, first.id)))[0].id;
}

describe('DOCX from a flow', () => {
  it('a document step with format: docx produces a real DOCX, and GetDocument says so', async () => {
    const id = await runToDocument('11111111-1111-4111-8111-1111111119d1');
    const meta = await json(await s.call(`/api/v1/documents/${id}`));
    expect(meta).toMatchObject({ id, displayName: 'Letter.docx', contentType: DOCX, usage: 'flowExecutionOutput', finished: true,
      origin: { id: '11111111-1111-4111-8111-1111111119d1', displayName: 'Word letter', type: 'flow' }, flowExecution: { status: 'Success' } });
    const res = await s.call(`/api/v1/documents/${id}/content`);
    expect(res.headers.get('content-type')).toBe(DOCX);
    expectDocx(Buffer.from(await res.arrayBuffer()), 'Dear customer &amp; friend,');
  });

  it('Accept picks the format: a PDF document served as DOCX, and as PDF; neither is a 406', async () => {
    const id = await runToDocument('11111111-1111-4111-8111-111111111101');
    const meta = await json(await s.call(`/api/v1/documents/${id}`));
    expect(meta).toMatchObject({ contentType: 'application/pdf', templateId: { id: 'invoice', type: 'template' }, language: { id: 'en', type: 'language' } });
    const asDocx = await s.call(`/api/v1/documents/${id}/content`, { headers: { Accept: DOCX } });
    expect(asDocx.status).toBe(200);
    expect(asDocx.headers.get('content-type')).toBe(DOCX);
    expect(asDocx.headers.get('content-disposition')).toContain('Invoice.docx');
    expectDocx(Buffer.from(await asDocx.arrayBuffer()), 'Thank you for your order.');
    const asPdf = await s.call(`/api/v1/documents/content/${id}`, { headers: { Accept: `application/pdf, ${DOCX};q=0.5` } });
    expect(asPdf.headers.get('content-type')).toBe('application/pdf');
    expect(Buffer.from(await asPdf.arrayBuffer()).subarray(0, 5).toString()).toBe('%PDF-');
    const neither = await s.call(`/api/v1/documents/${id}/content`, { headers: { Accept: 'text/html' } });
    expect(neither.status).toBe(406);
    expect((await problemOf(neither)).detail).toContain('text/html');
  });
});

describe('CreateDocument', () => {
  const post = (body: unknown, key?: string) => s.call('/api/v1/documents', { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body), key });
  const data = [{ displayName: 'Customer', content: Buffer.from('<customer><name>Ann</name></customer>').toString('base64') }];

  it('returns a PDF by default, stores a DOCX when asked, and lists only the creator\'s documents', async () => {
    const [pdf] = await json(await post({ template: { type: 'standard', displayName: 'Quote' }, datas: data }));
    expect(pdf.properties).toEqual({ contentType: 'application/pdf', pageCount: 1 });
    expect(pdf.content.entity).toBeUndefined();
    expect(Buffer.from(pdf.content.data, 'base64').subarray(0, 5).toString()).toBe('%PDF-');

    const [docx] = await json(await post({ templateRef: { id: 'welcome' }, language: 'nl', datas: data, result: { content: 'storeAndReturnContent', format: 'ooxml', ooxml: { format: 'docx' } } }));
    expect(docx).toMatchObject({ displayName: 'welcome.docx', properties: { contentType: DOCX }, content: { entity: { type: 'document' } } });
    expectDocx(Buffer.from(docx.content.data, 'base64'), 'Ann');
    const id = docx.content.entity.id;
    expect(docx.content.link).toBe(`/api/v1/documents/${id}/content`);
    expect(await json(await s.call(`/api/v1/documents/${id}`))).toMatchObject({ usage: 'userCreated', language: { id: 'nl' }, templateId: { id: 'welcome' } });

    const mine = await json(await s.call('/api/v1/documents?filter=usage:userCreated'));
    expect(mine.map((d: { id: string }) => d.id)).toEqual([id]);
    const filtered = await json(await s.call('/api/v1/documents/filter?size=5', { method: 'POST', headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ group: { type: 'and', nodes: [{ condition: { key: 'contentType', operator: 'equalTo', values: [DOCX] } }] } }) }));
    expect(filtered.map((d: { id: string }) => d.id)).toContain(id);
    // An administrator (read:flowExecutions) sees every document.
    const adminList = await json(await s.call('/api/v1/documents?size=100', { key: s.adminKey }));
    expect(adminList.map((d: { id: string }) => d.id)).toContain(id);
  });

  it('what flowmock cannot generate is a 400 naming the field', async () => {
    const pointer = async (body: unknown) => (await problemOf(await post(body))).errors![0].pointer;
    expect(await pointer({ templateRef: { id: 't' }, result: { format: 'html' } })).toBe('/result/format');
    expect(await pointer({ templateRef: { id: 't' }, result: { format: 'ooxml', ooxml: { format: 'dotx' } } })).toBe('/result/ooxml/format');
    expect(await pointer({ templateRef: { id: 't' }, dataRefs: [{ id: 'd1' }] })).toBe('/dataRefs');
    expect(await pointer({ datas: data })).toBe('/templateRef');
    expect(await pointer({ templateRef: { id: 't' }, result: { format: 'pdf', content: 'everything' } })).toBe('/result/content');
  });
});
