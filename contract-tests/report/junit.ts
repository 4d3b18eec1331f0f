/**
 * JUnit XML of a contract run: one testsuite per scenario, one testcase per check used in it
 * (failed when any of its results failed, with every failure in the message body); skipped
 * scenarios are skipped testcases; a "coverage" suite has one testcase per operation.
 */
import type { CheckResult, Recorder } from '../recorder.js';
import type { ScenarioOutcome } from '../runner.js';
import type { CoverageReport } from '../coverage.js';

const esc = (s: string) => s.replace(/[<>&"']/g, (c) => ({ '<': '&lt;', '>': '&gt;', '&': '&amp;', '"': '&quot;', "'": '&apos;' })[c]!)
  // characters XML 1.0 does not allow
  .replace(/[\u0000-\u0008\u000b\u000c\u000e-\u001f]/g, '');

export function junitXml(recorder: Recorder, outcomes: ScenarioOutcome[], coverage: CoverageReport, opts: { name: string; durationMs: number }): string {
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
    for (const [check, rs] of byCheck) {
      const bad = rs.filter((r) => !r.ok && !r.known);
      const known = rs.filter((r) => !r.ok && r.known);
      const name = `${check} (${rs.length - bad.length - known.length}/${rs.length} passed${known.length ? `, ${known.length} known issues` : ''})`;
      let body = '';
      if (bad.length) {
        suiteFailures++;
        body += `<failure message="${esc(`${bad.length} of ${rs.length} failed: ${bad[0].detail.slice(0, 300)}`)}" type="${esc(check)}">${esc(bad.map((r) => r.detail).join('\n'))}</failure>`;
      }
      if (known.length) body += `<system-out>${esc(known.map((r) => `[known issue ${r.known}] ${r.detail}`).join('\n'))}</system-out>`;
      cases.push(`    <testcase classname="${esc(o.scenario)}" name="${esc(name)}" time="0">${body}</testcase>`);
    }
    if (!cases.length) cases.push(`    <testcase classname="${esc(o.scenario)}" name="scenario" time="${time}"/>`);
    tests += cases.length;
    failures += suiteFailures;
    suites.push(`  <testsuite name="${esc(o.scenario)}" tests="${cases.length}" failures="${suiteFailures}" skipped="0" time="${time}">\n${cases.join('\n')}\n  </testsuite>`);
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
  return `<?xml version="1.0" encoding="UTF-8"?>\n<testsuites name="${esc(opts.name)}" tests="${tests}" failures="${failures}" skipped="${skipped}" time="${(opts.durationMs / 1000).toFixed(3)}">\n${suites.join('\n')}\n</testsuites>\n`;
}
