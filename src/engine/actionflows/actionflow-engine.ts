/**
 * Runs actionflows for the incoming API: one ProcessRecord per call, records processed in order,
 * progress saved after every record, the final answer saved before any caller sees it.
 * Sync calls wait up to their timeout and abort the run when it passes; async calls wait up to
 * the (short) async timeout and then leave the run going in the background.
 */
import { randomUUID } from 'node:crypto';
import type { ProcessRecord, Store, StoreCollections } from '../../store/types.js';
import { ActionLog } from './action-log.js';
import { settlesWithin } from './abortable-delay.js';
import { type AbortCause, envelopeFromRecord, finalEnvelope, INTERRUPTED_MESSAGE, runningEnvelope } from './envelope.js';
import { prepareInput } from './input.js';
import type { LoadedActionflow } from '../definitions/load.js';
import { errorMessage, processRecords, type RunEnding, type RunProgress } from './records.js';
import { recordScenario } from './scenarios.js';
import { Activity, RealClock, type Clock } from '../clock.js';
import { effectiveScenario } from '../scenarios.js';
import type {
  ActionflowEnvelope,
  EngineLogger,
  IncomingRequest,
  PreparedInput,
  TriggerOptions,
  TriggerOutcome,
} from './types.js';

export interface ActionflowEngineOptions {
  store: Store;
  now?: () => Date;
  /** Time, record delays and sync timeouts (default: real, `now`); the async answer wait stays real. */
  clock?: Clock;
  /** Called once a run's final state is saved (webhooks; not for runs cut short by shutdown); must not throw. */
  onFinished?: (af: LoadedActionflow, process: ProcessRecord, envelope: ActionflowEnvelope) => void;
  logger?: EngineLogger;
  /** Ids of new runs (process ids; default `crypto.randomUUID`); seeded with --seed on a new database (src/random.ts). */
  newId?: () => string;
}

/** A run still in memory. */
interface RunState {
  af: LoadedActionflow;
  /** The latest state, as last saved. */
  process: ProcessRecord;
  progress: RunProgress;
  controller: AbortController;
  /** Set when the run is aborted, before the signal fires. */
  cause: AbortCause | null;
  /** The final state has been saved (by the run itself or by shutdown); nothing is saved after. */
  finished: boolean;
  /** The input, for the request log entry written with the process row. */
  prepared: PreparedInput;
  /** The process row exists in the store. */
  stored: boolean;
  /** The pending first write of the row (see start()). */
  insertTimer: NodeJS.Immediate | null;
  /** Writing the row failed: the trigger rejects. */
  storeError: unknown;
  /** The run's writes in order (first row, progress, final state): each waits for the one before. */
  writes: Promise<void>;
  /** The scenario in effect (flowmock extension), and the timeout it is measured against. */
  scenario?: string;
  timeoutMs: number;
}
interface ActiveRun extends RunState {
  /** Settles when the run has ended; never rejects. */
  ended: Promise<RunResult>;
}

interface RunResult {
  process: ProcessRecord;
  envelope: ActionflowEnvelope;
  timedOut: boolean;
  storeError?: unknown;
}

/** How long a finished anonymous actionflow run is kept (documented in the spec's input limits). */
export const ANONYMOUS_RETENTION_MS = 24 * 60 * 60 * 1000;

export class ActionflowEngine {
  private readonly store: Store;
  private readonly now: () => Date;
  private readonly logger?: EngineLogger;
  private readonly newId: () => string;
  private readonly log: ActionLog;
  private readonly active = new Map<string, ActiveRun>();
  /** Every run's end until it settles, including runs shutdown() already saved. */
  private readonly settling = new Set<Promise<RunResult>>();
  private closed = false;
  private readonly clock: Clock;
  private readonly onFinished?: ActionflowEngineOptions['onFinished'];
  /** Runs not waiting on the clock: the virtual clock waits for none before firing the next timer. */
  readonly activity = new Activity();

