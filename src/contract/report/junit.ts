/**
 * JUnit XML of a contract run: one testsuite per scenario, one testcase per check used in it
 * (failed when any of its results failed, with every failure in the message body); skipped
 * scenarios are skipped testcases; a "coverage" suite has one testcase per operation. Against a
 * stateless mock, behaviour checks are skipped testcases (not applicable), their results in
 * system-out. With --compare, a "compare" suite has one testcase per scenario, failed when the
 * two targets disagree there.
 */
import type { CheckName } from '../checks.js';
import type { CheckResult, Recorder } from '../recorder.js';
import type { ScenarioOutcome } from '../runner.js';
import type { CoverageReport } from '../coverage.js';
import type { Comparison } from '../compare/compare.js';

export interface JunitOptions {
  name: string;
  durationMs: number;
  /** Checks reported as not applicable (behaviour checks against a stateless mock). */
  notApplicable?: (check: CheckName) => boolean;
  /** What a known failure is called: `known issue` (reference server) or `mock deviation`. */
  knownLabel?: string;
  comparison?: Comparison;
}

const esc = (s: string) => s.replace(/[<>&"']/g, (c) => ({ '<': '&lt;', '>': '&gt;', '&': '&amp;', '"': '&quot;', "'": '&apos;' })[c]!)
  // characters XML 1.0 does not allow
  .replace(/[\u0000-\u0008\u000b\u000c\u000e-\u001f]/g, '');

export function junitXml(recorder: Recorder, outcomes: ScenarioOutcome[], coverage: CoverageReport, opts: JunitOptions): string {
  const suites: string[] = [];
  let tests = 0;
  let failures = 0;
  let skipped = 0;
  for (const o of outcomes) {
    const time = (o.durationMs / 1000).toFixed(3);
    if (o.skipped) {
      tests++;
      skipped++;
      suites.push(`  <testsuite name="${esc(o.scenario)}" tests="1" failures="0" skipped="1" time="0">\n    <testcase classname="${esc(o.scenario)}" name="scenario" time="0"><skipped message="${esc(o.skipped)}"/></testcase>\n  </testsuite>`);
      continue;
    }
    const byCheck = new Map<string, CheckResult[]>();
    for (const r of recorder.results.filter((x) => x.scenario === o.scenario)) byCheck.set(r.check, [...(byCheck.get(r.check) ?? []), r]);
    const cases: string[] = [];
    let suiteFailures = 0;
    let suiteSkipped = 0;
    const knownLabel = opts.knownLabel ?? 'known issue';
    for (const [check, rs] of byCheck) {
      const bad = rs.filter((r) => !r.ok && !r.known);
      const known = rs.filter((r) => !r.ok && r.known);
      const name = `${check} (${rs.length - bad.length - known.length}/${rs.length} passed${known.length ? `, ${known.length} ${knownLabel}s` : ''})`;
      let body = '';
      const out = known.map((r) => `[${knownLabel} ${r.known}] ${r.detail}`);
      if (bad.length && opts.notApplicable?.(check as CheckName)) {
        suiteSkipped++;
        body += `<skipped message="${esc(`not applicable to a stateless mock: ${bad.length} of ${rs.length} failed`)}"/>`;
        out.push(...bad.map((r) => `[not applicable] ${r.detail}`));
      } else if (bad.length) {
        suiteFailures++;
        body += `<failure message="${esc(`${bad.length} of ${rs.length} failed: ${bad[0].detail.slice(0, 300)}`)}" type="${esc(check)}">${esc(bad.map((r) => r.detail).join('\n'))}</failure>`;
      }
      if (out.length) body += `<system-out>${esc(out.join('\n'))}</system-out>`;
      cases.push(`    <testcase classname="${esc(o.scenario)}" name="${esc(name)}" time="0">${body}</testcase>`);
    }
    if (!cases.length) cases.push(`    <testcase classname="${esc(o.scenario)}" name="scenario" time="${time}"/>`);
    tests += cases.length;
    failures += suiteFailures;
    skipped += suiteSkipped;
    suites.push(`  <testsuite name="${esc(o.scenario)}" tests="${cases.length}" failures="${suiteFailures}" skipped="${suiteSkipped}" time="${time}">\n${cases.join('\n')}\n  </testsuite>`);
  }
  const covCases = coverage.rows.map((r) => {
    const missing = r.statuses.filter((s) => !s.hits && !s.unreachable).map((s) => s.status);
    const name = `${r.operationId} (${r.method} ${r.path})`;
    if (r.calls === 0) return `    <testcase classname="coverage" name="${esc(name)}"><failure message="no contract test" type="coverage"/></testcase>`;
    return `    <testcase classname="coverage" name="${esc(name)}">${missing.length ? `<system-out>${esc(`documented statuses not answered: ${missing.join(', ')}`)}</system-out>` : ''}</testcase>`;
  });
  const covFailures = coverage.untested.length;
  tests += covCases.length;
  failures += covFailures;
  suites.push(`  <testsuite name="coverage" tests="${covCases.length}" failures="${covFailures}" skipped="0" time="0">\n${covCases.join('\n')}\n  </testsuite>`);
  if (opts.comparison) {
    const c = opts.comparison;
    const suite = `compare: ${c.primary} vs ${c.compare}`;
    const cases = c.scenarios.map((s) => {
      if (s.notCompared) return `    <testcase classname="${esc(suite)}" name="${esc(s.scenario)}"><skipped message="${esc(s.notCompared)}"/></testcase>`;
      if (!s.disagreements.length) return `    <testcase classname="${esc(suite)}" name="${esc(s.scenario)}"/>`;
      const text = s.disagreements.map((d) => `${d.kind} ${d.what}: ${c.primary} ${d.primary}, ${c.compare} ${d.compare}`);
      return `    <testcase classname="${esc(suite)}" name="${esc(s.scenario)}"><failure message="${esc(`${s.disagreements.length} disagreements: ${text[0]}`)}" type="disagreement">${esc(text.join('\n'))}</failure></testcase>`;
    });
    const bad = c.scenarios.filter((s) => s.disagreements.length).length;
    const skippedHere = c.scenarios.filter((s) => s.notCompared).length;
    tests += cases.length;
    failures += bad;
    skipped += skippedHere;
    suites.push(`  <testsuite name="${esc(suite)}" tests="${cases.length}" failures="${bad}" skipped="${skippedHere}" time="0">\n${cases.join('\n')}\n  </testsuite>`);
  }
  return `<?xml version="1.0" encoding="UTF-8"?>\n<testsuites name="${esc(opts.name)}" tests="${tests}" failures="${failures}" skipped="${skipped}" time="${(opts.durationMs / 1000).toFixed(3)}">\n${suites.join('\n')}\n</testsuites>\n`;
}
