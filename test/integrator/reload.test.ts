/**
 * Reload on change: the flows folder and the spec are watched (watch on here; off by default in
 * tests) and reloaded without a restart; a broken version is refused, the last good one stays
 * and a warning says why.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { mkdtempSync, readFileSync, rmSync, writeFileSync, copyFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { createApp, type FlowmockApp } from '../../src/app.js';
import { ADMIN_KEY } from '../support/server.js';
import { GENERATED_DIR } from '../../src/http/openapi-document.js';
import { captureLogs, type CapturedLogs } from './support.js';
import { sleep, waitFor } from '../support/wait.js';

const FLOWS = path.resolve('flows');

interface Running { fm: FlowmockApp; base: string; logs: CapturedLogs; dir: string }
const running: Running[] = [];

async function start(config: Record<string, unknown>, dir: string): Promise<Running> {
  const logs = captureLogs('info');
  const fm = await createApp({
    db: ':memory:', port: 0, host: '127.0.0.1', speed: 0, validateResponses: true, printStartup: false,
    adminKey: ADMIN_KEY, ...config,
  }, { logger: logs.logger });
  const base = await fm.listen();
  const r = { fm, base, logs, dir };
  running.push(r);
  return r;
}

afterEach(async () => {
  for (const r of running.splice(0)) {
    await r.fm.close();
    rmSync(r.dir, { recursive: true, force: true });
  }
});

const get = (r: Running, url: string, headers: Record<string, string> = {}) => fetch(r.base + url, { headers: { 'X-API-Key': ADMIN_KEY, ...headers } });
const flowNames = async (r: Running) =>
  ((await (await get(r, '/api/v1/flows?size=100')).json()) as Array<{ displayName: string }>).map((f) => f.displayName).sort();
const warnings = (r: Running) => r.logs.lines().filter((l) => l.level === 40);

describe('flow definitions reload on change', () => {
  it('sees an added and a changed flow, keeps the last good version when a file breaks, and recovers', async () => {
    const flows = mkdtempSync(path.join(tmpdir(), 'flowmock-flows-'));
    copyFileSync(path.join(FLOWS, 'invoice.yaml'), path.join(flows, 'invoice.yaml'));
    const r = await start({ flowsDir: flows, watch: true }, flows);
    expect(await flowNames(r)).toEqual(['Invoice']);

    // Add a flow.
    copyFileSync(path.join(FLOWS, 'warning.yaml'), path.join(flows, 'warning.yaml'));
    await waitFor('added flow listed', async () => (await flowNames(r)).length === 2);

    // Change one.
    const invoice = readFileSync(path.join(flows, 'invoice.yaml'), 'utf8');
    writeFileSync(path.join(flows, 'invoice.yaml'), invoice.replace('displayName: Invoice\n', 'displayName: Invoice v2\n'));
    await waitFor('changed flow listed', async () => (await flowNames(r)).includes('Invoice v2'));
    // A run started now uses the new version.
    const started = await fetch(`${r.base}/api/v1/flows/executions?flowId=11111111-1111-4111-8111-111111111101`, { method: 'POST', headers: { 'X-API-Key': ADMIN_KEY } });
    expect(started.status).toBe(200);

    // Break a file: the last good version stays, a warning names the problem.
    writeFileSync(path.join(flows, 'broken.yaml'), 'kind: flow\nid: not-a-uuid\ndisplayName: [unclosed\n');
    await waitFor('warning logged', () => warnings(r).some((w) => /definitions not reloaded/.test(w.msg)));
    const warning = warnings(r).find((w) => /definitions not reloaded/.test(w.msg))!;
    expect(warning.reason).toContain('broken.yaml');
    expect(await flowNames(r)).toEqual(['Archive with warning', 'Invoice v2']);

    // Fix it: reloaded again.
    rmSync(path.join(flows, 'broken.yaml'));
    copyFileSync(path.join(FLOWS, 'approval.yaml'), path.join(flows, 'approval.yaml'));
    await waitFor('recovered', async () => (await flowNames(r)).length === 3);
    expect(r.fm.services.definitionsHolder.version).toBeGreaterThanOrEqual(4);
  });

  it('actionflows reload too (the catalog reads the holder)', async () => {
    const flows = mkdtempSync(path.join(tmpdir(), 'flowmock-flows-'));
    copyFileSync(path.join(FLOWS, 'echo.yaml'), path.join(flows, 'echo.yaml'));
    const r = await start({ flowsDir: flows, watch: true }, flows);
    const trigger = () => fetch(`${r.base}/phixflow/api/1/action/Demo/Public%20ping/trigger`, { method: 'POST' });
    // Not loaded yet: to a caller without a token, the 401 any protected actionflow gives.
    expect((await trigger()).status).toBe(401);
    copyFileSync(path.join(FLOWS, 'anonymous.yaml'), path.join(flows, 'anonymous.yaml'));
    await waitFor('new actionflow answers', async () => (await trigger()).status === 200);
  });

  it('with watch off nothing is watched; reload.definitions() reloads on demand', async () => {
    const flows = mkdtempSync(path.join(tmpdir(), 'flowmock-flows-'));
    copyFileSync(path.join(FLOWS, 'invoice.yaml'), path.join(flows, 'invoice.yaml'));
    const r = await start({ flowsDir: flows }, flows);
    expect(r.fm.watching).toBeNull();
    copyFileSync(path.join(FLOWS, 'warning.yaml'), path.join(flows, 'warning.yaml'));
    // A negative check has no event to wait for: a watcher (were there one) would have reloaded within its 250 ms debounce.
    await sleep(600);
    expect(await flowNames(r)).toEqual(['Invoice']);
    expect(await r.fm.reload.definitions()).toBe(true);
    expect(await flowNames(r)).toEqual(['Archive with warning', 'Invoice']);
  });
});

describe('the spec reloads on change', () => {
  it('swaps in a changed spec, refuses a broken one and keeps the last good version', async () => {
    const dir = mkdtempSync(path.join(tmpdir(), 'flowmock-spec-'));
    const file = path.join(dir, 'openapi.json');
    const original = JSON.parse(readFileSync(path.join(GENERATED_DIR, 'openapi.json'), 'utf8'));
    writeFileSync(file, JSON.stringify(original));
    const r = await start({ specFile: file, watch: true }, dir);
    const preferred = async () => ((await (await get(r, '/api/v1/flows/x', { Prefer: 'code=200' })).json()) as { displayName: string }).displayName;
    expect(await preferred()).toBe(original.components.examples.Flow.value.displayName);

    // A new example and a new description: the Prefer answer and /openapi.json follow.
    const changed = structuredClone(original);
    changed.components.examples.Flow.value.displayName = 'Reloaded flow';
    changed.info.description = 'reloaded';
    writeFileSync(file, JSON.stringify(changed));
    await waitFor('new example answered', async () => (await preferred()) === 'Reloaded flow');
    expect(((await (await fetch(`${r.base}/openapi.json`)).json()) as { info: { description: string } }).info.description).toBe('reloaded');

    // Half-written JSON: refused, old one kept.
    writeFileSync(file, '{"openapi": "3.1.0", "paths": {');
    await waitFor('warning logged', () => warnings(r).some((w) => /spec not reloaded/.test(w.msg)));
    expect(await preferred()).toBe('Reloaded flow');

    // Parses but does not compile (a $ref to nothing): refused too.
    const broken = structuredClone(changed);
    broken.components.schemas.Flow = { $ref: '#/components/schemas/NoSuchSchema' };
    const before = warnings(r).length;
    writeFileSync(file, JSON.stringify(broken));
    await waitFor('second warning', () => warnings(r).length > before);
    expect(warnings(r).at(-1)!.reason).toMatch(/NoSuchSchema|resolve/i);
    expect(await preferred()).toBe('Reloaded flow');
    expect((await get(r, '/api/v1/flows')).status).toBe(200);

    // A spec with an operation this server has no handler for: refused as well.
    const extra = structuredClone(changed);
    extra.paths['/api/v1/new-thing'] = { get: { operationId: 'NewThing', responses: { 200: { description: 'ok' } } } };
    const json = Buffer.from(JSON.stringify(extra));
    expect(r.fm.spec.reload({ doc: extra, json, yaml: json })).toBe(false);
    expect(warnings(r).at(-1)!.reason).toContain('NewThing');
    expect(r.fm.spec.current().doc.info.description).toBe('reloaded');
  });

  it('a server does not start on a spec with an operation it has no handler for', async () => {
    const dir = mkdtempSync(path.join(tmpdir(), 'flowmock-spec-'));
    const file = path.join(dir, 'openapi.json');
    const original = JSON.parse(readFileSync(path.join(GENERATED_DIR, 'openapi.json'), 'utf8'));
    original.paths['/api/v1/new-thing'] = { get: { operationId: 'NewThing', responses: { 200: { description: 'ok' } } } };
    writeFileSync(file, JSON.stringify(original));
    try {
      await expect(start({ specFile: file }, dir)).rejects.toThrow('NewThing');
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