  constructor(opts: ActionflowEngineOptions) {
    this.store = opts.store;
    this.clock = opts.clock ?? new RealClock(opts.now);
    this.onFinished = opts.onFinished;
    this.now = opts.clock ? () => this.clock.now() : (opts.now ?? (() => new Date()));
    this.logger = opts.logger;
    this.newId = opts.newId ?? randomUUID;
    this.log = new ActionLog(this.store, this.now, this.logger);
  }

  /** Input connection point values and parameters (a missing one without default is null: "unavailable"). */
  prepareInput(af: LoadedActionflow, req: IncomingRequest): PreparedInput {
    return prepareInput(af.def, req);
  }

  /**
   * Starts the process (Running; see start() for when its row is written) and runs it. `done` also covers Fail envelopes (failed records,
   * stop, and a sync call cut short by shutdown(), which carries the interrupted message).
   * Rejects only when the engine is shut down or the process cannot be inserted.
   */
  async trigger(af: LoadedActionflow, prepared: PreparedInput, opts: TriggerOptions): Promise<TriggerOutcome> {
    if (this.closed) throw new Error('The actionflow engine has been shut down');
    const run = this.start(af, prepared, opts.userId, effectiveScenario(opts.scenario, af.def.scenario), opts.timeoutMs);

    if (opts.mode === 'sync') {
      // The run's time limit is an engine wait (virtual with --clock virtual).
      const timer = this.clock.setTimeout(() => this.abort(run, { kind: 'timeout', timeoutMs: opts.timeoutMs }), opts.timeoutMs);
      const result = await run.ended;
      this.clock.clearTimeout(timer);
      if (result.storeError) throw result.storeError;
      if (result.timedOut) return { kind: 'timedOut', process: result.process, envelope: result.envelope };
      return this.done(af, result);
    }

    if (await settlesWithin(run.ended, opts.timeoutMs)) {
      const result = await run.ended;
      if (result.storeError) throw result.storeError;
      return this.done(af, result);
    }
    if (run.storeError) throw run.storeError;
    // No timeout from here on: the run ends Success or Fail on its own.
    return { kind: 'accepted', process: { ...run.process }, envelope: runningEnvelope(run.process.id) };
  }

  status(processId: string): Promise<ProcessRecord | null> {
    return this.store.processes.byId(processId);
  }

  /** The Running envelope while the run is going, else the stored final answer. */
  envelopeOf(process: ProcessRecord): ActionflowEnvelope {
    return envelopeFromRecord(process);
  }

  /**
   * Runs left Running by a stopped server can never finish: mark them Fail. They keep the final
   * envelope shape (status Fail, the message, processId) with empty data, since the store keeps
   * no partial results; httpStatus stays null because no answer was ever sent for them.
   * `lost`: only these runs, whose replica died (PostgreSQL with several replicas); the peers'
   * runs are left alone.
   */
  async recoverOnStartup(lost?: ProcessRecord[]): Promise<{ interrupted: number }> {
    let interrupted = 0;
    for (const p of lost ?? await this.store.processes.listRunning()) {
      if (this.active.has(p.id)) continue;
      await this.persist({
        ...p,
        status: 'Fail',
        finishedAt: this.now().toISOString(),
        httpStatus: null,
        message: INTERRUPTED_MESSAGE,
        envelope: { status: 'Fail', message: INTERRUPTED_MESSAGE, processId: p.id, data: {} },
      });
      interrupted++;
    }
    return { interrupted };
  }

  /**
   * Aborts every run (cancelling its timers) and saves it as Fail with the interrupted message;
   * resolves when those are saved, so the store can be closed right after. Later triggers are refused.
   */
  async shutdown(): Promise<void> {
    this.closed = true;
    const saved: Array<Promise<RunResult>> = [];
    for (const run of [...this.active.values()]) {
      run.cause = { kind: 'shutdown' };
      saved.push(this.finish(run, { kind: 'aborted' }));
      run.controller.abort();
    }
    await Promise.all(saved);
  }

