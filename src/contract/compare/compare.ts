/**
 * Where two targets disagree, from the traces of two runs of the same scenarios (trace.ts). Pure:
 * no I/O, unit-tested beside it.
 *
 * Calls are aligned by scenario + operation + occurrence: within a scenario, the answers to one
 * operation in the order they came, where a poll loop (a progress long-poll, a process polled every
 * 100 ms until it leaves Running) counts as one occurrence, its last answer: how many answers a
 * loop takes, and which intermediate states it catches, depends on timing. Everything else that
 * differs is reported: the status (and whether Prism answered instead of the server), the media
 * type, a documented header present on one side only, an occurrence on one side only, and the
 * execution and process statuses and transitions a scenario observed. A scenario skipped on
 * either side (missing fixtures, no queue server) is listed as not compared, not as a disagreement.
 */
import type { LifecycleSeen, RunTrace, ScenarioLifecycle, TracedCall } from './trace.js';

export type DisagreementKind = 'status' | 'content-type' | 'header' | 'one-side-call' | 'lifecycle-status' | 'lifecycle-transition';

export interface Disagreement {
  scenario: string;
  kind: DisagreementKind;
  /** What differs, e.g. `TriggerActionflow #2` or `execution status Waiting`. */
  what: string;
  operationId?: string;
  /** 1-based occurrence of the operation in the scenario (see above). */
  occurrence?: number;
  /** What each side had, in words (`201 application/json`, `present`, `seen`, `(no call)`). */
  primary: string;
  compare: string;
}

export interface ScenarioComparison {
  scenario: string;
  /** Why the scenario was not compared (skipped on a side), or null. */
  notCompared: string | null;
  /** Calls made on each side. */
  calls: { primary: number; compare: number };
  /** Occurrences present on both sides. */
  aligned: number;
  disagreements: Disagreement[];
}

export interface Comparison {
  primary: string;
  compare: string;
  scenarios: ScenarioComparison[];
  disagreements: Disagreement[];
}

/** One aligned unit: an answer to an operation, or the last answer of a poll loop of `calls` answers. */
export type Occurrence = Omit<TracedCall, 'scenario'> & { calls: number };

/** A scenario's calls as occurrences per operation, operations in the order first called. */
export function occurrences(calls: TracedCall[]): Map<string, Occurrence[]> {
  const out = new Map<string, Occurrence[]>();
  for (const c of calls) {
    const list = out.get(c.operationId) ?? [];
    const last = list[list.length - 1];
    const answer = { operationId: c.operationId, method: c.method, status: c.status, mediaType: c.mediaType, headers: { ...c.headers }, answeredBy: c.answeredBy };
    if (c.poll !== undefined && last?.poll === c.poll) list[list.length - 1] = { ...answer, calls: last.calls + 1, poll: c.poll };
    else list.push({ ...answer, calls: 1, ...(c.poll !== undefined ? { poll: c.poll } : {}) });
    out.set(c.operationId, list);
  }
  return out;
}

const statusText = (o: Occurrence) => `${o.status}${o.answeredBy === 'server' ? '' : ' (made by Prism)'}`;
export const describeOccurrence = (o: Occurrence): string => `${statusText(o)} ${o.mediaType ?? '(no body type)'}`;

function compareOccurrence(scenario: string, what: string, p: Occurrence, c: Occurrence): Disagreement[] {
  const base = { scenario, what, operationId: p.operationId };
  if (p.status !== c.status || p.answeredBy !== c.answeredBy) {
    return [{ ...base, kind: 'status', primary: describeOccurrence(p), compare: describeOccurrence(c) }];
  }
  const out: Disagreement[] = [];
  if (p.mediaType !== c.mediaType) out.push({ ...base, kind: 'content-type', primary: p.mediaType ?? '(none)', compare: c.mediaType ?? '(none)' });
  for (const h of [...new Set([...Object.keys(p.headers), ...Object.keys(c.headers)])].sort()) {
    const a = p.headers[h] ?? false;
    const b = c.headers[h] ?? false;
    if (a !== b) out.push({ ...base, what: `${what} ${h}`, kind: 'header', primary: a ? 'present' : 'absent', compare: b ? 'present' : 'absent' });
  }
  return out;
}

