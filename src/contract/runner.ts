/**
 * Running scenarios: one at a time, each under its own name in the recorder; a thrown error (an
 * abort after a failed precondition, or a bug) is recorded as a failure and the run goes on.
 * After the run, known issues that no longer reproduce are failures too (known-issues.ts; for
 * Prism's mock, prism-mock-limits.ts).
 */
import type { Scenario, ScenarioContext } from './context.js';
import type { CheckResult } from './recorder.js';
import { ScenarioAbort } from './scenario-kit.js';
import { KNOWN_ISSUES } from './known-issues.js';
import { MOCK_DEVIATIONS } from './prism-mock-limits.js';

export interface ScenarioOutcome {
  scenario: string;
  skipped?: string;
  failures: CheckResult[];
  durationMs: number;
}

export async function runScenario(ctx: ScenarioContext, s: Scenario): Promise<ScenarioOutcome> {
  const started = Date.now();
  const reason = s.skip?.(ctx) ?? null;
  if (reason) {
    ctx.log(`- ${s.name}: skipped (${reason})`);
    return { scenario: s.name, skipped: reason, failures: [], durationMs: 0 };
  }
  ctx.recorder.scenario = s.name;
  try {
    await s.run(ctx);
  } catch (err) {
    if (!(err instanceof ScenarioAbort)) {
      ctx.recorder.fail('behaves_as_documented', `the scenario stopped on an error: ${err instanceof Error ? err.stack ?? err.message : String(err)}`);
    }
  } finally {
    ctx.recorder.scenario = '(between scenarios)';
  }
  return { scenario: s.name, failures: ctx.recorder.unexpectedFailures(s.name), durationMs: Date.now() - started };
}

export async function runScenarios(ctx: ScenarioContext, scenarios: Scenario[]): Promise<ScenarioOutcome[]> {
  const out: ScenarioOutcome[] = [];
  for (const s of scenarios) out.push(await runScenario(ctx, s));
  return out;
}

/** Known issues (reference runs) or mock deviations (mock runs) that matched no failure: the list is stale. */
export function staleKnownIssues(ctx: ScenarioContext): string[] {
  const listed = ctx.kind === 'reference' ? KNOWN_ISSUES : ctx.kind === 'mock' ? MOCK_DEVIATIONS : [];
  const matched = new Set(ctx.recorder.knownFailures().map((r) => r.known));
  return listed.filter((k) => !matched.has(k.id)).map((k) => k.id);
}
