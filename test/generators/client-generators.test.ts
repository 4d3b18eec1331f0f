/**
 * The client-generator matrix: generated/openapi.json through four TypeScript client generators
 * (recipes.ts). For each: the client is generated into a temporary folder, it and its driver
 * (drivers/<id>.ts, written against that generator's client) typecheck with tsc (strict), and
 * the driver runs two sequences against one reference server started here (loopback, stopped
 * after): Smart Flows flow-to-PDF (ExecuteFlow with an X-API-Key, long-poll the progress to
 * Success, GetFlowExecution, GetDocumentContent starting `%PDF-`) and a PhixFlow trigger (token
 * auth, `data.Customers` in the envelope), and an XML start (each driver's `xmlStart`: ExecuteFlow and
 * StartFlow for the Order confirmation flow with an `application/xml` body through the generated
 * client, by the recipe that generator needs, and the same string through the generated call
 * without the recipe). The server side is read back here: each execution keeps the XML, byte for
 * byte, as its input Data object (`application/xml`), the ExecuteFlow one runs to Success with the
 * customer read from the XML, and the call without the recipe is a 4xx problem. openapi-typescript
 * + openapi-fetch (flowmock/client's base, no generation step: generated/openapi-types.ts) runs the
 * XML start too (openapi-fetch-xml.ts), and flowmock/client's runFlow with an XML string.
 * What a generator cannot do is asserted as such (openapi-typescript-codegen's binary download),
 * never skipped.
 *
 * Generation and tsc run once per generator, all four at once, in beforeAll.
 */
import { spawn } from 'node:child_process';
import { copyFile, mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startFlowmock, type Flowmock } from '../../src/index.js';
import { createSmartFlowsClient } from '../../src/client/index.js';
import { CLIENT_TSCONFIG, RECIPES, binPath, type GeneratorRecipe } from './recipes.js';
import { ORDER_FLOW, isStable, type FlowToPdfResult, type Target, type TriggerResult, type XmlStartResult } from './drivers/sequence.js';
import { xmlStart as openapiFetchXmlStart } from './openapi-fetch-xml.js';

const here = path.dirname(fileURLToPath(import.meta.url));
const root = path.resolve(here, '..', '..');
const SPEC = path.join(root, 'generated', 'openapi.json');

interface Driver {
  flowToPdf(t: Target): Promise<FlowToPdfResult>;
  phixflowTrigger(t: Target): Promise<TriggerResult>;
  xmlStart(t: Target, xml: string): Promise<XmlStartResult>;
}

interface Prepared { dir: string; generate: Run; tsc?: Run }
interface Run { code: number | null; output: string; ms: number }

function run(cmd: string, args: string[], cwd: string): Promise<Run> {
  const t0 = Date.now();
  return new Promise((resolve) => {
    const child = spawn(cmd, args, { cwd, stdio: ['ignore', 'pipe', 'pipe'], env: { ...process.env, NO_COLOR: '1', FORCE_COLOR: '0' } });
    let output = '';
    child.stdout.on('data', (d) => { output += d; });
    child.stderr.on('data', (d) => { output += d; });
    child.on('close', (code) => resolve({ code, output, ms: Date.now() - t0 }));
  });
}

async function prepare(base: string, r: GeneratorRecipe): Promise<Prepared> {
  const dir = path.join(base, r.id);
  await mkdir(dir, { recursive: true });
  for (const [name, content] of Object.entries(r.files(SPEC, dir))) await writeFile(path.join(dir, name), content);
  for (const name of [...r.copies, 'sequence.ts']) await copyFile(path.join(here, 'drivers', name), path.join(dir, name));
  await copyFile(path.join(here, 'drivers', `${r.id}.ts`), path.join(dir, 'driver.ts'));
  await writeFile(path.join(dir, 'tsconfig.json'), JSON.stringify(CLIENT_TSCONFIG, null, 2));
  const generate = await run(process.execPath, [binPath(r.pkg, r.bin), ...r.args(SPEC, dir)], dir);
  if (generate.code !== 0) return { dir, generate };
  const tsc = await run(process.execPath, [path.join(root, 'node_modules', 'typescript', 'bin', 'tsc'), '-p', dir], dir);
  return { dir, generate, tsc };
}

let fm: Flowmock;
let target: Target;
let base: string;
const prepared = new Map<string, Prepared>();
const passed: string[] = [];

beforeAll(async () => {
  base = await mkdtemp(path.join(tmpdir(), 'flowmock-generators-'));
  const [server] = await Promise.all([
    startFlowmock(),
    ...RECIPES.map(async (r) => { prepared.set(r.id, await prepare(base, r)); }),
  ]);
  fm = server;
  target = { baseUrl: fm.url, apiKey: fm.userKey, phixflowToken: fm.phixflowToken };
}, 600_000);

