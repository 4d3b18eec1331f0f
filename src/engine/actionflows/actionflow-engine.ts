/**
 * Runs actionflows for the incoming API: one ProcessRecord per call, records processed in order,
 * progress saved after every record, the final answer saved before any caller sees it.
 * Sync calls wait up to their timeout and abort the run when it passes; async calls wait up to
 * the (short) async timeout and then leave the run going in the background.
 */
import { randomUUID } from 'node:crypto';
import type { ProcessRecord, Store } from '../../store/types.js';
import { ActionLog } from './action-log.js';
import { settlesWithin } from './abortable-delay.js';
import { type AbortCause, envelopeFromRecord, finalEnvelope, INTERRUPTED_MESSAGE, runningEnvelope } from './envelope.js';
import { prepareInput } from './input.js';
import type { LoadedActionflow } from '../definitions/load.js';
import { errorMessage, processRecords, type RunEnding, type RunProgress } from './records.js';
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
  logger?: EngineLogger;
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
}
interface ActiveRun extends RunState {
  /** Settles when the run has ended; never rejects. */
  ended: Promise<RunResult>;
}

interface RunResult {
  process: ProcessRecord;
  envelope: ActionflowEnvelope;
  timedOut: boolean;
}

export class ActionflowEngine {
  private readonly store: Store;
  private readonly now: () => Date;
  private readonly logger?: EngineLogger;
  private readonly log: ActionLog;
  private readonly active = new Map<string, ActiveRun>();
  /** Every run's end until it settles, including runs shutdown() already saved. */
  private readonly settling = new Set<Promise<RunResult>>();
  private closed = false;

  constructor(opts: ActionflowEngineOptions) {
    this.store = opts.store;
    this.now = opts.now ?? (() => new Date());
    this.logger = opts.logger;
    this.log = new ActionLog(this.store, this.now, this.logger);
  }

  /** Input connection point values and parameters; throws ParamError for a missing required one. */
  prepareInput(af: LoadedActionflow, req: IncomingRequest): PreparedInput {
    return prepareInput(af.def, req);
  }

  /**
   * Inserts the process (Running) and runs it. `done` also covers Fail envelopes (failed records,
   * stop, and a sync call cut short by shutdown(), which carries the interrupted message).
   * Rejects only when the engine is shut down or the process cannot be inserted.
   */
  async trigger(af: LoadedActionflow, prepared: PreparedInput, opts: TriggerOptions): Promise<TriggerOutcome> {
    if (this.closed) throw new Error('The actionflow engine has been shut down');
    const run = this.start(af, prepared, opts.userId);

    if (opts.mode === 'sync') {
      const timer = setTimeout(() => this.abort(run, { kind: 'timeout', timeoutMs: opts.timeoutMs }), opts.timeoutMs);
      const result = await run.ended;
      clearTimeout(timer);
      if (result.timedOut) return { kind: 'timedOut', process: result.process, envelope: result.envelope };
      return this.done(af, result);
    }

    if (await settlesWithin(run.ended, opts.timeoutMs)) return this.done(af, await run.ended);
    // No timeout from here on: the run ends Success or Fail on its own.
    return { kind: 'accepted', process: { ...run.process }, envelope: runningEnvelope(run.process.id) };
  }

  status(processId: string): ProcessRecord | null {
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
   */
  recoverOnStartup(): { interrupted: number } {
    let interrupted = 0;
    for (const p of this.store.processes.listRunning()) {
      if (this.active.has(p.id)) continue;
      this.persist({
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
   * Aborts every run (cancelling its timers) and saves it, synchronously, as Fail with the
   * interrupted message, so the store can be closed right after. Later triggers are refused.
   */
  shutdown(): void {
    this.closed = true;
    for (const run of [...this.active.values()]) {
      run.cause = { kind: 'shutdown' };
      this.finish(run, { kind: 'aborted' });
      run.controller.abort();
    }
  }

  /** Settles when every run has ended, aborted ones included (tests, graceful stop). */
  async idle(): Promise<void> {
    await Promise.all([...this.settling]);
  }

  private start(af: LoadedActionflow, prepared: PreparedInput, userId: string | null): ActiveRun {
    const process: ProcessRecord = {
      id: randomUUID(),
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
    this.store.processes.insert(process);
    if (af.def.logRequest) this.log.request(af.def, process.id, prepared);

    const state: RunState = {
      af,
      process,
      progress: { total: 0, done: 0, data: [], failures: [] },
      controller: new AbortController(),
      cause: null,
      finished: false,
    };
    // execute() reaches its first await before it could look the run up, so this order is safe.
    const ended = this.execute(state, prepared);
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
      });
    } catch (err) {
      this.logger?.error({ err, processId: run.process.id }, 'actionflow run failed');
      ending = { kind: 'failed', message: `Internal error: ${errorMessage(err)}` };
    }
    return this.finish(run, ending);
  }

  private abort(run: RunState, cause: AbortCause): void {
    if (run.controller.signal.aborted || run.finished) return;
    run.cause = cause;
    run.controller.abort();
  }

  private saveProgress(run: RunState): void {
    if (run.finished) return;
    run.process = { ...run.process, recordsDone: run.progress.done };
    this.persist(run.process);
  }

  /** Saves the final state (store first; callers are answered after). Idempotent. */
  private finish(run: RunState, ending: RunEnding): RunResult {
    const timedOut = ending.kind === 'aborted' && run.cause?.kind === 'timeout';
    if (run.finished) return { process: run.process, envelope: envelopeFromRecord(run.process), timedOut };
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
    this.persist(run.process);
    if (def.logResponse) this.log.response(def, run.process.id, httpStatus, envelope);
    return { process: run.process, envelope, timedOut };
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

  private persist(process: ProcessRecord): void {
    try {
      this.store.processes.save(process);
    } catch (err) {
      this.logger?.error({ err, processId: process.id }, 'could not save the actionflow process');
    }
  }
}
