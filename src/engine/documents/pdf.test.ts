import { describe, expect, it } from 'vitest';
import { PDFArray, PDFDocument, PDFRawStream, decodePDFRawStream } from 'pdf-lib';
import { MAX_INPUT_LINES, MAX_VALUE_CHARS, renderExecutionPdf, type ExecutionPdfOptions } from './pdf.js';

const base: ExecutionPdfOptions = {
  title: 'Employment contract',
  flowName: 'HR onboarding',
  executionId: 'exec-7f3a9c21-0b4e',
  createdAt: '2024-05-01T12:34:56.000Z',
  body: 'This agreement is made between the parties named below.',
  inputValues: [
    { label: 'Employee name', value: 'Jane Doe' },
    { label: 'Start date', value: '2024-06-01' },
  ],
};

/**
 * pdf-lib cannot extract text, so decode each page's content streams and
 * collect the hex strings shown with Tj. WinAnsiEncoding is (near enough)
 * windows-1252: latin1 except 0x80-0x9F. Node's TextDecoder('windows-1252')
 * decodes that range as latin1 C1 controls, hence the explicit table.
 */
const CP1252_80_9F = '€\u0081‚ƒ„…†‡ˆ‰Š‹Œ\u008DŽ\u008F\u0090‘’“”•–—˜™š›œ\u009DžŸ';
const decodeWinAnsi = (bytes: Buffer) =>
  Array.from(bytes, (b) => (b >= 0x80 && b <= 0x9f ? CP1252_80_9F[b - 0x80] : String.fromCharCode(b))).join('');

function pageTexts(doc: PDFDocument): string[] {
  return doc.getPages().map((page) => {
    const contents = page.node.Contents();
    const streams =
      contents instanceof PDFArray
        ? contents.asArray().map((ref) => doc.context.lookup(ref))
        : [contents];
    const lines: string[] = [];
    for (const stream of streams) {
      if (!(stream instanceof PDFRawStream)) continue;
      const ops = Buffer.from(decodePDFRawStream(stream).decode()).toString('latin1');
      for (const m of ops.matchAll(/<([0-9A-Fa-f]*)>\s*Tj/g)) {
        lines.push(decodeWinAnsi(Buffer.from(m[1], 'hex')));
      }
    }
    return lines.join('\n');
  });
}

async function render(overrides: Partial<ExecutionPdfOptions> = {}) {
  const bytes = await renderExecutionPdf({ ...base, ...overrides });
  const doc = await PDFDocument.load(bytes, { updateMetadata: false });
  return { bytes, doc, text: pageTexts(doc).join('\n') };
}

