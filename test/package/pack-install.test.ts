/**
 * The package as the registry would hand it out: `npm pack`, then installed into an empty folder
 * (no ./flows there) the way a user adds it, first without the optional parts, then with them.
 * Proves: the tarball holds dist/, the bundled spec, the demo flows and the dashboard, and no
 * sources, tests or benchmarks; the installed CLI runs compiled code without tsx; `--help` and
 * `--version` work without the optional packages and `contract` names what is missing;
 * `npx flowmock serve` starts on the bundled demo flows and answers with the key it printed;
 * `import { runFlow } from 'flowmock/client'` and `import { startFlowmock } from 'flowmock'` work
 * in plain Node; with Prism and fast-check installed, `npx flowmock contract` runs and passes.
 *
 * Two shortcuts, both for this machine only: packages come from the npm cache when there
 * (--prefer-offline), and install scripts are skipped (--ignore-scripts) with better-sqlite3's
 * native module copied from this repository's build of the same version (no prebuilt binaries
 * are reachable here, and compiling SQLite takes minutes on shared cores; skipping scripts also
 * keeps a dependency's telemetry postinstall off the network). A user's `npm install` downloads
 * the prebuilt binary instead.
 */
import { execFile, spawn, type ChildProcess } from 'node:child_process';
import { copyFileSync, cpSync, existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

const exec = promisify(execFile);
const root = path.resolve(import.meta.dirname, '../..');
const pkg = JSON.parse(readFileSync(path.join(root, 'package.json'), 'utf8')) as { version: string };
const versionOf = (name: string) => (JSON.parse(readFileSync(path.join(root, 'node_modules', name, 'package.json'), 'utf8')) as { version: string }).version;
const NPM = process.platform === 'win32' ? 'npm.cmd' : 'npm';
const NPX = process.platform === 'win32' ? 'npx.cmd' : 'npx';
const INSTALL_FLAGS = ['--prefer-offline', '--ignore-scripts', '--no-audit', '--no-fund', '--loglevel=error'];

let dir: string;
let app: string;
let packed: { filename: string; files: Array<{ path: string }> };
const children = new Set<ChildProcess>();

/** Runs a command in the consumer folder; resolves with its exit code and output (never rejects on a non-zero exit). */
async function inApp(cmd: string, args: string[], timeout = 120_000): Promise<{ code: number; stdout: string; stderr: string }> {
  try {
    const { stdout, stderr } = await exec(cmd, args, { cwd: app, timeout, env: { ...process.env, NODE_OPTIONS: '', FLOWMOCK_FROM_SOURCE: '', FORCE_COLOR: '0' } });
    return { code: 0, stdout, stderr };
  } catch (err) {
    const e = err as { code?: number; stdout?: string; stderr?: string };
    return { code: typeof e.code === 'number' ? e.code : 1, stdout: e.stdout ?? '', stderr: e.stderr ?? '' };
  }
}

beforeAll(async () => {
  dir = mkdtempSync(path.join(tmpdir(), 'flowmock-pack-'));
  app = path.join(dir, 'app');
  mkdirSync(app);
  // The package is packed from a copy built from the current sources (as `prepare` builds it), so
  // that this repository's dist/, which other tests run, is never rewritten while they run.
  const stage = path.join(dir, 'stage');
  mkdirSync(stage);
  for (const f of ['package.json', 'README.md', 'LICENSE', 'bin', 'flows', 'generated', 'src/http/dashboard', 'reference', 'spec/vendor-exceptions.yaml']) {
    mkdirSync(path.dirname(path.join(stage, f)), { recursive: true });
    cpSync(path.join(root, f), path.join(stage, f), { recursive: true });
  }
  const tsc = path.join(root, 'node_modules', 'typescript', 'bin', 'tsc');
  for (const [project, out] of [['tsconfig.build.json', 'dist/server'], ['tsconfig.client.json', 'dist/client']]) {
    await exec(process.execPath, [tsc, '-p', path.join(root, project), '--outDir', path.join(stage, out)], { cwd: root, timeout: 240_000 });
  }
  const { stdout } = await exec(NPM, ['pack', '--json', '--ignore-scripts', '--pack-destination', dir, '--loglevel=error'], { cwd: stage, timeout: 240_000 });
  packed = (JSON.parse(stdout) as Array<typeof packed>)[0];
  writeFileSync(path.join(app, 'package.json'), JSON.stringify({ name: 'consumer', private: true, type: 'module' }));
  await exec(NPM, ['install', path.join(dir, packed.filename), `better-sqlite3@${versionOf('better-sqlite3')}`, '--omit=optional', ...INSTALL_FLAGS],
    { cwd: app, timeout: 240_000 });
  const native = path.join('better-sqlite3', 'build', 'Release', 'better_sqlite3.node');
  mkdirSync(path.dirname(path.join(app, 'node_modules', native)), { recursive: true });
  copyFileSync(path.join(root, 'node_modules', native), path.join(app, 'node_modules', native));
}, 480_000);

afterAll(async () => {
  for (const c of children) {
    try {
      process.kill(-c.pid!, 'SIGKILL'); // the group: npx and the server it started
    } catch {
      // already gone
    }
  }
  if (dir) rmSync(dir, { recursive: true, force: true });
});

describe('npm pack', () => {
  it('ships dist/, the bundled spec, the demo flows, the dashboard, LICENSE and README, and no sources, tests or benchmarks', () => {
    const files = packed.files.map((f) => f.path);
    for (const f of ['dist/server/src/index.js', 'dist/server/src/index.d.ts', 'dist/server/src/cli/main.js', 'dist/client/src/client/index.js',
      'dist/client/src/client/index.d.ts', 'dist/server/src/contract/run-contract.js', 'generated/openapi.json', 'flows/invoice.yaml',
      'src/http/dashboard/index.html', 'bin/flowmock.js', 'LICENSE', 'README.md', 'package.json',
      'reference/smart-flows-vendor-contract.json', 'spec/vendor-exceptions.yaml']) {
      expect(files, f).toContain(f);
    }
    const stray = files.filter((f) => (/^(test|bench|scripts|spec|examples|contract-tests)\//.test(f) && f !== 'spec/vendor-exceptions.yaml')
      || (f.endsWith('.ts') && !f.endsWith('.d.ts')) || f.endsWith('.map') || /\.test\.(js|d\.ts)$/.test(f)
      || (f.startsWith('src/') && !f.startsWith('src/http/dashboard/')));
    expect(stray).toEqual([]);
  });
});

describe('installed without the optional packages', () => {
  it('runs compiled code without tsx: --version and --help work; contract names the missing optional packages in one line', async () => {
    expect(existsSync(path.join(app, 'node_modules', 'tsx'))).toBe(false);
    expect(existsSync(path.join(app, 'node_modules', 'fast-check'))).toBe(false);
    const version = await inApp(NPX, ['flowmock', '--version']);
    expect(version.stdout.trim()).toBe(pkg.version);
    const help = await inApp(NPX, ['flowmock', 'serve', '--help']);
    expect(help.code).toBe(0);
    expect(help.stdout.replace(/\s+/g, ' ')).toContain('--port <port> port to listen on; 0 picks a free one (env FLOWMOCK_PORT or PORT; config port; default: 8080)');
    const contract = await inApp(NPX, ['flowmock', 'contract']);
    expect(contract.code).toBe(1);
    expect(contract.stderr.trim()).toBe('flowmock: flowmock contract needs the optional packages @stoplight/prism-cli and fast-check, not installed here: '
      + 'npm install --save-dev @stoplight/prism-cli fast-check');
  }, 60_000);

  it('npx flowmock serve starts on the bundled demo flows (no ./flows here), names the dashboard, leads GET / to it, answers with the printed key, stops on SIGTERM', async () => {
    // Its own process group: npx runs the server as its child, and the stop signal goes to both.
    const child = spawn(NPX, ['flowmock', 'serve', '--port', '0', '--db', path.join(app, 'data', 'fm.db'), '--log-format', 'json', '--log-level', 'warn'],
      { cwd: app, stdio: ['ignore', 'pipe', 'pipe'], env: { ...process.env, NODE_OPTIONS: '', FORCE_COLOR: '0' }, detached: true });
    children.add(child);
    let out = '';
    child.stdout!.on('data', (d) => { out += d; });
    child.stderr!.on('data', (d) => { out += d; });
    const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
    let base = '';
    try {
      await new Promise<void>((resolve, reject) => {
        const check = () => {
          if (/Try: curl/.test(out)) return resolve();
          if (child.exitCode !== null) return reject(new Error(`serve exited: ${out}`));
          setTimeout(check, 100);
        };
        check();
      });
      base = /listening on (http:\/\/127\.0\.0\.1:\d+)/.exec(out)![1];
      expect(out).toContain(`Dashboard     ${base}/__flowmock/`);
      expect(out).toMatch(new RegExp(`flows\\s+${path.join(app, 'node_modules', 'flowmock', 'flows').replace(/[.*+?^${}()|[\]\\/]/g, '\\$&')} \\(\\d+ flows`));
      expect(out).toContain(`database      ${path.join(app, 'data', 'fm.db')} (new)`);
      const home = await fetch(`${base}/`);
      expect(home.headers.get('content-type')).toMatch(/text\/html/);
      const html = await home.text();
      expect(html).toContain('href="/__flowmock/"');
      expect(html).toContain('href="/swagger-ui/"');
      const key = /^\s+integrator\s+(fm_\S+)$/m.exec(out)![1];
      const me = await fetch(`${base}/api/v1/users/me`, { headers: { 'X-API-Key': key } });
      expect(me.status).toBe(200);
    } finally {
      process.kill(-child.pid!, 'SIGTERM');
    }
    await exited;
    // The server itself stopped (not only npx): its port refuses connections.
    await expect(fetch(`${base}/`)).rejects.toThrow();
  }, 60_000);

  it("plain Node imports runFlow from 'flowmock/client' and startFlowmock from 'flowmock'; the invoice flow ends in Success with a PDF", async () => {
    writeFileSync(path.join(app, 'run.mjs'), [
      "import { runFlow } from 'flowmock/client';",
      "import { startFlowmock } from 'flowmock';",
      'const fm = await startFlowmock();',
      'try {',
      "  const run = await runFlow({ baseUrl: fm.url, apiKey: fm.userKey }, '11111111-1111-4111-8111-111111111101');",
      '  console.log(`${run.status} ${run.documents.length}`);',
      '} finally {',
      '  await fm.close();',
      '}',
    ].join('\n'));
    const { code, stdout, stderr } = await inApp(process.execPath, ['run.mjs'], 60_000);
    expect(stderr).toBe('');
    expect(stdout.trim()).toBe('Success 1');
    expect(code).toBe(0);
  }, 90_000);
});

describe('installed with the optional packages', () => {
  it('npx flowmock contract runs the suite against its own in-memory reference server and passes (PhixFlow scenarios, for time)', async () => {
    await exec(NPM, ['install', '--no-save', `@stoplight/prism-cli@${versionOf('@stoplight/prism-cli')}`, `fast-check@${versionOf('fast-check')}`, ...INSTALL_FLAGS],
      { cwd: app, timeout: 240_000 });
    const { code, stdout } = await inApp(NPX, ['flowmock', 'contract', '--only', 'phixflow', '--quiet'], 180_000);
    expect(stdout).toMatch(/Scenarios: (\d+) of \1 ran/);
    expect(stdout).toMatch(/PASSED: 0 failed checks/);
    expect(code).toBe(0);
  }, 420_000);
});
