/**
 * The command line as a user runs it: `flowmock serve` (what `npm start` runs) prints the URLs
 * and the new keys, serves Swagger UI and the spec; `keys create/list/revoke` work on the
 * database directly; `token` prints a PhixFlow token the server accepts; and the CLI behaves:
 * --version, unknown commands and flags named, one-line start-up failures, a config file,
 * users create/list/disable, the database named, readable or JSON logs.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { spawnSync, execFileSync, type ChildProcess } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { launch } from '../support/process.js';
import { waitFor } from '../support/wait.js';

const bin = path.resolve('bin/flowmock.js');
let dir: string;
let db: string;

function cli(args: string[], env: Record<string, string> = {}): string {
  return execFileSync(process.execPath, [bin, ...args], { encoding: 'utf8', env: { ...process.env, ...env }, stdio: ['ignore', 'pipe', 'pipe'] });
}

interface Served { child: ChildProcess; base: string; output: string; stop(): Promise<void> }

async function serve(args: string[], env: Record<string, string> = {}): Promise<Served> {
  const p = await launch(process.execPath, [bin, 'serve', '--port', '0', '--db', db, '--log-level', 'warn', ...args], {
    cwd: process.cwd(), env, ready: /listening on (http:\/\/127\.0\.0\.1:\d+)[\s\S]*(?:Try:|configured admin key|\n\n$)/,
  });
  return { child: p.child, base: p.base, stop: async () => { await p.stop(); }, get output() { return p.output(); } };
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

/** Runs the CLI and answers its exit code and output whatever the code (cli() throws on non-zero). */
function cliResult(args: string[], env: Record<string, string> = {}, cwd?: string): { code: number; stdout: string; stderr: string } {
  const r = spawnSync(process.execPath, [bin, ...args], { encoding: 'utf8', env: { ...process.env, ...env }, cwd, stdio: ['ignore', 'pipe', 'pipe'] });
  return { code: r.status ?? 1, stdout: r.stdout, stderr: r.stderr };
}