describe('renderExecutionPdf', () => {
  it('produces a well-formed PDF that pdf-lib can open', async () => {
    const { bytes, doc } = await render();
    expect(Buffer.isBuffer(bytes)).toBe(true);
    expect(bytes.subarray(0, 5).toString('latin1')).toBe('%PDF-');
    expect(bytes.toString('latin1').trimEnd().endsWith('%%EOF')).toBe(true);
    expect(doc.getPageCount()).toBeGreaterThanOrEqual(1);
    const { width, height } = doc.getPage(0).getSize();
    expect(width).toBeCloseTo(595.28, 1);
    expect(height).toBeCloseTo(841.89, 1);
  });

  it('sets the document metadata', async () => {
    const { doc } = await render();
    expect(doc.getTitle()).toBe(base.title);
    expect(doc.getAuthor()).toBe('flowmock');
    expect(doc.getSubject()).toBe(base.flowName);
    expect(doc.getProducer()).toMatch(/flowmock/);
    expect(doc.getKeywords()).toContain(base.executionId);
    expect(doc.getCreationDate()?.toISOString()).toBe(base.createdAt);
    expect(doc.getModificationDate()?.toISOString()).toBe(base.createdAt);
  });

  it('prints the header, body and input values', async () => {
    const { text } = await render();
    expect(text).toContain(base.title);
    expect(text).toContain(base.flowName);
    expect(text).toContain(base.executionId);
    expect(text).toContain(base.createdAt);
    expect(text).toContain('This agreement is made');
    expect(text).toContain('Employee name');
    expect(text).toContain('Jane Doe');
  });

  it('starts a new line at each line break of the body (never prints it as "?")', async () => {
    const { text } = await render({ body: 'CRM letter\nEntity: account\r\nRecords: 3' });
    const lines = text.split('\n');
    expect(lines).toContain('CRM letter');
    expect(lines).toContain('Entity: account');
    expect(lines).toContain('Records: 3');
    expect(text).not.toContain('?');
  });

  it('wraps a long body onto more pages', async () => {
    const body = Array.from({ length: 400 }, (_, i) => `Sentence number ${i} of a rather long generated clause.`).join(' ');
    const { doc, text } = await render({ body });
    expect(doc.getPageCount()).toBeGreaterThan(1);
    expect(text).toContain('Sentence number 399');
    // Wrapped: no single drawn line holds anywhere near the whole body.
    const longest = Math.max(...text.split('\n').map((l) => l.length));
    expect(longest).toBeLessThan(150);
  });

  it('breaks a single over-long word instead of running off the page', async () => {
    const { text } = await render({ body: 'x'.repeat(1_000) });
    const xs = text.split('\n').filter((l) => /^x+$/.test(l));
    expect(xs.length).toBeGreaterThan(1);
    expect(xs.join('').length).toBe(1_000);
  });

  it('replaces characters the standard font cannot encode', async () => {
    const { doc, text } = await render({
      title: 'Rapport 📄 报告',
      body: 'Zeichen: äöü ß € — and a tab\there',
      inputValues: [{ label: 'Mood 😀', value: 'Happy 🎉 日本語 done' }],
    });
    expect(doc.getTitle()).toBe('Rapport 📄 报告'); // metadata is UTF-16, kept as is
    expect(text).toContain('Rapport ? ??');
    expect(text).toContain('Mood ?');
    expect(text).toContain('Happy ? ??? done');
    // Characters WinAnsi does have are kept.
    expect(text).toContain('Zeichen: äöü ß € — and a tab here');
  });

  it('caps each value at 2,000 characters', async () => {
    const value = 'y'.repeat(MAX_VALUE_CHARS + 5_000);
    const { text } = await render({ inputValues: [{ label: 'Huge', value }] });
    const ys = text.split('\n').filter((l) => /^y+…?$/.test(l)).join('');
    expect(ys).toBe('y'.repeat(MAX_VALUE_CHARS) + '…');
  });

  it('caps the input table at 500 lines and says how many were cut', async () => {
    const inputValues = Array.from({ length: 2_000 }, (_, i) => ({ label: `Field ${i}`, value: `value ${i}` }));
    const { bytes, text } = await render({ inputValues });
    expect(text).toContain(`Field ${MAX_INPUT_LINES - 1}`);
    expect(text).not.toContain(`Field ${MAX_INPUT_LINES}\n`);
    expect(text).toContain(`${2_000 - MAX_INPUT_LINES} more input values not shown`);
    expect(bytes.length).toBeLessThan(200_000);
  });

  it('keeps huge input bounded', async () => {
    const inputValues = Array.from({ length: 10_000 }, (_, i) => ({ label: `L${i}`, value: 'z '.repeat(50_000) }));
    const { bytes, doc } = await render({ inputValues });
    expect(bytes.length).toBeLessThan(1_000_000);
    expect(doc.getPageCount()).toBeLessThan(30);
  });

  it('is deterministic for the same input', async () => {
    const a = await renderExecutionPdf(base);
    const b = await renderExecutionPdf(base);
    expect(a.equals(b)).toBe(true);
    const c = await renderExecutionPdf({ ...base, executionId: 'exec-other' });
    expect(a.equals(c)).toBe(false);
  });

  it('does not throw on an unparsable createdAt', async () => {
    const { doc, text } = await render({ createdAt: 'not a date' });
    expect(doc.getCreationDate()?.getTime()).toBe(0);
    expect(text).toContain('Created: not a date');
  });
});
