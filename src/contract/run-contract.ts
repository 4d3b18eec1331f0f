/**
 * A whole contract run, as `flowmock contract` does it: start the environment (the reference
 * server, --target with its fixtures, or Prism's mock), run the scenarios (optionally one API
 * only), report every check as it is recorded, then the summary, the coverage matrix, lifecycle
 * coverage and known issues; write JUnit XML and JSON when asked.
 *
 * `ok` only when every check passed; against Prism's mock only the conformance checks count (a
 * stateless mock cannot behave: the behaviour checks are reported as not applicable). With
 * `compare`, the same scenarios (same seed) run again against a second target, and `ok` also
 * needs the two traces to agree (compare/compare.ts).
 */
import { writeFileSync } from 'node:fs';
import { startEnvironment, PRISM_MOCK } from './harness/environment.js';
import { specIndex } from './spec-index.js';
import { allScenarios } from './scenarios/index.js';
import { runScenarios, staleKnownIssues, type ScenarioOutcome } from './runner.js';
import { computeCoverage, type CoverageReport } from './coverage.js';
import { UNREACHABLE } from './unreachable.js';
import { KNOWN_ISSUES } from './known-issues.js';
import { MOCK_DEVIATIONS } from './prism-mock-limits.js';
import { CHECKS, isConformanceCheck } from './checks.js';
import type { Api, ScenarioContext } from './context.js';
import type { CheckResult, Recorder } from './recorder.js';
import type { ContractFixtures } from './fixtures.js';
import { compareRuns, type Comparison } from './compare/compare.js';
import { formatComparison } from './compare/table.js';
import type { RunTrace } from './compare/trace.js';
import {
  formatChecks, formatFailures, formatKnownIssues, formatLifecycle, formatMatrix, formatMockDeviations, formatOutcomes, formatResultLine,
} from './report/summary.js';
import { junitXml } from './report/junit.js';

/** `--compare reference`: a second reference server, started like the first. */
export const REFERENCE = 'reference';

export interface ContractRunOptions {
  /** A URL, or PRISM_MOCK; without it the reference server is started. */
  target?: string;
  fixtures?: ContractFixtures;
  /** A second target for the same scenarios: a URL, PRISM_MOCK or REFERENCE. */
  compare?: string;
  /** Fixtures for a `compare` URL. */
  compareFixtures?: ContractFixtures;
  only?: Api;
  seed?: number;
  junit?: string;
  json?: string;
  /** Print only failed checks as they are recorded (the summary is always printed). */
  quiet?: boolean;
  negativeRuns?: number;
  /** Apply known-issues.ts to --target as well (when the target is a flowmock server). */
  allowKnownIssues?: boolean;
  /** A --target run passes even when scenarios were skipped for missing credentials or fixtures. */
  allowSkips?: boolean;
  print?: (line: string) => void;
}

export interface ContractRunResult { ok: boolean; failures: number; disagreements: number | null; durationMs: number }

/** One target's run, everything the reports need, after its environment was stopped. */
interface TargetRun {
  label: string;
  kind: ScenarioContext['kind'];
  seed: number;
  recorder: Recorder;
  outcomes: ScenarioOutcome[];
  coverage: CoverageReport;
  stale: string[];
  untested: string[];
  /** Failures that decide `ok` (against the mock: conformance checks only). */
  failures: CheckResult[];
  /** Scenarios skipped because the fixtures lack a credential or a user they need (they decide `ok` unless allowSkips). */
  credentialSkips: ScenarioOutcome[];
  ok: boolean;
  durationMs: number;
  notes: string[];
}

/** A skip for a missing key, token, login or user of the fixtures (scenario-kit.ts and the scenarios' `skip`). */
export const isCredentialSkip = (reason: string): boolean => /^needs (keys\.|phixflow\.tokens\.|login)/.test(reason);

const describeTarget = (t: string | undefined) =>
  t === PRISM_MOCK ? "Prism's mock of the spec (prism mock generated/openapi.json; fixtures from the spec's examples)"
    : t && t !== REFERENCE ? `target ${t}` : 'the reference server (in memory, speed 0, response validation on)';

