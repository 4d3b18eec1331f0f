/**
 * `flowmock contract --target URL` as a CI pipeline runs it: against a separately started
 * reference server it passes (exit 0, JUnit written; the fixtures lack a second user and a login,
 * so --allow-skips); scenarios skipped for missing credentials fail the run without
 * --allow-skips; against the broken fixture server it fails with exit 1 and names the broken rules.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { startServer, type TestServer } from '../test/support/server.js';
import { startBrokenServer, type BrokenServer } from './fixtures/broken-server.js';
import { specIndex } from '../src/contract/spec-index.js';
import { runContractCli as contract, stopContractClis } from './harness/contract-cli.js';

let dir: string;
let reference: TestServer;
let broken: BrokenServer;

beforeAll(async () => {
  dir = mkdtempSync(path.join(tmpdir(), 'flowmock-contract-cli-'));
  // As a user runs it: request validation on, response validation off (the suite checks answers itself).
  reference = await startServer({ validateResponses: false });
  broken = await startBrokenServer();
});
afterAll(async () => {
  stopContractClis();
  await reference?.close();
  await broken?.close();
  rmSync(dir, { recursive: true, force: true });
});

describe('flowmock contract --target', () => {
  it('passes against a separately started reference server, with a fixtures file, and writes JUnit', async () => {
    const token = (await reference.fm.services.credentials.issuePhixflowToken('api-user')).token;
    const fixtures = path.join(dir, 'fixtures.json');
    writeFileSync(fixtures, JSON.stringify({ keys: { admin: reference.adminKey, user: reference.integratorKey } }));
    const junit = path.join(dir, 'contract.xml');
    const { code, output } = await contract(['--target', reference.base, '--api-key', reference.adminKey, '--phixflow-token', token, '--fixtures', fixtures, '--junit', junit, '--allow-skips']);
    expect(output).toMatch(/PASSED: 0 failed checks, \d+ of \d+ scenarios ran/);
    expect(output).toMatch(/Scenarios: \d+ of \d+ ran; \d+ skipped, \d+ of them for missing credentials or fixtures \(allowed by --allow-skips\)/);
    expect(code).toBe(0);
    const operations = specIndex().ops.length; // every operation of the spec, however many there are
    expect(output).toContain(`Coverage: ${operations}/${operations} operations tested`);
    const xml = readFileSync(junit, 'utf8');
    expect(xml).toMatch(/^<\?xml/);
    expect(xml).toContain('<testsuites');
    expect(xml).not.toContain('<failure');
  }, 600_000); // a hang guard: the whole kit runs (every operation through Prism), minutes on a loaded machine

  it('exits 1 when scenarios are skipped for missing credentials (no PhixFlow token), and says how many ran', async () => {
    const { code, output } = await contract(['--target', reference.base, '--only', 'phixflow']);
    expect(output).toMatch(/Scenarios: \d+ of \d+ ran; \d+ skipped, \d+ of them for missing credentials or fixtures: the run fails/);
    expect(output).toMatch(/FAILED: 0 failed checks/);
    expect(code).toBe(1);
  }, 600_000); // a hang guard: the whole kit runs (every operation through Prism), minutes on a loaded machine

  it('fails with exit 1 against the broken fixture server, naming each broken rule', async () => {
    const fixtures = path.join(dir, 'broken-fixtures.json');
    writeFileSync(fixtures, JSON.stringify({ keys: { admin: 'any-admin-key-0123456789abcdef0123456789', user: 'any-user-key-0123456789abcdef0123456789' } }));
    const { code, output } = await contract(['--target', broken.url, '--only', 'smartflows', '--api-key', 'any-admin-key-0123456789abcdef0123456789', '--fixtures', fixtures]);
    expect(code).toBe(1);
    expect(output).toMatch(/FAILED/);
    for (const check of ['response_schema_conformance', 'status_code_conformance', 'content_type_conformance']) {
      expect(output, check).toContain(check);
    }
    expect(output).toMatch(/418/); // the undocumented status is named
  }, 600_000); // a hang guard: the whole kit runs (every operation through Prism), minutes on a loaded machine
});
