/**
 * The recorder: every check result of a run, the scenario it belongs to, what the coverage and
 * lifecycle trackers observed, and the per-call trace (for --compare). Listeners see each result as
 * it is recorded (the CLI prints them).
 */
import { CHECK_NAMES, type CheckName } from './checks.js';
import { CoverageTracker } from './coverage.js';
import { LifecycleTracker } from './lifecycle.js';
import { CallTrace } from './compare/trace.js';

export interface CheckResult {
  check: CheckName;
  ok: boolean;
  scenario: string;
  detail: string;
  operationId?: string;
  status?: number;
  /** Free-form labels that say what kind of request it was (e.g. `negative:query:maximum`, `auth:disabled-user`). */
  tags?: string[];
  /** Set when a failure is a listed known issue of the server under test (known-issues.ts). */
  known?: string;
}

export interface CheckSummary { check: CheckName; passed: number; failed: number; known: number; total: number }

export type KnownIssueClassifier = (r: CheckResult) => string | undefined;

export class Recorder {
  readonly results: CheckResult[] = [];
  readonly coverage = new CoverageTracker();
  readonly lifecycle = new LifecycleTracker((check, ok, detail, extra) => this.record(check, ok, detail, extra));
  readonly trace = new CallTrace();
  /** The poll loop in progress, if any: its calls of `operationId` are marked in the trace. */
  poll: { id: number; operationId: string } | null = null;
  private polls = 0;
  scenario = '(setup)';
  private readonly listeners: Array<(r: CheckResult) => void> = [];

  constructor(private readonly classify: KnownIssueClassifier = () => undefined) {
    this.lifecycle.onObserve((o) => this.trace.observe(this.scenario, o));
  }

  /**
   * Marks the calls of `operationId` until the returned function is called as one poll loop: how
   * many answers a loop takes before the status it waits for depends on timing, so --compare
   * compares only its last answer. Scenarios poll one thing at a time.
   */
  beginPoll(operationId: string): () => void {
    const poll = { id: ++this.polls, operationId };
    this.poll = poll;
    return () => {
      if (this.poll === poll) this.poll = null;
    };
  }

  onResult(fn: (r: CheckResult) => void): void {
    this.listeners.push(fn);
  }

  record(check: CheckName, ok: boolean, detail: string, extra: Partial<Pick<CheckResult, 'operationId' | 'status' | 'tags'>> = {}): boolean {
    const r: CheckResult = { check, ok, scenario: this.scenario, detail, ...extra };
    if (!ok) {
      const known = this.classify(r);
      if (known) r.known = known;
    }
    this.results.push(r);
    for (const l of this.listeners) l(r);
    return ok;
  }

  pass(check: CheckName, detail: string, extra?: Partial<Pick<CheckResult, 'operationId' | 'status' | 'tags'>>): true {
    this.record(check, true, detail, extra);
    return true;
  }

  fail(check: CheckName, detail: string, extra?: Partial<Pick<CheckResult, 'operationId' | 'status' | 'tags'>>): false {
    this.record(check, false, detail, extra);
    return false;
  }

  /** Failures that are not known issues, optionally of one scenario. */
  unexpectedFailures(scenario?: string): CheckResult[] {
    return this.results.filter((r) => !r.ok && !r.known && (scenario === undefined || r.scenario === scenario));
  }

  knownFailures(): CheckResult[] {
    return this.results.filter((r) => !r.ok && r.known);
  }

  summary(): CheckSummary[] {
    return CHECK_NAMES.map((check) => {
      const rs = this.results.filter((r) => r.check === check);
      const failed = rs.filter((r) => !r.ok && !r.known).length;
      const known = rs.filter((r) => !r.ok && r.known).length;
      return { check, passed: rs.length - failed - known, failed, known, total: rs.length };
    });
  }
}