/** Against a stateless target, behaviour checks are not applicable (checks.ts). */
const applicable = (kind: ScenarioContext['kind']) => (r: Pick<CheckResult, 'check'>) => kind !== 'mock' || isConformanceCheck(r.check);

async function runTarget(opts: ContractRunOptions, target: string | undefined, fixtures: ContractFixtures | undefined, label: string,
  print: (l: string) => void, printResults: boolean, seed?: number): Promise<TargetRun> {
  const started = Date.now();
  const notes: string[] = [];
  const env = await startEnvironment({
    queue: opts.only !== 'phixflow', target: target === REFERENCE ? undefined : target, fixtures, seed: seed ?? opts.seed,
    negativeRuns: opts.negativeRuns, knownIssues: opts.allowKnownIssues, log: (l) => notes.push(l),
  });
  try {
    const { ctx } = env;
    print(`${opts.compare ? `${label}: ` : ''}seed ${ctx.seed} (--seed or FLOWMOCK_SEED to change it); Prism proxies: ${env.proxies.map((p) => `${p.mode} ${p.url}`).join(', ')}`);
    const counts = applicable(ctx.kind);
    const knownLabel = ctx.kind === 'mock' ? 'mock deviation' : 'known issue';
    const show = (r: CheckResult) => {
      if (printResults && (!opts.quiet || (!r.ok && counts(r)))) print(formatResultLine(r, { notApplicable: !counts(r), knownLabel }));
    };
    ctx.recorder.onResult(show);
    for (const r of ctx.recorder.results) show(r); // recorded during start-up (token minting)
    const spec = specIndex();
    const scenarios = allScenarios(spec).filter((s) => !opts.only || s.api === opts.only);
    const outcomes = await runScenarios(ctx, scenarios);
    // With --only, the matrix covers that API's operations (and any other operation the scenarios called).
    const apiOf = (op: (typeof spec.ops)[number]): Api => (op.security.some((r) => 'PhixFlowToken' in r) ? 'phixflow' : 'smartflows');
    const ops = spec.ops.filter((op) => !opts.only || apiOf(op) === opts.only || ctx.recorder.coverage.calls.has(op.operationId));
    // unreachable.ts is about the reference server; the mock answers what it answers.
    const coverage = computeCoverage(ops, ctx.recorder.coverage, ctx.kind === 'mock' ? [] : UNREACHABLE);
    const complete = !opts.only;
    const stale = complete ? staleKnownIssues(ctx) : [];
    const failures = ctx.recorder.unexpectedFailures().filter(counts);
    const untested = complete ? coverage.untested : [];
    // A skipped scenario tests nothing: against a --target it fails the run unless allowed (CI exit codes never lie).
    const credentialSkips = outcomes.filter((o) => o.skipped && isCredentialSkip(o.skipped));
    const skipsFail = ctx.kind === 'external' && !opts.allowSkips && credentialSkips.length > 0;
    const ok = failures.length === 0 && stale.length === 0 && untested.length === 0 && !skipsFail;
    return {
      label, kind: ctx.kind, seed: ctx.seed, recorder: ctx.recorder, outcomes, coverage, stale, untested, failures, credentialSkips, ok,
      durationMs: Date.now() - started, notes,
    };
  } finally {
    await env.close();
  }
}

/** `Scenarios: 18 of 22 ran; 4 skipped (…)`. */
function scenarioCounts(run: TargetRun, allowSkips: boolean | undefined): string {
  const skipped = run.outcomes.filter((o) => o.skipped);
  const ran = run.outcomes.length - skipped.length;
  let line = `Scenarios: ${ran} of ${run.outcomes.length} ran`;
  if (skipped.length) line += `; ${skipped.length} skipped`;
  if (run.credentialSkips.length) {
    line += `, ${run.credentialSkips.length} of them for missing credentials or fixtures`;
    if (run.kind === 'external') {
      line += allowSkips ? ' (allowed by --allow-skips)'
        : ': the run fails (give the credentials with --api-key, --phixflow-token or --fixtures, or pass --allow-skips)';
    }
  }
  return line;
}

