/** The printed report: checks with passed/total, the coverage matrix, lifecycle coverage, known issues. */
import { CHECKS } from '../checks.js';
import type { Recorder, CheckResult } from '../recorder.js';
import type { CoverageReport } from '../coverage.js';
import { EXECUTION_STATUSES, PROCESS_STATUSES } from '../lifecycle.js';
import { KNOWN_ISSUES } from '../known-issues.js';
import type { ScenarioOutcome } from '../runner.js';

export function formatResultLine(r: CheckResult): string {
  const mark = r.ok ? 'PASS' : r.known ? 'KNOWN' : 'FAIL';
  return `${mark.padEnd(5)} ${r.check.padEnd(28)} ${r.detail}${r.known ? ` [known issue ${r.known}]` : ''}`;
}

export function formatChecks(recorder: Recorder): string {
  const lines = ['Checks (passed/total):'];
  for (const s of recorder.summary()) {
    const extra = [s.failed ? `${s.failed} failed` : '', s.known ? `${s.known} known issue${s.known > 1 ? 's' : ''}` : ''].filter(Boolean).join(', ');
    lines.push(`  ${s.failed ? '✗' : '✓'} ${s.check.padEnd(28)} ${String(s.passed).padStart(5)}/${String(s.total).padEnd(5)} ${extra ? `(${extra}) ` : ''}${s.total === 0 ? '(not exercised) ' : ''}— ${CHECKS[s.check]}`);
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

export function formatOutcomes(outcomes: ScenarioOutcome[]): string {
  const lines = ['Scenarios:'];
  for (const o of outcomes) {
    const mark = o.skipped ? '-' : o.failures.length ? '✗' : '✓';
    lines.push(`  ${mark} ${o.scenario}${o.skipped ? ` (skipped: ${o.skipped})` : o.failures.length ? ` (${o.failures.length} failed checks)` : ''} ${o.skipped ? '' : `${o.durationMs} ms`}`);
  }
  return lines.join('\n');
}

export function formatFailures(recorder: Recorder, limit = 50): string {
  const f = recorder.unexpectedFailures();
  if (!f.length) return 'Failures: none';
  const lines = [`Failures (${f.length}):`];
  for (const r of f.slice(0, limit)) lines.push(`  [${r.scenario}] ${r.check}: ${r.detail}`);
  if (f.length > limit) lines.push(`  … and ${f.length - limit} more`);
  return lines.join('\n');
}