function compareLifecycle(scenario: string, label: 'execution' | 'process', p: LifecycleSeen, c: LifecycleSeen): Disagreement[] {
  const out: Disagreement[] = [];
  const diff = (kind: 'lifecycle-status' | 'lifecycle-transition', noun: string, a: string[], b: string[]) => {
    const sa = new Set(a);
    const sb = new Set(b);
    for (const x of [...new Set([...a, ...b])].sort()) {
      if (sa.has(x) !== sb.has(x)) out.push({ scenario, kind, what: `${label} ${noun} ${x}`, primary: sa.has(x) ? 'seen' : 'not seen', compare: sb.has(x) ? 'seen' : 'not seen' });
    }
  };
  diff('lifecycle-status', 'status', p.seen, c.seen);
  diff('lifecycle-transition', 'transition', p.transitions, c.transitions);
  return out;
}

const NONE: ScenarioLifecycle = { executions: { seen: [], transitions: [] }, processes: { seen: [], transitions: [] } };

export function compareScenario(scenario: string, primary: TracedCall[], compare: TracedCall[],
  lifecycle: { primary?: ScenarioLifecycle; compare?: ScenarioLifecycle } = {}): ScenarioComparison {
  const a = occurrences(primary);
  const b = occurrences(compare);
  const disagreements: Disagreement[] = [];
  let aligned = 0;
  for (const op of [...new Set([...a.keys(), ...b.keys()])]) {
    const pa = a.get(op) ?? [];
    const pb = b.get(op) ?? [];
    for (let i = 0; i < Math.max(pa.length, pb.length); i++) {
      const what = `${op} #${i + 1}`;
      const x = pa[i];
      const y = pb[i];
      if (x && y) {
        aligned++;
        disagreements.push(...compareOccurrence(scenario, what, x, y).map((d) => ({ ...d, occurrence: i + 1 })));
      } else {
        disagreements.push({ scenario, kind: 'one-side-call', what, operationId: op, occurrence: i + 1,
          primary: x ? describeOccurrence(x) : '(no call)', compare: y ? describeOccurrence(y) : '(no call)' });
      }
    }
  }
  const lp = lifecycle.primary ?? NONE;
  const lc = lifecycle.compare ?? NONE;
  disagreements.push(...compareLifecycle(scenario, 'execution', lp.executions, lc.executions), ...compareLifecycle(scenario, 'process', lp.processes, lc.processes));
  return { scenario, notCompared: null, calls: { primary: primary.length, compare: compare.length }, aligned, disagreements };
}

export function compareRuns(primary: RunTrace, compare: RunTrace): Comparison {
  const names = [...new Set([...primary.scenarios.map((s) => s.name), ...compare.scenarios.map((s) => s.name)])];
  const scenarios = names.map((name): ScenarioComparison => {
    const p = primary.scenarios.find((s) => s.name === name);
    const c = compare.scenarios.find((s) => s.name === name);
    const why = !p ? `not run on ${primary.label}` : !c ? `not run on ${compare.label}`
      : p.skipped ? `skipped on ${primary.label}: ${p.skipped}` : c.skipped ? `skipped on ${compare.label}: ${c.skipped}` : null;
    if (why) return { scenario: name, notCompared: why, calls: { primary: 0, compare: 0 }, aligned: 0, disagreements: [] };
    return compareScenario(name, primary.calls.filter((x) => x.scenario === name), compare.calls.filter((x) => x.scenario === name),
      { primary: primary.lifecycle[name], compare: compare.lifecycle[name] });
  });
  return { primary: primary.label, compare: compare.label, scenarios, disagreements: scenarios.flatMap((s) => s.disagreements) };
}
