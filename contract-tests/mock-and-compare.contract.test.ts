/**
 * `flowmock contract --target prism-mock` and `--compare`, as a CI pipeline runs them (PhixFlow
 * scenarios only, one negative value per rule: the same code paths at a fraction of the time):
 * - against Prism's mock the conformance checks pass and decide the exit code (0), the behaviour
 *   checks are reported apart as not applicable, with their counts;
 * - the reference server compared with a second reference server: no disagreement, exit 0;
 * - the reference server compared with Prism's mock: named disagreements, exit 1.
 * Each run starts and stops its own servers and Prism processes (loopback only).
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { runContractCli, stopContractClis } from './harness/contract-cli.js';
import { CONFORMANCE_CHECKS } from '../src/contract/checks.js';
import type { Disagreement } from '../src/contract/compare/compare.js';

let dir: string;
beforeAll(() => { dir = mkdtempSync(path.join(tmpdir(), 'flowmock-contract-compare-')); });
afterAll(() => {
  stopContractClis();
  rmSync(dir, { recursive: true, force: true });
});

const SUBSET = ['--only', 'phixflow', '--negative-runs', '1'];
const readJson = (file: string) => JSON.parse(readFileSync(file, 'utf8'));

interface CheckRow { check: string; passed: number; failed: number; known: number; total: number; applicable: boolean }

describe('flowmock contract --target prism-mock', () => {
  it('passes on the conformance checks alone; the behaviour checks are reported as not applicable, with counts', async () => {
    const json = path.join(dir, 'mock.json');
    const junit = path.join(dir, 'mock.xml');
    const { code, output } = await runContractCli(['--target', 'prism-mock', ...SUBSET, '--json', json, '--junit', junit]);
    expect(output).toMatch(/PASSED: 0 failed conformance checks/);
    expect(code).toBe(0);
    const na = /Behaviour checks: not applicable to a stateless mock \(informative: (\d+) of (\d+) results failed/.exec(output);
    expect(na, output).not.toBeNull();
    expect(Number(na![1])).toBeGreaterThan(0);

    const report = readJson(json);
    expect(report.kind).toBe('mock');
    expect(report.ok).toBe(true);
    const checks = report.checks as CheckRow[];
    for (const c of checks.filter((x) => CONFORMANCE_CHECKS.has(x.check as never))) {
      expect(c.applicable, c.check).toBe(true);
      expect(c.failed, c.check).toBe(0);
    }
    expect(checks.find((c) => c.check === 'status_code_conformance')!.total).toBeGreaterThan(50);
    const behaviour = checks.filter((c) => !c.applicable);
    expect(behaviour.map((c) => c.check)).toEqual(expect.arrayContaining(['auth_enforced', 'behaves_as_documented']));
    // auth_enforced: the mock takes any token, so every 401/403 expectation fails, and is not counted.
    expect(behaviour.find((c) => c.check === 'auth_enforced')).toMatchObject({ passed: 0 });
    expect(report.notApplicable.failed).toBe(behaviour.reduce((n, c) => n + c.failed, 0));
    expect(report.notApplicable.failed).toBeGreaterThan(0);
    expect(report.failures).toEqual([]);

    const xml = readFileSync(junit, 'utf8');
    expect(xml).not.toContain('<failure');
    expect(xml).toContain('<skipped message="not applicable to a stateless mock');
  }, 120_000);
});

describe('flowmock contract --compare', () => {
  it('finds no disagreement between the reference server and a second reference server', async () => {
    const json = path.join(dir, 'same.json');
    const { code, output } = await runContractCli([...SUBSET, '--compare', 'reference', '--json', json]);
    expect(output).toContain('Comparison: reference vs reference (compare) — 0 disagreements');
    expect(code).toBe(0);
    const { compare } = readJson(json);
    expect(compare.disagreements).toEqual([]);
    const scenarios = compare.scenarios as Array<{ name: string; notCompared: string | null; aligned: number }>;
    expect(scenarios.filter((s) => s.notCompared)).toEqual([]);
    expect(scenarios.find((s) => s.name.startsWith('phixflow: asynchronous'))!.aligned).toBeGreaterThan(5);
  }, 120_000);

  it("names where the reference server and Prism's mock disagree, and exits 1", async () => {
    const json = path.join(dir, 'mock-compare.json');
    const junit = path.join(dir, 'mock-compare.xml');
    const { code, output } = await runContractCli([...SUBSET, '--compare', 'prism-mock', '--json', json, '--junit', junit]);
    expect(code).toBe(1);
    expect(output).toMatch(/FAILED: reference passed its checks \(0 failed\); \d+ disagreements with prism-mock/);
    // The table, grouped by scenario: a different status, side by side.
    expect(output).toMatch(/✗ phixflow: synchronous timeout \(504\)[^\n]*\n[^\n]*kind[^\n]*\n\s+status\s+TriggerActionflow #1\s+504 application\/json\s+200 application\/json/);

    const disagreements = readJson(json).compare.disagreements as Disagreement[];
    const find = (d: Partial<Disagreement>) => disagreements.find((x) => Object.entries(d).every(([k, v]) => x[k as keyof Disagreement] === v));
    const timeout = 'phixflow: synchronous timeout (504)';
    // The mock never times out: a 504 became a 200, the calls after it were not made, no process ended Fail.
    expect(find({ scenario: timeout, kind: 'status', what: 'TriggerActionflow #1', primary: '504 application/json', compare: '200 application/json' })).toBeDefined();
    expect(find({ scenario: timeout, kind: 'one-side-call', what: 'GetActionflowStatus #1', compare: '(no call)' })).toBeDefined();
    expect(find({ scenario: timeout, kind: 'lifecycle-status', what: 'process status Fail', primary: 'seen', compare: 'not seen' })).toBeDefined();
    // It takes any token: a 401 became a 200.
    expect(find({ scenario: 'auth: every PhixFlow endpoint enforces its token (401) and privileges (403)', kind: 'status', primary: '401 application/problem+json', compare: '200 application/json' })).toBeDefined();
    // It sends every documented header with its example: Preference-Applied where the reference server sends none.
    expect(find({ kind: 'header', what: 'TriggerActionflow #1 preference-applied', primary: 'absent', compare: 'present' })).toBeDefined();

    const xml = readFileSync(junit, 'utf8');
    expect(xml).toMatch(/<testsuite name="compare: reference vs prism-mock" tests="\d+" failures="[1-9]\d*"/);
    expect(xml).toContain('type="disagreement"');
  }, 120_000);
});
