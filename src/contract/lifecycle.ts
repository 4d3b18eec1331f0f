/**
 * Lifecycle coverage: the statuses and transitions observed for Smart Flows executions and PhixFlow
 * processes, fed from every answer that carries them. It also runs two checks on each observation:
 * a stable status never changes again, and the progress percentage never goes down.
 */
import type { CheckName } from './checks.js';

export const EXECUTION_STATUSES = ['Running', 'Queued', 'UserInput', 'Waiting', 'Success', 'Warning', 'Error', 'Interrupted', 'Canceled'] as const;
export const STABLE_EXECUTION_STATUSES = ['Success', 'Warning', 'Error', 'Interrupted', 'Canceled'];
export const PROCESS_STATUSES = ['Running', 'Success', 'Fail'] as const;
export const STABLE_PROCESS_STATUSES = ['Success', 'Fail'];

type Report = (check: CheckName, ok: boolean, detail: string, extra: { operationId?: string; tags?: string[] }) => void;

/** One observed status; `from` is the previous status of the same execution or process when it changed. */
export interface LifecycleObservation { kind: 'execution' | 'process'; id: string; status: string; from: string | null }

interface Track { last: string; stable: string | null; maxPercentage: number | null }

class Kind {
  readonly seen = new Map<string, number>();
  readonly transitions = new Map<string, number>();
  readonly tracks = new Map<string, Track>();
  constructor(readonly label: LifecycleObservation['kind'], readonly stable: string[]) {}
}

export class LifecycleTracker {
  readonly executions = new Kind('execution', STABLE_EXECUTION_STATUSES);
  readonly processes = new Kind('process', STABLE_PROCESS_STATUSES);

  private readonly listeners: Array<(o: LifecycleObservation) => void> = [];

  constructor(private readonly report: Report) {}

  onObserve(fn: (o: LifecycleObservation) => void): void {
    this.listeners.push(fn);
  }

  observeExecution(id: string, status: string, percentage: number | undefined, operationId: string): void {
    this.observe(this.executions, id, status, percentage, operationId);
  }

  observeProcess(id: string, status: string, operationId: string): void {
    this.observe(this.processes, id, status, undefined, operationId);
  }

  private observe(kind: Kind, id: string, status: string, percentage: number | undefined, operationId: string): void {
    kind.seen.set(status, (kind.seen.get(status) ?? 0) + 1);
    const t = kind.tracks.get(id);
    const from = t && t.last !== status ? t.last : null;
    for (const l of this.listeners) l({ kind: kind.label, id, status, from });
    if (!t) {
      kind.tracks.set(id, { last: status, stable: kind.stable.includes(status) ? status : null, maxPercentage: percentage ?? null });
      return;
    }
    if (t.stable !== null) {
      this.report('stable_status_sticky', status === t.stable,
        status === t.stable ? `${kind.label} ${id} stays ${t.stable}` : `${kind.label} ${id} was ${t.stable} (stable), now ${status}`,
        { operationId });
    }
    if (percentage !== undefined && t.maxPercentage !== null) {
      this.report('percentage_monotonic', percentage >= t.maxPercentage,
        `${kind.label} ${id}: percentage ${percentage} after ${t.maxPercentage}`, { operationId });
    }
    if (percentage !== undefined) t.maxPercentage = Math.max(t.maxPercentage ?? 0, percentage);
    if (status !== t.last) {
      const key = `${t.last} → ${status}`;
      kind.transitions.set(key, (kind.transitions.get(key) ?? 0) + 1);
      t.last = status;
    }
    if (t.stable === null && kind.stable.includes(status)) t.stable = status;
  }
}