describe('a CLI that behaves', () => {
  it('--version prints the package version; an unknown command or flag is named as such, with a suggestion', () => {
    const { version } = JSON.parse(readFileSync(path.resolve('package.json'), 'utf8')) as { version: string };
    expect(cli(['--version']).trim()).toBe(version);
    const cmd = cliResult(['sevre']);
    expect(cmd.code).toBe(1);
    expect(cmd.stderr).toContain("error: unknown command 'sevre'");
    expect(cmd.stderr).toContain('(Did you mean serve?)');
    const flag = cliResult(['serve', '--prot', '9000']);
    expect(flag.code).toBe(1);
    expect(flag.stderr).toContain("error: unknown option '--prot'");
    expect(flag.stderr).toContain('(Did you mean --port?)');
  });

  it('a bad setting from the environment, a config file or a flag stops start-up with one line naming it (no stack)', () => {
    const env = cliResult(['serve', '--db', ':memory:'], { FLOWMOCK_LOG_LEVEL: 'verbose' });
    expect(env.code).toBe(1);
    expect(env.stderr.trim()).toBe('flowmock: FLOWMOCK_LOG_LEVEL must be one of fatal, error, warn, info, debug, silent; got "verbose"');
    const file = path.join(dir, 'bad.config.yaml');
    writeFileSync(file, 'port: 8080\nmaxConcurent: 2\n');
    const unknown = cliResult(['serve', '--config', file]);
    expect(unknown.stderr.trim().split('\n')).toHaveLength(1);
    expect(unknown.stderr).toMatch(/config file .*bad\.config\.yaml: unknown setting "maxConcurent"; known: host, port, db/);
    writeFileSync(file, 'bodyLimit: 12\n');
    expect(cliResult(['serve', '--config', file]).stderr.trim()).toMatch(/: bodyLimit must be 1024-or more, got 12$|bodyLimit must be 1024/);
    const limit = cliResult(['serve', '--db', ':memory:'], { FLOWMOCK_MAX_CONCURRENT: '0' });
    expect(limit.stderr.trim()).toBe('flowmock: FLOWMOCK_MAX_CONCURRENT must be 1-1000, got 0');
  });

  it('a file that is not a database is one line naming the file, for serve and for the database commands', () => {
    const bad = path.join(dir, 'not-a-database.db');
    writeFileSync(bad, 'garbage that is not SQLite');
    for (const args of [['serve', '--port', '0', '--db', bad], ['users', 'list', '--db', bad]]) {
      const r = cliResult(args);
      expect(r.code).toBe(1);
      expect(r.stderr.trim().split('\n').at(-1)).toBe(`flowmock: database ${bad}: file is not a database`);
    }
  });

  it('a busy port is one line naming the port and what to do', async () => {
    const s = await serve([]);
    try {
      const port = new URL(s.base).port;
      const busy = cliResult(['serve', '--port', port, '--db', ':memory:', '--log-level', 'silent']);
      expect(busy.code).toBe(1);
      expect(busy.stderr.trim()).toBe(`flowmock: port ${port} on 127.0.0.1 is already in use (another flowmock, or another program); choose another with --port (or FLOWMOCK_PORT), or --port 0 for a free one.`);
    } finally {
      await s.stop();
    }
  });

  it('flowmock.config.yaml in the working folder sets the server up (relative paths from its folder); flags win over it', async () => {
    const project = path.join(dir, 'project');
    mkdirSync(project, { recursive: true });
    writeFileSync(path.join(project, 'flowmock.config.yaml'), 'db: data/from-config.db\nspeed: 0\nclock: virtual\n');
    const p = await launch(process.execPath, [bin, '--port', '0', '--log-level', 'warn', '--speed', '2'], { cwd: project, ready: /Try: curl/ });
    try {
      const out = p.output();
      expect(out).toContain(`database      ${path.join(project, 'data', 'from-config.db')} (new)`);
      expect(out).toContain(`config file   ${path.join(project, 'flowmock.config.yaml')}`);
      expect(out).toMatch(/speed 2\b/); // the flag, over the file's 0
      expect(out).toMatch(/clock\s+virtual at/);
      const base = /listening on (http:\/\/127\.0\.0\.1:\d+)/.exec(out)![1];
      const home = await fetch(`${base}/`);
      expect(await home.text()).toContain('href="/__flowmock/"');
      expect(out).toContain(`Dashboard     ${base}/__flowmock/`);
    } finally {
      await p.stop();
    }
  });

  it('users create|list|disable use the vendor field names; a disabled user is refused; commands name the database and warn when they create one', async () => {
    const fresh = path.join(dir, 'users', 'fresh.db');
    const created = cliResult(['users', 'create', '--user-name', 'grace', '--first-name', 'Grace', '--last-name', 'Hopper',
      '--email-address', 'grace@example.com', '--api-key', '--db', fresh]);
    expect(created.code).toBe(0);
    expect(created.stderr).toContain(`database ${fresh}`);
    expect(created.stderr).toContain(`warning: there was no database at ${fresh}; a new one was created`);
    expect(created.stdout).toMatch(/Created user grace \(id [0-9a-f-]{36}, role user\)/);
    const key = /(fm_\S+)/.exec(created.stdout)![1];
    const again = cliResult(['users', 'list', '--db', fresh]);
    expect(again.stderr).toContain(`database ${fresh}`);
    expect(again.stderr).not.toContain('warning');
    expect(again.stdout).toMatch(/^userName\s+firstName\s+lastName\s+emailAddress\s+role\s+enabled\s+id/);
    expect(again.stdout).toMatch(/^grace\s+Grace\s+Hopper\s+grace@example\.com\s+user\s+true/m);
    const s = await serveOn(fresh);
    try {
      expect((await fetch(`${s.base}/api/v1/users/me`, { headers: { 'X-API-Key': key } })).status).toBe(200);
      expect(cliResult(['users', 'disable', 'grace', '--db', fresh]).stdout).toContain('Disabled grace');
      expect((await fetch(`${s.base}/api/v1/users/me`, { headers: { 'X-API-Key': key } })).status).not.toBe(200);
    } finally {
      await s.stop();
    }
    expect(cliResult(['users', 'list', '--db', fresh]).stdout).toMatch(/^grace\s+.*\sfalse\s/m);
    const twice = cliResult(['users', 'create', '--user-name', 'grace', '--db', fresh]);
    expect(twice.code).toBe(1);
    expect(twice.stderr.trim().split('\n')).toEqual([`database ${fresh}`, 'flowmock: A user grace exists already.']);
  });

  it('--log-format pretty writes one readable line per request; json writes JSON lines', async () => {
    const pretty = await serveOn(path.join(dir, 'logs', 'pretty.db'), ['--log-level', 'info', '--log-format', 'pretty']);
    try {
      await fetch(`${pretty.base}/api/v1/users/me`);
      await waitFor('the pretty request line', () => / INFO  GET \/api\/v1\/users\/me 401 [\d.]+ ms GetCurrentUser/.test(pretty.output));
      expect(pretty.output).not.toMatch(/^\{"level"/m);
    } finally {
      await pretty.stop();
    }
    const json = await serveOn(path.join(dir, 'logs', 'json.db'), ['--log-level', 'info', '--log-format', 'json']);
    try {
      await fetch(`${json.base}/api/v1/users/me`);
      await waitFor('the JSON request line', () => /^\{"level":30,.*"path":"\/api\/v1\/users\/me","status":401/m.test(json.output));
    } finally {
      await json.stop();
    }
  });
});

/** serve() on another database (a new one prints its keys, which serve() waits for). */
async function serveOn(file: string, args: string[] = []): Promise<Served> {
  const saved = db;
  db = file;
  try {
    return await serve(args);
  } finally {
    db = saved;
  }
}
