/**
 * The README's PhixFlow walkthrough works as written: every ```sh block between the
 * `section:phixflow-walkthrough` markers runs verbatim with `bash -e` against a test server.
 * The set-up block (only `BASE=` and `TOKEN=` lines) is handled as the README says: its
 * `TOKEN=$(npx flowmock token --user api-user)` line runs as written (with the test server's
 * `phixflow-api-key` secret and a scratch database), and BASE is the test server's URL.
 */
import { execFile } from 'node:child_process';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { TestServer } from '../support/server.js';
import { usePhixflowServer } from './helpers.js';

const run = promisify(execFile);
const ROOT = fileURLToPath(new URL('../../', import.meta.url));
const PHIXFLOW_API_KEY = 'readme-walkthrough-phixflow-api-key-0123456789';
const START = '<!-- section:phixflow-walkthrough -->';
const END = '<!-- /section:phixflow-walkthrough -->';

/** The ```sh blocks of the walkthrough section, in order. */
async function walkthroughBlocks(): Promise<string[]> {
  const readme = await readFile(path.join(ROOT, 'README.md'), 'utf8');
  const from = readme.indexOf(START);
  const to = readme.indexOf(END);
  if (from < 0 || to < from) throw new Error('README.md has no phixflow-walkthrough section');
  const section = readme.slice(from + START.length, to);
  return [...section.matchAll(/^```sh\n([\s\S]*?)^```$/gm)].map((m) => m[1]);
}

/** Non-empty lines without their comments. */
const commandLines = (block: string): string[] =>
  block.split('\n').map((l) => l.replace(/\s+#.*$/, '').trim()).filter((l) => l !== '' && !l.startsWith('#'));

const isSetup = (block: string): boolean => commandLines(block).every((l) => /^(BASE|TOKEN)=/.test(l));

function bash(script: string, env: Record<string, string>, cwd: string, timeoutMs = 20_000): Promise<{ stdout: string; stderr: string }> {
  return run('bash', ['-e', '-c', script], { cwd, env: { ...process.env, ...env }, timeout: timeoutMs, maxBuffer: 1024 * 1024 });
}

let s: TestServer;
let scratch: string;
let blocks: string[];
let setup: string;

/** Runs the set-up's TOKEN= line as written, once; the blocks below use what it prints. */
let tokenRun: Promise<string> | undefined;
function setupToken(): Promise<string> {
  tokenRun ??= (async () => {
    const tokenLine = setup.split('\n').find((l) => l.startsWith('TOKEN='));
    if (!tokenLine) throw new Error('the set-up block has no TOKEN= line');
    // The npx command resolves to this project's own bin in the repository root.
    const { stdout } = await bash(`${tokenLine}\nprintf '%s' "$TOKEN"`, {
      FLOWMOCK_DB: path.join(scratch, 'cli.db'),
      FLOWMOCK_PHIXFLOW_API_KEY: PHIXFLOW_API_KEY,
    }, ROOT, 60_000); // npx's own start-up takes seconds on a busy machine (10 s seen at load 5): a bound on a hang only
    return stdout.trim();
  })();
  return tokenRun;
}

usePhixflowServer((started) => ({ s } = started), { phixflowApiKey: PHIXFLOW_API_KEY });
beforeAll(async () => {
  scratch = await mkdtemp(path.join(tmpdir(), 'flowmock-readme-phixflow-'));
  blocks = await walkthroughBlocks();
  setup = blocks.find(isSetup) ?? '';
});
afterAll(async () => {
  if (scratch) await rm(scratch, { recursive: true, force: true });
});

describe('README PhixFlow walkthrough (curl)', () => {
  it('has one set-up block first, setting BASE=http://127.0.0.1:8080 and TOKEN=$(npx flowmock token --user api-user); the other blocks only use $BASE and $TOKEN', () => {
    expect(blocks.length).toBeGreaterThanOrEqual(3);
    expect(blocks.filter(isSetup)).toHaveLength(1);
    expect(isSetup(blocks[0])).toBe(true);
    expect(commandLines(setup)).toEqual(['BASE=http://127.0.0.1:8080', 'TOKEN=$(npx flowmock token --user api-user)']);
    for (const block of blocks.slice(1)) {
      expect(block).not.toMatch(/^\s*(BASE|TOKEN)=/m);
      expect(block).toContain('$BASE');
      expect(block).toContain('$TOKEN');
    }
  });

  it("the set-up's TOKEN line, run verbatim, prints a token the server accepts (the CLI signs with the same phixflow-api-key secret)", async () => {
    const token = await setupToken();
    expect(token).toMatch(/^[\w-]+\.[\w-]+\.[\w-]+$/);
    const principal = await s.fm.services.credentials.verifyPhixflowToken(token);
    expect(principal.user.username).toBe('api-user');
  }, 90_000);

  it('the sync block prints a Success envelope with data.Customers[0].domain example.com and HTTP status 200', async () => {
    const token = await setupToken();
    const block = blocks.find((b) => b.includes('Echo%20and%20enrich/trigger'));
    expect(block).toBeDefined();
    const { stdout } = await bash(block!, { BASE: s.base, TOKEN: token }, scratch);
    const lines = stdout.trim().split('\n');
    expect(lines.at(-1)).toBe('HTTP status 200');
    const env = JSON.parse(lines[0]);
    expect(env).toEqual({
      status: 'Success',
      message: 'Processed 1 record',
      processId: expect.stringMatching(/^[0-9a-f-]{36}$/),
      data: { Customers: [{ name: 'Ann', email: 'ann@example.com', domain: 'example.com' }] },
    });
  });

  it('the async block prints 202 with a Location to the status URL and a Running envelope, then polls it to Success with data.Rows', async () => {
    const token = await setupToken();
    const block = blocks.find((b) => b.includes('Long%20report/trigger'));
    expect(block).toBeDefined();
    const { stdout } = await bash(block!, { BASE: s.base, TOKEN: token }, scratch);
    const lines = stdout.trim().split('\n');
    expect(lines[0]).toBe('HTTP/1.1 202 Accepted');
    const location = lines.find((l) => /^location: /i.test(l))?.replace(/^location: /i, '');
    expect(location).toMatch(/^\/phixflow\/api\/1\/action\/Demo\/Long%20report\/status\/[0-9a-f-]{36}$/);
    const processId = location!.split('/').at(-1);

    const running = JSON.parse(lines.find((l) => l.startsWith('{"status":"Running"'))!);
    expect(running).toEqual({ status: 'Running', message: 'Running', processId });

    const final = JSON.parse(lines.at(-1)!);
    expect(final).toEqual({
      status: 'Success',
      message: 'Processed 2 records',
      processId,
      data: { Rows: [{ row: 1, data: { region: 'EU' } }, { row: 2, data: { region: 'US' } }] },
    });
  });

  it('every non-set-up block runs cleanly with bash -e (none is left out of the checks above)', () => {
    const checked = blocks.slice(1).filter((b) => b.includes('Echo%20and%20enrich/trigger') || b.includes('Long%20report/trigger'));
    expect(checked).toHaveLength(blocks.length - 1);
  });
});