function verdict(run: TargetRun): string {
  const what = run.kind === 'mock' ? 'failed conformance checks' : 'failed checks';
  const na = run.kind === 'mock' ? notApplicableCounts(run.recorder) : null;
  const ran = run.outcomes.filter((o) => !o.skipped).length;
  return `${run.ok ? 'PASSED' : 'FAILED'}: ${run.failures.length} ${what}, ${ran} of ${run.outcomes.length} scenarios ran`
    + (na ? ` (behaviour checks not applicable to a stateless mock: ${na.failed} of ${na.total} results failed)` : '')
    + (run.stale.length ? `, stale ${run.kind === 'mock' ? 'mock deviations' : 'known issues'}: ${run.stale.join(', ')}` : '')
    + (run.untested.length ? `, operations without a contract test: ${run.untested.join(', ')}` : '')
    + (run.kind === 'external' && run.credentialSkips.length ? `, ${run.credentialSkips.length} scenarios skipped for missing credentials${run.ok ? ' (allowed)' : ''}` : '');
}

function notApplicableCounts(recorder: Recorder): { checks: number; total: number; failed: number } {
  const rows = recorder.summary().filter((s) => !isConformanceCheck(s.check));
  return { checks: rows.length, total: rows.reduce((n, s) => n + s.total, 0), failed: rows.reduce((n, s) => n + s.failed, 0) };
}

function knownSection(run: TargetRun, opts: ContractRunOptions): string {
  if (run.kind === 'mock') return formatMockDeviations(run.recorder, run.stale);
  return run.kind === 'reference' || opts.allowKnownIssues ? formatKnownIssues(run.recorder, run.stale) : '';
}

function traceOf(run: TargetRun): RunTrace {
  return {
    label: run.label,
    scenarios: run.outcomes.map((o) => ({ name: o.scenario, ...(o.skipped ? { skipped: o.skipped } : {}) })),
    calls: run.recorder.trace.calls,
    lifecycle: run.recorder.trace.lifecycle(),
  };
}

function jsonOf(run: TargetRun, target: string, opts: ContractRunOptions) {
  const { executions, processes } = run.recorder.lifecycle;
  const counts = applicable(run.kind);
  const showKnown = run.kind === 'reference' || opts.allowKnownIssues;
  return {
    target, kind: run.kind, only: opts.only ?? null, seed: run.seed, ok: run.ok, durationMs: run.durationMs,
    checks: run.recorder.summary().map((s) => ({ ...s, description: CHECKS[s.check], applicable: counts(s) })),
    ...(run.kind === 'mock' ? {
      notApplicable: { reason: 'behaviour checks against a stateless mock', ...notApplicableCounts(run.recorder) },
      mockDeviations: MOCK_DEVIATIONS.map((d) => ({ id: d.id, behaviour: d.behaviour, reason: d.reason, matchedChecks: run.recorder.knownFailures().filter((r) => r.known === d.id).length })),
    } : {}),
    scenarios: run.outcomes.map((o) => ({ name: o.scenario, skipped: o.skipped ?? null, failed: o.failures.filter(counts).length, durationMs: o.durationMs })),
    failures: run.failures,
    knownIssues: showKnown ? KNOWN_ISSUES.map((k) => ({ id: k.id, summary: k.summary, failedChecks: run.recorder.knownFailures().filter((r) => r.known === k.id).length })) : [],
    staleKnownIssues: run.stale,
    coverage: {
      untested: run.coverage.untested, gaps: run.coverage.gaps, documented: run.coverage.documented, answered: run.coverage.hit,
      operations: run.coverage.rows.map((r) => ({
        operationId: r.operationId, method: r.method, path: r.path, calls: r.calls, undocumented: r.undocumented,
        statuses: r.statuses.map((s) => ({ status: s.status, hits: s.hits, unreachable: s.unreachable?.reason ?? null })),
      })),
    },
    lifecycle: {
      executions: { seen: Object.fromEntries(executions.seen), transitions: Object.fromEntries(executions.transitions) },
      processes: { seen: Object.fromEntries(processes.seen), transitions: Object.fromEntries(processes.transitions) },
    },
  };
}