  /** Settles when every run has ended, aborted ones included (tests, graceful stop). */
  async idle(): Promise<void> {
    await Promise.all([...this.settling]);
  }

  private lastPruneMs = -Infinity;

  /**
   * Anonymous runs (no token: anyone with the URL can make them) are kept ANONYMOUS_RETENTION_MS
   * after they finish, then deleted with their logs; checked at most once a minute, on a trigger.
   */
  private pruneAnonymousRuns(): void {
    const nowMs = this.now().getTime();
    if (nowMs - this.lastPruneMs < 60_000) return;
    this.lastPruneMs = nowMs;
    this.store.processes.pruneAnonymous(new Date(nowMs - ANONYMOUS_RETENTION_MS).toISOString())
      .catch((err: unknown) => this.logger?.warn({ err }, 'anonymous actionflow runs not pruned (next time)'));
  }

  private start(af: LoadedActionflow, prepared: PreparedInput, userId: string | null, scenario: string | undefined, timeoutMs: number): ActiveRun {
    if (userId === null) this.pruneAnonymousRuns();
    const process: ProcessRecord = {
      id: this.newId(),
      application: af.def.application,
      actionflow: af.def.name,
      status: 'Running',
      userId,
      createdAt: this.now().toISOString(),
      finishedAt: null,
      httpStatus: null,
      envelope: null,
      recordsDone: 0,
      message: null,
    };
    const state: RunState = {
      af,
      process,
      progress: { total: 0, done: 0, data: [], failures: [] },
      controller: new AbortController(),
      cause: null,
      finished: false,
      prepared,
      stored: false,
      insertTimer: null,
      storeError: null,
      writes: Promise.resolve(),
      scenario,
      timeoutMs,
    };
    // The row (with the request log entry) is written at the next turn of the event loop, before
    // any timer (record delay, timeout, async answer) can fire. A run that ends before that, as
    // every run without a record delay does (JSONata evaluates on promises, never on timers, so
    // no other request or signal can come in between), is written once, in its final state, in
    // one transaction with both log entries: one commit per trigger instead of two.
    state.insertTimer = setImmediate(() => { state.writes = state.writes.then(() => this.insertRunning(state)); });
    // execute() reaches its first await before it could look the run up, so this order is safe.
    this.activity.enter();
    const ended = this.execute(state, prepared).finally(() => this.activity.leave());
    this.settling.add(ended);
    void ended.finally(() => this.settling.delete(ended));
    const run: ActiveRun = Object.assign(state, { ended });
    this.active.set(process.id, run);
    return run;
  }

  /** Never rejects: whatever goes wrong ends the run as Fail. */
  private async execute(run: RunState, prepared: PreparedInput): Promise<RunResult> {
    let ending: RunEnding;
    try {
      ending = await processRecords({
        af: run.af,
        input: prepared.input,
        params: prepared.params,
        signal: run.controller.signal,
        progress: run.progress,
        onRecordDone: () => this.saveProgress(run),
        delay: (ms, signal) => this.delay(ms, signal),
        scenario: recordScenario(run.scenario, run.timeoutMs),
      });
    } catch (err) {
      this.logger?.error({ err, processId: run.process.id }, 'actionflow run failed');
      ending = { kind: 'failed', message: `Internal error: ${errorMessage(err)}` };
    }
    return this.finish(run, ending);
  }

  /** A record delay on the engine clock; idle for the virtual clock while it waits. */
  private async delay(ms: number, signal: AbortSignal): Promise<boolean> {
    this.activity.leave();
    try {
      return await this.clock.delay(ms, signal);
    } finally {
      this.activity.enter();
    }
  }

  private abort(run: RunState, cause: AbortCause): void {
    if (run.controller.signal.aborted || run.finished) return;
    run.cause = cause;
    run.controller.abort();
  }

