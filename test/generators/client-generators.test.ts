/**
 * The client-generator matrix: generated/openapi.json through four TypeScript client generators
 * (recipes.ts). For each: the client is generated into a temporary folder, it and its driver
 * (drivers/<id>.ts, written against that generator's client) typecheck with tsc (strict), and
 * the driver runs two sequences against one reference server started here (loopback, stopped
 * after): Smart Flows flow-to-PDF (ExecuteFlow with an X-API-Key, long-poll the progress to
 * Success, GetFlowExecution, GetDocumentContent starting `%PDF-`) and a PhixFlow trigger (token
 * auth, `data.Customers` in the envelope). What a generator cannot do is asserted as such
 * (openapi-typescript-codegen's binary download), never skipped.
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
import { CLIENT_TSCONFIG, RECIPES, binPath, type GeneratorRecipe } from './recipes.js';
import type { FlowToPdfResult, Target, TriggerResult } from './drivers/sequence.js';

const here = path.dirname(fileURLToPath(import.meta.url));
const root = path.resolve(here, '..', '..');
const SPEC = path.join(root, 'generated', 'openapi.json');

interface Driver {
  flowToPdf(t: Target): Promise<FlowToPdfResult>;
  phixflowTrigger(t: Target): Promise<TriggerResult>;
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
  const total = RECIPES.length * 2;
  console.log(`client-generator matrix: ${passed.length}/${total} generator x sequence passed\n${
    RECIPES.map((r) => {
      const p = prepared.get(r.id);
      return `  ${r.id}: generate ${p?.generate.ms ?? '-'} ms, tsc ${p?.tsc?.ms ?? '-'} ms; ${['flow-to-pdf', 'phixflow-trigger'].map((s) => `${s} ${passed.includes(`${r.id} ${s}`) ? 'passed' : 'FAILED'}`).join(', ')}`;
    }).join('\n')}`);
});

const PDF_MAGIC = [0x25, 0x50, 0x44, 0x46, 0x2d]; // %PDF-

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
});
