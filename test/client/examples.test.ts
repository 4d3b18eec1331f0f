/**
 * The examples run as a user runs them: `npm run build:client` (the `flowmock/client` export's
 * JavaScript), then each example as a child process with tsx's loader, against a reference
 * server started here, with FLOWMOCK_URL / FLOWMOCK_API_KEY / PHIXFLOW_TOKEN in its environment.
 * Also: plain Node (no loader) can import the built `flowmock/client`, and the README shows
 * exactly the examples' code.
 */
import { execFile } from 'node:child_process';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startServer, type TestServer } from '../support/server.js';
import { failOnUnhandledRejections } from './support.js';

failOnUnhandledRejections();

const run = promisify(execFile);
const root = resolve(dirname(fileURLToPath(import.meta.url)), '../..');

let s: TestServer;
let tmp: string;
let env: NodeJS.ProcessEnv;

beforeAll(async () => {
  // Never a *Sync child here: the server answering the example runs in this process.
  await run(process.execPath, [resolve(root, 'node_modules/typescript/bin/tsc'), '-p', 'tsconfig.client.json'], { cwd: root });
  s = await startServer();
  tmp = await mkdtemp(join(tmpdir(), 'flowmock-examples-'));
  const token = (await s.fm.services.credentials.issuePhixflowToken('api-user')).token;
  env = { ...process.env, FLOWMOCK_URL: s.base, FLOWMOCK_API_KEY: s.integratorKey, PHIXFLOW_TOKEN: token, NODE_OPTIONS: '' };
}, 120_000);
afterAll(async () => {
  await s?.close();
  if (tmp) await rm(tmp, { recursive: true, force: true });
});

/** Runs an example with tsx's loader; resolves with its output, or rejects with it and the exit code. */
const example = (file: string, args: string[] = []) =>
  run(process.execPath, ['--import', 'tsx', resolve(root, 'examples', file), ...args], { cwd: root, env, timeout: 60_000 });

describe('examples', () => {
  it('run-flow.ts runs the invoice flow, prints its progress and saves a PDF to the path given', async () => {
    const out = join(tmp, 'invoice.pdf');
    const { stdout, stderr } = await example('run-flow.ts', [out]);
    expect(stderr).toBe('');
    expect(stdout).toMatch(/^progress: Running 0% /m);
    expect(stdout).toMatch(/^execution [0-9a-f-]{36} ended Success with 1 document\(s\)$/m);
    expect(stdout).toContain(`saved Invoice.pdf (application/pdf, `);
    const pdf = await readFile(out);
    expect(pdf.subarray(0, 5).toString('latin1')).toBe('%PDF-');
    expect(stdout).toContain(`${pdf.length} bytes) to ${out}`);
  });

  it('run-flow.ts exits 1 with the problem on stderr when the API key is wrong', async () => {
    const err = await run(process.execPath, ['--import', 'tsx', resolve(root, 'examples/run-flow.ts'), join(tmp, 'x.pdf')], {
      cwd: root, env: { ...env, FLOWMOCK_API_KEY: 'wrong' }, timeout: 60_000,
    }).then(() => null, (e: { code?: number; stderr?: string }) => e);
    expect(err?.code).toBe(1);
    expect(err?.stderr).toMatch(/^401 /);
  });

  it('trigger-actionflow.ts triggers the sync echo and the async Long report and prints both envelopes', async () => {
    const { stdout, stderr } = await example('trigger-actionflow.ts');
    expect(stderr).toBe('');
    expect(stdout).toContain('Echo and enrich: Success (HTTP 200) {"Customers":[{"name":"Ada Lovelace","email":"ada@example.com","domain":"example.com"},{"name":"Alan Turing","email":"alan@example.org","domain":"example.org"}]}');
    expect(stdout).toMatch(/^Long report: Success after [1-9]\d* poll\(s\) \{"Rows":\[\{"row":1,"data":\{"month":"Jan"\}\},\{"row":2,"data":\{"month":"Feb"\}\}\]\}$/m);
  });

  it('plain Node without a loader imports the built flowmock/client (the package export)', async () => {
    const code = "const c = await import('flowmock/client'); console.log(Object.keys(c).sort().join(','));";
    const { stdout } = await run(process.execPath, ['--input-type=module', '-e', code], { cwd: root, env });
    expect(stdout.trim().split(',')).toEqual(expect.arrayContaining([
      'FlowmockAbortError', 'FlowmockApiError', 'UserInputRequiredError', 'createPhixFlowClient', 'createSmartFlowsClient', 'unwrap',
    ]));
  });
});

describe('README client section', () => {
  /** The code between `// #region readme` and `// #endregion readme` of an example. */
  async function region(file: string): Promise<string> {
    const text = await readFile(resolve(root, 'examples', file), 'utf8');
    const m = /^\/\/ #region readme\n([\s\S]*?)^\/\/ #endregion readme$/m.exec(text);
    expect(m, `${file} has a readme region`).not.toBeNull();
    return m![1];
  }

  /** The ```ts block the README puts right after `<!-- example: examples/<file> -->` in the clients section. */
  async function readmeBlock(file: string): Promise<string> {
    const readme = await readFile(resolve(root, 'README.md'), 'utf8');
    const section = /<!-- section:clients -->([\s\S]*?)<!-- \/section:clients -->/.exec(readme)?.[1] ?? '';
    const escaped = file.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
    const m = new RegExp(`<!-- example: examples/${escaped} -->\\n\`\`\`ts\\n([\\s\\S]*?)^\`\`\`$`, 'm').exec(section);
    expect(m, `README clients section shows examples/${file}`).not.toBeNull();
    return m![1];
  }

  it.each(['run-flow.ts', 'trigger-actionflow.ts'])('shows exactly the code examples/%s runs', async (file) => {
    expect(await readmeBlock(file)).toBe(await region(file));
  });
});
