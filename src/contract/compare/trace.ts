/**
 * The per-call trace of a contract run, kept for `--compare`: for every call of every scenario the
 * operation, the status, the media type, which of the headers the spec documents for that status
 * were present, and who answered (the server, or Prism itself); per scenario, the execution and
 * process statuses and transitions observed. Body values are left out on purpose: ids and
 * timestamps may differ between two correct servers, and the schema checks already judge bodies.
 */
import type { LifecycleObservation } from '../lifecycle.js';

export type AnsweredBy = 'server' | 'prism-refused-request' | 'prism-replaced-response';

export interface TracedCall {
  scenario: string;
  operationId: string;
  method: string;
  status: number;
  /** Media type without parameters; null when the answer had no Content-Type. */
  mediaType: string | null;
  /** Each header the spec documents for this operation and status (lower case) → present in the answer. */
  headers: Record<string, boolean>;
  answeredBy: AnsweredBy;
  /** Set on the calls of one poll loop (scenario-kit's waitForExecution, pollProcess): the loop's number. */
  poll?: number;
}

export interface LifecycleSeen { seen: string[]; transitions: string[] }
export interface ScenarioLifecycle { executions: LifecycleSeen; processes: LifecycleSeen }

/** What --compare compares: one target's trace, with the scenarios in the order they ran. */
export interface RunTrace {
  label: string;
  scenarios: Array<{ name: string; skipped?: string }>;
  calls: TracedCall[];
  lifecycle: Record<string, ScenarioLifecycle>;
}

interface SeenSets { seen: Set<string>; transitions: Set<string> }

export class CallTrace {
  readonly calls: TracedCall[] = [];
  private readonly byScenario = new Map<string, { execution: SeenSets; process: SeenSets }>();

  call(c: TracedCall): void {
    this.calls.push(c);
  }

  observe(scenario: string, o: LifecycleObservation): void {
    let s = this.byScenario.get(scenario);
    if (!s) {
      s = { execution: { seen: new Set(), transitions: new Set() }, process: { seen: new Set(), transitions: new Set() } };
      this.byScenario.set(scenario, s);
    }
    s[o.kind].seen.add(o.status);
    if (o.from !== null) s[o.kind].transitions.add(`${o.from} → ${o.status}`);
  }

  lifecycle(): Record<string, ScenarioLifecycle> {
    const list = (x: SeenSets): LifecycleSeen => ({ seen: [...x.seen].sort(), transitions: [...x.transitions].sort() });
    return Object.fromEntries([...this.byScenario].map(([name, s]) => [name, { executions: list(s.execution), processes: list(s.process) }]));
  }
}

/** The documented headers of `status` (lower case) and whether each is in `headers`. */
export function documentedHeaderPresence(documented: string[] | undefined, headers: Headers): Record<string, boolean> {
  return Object.fromEntries((documented ?? []).map((h) => [h, headers.has(h)]));
}
