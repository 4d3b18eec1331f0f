/**
 * A whole contract run, as `flowmock contract` does it: start the environment (the reference
 * server, or --target with its fixtures), run the scenarios (optionally one API only), report
 * every check as it is recorded, then the summary, the coverage matrix, lifecycle coverage and
 * known issues; write JUnit XML and JSON when asked. `ok` only when every check passed.
 */
import { writeFileSync } from 'node:fs';
import { startEnvironment } from './harness/environment.js';
import { specIndex } from './spec-index.js';
import { allScenarios } from './scenarios/index.js';
import { runScenarios, staleKnownIssues } from './runner.js';
import { computeCoverage } from './coverage.js';
import { KNOWN_ISSUES } from './known-issues.js';
import { CHECKS } from './checks.js';
import type { Api } from './context.js';
import type { ContractFixtures } from './fixtures.js';
import { formatChecks, formatFailures, formatKnownIssues, formatLifecycle, formatMatrix, formatOutcomes, formatResultLine } from './report/summary.js';
import { junitXml } from './report/junit.js';

export interface ContractRunOptions {
  target?: string;
  fixtures?: ContractFixtures;
  only?: Api;
  seed?: number;
  junit?: string;
  json?: string;
  /** Print only failed checks as they are recorded (the summary is always printed). */
  quiet?: boolean;
  negativeRuns?: number;
  /** Apply known-issues.ts to --target as well (when the target is a flowmock server). */
  allowKnownIssues?: boolean;
  print?: (line: string) => void;
}

export interface ContractRunResult { ok: boolean; failures: number; durationMs: number }

export async function runContract(opts: ContractRunOptions): Promise<ContractRunResult> {
  const print = opts.print ?? ((l: string) => console.log(l));
  const started = Date.now();
  const notes: string[] = [];
  print(`flowmock contract: ${opts.target ? `target ${opts.target}` : 'the reference server (in memory, speed 0, response validation on)'}${opts.only ? `, ${opts.only} only` : ''}`);
  const env = await startEnvironment({ queue: opts.only !== 'phixflow', target: opts.target, fixtures: opts.fixtures, seed: opts.seed, negativeRuns: opts.negativeRuns, knownIssues: opts.allowKnownIssues, log: (l) => notes.push(l) });
  try {
    const { ctx } = env;
    print(`seed ${ctx.seed} (--seed or FLOWMOCK_SEED to change it); Prism proxies: ${env.proxies.map((p) => `${p.mode} ${p.url}`).join(', ')}`);
    ctx.recorder.onResult((r) => {
      if (!opts.quiet || !r.ok) print(formatResultLine(r));
    });
    // Results recorded during start-up (token minting) are printed now.
    for (const r of ctx.recorder.results) if (!opts.quiet || !r.ok) print(formatResultLine(r));
    const spec = specIndex();
    const scenarios = allScenarios(spec).filter((s) => !opts.only || s.api === opts.only);
    const outcomes = await runScenarios(ctx, scenarios);
    // With --only, the matrix covers that API's operations (and any other operation the scenarios called).
    const apiOf = (op: (typeof spec.ops)[number]): Api => (op.security.some((r) => 'PhixFlowToken' in r) ? 'phixflow' : 'smartflows');
    const ops = spec.ops.filter((op) => !opts.only || apiOf(op) === opts.only || ctx.recorder.coverage.calls.has(op.operationId));
    const coverage = computeCoverage(ops, ctx.recorder.coverage);
    const complete = !opts.only;
    const stale = complete ? staleKnownIssues(ctx) : [];
    const unexpected = ctx.recorder.unexpectedFailures();
    const untested = complete ? coverage.untested : [];
    const ok = unexpected.length === 0 && stale.length === 0 && untested.length === 0;
    const durationMs = Date.now() - started;
    print('');
    print([
      formatOutcomes(outcomes),
      formatChecks(ctx.recorder),
      formatMatrix(coverage),
      formatLifecycle(ctx.recorder),
      ctx.kind === 'reference' || opts.allowKnownIssues ? formatKnownIssues(ctx.recorder, stale) : '',
      notes.length ? `Notes:\n${notes.join('\n')}` : '',
      formatFailures(ctx.recorder),
      `${ok ? 'PASSED' : 'FAILED'}: ${unexpected.length} failed checks${stale.length ? `, stale known issues: ${stale.join(', ')}` : ''}${untested.length ? `, operations without a contract test: ${untested.join(', ')}` : ''} (${(durationMs / 1000).toFixed(1)} s)`,
    ].filter(Boolean).join('\n\n'));
    if (opts.junit) {
      writeFileSync(opts.junit, junitXml(ctx.recorder, outcomes, coverage, { name: 'flowmock contract', durationMs }));
      print(`JUnit XML written to ${opts.junit}`);
    }
    if (opts.json) {
      const { executions, processes } = ctx.recorder.lifecycle;
      const report = {
        tool: 'flowmock contract', target: opts.target ?? 'reference', kind: ctx.kind, only: opts.only ?? null, seed: ctx.seed,
        ok, durationMs,
        checks: ctx.recorder.summary().map((s) => ({ ...s, description: CHECKS[s.check] })),
        scenarios: outcomes.map((o) => ({ name: o.scenario, skipped: o.skipped ?? null, failed: o.failures.length, durationMs: o.durationMs })),
        failures: unexpected,
        knownIssues: ctx.kind === 'reference' || opts.allowKnownIssues ? KNOWN_ISSUES.map((k) => ({ id: k.id, summary: k.summary, failedChecks: ctx.recorder.knownFailures().filter((r) => r.known === k.id).length })) : [],
        staleKnownIssues: stale,
        coverage: {
          untested: coverage.untested, gaps: coverage.gaps, documented: coverage.documented, answered: coverage.hit,
          operations: coverage.rows.map((r) => ({
            operationId: r.operationId, method: r.method, path: r.path, calls: r.calls, undocumented: r.undocumented,
            statuses: r.statuses.map((s) => ({ status: s.status, hits: s.hits, unreachable: s.unreachable?.reason ?? null })),
          })),
        },
        lifecycle: {
          executions: { seen: Object.fromEntries(executions.seen), transitions: Object.fromEntries(executions.transitions) },
          processes: { seen: Object.fromEntries(processes.seen), transitions: Object.fromEntries(processes.transitions) },
        },
      };
      writeFileSync(opts.json, `${JSON.stringify(report, null, 2)}\n`);
      print(`JSON report written to ${opts.json}`);
    }
    return { ok, failures: unexpected.length, durationMs };
  } finally {
    await env.close();
  }
}
