/**
 * The README's "Smart Flows walkthrough (curl)" works as written: the ```sh blocks between the
 * section markers are run verbatim, in order, as one `bash -e` script against a live server
 * (BASE and KEY in the environment, a temp working dir), and the downloaded file is a PDF.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { execFile } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { fileURLToPath } from 'node:url';
import { startServer, type TestServer } from '../support/server.js';

const run = promisify(execFile);
const README = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../README.md');
const START = '<!-- section:smartflows-walkthrough -->';
const END = '<!-- /section:smartflows-walkthrough -->';

/** The ```sh blocks of the walkthrough section, in order. */
function walkthroughBlocks(): string[] {
  const readme = readFileSync(README, 'utf8');
  const from = readme.indexOf(START);
  const to = readme.indexOf(END, from);
  if (from < 0 || to < 0) throw new Error('README.md lacks the smartflows-walkthrough section markers');
  const section = readme.slice(from + START.length, to);
  return [...section.matchAll(/^```sh\n([\s\S]*?)^```\s*$/gm)].map((m) => m[1]);
}

let s: TestServer;
let dir: string;
beforeAll(async () => {
  s = await startServer({ speed: 0.05 }); // the invoice takes ~120 ms: the progress loop really loops
  dir = mkdtempSync(path.join(os.tmpdir(), 'flowmock-readme-'));
});
afterAll(async () => {
  await s?.close();
  if (dir) rmSync(dir, { recursive: true, force: true });
});

describe('README Smart Flows walkthrough', () => {
  it('has the heading and sh blocks that use $BASE and $KEY, without jq', () => {
    const readme = readFileSync(README, 'utf8');
    const section = readme.slice(readme.indexOf(START), readme.indexOf(END));
    expect(section).toContain('## Smart Flows walkthrough (curl)');
    const blocks = walkthroughBlocks();
    expect(blocks.length).toBeGreaterThanOrEqual(4);
    const script = blocks.join('\n');
    expect(script).toContain('$BASE');
    expect(script).toContain('$KEY');
    expect(script).not.toMatch(/\bjq\b/);
    for (const path of ['/api/v1/flows/executions?flowId=', '/progress?timeout=', '/api/v1/documents/']) expect(script).toContain(path);
  });

  it('runs verbatim with bash -e: start, long-poll to Success, read the output, download a PDF', async () => {
    const scriptFile = path.join(dir, 'walkthrough.sh');
    writeFileSync(scriptFile, walkthroughBlocks().join('\n'));
    const { stdout } = await run('bash', ['-e', scriptFile], {
      cwd: dir,
      env: { ...process.env, BASE: s.base, KEY: s.integratorKey },
      timeout: 20_000,
    });
    expect(stdout).toMatch(/"status":"Running"/);
    expect(stdout).toMatch(/^Success 100% /m);
    expect(stdout).toMatch(/"displayName":"Invoice.pdf"/);
    const pdf = readFileSync(path.join(dir, 'invoice.pdf'));
    expect(pdf.subarray(0, 4).toString('latin1')).toBe('%PDF');
    expect(pdf.length).toBeGreaterThan(500);
    // The execution it created is the integrator's and succeeded.
    const list = await (await s.call('/api/v1/flows/executions')).json();
    expect(list.map((e: { status: string }) => e.status)).toEqual(['Success']);
  });

  it('fails (bash -e) when KEY is missing, instead of running on without a key', async () => {
    const scriptFile = path.join(dir, 'walkthrough.sh');
    writeFileSync(scriptFile, walkthroughBlocks().join('\n'));
    const env: NodeJS.ProcessEnv = { ...process.env, BASE: s.base };
    delete env.KEY;
    await expect(run('bash', ['-e', scriptFile], { cwd: dir, env, timeout: 20_000 })).rejects.toMatchObject({
      stderr: expect.stringContaining('set KEY'),
    });
  });
});
