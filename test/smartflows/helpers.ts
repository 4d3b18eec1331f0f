/**
 * Shared helpers of the Smart Flows HTTP tests: the demo flow ids, long-polling until a stable
 * status, downloading and checking a document's PDF, reading the text a PDF shows.
 */
import { expect } from 'vitest';
import { PDFArray, PDFDocument, PDFRawStream, decodePDFRawStream } from 'pdf-lib';
import type { TestServer } from '../support/server.js';
import type { components } from '../../generated/openapi-types.js';

export type Progress = components['schemas']['FlowExecutionProgress'];
export type Execution = components['schemas']['FlowExecution'];
export type DocumentMeta = components['schemas']['Document'];

export { FLOW } from '../support/demo-flows.js';
export { expectProblem } from '../support/problem.js';

export const STABLE = ['Success', 'Warning', 'Error', 'Interrupted', 'Canceled'];
/** Statuses a long-poll answers at once for: nothing happens without a client. */
export const SETTLED = [...STABLE, 'UserInput', 'Waiting', 'SelectFlow'];

type Key = { key?: string | null };

/** JSON of a response with the expected status; on a mismatch the body is in the message. */
export async function json<T = any>(res: Response, status = 200): Promise<T> {
  const text = await res.text();
  if (res.status !== status) throw new Error(`expected ${status}, got ${res.status}: ${text}`);
  return JSON.parse(text) as T;
}

export interface StartOptions extends Key {
  body?: string;
  contentType?: string;
  /** StartFlow (POST /flows/executions/start?flow=..., user input skipped) instead of ExecuteFlow. */
  skipUserInput?: boolean;
}

/**
 * POST /api/v1/flows/executions?flowId=...; returns the first progress (expects 200). With
 * skipUserInput, StartFlow (which answers a FlowExecution) and then the progress at once.
 */
export async function startFlow(s: TestServer, flowId: string, opts: StartOptions = {}): Promise<Progress> {
  const headers: Record<string, string> = {};
  if (opts.contentType) headers['Content-Type'] = opts.contentType;
  if (opts.skipUserInput) {
    const res = await s.call(`/api/v1/flows/executions/start?flow=${encodeURIComponent(flowId)}`, { method: 'POST', body: opts.body, headers, key: opts.key });
    const e = await json<Execution>(res);
    return progressOf(s, e.id, { key: opts.key, timeout: 0 });
  }
  const res = await s.call(`/api/v1/flows/executions?flowId=${flowId}`, { method: 'POST', body: opts.body, headers, key: opts.key });
  return json<Progress>(res);
}

/** The callback an execution in Waiting waits on, from `state.waitingFor` (the callback URL). */
export function callbackOf(e: Execution): { callbackId: string; callbackUrl: string } {
  const url = e.state.waitingFor;
  const m = typeof url === 'string' ? /^\/api\/v1\/flows\/callback\/([^?]+)\?/.exec(url) : null;
  if (!m) throw new Error(`execution ${e.id} waits for no callback: waitingFor = ${JSON.stringify(url)}`);
  return { callbackId: decodeURIComponent(m[1]), callbackUrl: url! };
}

/** GET .../progress?timeout=5 once. */
export async function progressOf(s: TestServer, id: string, opts: Key & { timeout?: number } = {}): Promise<Progress> {
  const res = await s.call(`/api/v1/flows/executions/${id}/progress?timeout=${opts.timeout ?? 5}`, { key: opts.key });
  return json<Progress>(res);
}

/**
 * Long-polls until the status is one of `until` (default: any settled status: stable, UserInput,
 * Waiting); returns every progress seen, in order. Fails after `maxPolls` answers.
 */
export async function pollUntil(s: TestServer, id: string, opts: Key & { until?: string[]; maxPolls?: number } = {}): Promise<Progress[]> {
  const until = opts.until ?? SETTLED;
  const seen: Progress[] = [];
  for (let i = 0; i < (opts.maxPolls ?? 200); i++) {
    const p = await progressOf(s, id, opts);
    seen.push(p);
    if (until.includes(p.status)) return seen;
  }
  throw new Error(`execution ${id} did not reach ${until.join('/')}; last: ${JSON.stringify(seen.at(-1))}`);
}

export async function executionOf(s: TestServer, id: string, opts: Key = {}): Promise<Execution> {
  return json<Execution>(await s.call(`/api/v1/flows/executions/${id}`, { key: opts.key }));
}

