/** The printed report: checks with passed/total, the coverage matrix, lifecycle coverage, known issues. */
import { CHECKS, isConformanceCheck } from '../checks.js';
import type { Recorder, CheckResult, CheckSummary } from '../recorder.js';
import { MOCK_DEVIATIONS, STATELESS_LIMITS } from '../prism-mock-limits.js';
import type { CoverageReport } from '../coverage.js';
import { EXECUTION_STATUSES, PROCESS_STATUSES } from '../lifecycle.js';
import { KNOWN_ISSUES } from '../known-issues.js';
import type { ScenarioOutcome } from '../runner.js';

/**
 * `notApplicable`: a behaviour check against a stateless target, whose failures are marked N/A, not
 * FAIL; `knownLabel`: what a known failure is (a known issue of the reference server, a mock deviation).
 */
export function formatResultLine(r: CheckResult, opts: { notApplicable?: boolean; knownLabel?: string } = {}): string {
  const mark = r.ok ? 'PASS' : r.known ? 'KNOWN' : opts.notApplicable ? 'N/A' : 'FAIL';
  return `${mark.padEnd(5)} ${r.check.padEnd(28)} ${r.detail}${r.known ? ` [${opts.knownLabel ?? 'known issue'} ${r.known}]` : ''}`;
}

function checkLine(s: CheckSummary, knownLabel: string): string {
  const extra = [s.failed ? `${s.failed} failed` : '', s.known ? `${s.known} ${knownLabel}${s.known > 1 ? 's' : ''}` : ''].filter(Boolean).join(', ');
  return `  ${s.failed ? '✗' : '✓'} ${s.check.padEnd(28)} ${String(s.passed).padStart(5)}/${String(s.total).padEnd(5)} ${extra ? `(${extra}) ` : ''}${s.total === 0 ? '(not exercised) ' : ''}— ${CHECKS[s.check]}`;
}

/** With `stateless`, the behaviour checks are listed apart as not applicable, with why (prism-mock-limits.ts). */
export function formatChecks(recorder: Recorder, opts: { stateless?: boolean } = {}): string {
  const all = recorder.summary();
  if (!opts.stateless) return ['Checks (passed/total):', ...all.map((s) => checkLine(s, 'known issue'))].join('\n');
  const behaviour = all.filter((s) => !isConformanceCheck(s.check));
  const failed = behaviour.reduce((n, s) => n + s.failed, 0);
  const total = behaviour.reduce((n, s) => n + s.total, 0);
  return [
    'Conformance checks (passed/total; these decide the exit code):',
    ...all.filter((s) => isConformanceCheck(s.check)).map((s) => checkLine(s, 'mock deviation')),
    '',
    `Behaviour checks: not applicable to a stateless mock (informative: ${failed} of ${total} results failed, ${total - failed} passed):`,
    ...behaviour.map((s) => `  - ${s.check.padEnd(28)} ${String(s.passed).padStart(5)}/${String(s.total).padEnd(5)} passed — ${STATELESS_LIMITS[s.check] ?? CHECKS[s.check]}`),
  ].join('\n');
}

/** Mock deviations (prism-mock-limits.ts) and how often each matched; `stale` ones matched nothing in a full run. */
export function formatMockDeviations(recorder: Recorder, stale: string[]): string {
  const known = recorder.knownFailures();
  const lines = ["Prism's mock, answers outside what the conformance checks accept (prism-mock-limits.ts):"];
  for (const d of MOCK_DEVIATIONS) {
    const hits = known.filter((r) => r.known === d.id);
    lines.push(`  ${stale.includes(d.id) ? '✗ STALE' : '•'} ${d.id} (${hits.length} checks): ${d.behaviour}`, `      why: ${d.reason}`);
  }
  return lines.join('\n');
}