  /**
   * Saves recordsDone after a record when someone could see it: once the run's row is written
   * (see start()), the event loop has turned, so a status poll or a crash can come between two
   * records (a record delay, a scenario's wait). Before that the records are processed in one go
   * (JSONata evaluates on promises, never on timers) and the row, when written, carries the count.
   */
  private saveProgress(run: RunState): void {
    if (run.finished) return;
    run.process = { ...run.process, recordsDone: run.progress.done };
    // Else the pending insert writes run.process as it is then.
    if (run.stored) run.writes = run.writes.then(() => this.persist(run.process));
  }

  /** The first write of a run still going: its Running row and request log entry. */
  private async insertRunning(run: RunState): Promise<void> {
    run.insertTimer = null;
    if (run.stored || run.finished) return;
    try {
      await this.store.transaction(async (tx) => {
        await tx.processes.insert(run.process);
        if (run.af.def.logRequest) await this.log.request(run.af.def, run.process.id, run.prepared, tx);
      });
      run.stored = true;
    } catch (err) {
      run.storeError = err;
      this.logger?.error({ err, processId: run.process.id }, 'could not save the actionflow process');
    }
  }

  /** Saves the final state (store first; callers are answered after). Idempotent. */
  private async finish(run: RunState, ending: RunEnding): Promise<RunResult> {
    const timedOut = ending.kind === 'aborted' && run.cause?.kind === 'timeout';
    if (run.finished) {
      await run.writes; // the first finish's save
      return { process: run.process, envelope: envelopeFromRecord(run.process), timedOut };
    }
    const { def } = run.af;
    const envelope = finalEnvelope(run.process.id, def.output.name, run.progress, ending, run.cause);
    // 504 for a timeout; no status for a shutdown (no answer is owed); else the endpoint's status.
    const httpStatus = timedOut ? 504 : ending.kind === 'aborted' ? null : (def.response?.statusCode ?? 200);
    run.process = {
      ...run.process,
      status: envelope.status === 'Success' ? 'Success' : 'Fail',
      finishedAt: this.now().toISOString(),
      httpStatus,
      envelope,
      recordsDone: run.progress.done,
      // ProcessRecord.message carries run-level reasons (stop, abort, crash), not per-record ones.
      message: ending.kind === 'completed' ? null : envelope.message,
    };
    run.finished = true;
    this.active.delete(run.process.id);
    if (run.insertTimer) clearImmediate(run.insertTimer);
    run.insertTimer = null;
    const processId = run.process.id;
    const final = run.process;
    // The final state and the log entries in one write transaction, after the run's earlier writes.
    const saved = run.writes.then(async () => {
      try {
        await this.store.transaction(async (tx) => {
          if (run.stored) {
            await this.persist(final, tx);
          } else {
            await tx.processes.insert(final);
            if (def.logRequest) await this.log.request(def, processId, run.prepared, tx);
          }
          if (def.logResponse) await this.log.response(def, processId, httpStatus, envelope, tx);
        });
        run.stored = true;
      } catch (err) {
        run.storeError ??= err;
        this.logger?.error({ err, processId }, 'could not save the end of the actionflow process');
      }
    });
    run.writes = saved;
    await saved;
    if (this.onFinished && run.cause?.kind !== 'shutdown' && !run.storeError) {
      try {
        this.onFinished(run.af, run.process, envelope);
      } catch (err) {
        this.logger?.error({ err, processId }, 'onFinished failed');
      }
    }
    return { process: run.process, envelope, timedOut, storeError: run.storeError ?? undefined };
  }

  private done(af: LoadedActionflow, result: RunResult): TriggerOutcome {
    return {
      kind: 'done',
      process: result.process,
      envelope: result.envelope,
      statusCode: af.def.response?.statusCode ?? 200,
      headers: { ...(af.def.response?.headers ?? {}) },
    };
  }

  private async persist(process: ProcessRecord, store: StoreCollections = this.store): Promise<void> {
    try {
      await store.processes.save(process);
    } catch (err) {
      this.logger?.error({ err, processId: process.id }, 'could not save the actionflow process');
    }
  }
}