afterAll(async () => {
  await fm?.close();
  if (base) await rm(base, { recursive: true, force: true });
  const sequences = ['flow-to-pdf', 'phixflow-trigger', 'xml-start'];
  const total = RECIPES.length * sequences.length + 2;
  const mark = (name: string) => (passed.includes(name) ? 'passed' : 'FAILED');
  console.log(`client-generator matrix: ${passed.length}/${total} generator x sequence passed\n${
    RECIPES.map((r) => {
      const p = prepared.get(r.id);
      return `  ${r.id}: generate ${p?.generate.ms ?? '-'} ms, tsc ${p?.tsc?.ms ?? '-'} ms; ${sequences.map((s) => `${s} ${mark(`${r.id} ${s}`)}`).join(', ')}`;
    }).join('\n')}\n  openapi-fetch: xml-start ${mark('openapi-fetch xml-start')}; flowmock/client runFlow: xml-start ${mark('flowmock-client xml-start')}`);
});

const PDF_MAGIC = [0x25, 0x50, 0x44, 0x46, 0x2d]; // %PDF-

/** The order XML a client sends (the customer names the client, so each run's input is its own). */
const orderXml = (customer: string) => `<order><customer>${customer}</customer><amount>120.50</amount></order>`;

interface StoredInput { flowId?: string; usage?: string; contentType?: string; value?: { content?: unknown; contentType?: string }; bytes: string }

/** What the server keeps as an execution's input: its Data object (`state.inputData`) and the Data's content. */
async function storedInput(executionId: string): Promise<StoredInput> {
  const headers = { 'X-API-Key': fm.userKey };
  const execution = await (await fetch(`${fm.url}/api/v1/flows/executions/${executionId}`, { headers })).json() as {
    flow?: { id?: string }; state: { inputData?: { id: string } };
  };
  expect(execution.state.inputData, `execution ${executionId} has no input data`).toBeDefined();
  const dataId = execution.state.inputData!.id;
  const data = await (await fetch(`${fm.url}/api/v1/data/${dataId}`, { headers })).json() as Omit<StoredInput, 'bytes' | 'flowId'>;
  const bytes = await (await fetch(`${fm.url}/api/v1/data/${dataId}/content`, { headers })).text();
  return { flowId: execution.flow?.id, usage: data.usage, contentType: data.contentType, value: data.value, bytes };
}

/** Long-polls the execution (plain fetch) to a stable status; answers it and its output model as JSON text. */
async function runToStable(executionId: string): Promise<{ status: string; output: string }> {
  const headers = { 'X-API-Key': fm.userKey };
  let status = '';
  for (let polls = 0; !isStable(status) && polls < 40; polls++) {
    status = ((await (await fetch(`${fm.url}/api/v1/flows/executions/${executionId}/progress?timeout=5`, { headers })).json()) as { status: string }).status;
  }
  const execution = await (await fetch(`${fm.url}/api/v1/flows/executions/${executionId}`, { headers })).json() as { status: string; state: { output?: unknown } };
  return { status: execution.status, output: JSON.stringify(execution.state.output ?? null) };
}

/**
 * The server received XML: both executions keep the string, unchanged, as an application/xml
 * input of the order flow; the ExecuteFlow one ran on it (the customer is in the PDF's name); and
 * the call without the recipe was refused with a problem (400 rule mediaType for a JSON-encoded
 * string, 415 for a body without Content-Type, which fetch sends as text/plain).
 */
async function expectXmlReceived(client: string, res: XmlStartResult, xml: string, refusedWith: 400 | 415): Promise<void> {
  expect([res.executeFlow.status, res.startFlow.status].every((s) => ['Running', 'Queued'].includes(s)), JSON.stringify(res)).toBe(true);
  for (const id of [res.executeFlow.executionId, res.startFlow.executionId]) {
    const input = await storedInput(id);
    expect(input).toMatchObject({
      flowId: ORDER_FLOW, usage: 'flowExecutionInput', contentType: 'application/xml', value: { content: xml, contentType: 'application/xml' },
    });
    expect(input.bytes).toBe(xml);
  }
  const run = await runToStable(res.executeFlow.executionId);
  expect(run.status).toBe('Success');
  expect(run.output).toContain(`Order confirmation ${client}.pdf`);
  expect(res.withoutRecipe.httpStatus).toBe(refusedWith);
  expect(res.withoutRecipe.problem.status).toBe(refusedWith);
  if (refusedWith === 400) expect(res.withoutRecipe.problem.errors?.map((e) => e.rule)).toEqual(['mediaType']);
  else expect(res.withoutRecipe.problem.title).toBe('Unsupported media type');
}