export function formatMatrix(cov: CoverageReport): string {
  const lines = [`Coverage: ${cov.rows.length - cov.untested.length}/${cov.rows.length} operations tested; ${cov.hit}/${cov.documented} documented statuses answered, ${cov.unreachable} listed unreachable, ${cov.gaps.length} gaps`];
  lines.push('  (status:n = answered n times by the server; status:— not answered; status:unreachable see below)');
  const width = Math.max(...cov.rows.map((r) => r.operationId.length));
  for (const r of cov.rows) {
    const cells = r.statuses.map((s) => `${s.status}:${s.hits ? s.hits : s.unreachable ? 'unreachable' : '—'}`);
    if (r.undocumented.length) cells.push(`UNDOCUMENTED ${r.undocumented.join(',')}`);
    const full = r.statuses.every((s) => s.hits || s.unreachable);
    lines.push(`  ${r.calls === 0 ? '✗' : full ? '✓' : '~'} ${r.operationId.padEnd(width)} ${String(r.calls).padStart(4)} calls  ${cells.join('  ')}`);
  }
  if (cov.untested.length) lines.push(`  Operations without a contract test: ${cov.untested.join(', ')}`);
  if (cov.gaps.length) lines.push(`  Documented statuses not answered (and not listed in unreachable.ts): ${cov.gaps.map((g) => `${g.operationId} ${g.status}`).join(', ')}`);
  const unreachable = cov.rows.flatMap((r) => r.statuses.filter((s) => s.unreachable).map((s) => `    ${r.operationId} ${s.status}: ${s.unreachable!.reason}`));
  if (unreachable.length) lines.push('  Unreachable on purpose (unreachable.ts):', ...unreachable);
  if (cov.unreachableButHit.length) lines.push(`  Listed unreachable but answered (update unreachable.ts): ${cov.unreachableButHit.map((u) => `${u.operationId} ${u.status}`).join(', ')}`);
  return lines.join('\n');
}

export function formatLifecycle(recorder: Recorder): string {
  const { executions, processes } = recorder.lifecycle;
  const seen = (m: Map<string, number>, all: readonly string[]) => all.map((s) => `${m.has(s) ? '✓' : '✗'} ${s}${m.has(s) ? `:${m.get(s)}` : ''}`).join('  ');
  const trans = (m: Map<string, number>) => [...m.entries()].sort().map(([k, n]) => `${k} (${n})`).join(', ') || '(none)';
  return [
    'Lifecycle coverage:',
    `  Smart Flows execution statuses (${executions.tracks.size} executions): ${seen(executions.seen, EXECUTION_STATUSES)}`,
    `    transitions: ${trans(executions.transitions)}`,
    `  PhixFlow process statuses (${processes.tracks.size} processes): ${seen(processes.seen, PROCESS_STATUSES)}`,
    `    transitions: ${trans(processes.transitions)}`,
  ].join('\n');
}

export function formatKnownIssues(recorder: Recorder, stale: string[]): string {
  const known = recorder.knownFailures();
  if (!known.length && !stale.length) return 'Known issues: none';
  const lines = ['Known issues of the reference server (known-issues.ts):'];
  for (const k of KNOWN_ISSUES) {
    const hits = known.filter((r) => r.known === k.id);
    lines.push(`  ${hits.length ? '•' : '✗ STALE'} ${k.id} (${hits.length} failing checks): ${k.summary}`);
    for (const h of hits.slice(0, 3)) lines.push(`      e.g. ${h.check}: ${h.detail.slice(0, 300)}`);
  }
  return lines.join('\n');
}

/** `counts`: which failures count (against a stateless mock, conformance checks only; the others are shown as not applicable). */
export function formatOutcomes(outcomes: ScenarioOutcome[], counts: (r: CheckResult) => boolean = () => true): string {
  const lines = ['Scenarios:'];
  for (const o of outcomes) {
    const failed = o.failures.filter(counts).length;
    const na = o.failures.length - failed;
    const mark = o.skipped ? '-' : failed ? '✗' : '✓';
    const notes = o.skipped ? [`skipped: ${o.skipped}`] : [failed ? `${failed} failed checks` : '', na ? `${na} behaviour results not applicable` : ''].filter(Boolean);
    lines.push(`  ${mark} ${o.scenario}${notes.length ? ` (${notes.join(', ')})` : ''} ${o.skipped ? '' : `${o.durationMs} ms`}`);
  }
  return lines.join('\n');
}

export function formatFailures(recorder: Recorder, limit = 50, counts: (r: CheckResult) => boolean = () => true): string {
  const f = recorder.unexpectedFailures().filter(counts);
  if (!f.length) return 'Failures: none';
  const lines = [`Failures (${f.length}):`];
  for (const r of f.slice(0, limit)) lines.push(`  [${r.scenario}] ${r.check}: ${r.detail}`);
  if (f.length > limit) lines.push(`  … and ${f.length - limit} more`);
  return lines.join('\n');
}
