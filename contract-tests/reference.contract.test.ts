/**
 * The contract suite against the flowmock reference server, every call through Prism's validating
 * proxy. One test per scenario (a scenario fails when any of its checks fails, with the check
 * names and violation texts), then the coverage matrix (fails when an operation has no contract
 * test or a documented status is neither answered nor listed in unreachable.ts), lifecycle
 * coverage, and the known-issue list (fails when an entry no longer reproduces).
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startEnvironment, type ContractEnvironment } from '../src/contract/harness/environment.js';
import { specIndex } from '../src/contract/spec-index.js';
import { allScenarios } from '../src/contract/scenarios/index.js';
import { runScenario, staleKnownIssues, type ScenarioOutcome } from '../src/contract/runner.js';
import { computeCoverage } from '../src/contract/coverage.js';
import { EXECUTION_STATUSES, PROCESS_STATUSES } from '../src/contract/lifecycle.js';
import { formatChecks, formatKnownIssues, formatLifecycle, formatMatrix, formatOutcomes } from '../src/contract/report/summary.js';
import type { CheckResult } from '../src/contract/recorder.js';

const spec = specIndex();
/**
 * A hang guard, not a speed claim: the sweeps (auth, oversized bodies) call every operation (189)
 * through Prism's proxy, which takes 30 s and more on a loaded 2-core machine.
 */
const SCENARIO_TIMEOUT_MS = 300_000;
const scenarios = allScenarios(spec);
const outcomes: ScenarioOutcome[] = [];
const logs: string[] = [];
let env: ContractEnvironment | undefined;

const describeFailures = (fs: CheckResult[]) => fs.map((f) => `  ${f.check}: ${f.detail}`).join('\n');

describe('contract: reference server through Prism', () => {
  beforeAll(async () => {
    const t0 = Date.now();
    env = await startEnvironment({ log: (l) => logs.push(l) });
    console.log(`environment ready in ${Date.now() - t0} ms; contract seed ${env.ctx.seed} (set FLOWMOCK_SEED to change it); proxies: ${env.proxies.map((p) => `${p.mode} ${p.url} (pid ${p.process.pid})`).join(', ')}`);
  });

  afterAll(async () => {
    if (env) {
      const ctx = env.ctx;
      console.log([
        formatOutcomes(outcomes),
        formatChecks(ctx.recorder),
        formatMatrix(computeCoverage(spec.ops, ctx.recorder.coverage)),
        formatLifecycle(ctx.recorder),
        formatKnownIssues(ctx.recorder, staleKnownIssues(ctx)),
        logs.length ? `Notes:\n${logs.join('\n')}` : '',
      ].filter(Boolean).join('\n\n'));
    }
    await env?.close();
  });

  it('setup: the proxies are up and the fixtures complete', () => {
    const ctx = env!.ctx;
    const setup = ctx.recorder.unexpectedFailures('setup: PhixFlow tokens');
    expect(setup, describeFailures(setup)).toEqual([]);
    expect(ctx.main.fixtures.phixflow.tokens.privileged).toBeTruthy();
  });

  for (const s of scenarios) {
    it(s.name, async (t) => {
      const outcome = await runScenario(env!.ctx, s);
      outcomes.push(outcome);
      if (outcome.skipped) t.skip(outcome.skipped);
      if (outcome.failures.length) throw new Error(`${outcome.failures.length} failed checks:\n${describeFailures(outcome.failures)}`);
    }, SCENARIO_TIMEOUT_MS);
  }

  it('coverage: every operation has a contract test, every documented status is answered or listed unreachable', () => {
    const cov = computeCoverage(spec.ops, env!.ctx.recorder.coverage);
    expect(cov.untested, 'operations without a contract test').toEqual([]);
    expect(cov.gaps.map((g) => `${g.operationId} ${g.status}`), 'documented statuses neither answered nor listed in unreachable.ts').toEqual([]);
    expect(cov.unreachableButHit.map((g) => `${g.operationId} ${g.status}`), 'listed unreachable but answered').toEqual([]);
  });

  it('lifecycle: every execution and process status was observed', () => {
    const { executions, processes } = env!.ctx.recorder.lifecycle;
    expect(EXECUTION_STATUSES.filter((s) => !executions.seen.has(s)), 'execution statuses never observed').toEqual([]);
    expect(PROCESS_STATUSES.filter((s) => !processes.seen.has(s)), 'process statuses never observed').toEqual([]);
    for (const t of ['Running → Success', 'Running → UserInput', 'Running → Waiting', 'Queued → Running', 'UserInput → Canceled', 'Waiting → Canceled']) {
      expect(executions.transitions.has(t), `transition ${t} observed`).toBe(true);
    }
    expect(processes.transitions.has('Running → Success'), 'process transition Running → Success observed').toBe(true);
  });

  it('known issues: every listed issue still reproduces, nothing else failed', () => {
    const ctx = env!.ctx;
    expect(staleKnownIssues(ctx), 'known issues that no longer reproduce (remove them from known-issues.ts)').toEqual([]);
    const other = ctx.recorder.unexpectedFailures().filter((f) => !scenarios.some((s) => s.name === f.scenario));
    expect(other, describeFailures(other)).toEqual([]);
  });
});
