/**
 * The command line as a user runs it: `flowmock serve` (what `npm start` runs) prints the URLs
 * and the new keys, serves Swagger UI and the spec; `keys create/list/revoke` work on the
 * database directly; `token` prints a PhixFlow token the server accepts.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { spawn, execFileSync, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';

const bin = path.resolve('bin/flowmock.js');
let dir: string;
let db: string;

function cli(args: string[], env: Record<string, string> = {}): string {
  return execFileSync(process.execPath, [bin, ...args], { encoding: 'utf8', env: { ...process.env, ...env }, stdio: ['ignore', 'pipe', 'pipe'] });
}

interface Served { child: ChildProcess; base: string; output: string; stop(): Promise<void> }

async function serve(args: string[], env: Record<string, string> = {}): Promise<Served> {
  const child = spawn(process.execPath, [bin, 'serve', '--port', '0', '--db', db, '--log-level', 'warn', ...args], {
    env: { ...process.env, ...env }, stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  child.stdout!.on('data', (d) => { output += d; });
  child.stderr!.on('data', (d) => { output += d; });
  const stop = () => new Promise<void>((resolve) => {
    if (child.exitCode !== null) return resolve();
    child.once('exit', () => resolve());
    child.kill('SIGTERM');
  });
  const deadline = Date.now() + 20_000;
  while (Date.now() < deadline) {
    const m = /listening on (http:\/\/127\.0\.0\.1:\d+)/.exec(output);
    if (m && /Try:|configured admin key|\n\n$/.test(output)) return { child, base: m[1], stop, get output() { return output; } };
    if (child.exitCode !== null) throw new Error(`serve exited: ${output}`);
    await new Promise((r) => setTimeout(r, 100));
  }
  await stop();
  throw new Error(`serve did not start: ${output}`);
}

beforeAll(() => {
  dir = mkdtempSync(path.join(tmpdir(), 'flowmock-cli-'));
  db = path.join(dir, 'sub', 'flowmock.db');
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('flowmock serve', () => {
  it('on a fresh database prints the URLs and a key for admin and integrator; serves /swagger-ui/ and /openapi.json; stops on SIGTERM', async () => {
    const s = await serve([]);
    try {
      expect(s.output).toContain('/swagger-ui/');
      const keys = [...s.output.matchAll(/^\s+(admin|integrator)\s+(fm_\S+)$/gm)].map((m) => [m[1], m[2]]);
      expect(keys.map((k) => k[0])).toEqual(['admin', 'integrator']);
      const ui = await fetch(`${s.base}/swagger-ui/`);
      expect(ui.status).toBe(200);
      expect(await ui.text()).toContain('swagger-ui');
      const init = await (await fetch(`${s.base}/swagger-ui/swagger-initializer.js`)).text();
      expect(init).toContain("url: '/openapi.json'");
      const spec = await (await fetch(`${s.base}/openapi.json`)).json();
      expect(spec.openapi).toBe('3.1.0');
      expect((await fetch(`${s.base}/openapi.yaml`)).headers.get('content-type')).toMatch(/yaml/);
      const [, integratorKey] = keys[1];
      const me = await fetch(`${s.base}/api/v1/users/me`, { headers: { 'X-API-Key': integratorKey } });
      expect((await me.json()).userName).toBe('integrator');
    } finally {
      await s.stop();
    }
    expect(s.child.exitCode).toBe(0);
  });

  it('on an existing database prints no new keys; FLOWMOCK_ADMIN_KEY makes a known admin key work', async () => {
    const adminKey = 'ci-admin-key-abcdefghijklmnopqrstuvwxyz012345';
    const s = await serve([], { FLOWMOCK_ADMIN_KEY: adminKey });
    try {
      expect(s.output).not.toMatch(/New API keys/);
      const me = await fetch(`${s.base}/api/v1/users/me`, { headers: { 'X-API-Key': adminKey } });
      expect((await me.json()).userName).toBe('admin');
    } finally {
      await s.stop();
    }
  });

  it('a bad option stops with a clear message and exit code 1', () => {
    expect(() => cli(['serve', '--port', 'eighty'])).toThrow(/--port must be a whole number/);
    let err: any;
    try { cli(['serve', '--db', db], { FLOWMOCK_PHIXFLOW_API_KEY: 'too-short' }); } catch (e) { err = e; }
    expect(err.status).toBe(1);
    expect(String(err.stderr)).toMatch(/at least 32 bytes/);
  });
});

describe('flowmock keys and token', () => {
  it('keys create prints a key once; keys list shows metadata only; keys revoke makes it a 401 at once on a running server', async () => {
    const out = cli(['keys', 'create', '--user', 'integrator', '--name', 'from the CLI', '--db', db]);
    const key = /(fm_\S+)/.exec(out)![1];
    const id = /Created key (\S+)/.exec(out)![1];
    const list = cli(['keys', 'list', '--user', 'integrator', '--db', db]);
    expect(list).toContain(id);
    expect(list).toContain('from the CLI');
    expect(list).not.toContain(key);
    const s = await serve([]);
    try {
      expect((await fetch(`${s.base}/api/v1/users/me`, { headers: { 'X-API-Key': key } })).status).toBe(200);
      cli(['keys', 'revoke', id, '--db', db]);
      expect((await fetch(`${s.base}/api/v1/users/me`, { headers: { 'X-API-Key': key } })).status).toBe(401);
    } finally {
      await s.stop();
    }
    expect(() => cli(['keys', 'revoke', id, '--db', db])).toThrow(/No active API key/);
  });

  it('token prints a PhixFlow token the server accepts', async () => {
    const token = cli(['token', '--user', 'api-user', '--expires', '1h', '--db', db]).trim();
    expect(token.split('.')).toHaveLength(3);
    const s = await serve([]);
    try {
      const res = await fetch(`${s.base}/phixflow/api/1/action/Demo/Echo%20and%20enrich/trigger`, {
        method: 'POST', headers: { Authorization: `Bearer ${token}`, 'content-type': 'application/json' }, body: '[{"name":"Ada","email":"ada@example.com"}]',
      });
      expect(res.status).toBe(200);
    } finally {
      await s.stop();
    }
    expect(() => cli(['token', '--user', 'nobody', '--db', db])).toThrow(/No user nobody/);
  });

  it('--help works on every command', () => {
    for (const c of [[], ['serve'], ['keys'], ['keys', 'create'], ['token'], ['lint'], ['generate'], ['mock'], ['users', 'set-password']]) {
      expect(cli([...c, '--help'])).toMatch(/Usage: flowmock/);
    }
  });
});