/** The document references in `state.output.model`, by block key. */
export function documentsOf(e: Execution): Record<string, { id: string; displayName: string; type: string }> {
  const out: Record<string, { id: string; displayName: string; type: string }> = {};
  for (const [block, v] of Object.entries(e.state.output?.model ?? {})) {
    const doc = (v as { document?: { id: string; displayName: string; type: string } })?.document;
    if (doc) out[block] = doc;
  }
  return out;
}

/**
 * Downloads a document from both content paths and checks each answer: 200, application/pdf,
 * `%PDF`, Content-Length = bytes, Content-Disposition naming the file, opens with pdf-lib, and
 * both paths give the same bytes. Returns the bytes and the text the PDF shows, with every run
 * of whitespace (line breaks from word wrap included) as one space.
 */
export async function downloadPdf(s: TestServer, documentId: string, fileName: string, opts: Key = {}): Promise<{ bytes: Buffer; text: string }> {
  const bodies: Buffer[] = [];
  for (const path of [`/api/v1/documents/${documentId}/content`, `/api/v1/documents/content/${documentId}`]) {
    const res = await s.call(path, { key: opts.key });
    const bytes = Buffer.from(await res.arrayBuffer());
    expect(res.status, `${path}: ${bytes.toString('utf8').slice(0, 300)}`).toBe(200);
    expect(res.headers.get('content-type')).toMatch(/^application\/pdf/);
    expect(bytes.subarray(0, 4).toString('latin1')).toBe('%PDF');
    expect(Number(res.headers.get('content-length'))).toBe(bytes.length);
    const disposition = res.headers.get('content-disposition') ?? '';
    expect(disposition).toMatch(/^attachment;/);
    expect(disposition).toContain(`filename="${fileName.replace(/[^\x20-\x7e]|["\\]/g, '_')}"`);
    expect(disposition).toContain(`filename*=UTF-8''${encodeURIComponent(fileName)}`);
    bodies.push(bytes);
  }
  expect(bodies[1].equals(bodies[0]), 'both content paths give the same bytes').toBe(true);
  const doc = await PDFDocument.load(bodies[0], { updateMetadata: false });
  expect(doc.getPageCount()).toBeGreaterThanOrEqual(1);
  return { bytes: bodies[0], text: pdfText(doc).replace(/\s+/g, ' ') };
}

export async function documentMeta(s: TestServer, documentId: string, opts: Key = {}): Promise<DocumentMeta> {
  return json<DocumentMeta>(await s.call(`/api/v1/documents/${documentId}`, { key: opts.key }));
}

// WinAnsiEncoding is windows-1252: latin1 except 0x80-0x9F.
const CP1252_80_9F = '€\u0081‚ƒ„…†‡ˆ‰Š‹Œ\u008DŽ\u008F\u0090‘’“”•–—˜™š›œ\u009DžŸ';
const decodeWinAnsi = (bytes: Buffer) =>
  Array.from(bytes, (b) => (b >= 0x80 && b <= 0x9f ? CP1252_80_9F[b - 0x80] : String.fromCharCode(b))).join('');

/** The lines a flowmock PDF shows (hex strings of its Tj operators), one per line. */
export function pdfText(doc: PDFDocument): string {
  const lines: string[] = [];
  for (const page of doc.getPages()) {
    const contents = page.node.Contents();
    const streams = contents instanceof PDFArray ? contents.asArray().map((ref) => doc.context.lookup(ref)) : [contents];
    for (const stream of streams) {
      if (!(stream instanceof PDFRawStream)) continue;
      const ops = Buffer.from(decodePDFRawStream(stream).decode()).toString('latin1');
      for (const m of ops.matchAll(/<([0-9A-Fa-f]*)>\s*Tj/g)) lines.push(decodeWinAnsi(Buffer.from(m[1], 'hex')));
    }
  }
  return lines.join('\n');
}

/** Percentages of a sequence of progress answers never decrease. */
export function expectNonDecreasing(seen: Progress[]): void {
  for (let i = 1; i < seen.length; i++) {
    expect(seen[i].percentage, `poll ${i}: ${JSON.stringify(seen.map((p) => p.percentage))}`).toBeGreaterThanOrEqual(seen[i - 1].percentage);
  }
}
