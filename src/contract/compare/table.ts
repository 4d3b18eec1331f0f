/** The printed comparison: one block per scenario, a row per disagreement, both sides side by side. */
import type { Comparison } from './compare.js';

const KIND_LABEL: Record<string, string> = {
  status: 'status', 'content-type': 'content type', header: 'header', 'one-side-call': 'call',
  'lifecycle-status': 'lifecycle', 'lifecycle-transition': 'transition',
};

export function formatComparison(c: Comparison): string {
  const differing = c.scenarios.filter((s) => s.disagreements.length).length;
  const compared = c.scenarios.filter((s) => !s.notCompared).length;
  const lines = [`Comparison: ${c.primary} vs ${c.compare} — ${c.disagreements.length} disagreements in ${differing} of ${compared} compared scenarios`
    + ' (aligned by scenario, operation and occurrence; a poll loop counts once, by its last answer; body values are not compared)'];
  const all = c.scenarios.flatMap((s) => s.disagreements);
  const w = {
    kind: Math.max(4, ...all.map((d) => KIND_LABEL[d.kind].length)),
    what: Math.max(4, ...all.map((d) => d.what.length)),
    primary: Math.max(c.primary.length, ...all.map((d) => d.primary.length)),
  };
  for (const s of c.scenarios) {
    if (s.notCompared) {
      lines.push(`  - ${s.scenario}: not compared (${s.notCompared})`);
      continue;
    }
    const counts = `calls ${s.calls.primary} | ${s.calls.compare}, ${s.aligned} answers aligned`;
    if (!s.disagreements.length) {
      lines.push(`  ✓ ${s.scenario} (${counts})`);
      continue;
    }
    lines.push(`  ✗ ${s.scenario} (${s.disagreements.length} disagreements; ${counts})`);
    lines.push(`      ${'kind'.padEnd(w.kind)}  ${'what'.padEnd(w.what)}  ${c.primary.padEnd(w.primary)}  ${c.compare}`);
    for (const d of s.disagreements) {
      lines.push(`      ${KIND_LABEL[d.kind].padEnd(w.kind)}  ${d.what.padEnd(w.what)}  ${d.primary.padEnd(w.primary)}  ${d.compare}`);
    }
  }
  return lines.join('\n');
}