describe.each(RECIPES)('client generator $id ($pkg)', (r) => {
  const driver = async (): Promise<Driver> => {
    const p = prepared.get(r.id)!;
    expect(p.generate.code, `${r.id} did not generate:\n${p.generate.output}`).toBe(0);
    expect(p.tsc?.code, `${r.id}: the client or its driver does not typecheck:\n${p.tsc?.output}`).toBe(0);
    return (await import(pathToFileURL(path.join(p.dir, 'driver.ts')).href)) as Driver;
  };

  it('generates a client that typechecks (strict) with its driver', () => {
    const p = prepared.get(r.id)!;
    expect(p.generate.code, p.generate.output).toBe(0);
    expect(p.tsc?.code, p.tsc?.output).toBe(0);
  });

  it('flow to PDF: ExecuteFlow, long-poll the progress, GetFlowExecution, download the PDF', async () => {
    const d = await driver();
    const res = await d.flowToPdf(target);
    expect([res.status, res.executionStatus]).toEqual(['Success', 'Success']);
    expect(res.polls).toBeLessThanOrEqual(40);
    expect([...res.pdf.slice(0, 5)]).toEqual(PDF_MAGIC);
    // The bytes are the server's, byte for byte.
    const direct = new Uint8Array(await (await fetch(`${fm.url}/api/v1/documents/${res.documentId}/content`, { headers: { 'X-API-Key': fm.userKey } })).arrayBuffer());
    expect(Buffer.from(res.pdf).equals(Buffer.from(direct))).toBe(true);
    if (r.id === 'openapi-typescript-codegen') {
      // Its fetch client reads a PDF with response.text(): a string, not the Blob its type says,
      // and not the bytes. The driver downloads with fetch instead (README).
      expect(res.downloadedWith).toBe('fetch');
      expect(res.clientGave?.type).toBe('string');
      expect(res.clientGave?.length).not.toBe(direct.length);
    } else {
      expect(res.downloadedWith).toBe('client');
      expect(res.contentType).toMatch(/^application\/pdf/);
    }
    passed.push(`${r.id} flow-to-pdf`);
  });

  it('PhixFlow trigger: token auth, the envelope carries data.Customers', async () => {
    const d = await driver();
    const res = await d.phixflowTrigger(target);
    expect(res.status).toBe('Success');
    if (res.httpStatus !== undefined) expect(res.httpStatus).toBe(200);
    else expect(r.id, 'only openapi-typescript-codegen hides the HTTP status').toBe('openapi-typescript-codegen');
    const customers = res.data.Customers as Array<{ name?: string }>;
    expect(customers.map((c) => c.name)).toEqual(['Ada Lovelace', 'Alan Turing']);
    passed.push(`${r.id} phixflow-trigger`);
  });

  it('XML start: ExecuteFlow and StartFlow send the order as application/xml; the execution keeps it as its input', async () => {
    const d = await driver();
    const xml = orderXml(r.id);
    const res = await d.xmlStart(target, xml);
    // swagger-typescript-api's plain call sends no Content-Type (fetch: text/plain); the others JSON.
    await expectXmlReceived(r.id, res, xml, r.id === 'swagger-typescript-api' ? 415 : 400);
    passed.push(`${r.id} xml-start`);
  });
});

describe('openapi-typescript + openapi-fetch (generated/openapi-types.ts) and flowmock/client', () => {
  it('XML start through openapi-fetch: bodySerializer identity and Content-Type application/xml', async () => {
    const xml = orderXml('openapi-fetch');
    const res = await openapiFetchXmlStart(target, xml);
    await expectXmlReceived('openapi-fetch', res, xml, 400);
    passed.push('openapi-fetch xml-start');
  });

  it('XML start through flowmock/client: runFlow with an XML string, by ExecuteFlow and by StartFlow (skipUserInput)', async () => {
    const smartFlows = createSmartFlowsClient({ baseUrl: fm.url, apiKey: fm.userKey });
    for (const skipUserInput of [false, true]) {
      const customer = `flowmock-client${skipUserInput ? ' batch' : ''}`;
      const xml = orderXml(customer);
      const run = await smartFlows.runFlow(ORDER_FLOW, xml, { skipUserInput, timeoutMs: 120_000 });
      expect(run.status).toBe('Success');
      expect(run.documents.map((doc) => doc.displayName)).toEqual([`Order confirmation ${customer}.pdf`]);
      expect(await storedInput(run.id)).toMatchObject({ flowId: ORDER_FLOW, contentType: 'application/xml', value: { content: xml }, bytes: xml });
    }
    passed.push('flowmock-client xml-start');
  });
});