export async function runContract(opts: ContractRunOptions): Promise<ContractRunResult> {
  const print = opts.print ?? ((l: string) => console.log(l));
  const started = Date.now();
  const primaryLabel = opts.target ?? REFERENCE;
  const compareLabel = opts.compare === primaryLabel ? `${opts.compare} (compare)` : opts.compare;
  print(`flowmock contract: ${describeTarget(opts.target)}${opts.only ? `, ${opts.only} only` : ''}${opts.compare ? `; compared with ${describeTarget(opts.compare)}` : ''}`);

  const primary = await runTarget(opts, opts.target, opts.fixtures, primaryLabel, print, true);
  print('');
  print([
    formatOutcomes(primary.outcomes, applicable(primary.kind)),
    formatChecks(primary.recorder, { stateless: primary.kind === 'mock' }),
    formatMatrix(primary.coverage),
    formatLifecycle(primary.recorder),
    knownSection(primary, opts),
    primary.notes.length ? `Notes:\n${primary.notes.join('\n')}` : '',
    formatFailures(primary.recorder, 50, applicable(primary.kind)),
    scenarioCounts(primary, opts.allowSkips),
    `${opts.compare ? `${primaryLabel}: ` : ''}${verdict(primary)} (${(primary.durationMs / 1000).toFixed(1)} s)`,
  ].filter(Boolean).join('\n\n'));

  let second: TargetRun | null = null;
  let comparison: Comparison | null = null;
  if (opts.compare && compareLabel) {
    print('');
    print(`Compare run: ${describeTarget(opts.compare)}, the same scenarios and seed`);
    second = await runTarget(opts, opts.compare, opts.compareFixtures, compareLabel, print, false, primary.seed);
    print('');
    print([
      formatOutcomes(second.outcomes, applicable(second.kind)),
      formatChecks(second.recorder, { stateless: second.kind === 'mock' }),
      formatLifecycle(second.recorder),
      knownSection(second, opts),
      formatFailures(second.recorder, 10, applicable(second.kind)),
      `${compareLabel}: ${verdict(second)} (${(second.durationMs / 1000).toFixed(1)} s; the compare target's own checks do not decide the exit code)`,
    ].filter(Boolean).join('\n\n'));
    comparison = compareRuns(traceOf(primary), traceOf(second));
    print('');
    print(formatComparison(comparison));
  }

  const disagreements = comparison ? comparison.disagreements.length : null;
  const ok = primary.ok && !disagreements;
  const durationMs = Date.now() - started;
  if (comparison) {
    print('');
    print(`${ok ? 'PASSED' : 'FAILED'}: ${primaryLabel} ${primary.ok ? 'passed' : 'failed'} its checks (${primary.failures.length} failed); `
      + `${disagreements} disagreements with ${compareLabel} (${(durationMs / 1000).toFixed(1)} s)`);
  }
  if (opts.junit) {
    writeFileSync(opts.junit, junitXml(primary.recorder, primary.outcomes, primary.coverage, {
      name: 'flowmock contract', durationMs, comparison: comparison ?? undefined,
      notApplicable: primary.kind === 'mock' ? (check) => !isConformanceCheck(check) : undefined,
      knownLabel: primary.kind === 'mock' ? 'mock deviation' : undefined,
    }));
    print(`JUnit XML written to ${opts.junit}`);
  }
  if (opts.json) {
    const report = {
      tool: 'flowmock contract', ...jsonOf(primary, primaryLabel, opts), ok, durationMs,
      ...(second && comparison && compareLabel ? {
        compare: {
          run: jsonOf(second, compareLabel, opts),
          disagreements: comparison.disagreements,
          scenarios: comparison.scenarios.map((s) => ({ name: s.scenario, notCompared: s.notCompared, aligned: s.aligned, disagreements: s.disagreements.length })),
        },
      } : {}),
    };
    writeFileSync(opts.json, `${JSON.stringify(report, null, 2)}\n`);
    print(`JSON report written to ${opts.json}`);
  }
  return { ok, failures: primary.failures.length, disagreements, durationMs };
}
