/**
 * Runs flow executions: steps in order, each state change saved to the store before anyone can
 * see it. The store is the truth; in memory there are only timers (step waits, max-duration
 * deadlines) and long-poll listeners, which a restart may lose without losing any state.
 *
 * Timing: every step duration is multiplied by `speed` (1 = real time, 0.01 = a hundred times
 * faster, 0 = no waiting at all: the loop still yields to the event loop between states, so the
 * states are saved, and observable, in order).
 *
 * Queueing: at most `maxConcurrent` executions are Running; further starts are Queued with an
 * increasing queueSeq and are started, lowest queueSeq first, whenever a Running execution
 * leaves Running (finishes, is canceled, or stops for user input or a callback). Resuming after
 * user input or a callback is never queued: that execution already had its turn.
 */
import { isTransientStoreError } from '../../store/store-health.js';
import { storeRetryDelayMs } from '../../store/store-retry.js';
import { randomUUID } from 'node:crypto';
import type { DoStepDef, StepDef } from '../definitions/types.js';
import {
  isStable, type StepStateStatus, type ExecutionRecord, type ExecutionStatus, type Store, type StoreCollections, type StoreTransaction,
} from '../../store/types.js';
import { stepModule } from '../steps/registry.js';
import type { StepRunContext } from '../steps/types.js';
import { EngineCaches } from './caches.js';
import { ChangeNotifier } from './change-notifier.js';
import { documentInputValues, evaluationContext } from './context.js';
import { cursorOf, newCursor } from './cursor.js';
import { FlowInputValidationError, FlowStateError } from './errors.js';
import {
  closeBody, closeStage, endBlock, hasOpenBlock, endOpenBlocks, flowException, openConstruct, openStage, raisePercentage, skippedBlock,
  startBlock, switchBody, syncIterations,
} from './execution-state.js';
import { opStep, programOf, type Op, type Program } from './program.js';
import { evaluateStepExpression, renderStepText, staticStepText, stepApplies } from './step-expressions.js';
import type { EngineFlow, EngineLogger, FlowInput } from './types.js';
import { validateFormValues } from './user-input.js';
import { compileTemplate } from '../definitions/template.js';
import { Activity, RealClock, type Clock, type ClockTimer } from '../clock.js';
import { effectiveScenario } from '../scenarios.js';
import { holdsInQueue, isHoldStep, QUEUED_HOLD_MS, scenarioFlow, storesDocuments } from './scenarios.js';

export interface FlowEngineOptions {
  store: Store;
  /** The loaded flows by id; a function so a definitions reload is seen. */
  flows: () => Map<string, EngineFlow>;
  /** Ids of new executions (default `crypto.randomUUID`); seeded with --seed on a new database (src/random.ts). */
  newId?: () => string;
  /** Duration factor: 1 = as defined, 0 = no waiting (order of states kept). */
  speed: number;
  /** Running executions at most; more are Queued. Default 4. */
  maxConcurrent?: number;
  now?: () => Date;
  /** Time and timers of step durations, maximum durations and scenario holds (default: real, `now`). */
  clock?: Clock;
  /** Called after an execution reached a stable status and was saved (webhooks); must not throw. */
  onFinished?: (rec: ExecutionRecord) => void;
  logger?: EngineLogger;
  /** The engine's memo caches (programs, scenario views, form validators, compiled text); the
   * composition root builds them and drops them with the engine. Default: the engine's own. */
  caches?: EngineCaches;
}

export interface StartRequest {
  flowId: string;
  userId: string;
  input: FlowInput;
  /** Started with /start: user-input steps use their defaults. */
  skipUserInput: boolean;
  /** A known scenario name (`Prefer: scenario=`); overrides the flow's default; see scenarios.ts. */
  scenario?: string;
}

/** One active background runner; `stopped` tells it to give up at its next step. */
interface LiveRun {
  stopped: boolean;
  /** Resolvers of pending waits: called on stop so the runner wakes up and notices. */
  wakers: Set<() => void>;
}

export const QUEUED_MESSAGE = 'Queued: waiting for other flows to finish';
/** How often an operation that lost a race on one execution is tried again (each time on a fresh read). */
const STALE_RETRIES = 5;

/** The execution was saved by someone else since it was read: nothing was overwritten. */
class StaleExecutionError extends Error {
  constructor(id: string) {
    super(`The flow execution ${id} was changed meanwhile; try again.`);
    this.name = 'StaleExecutionError';
  }
}
export const SELECT_FLOW_MESSAGE = 'Select a flow';
const silent: EngineLogger = { info() {}, warn() {}, error() {} };

export class FlowEngine {
  private readonly store: Store;
  private readonly flows: () => Map<string, EngineFlow>;
  private readonly newId: () => string;
  private readonly speed: number;
  private readonly maxConcurrent: number;
  private readonly clock: () => Date;
  private readonly log: EngineLogger;
  private readonly runs = new Map<string, LiveRun>();
  private readonly deadlines = new Map<string, ClockTimer>();
  private readonly changes = new ChangeNotifier();
  private closed = false;
  /** Engine waits (steps, deadlines, holds): real or virtual time. */
  private readonly timers: Clock;
  private readonly onFinished?: (rec: ExecutionRecord) => void;
  /** Runners not waiting on the clock: the virtual clock waits for none before firing the next timer. */
  readonly activity = new Activity();
  /** Executions held in Queued by the `queued` scenario, with the timer that releases them. */
  private readonly holds = new Map<string, ClockTimer>();
  private readonly caches: EngineCaches;

  constructor(opts: FlowEngineOptions) {
    if (!Number.isFinite(opts.speed) || opts.speed < 0) throw new RangeError(`speed must be a number >= 0, got ${opts.speed}`);
    const max = opts.maxConcurrent ?? 4;
    if (!Number.isInteger(max) || max < 1) throw new RangeError(`maxConcurrent must be an integer >= 1, got ${max}`);
    this.store = opts.store;
    this.flows = opts.flows;
    this.newId = opts.newId ?? randomUUID;
    this.speed = opts.speed;
    this.maxConcurrent = max;
    this.timers = opts.clock ?? new RealClock(opts.now);
    this.clock = opts.clock ? () => this.timers.now() : (opts.now ?? (() => new Date()));
    this.onFinished = opts.onFinished;
    this.log = opts.logger ?? silent;
    this.caches = opts.caches ?? new EngineCaches();
    // Long polls wake on every committed save, this engine's or another server's on the same
    // database ('external': the backend cannot say which execution, so every poll looks again).
    this.stopWatchingStore = this.store.onChange((change) => {
      if (change.kind === 'execution') this.changes.notify(change.id);
      else if (change.kind === 'external') this.changes.notifyAll();
    });
  }

  private readonly stopWatchingStore: () => void;

  /**
   * Runs `op` again when it lost a race: the execution was saved by someone else between its
   * read and its save (persist refuses to overwrite that). The re-read sees the new state, and the
   * op's own checks answer from it (a canceled execution takes no more input).
   */
  private async retryStale<T>(op: () => Promise<T>): Promise<T> {
    for (let attempt = 1; ; attempt++) {
      try {
        return await op();
      } catch (err) {
        if (!(err instanceof StaleExecutionError) || attempt >= STALE_RETRIES) throw err;
      }
    }
  }

  // ---------------------------------------------------------------- operations

  /** Inserts the execution (Running, or Queued when all slots are taken) and runs it in the background. */
  /** `also`: more writes in the transaction that inserts the execution (its input data). */
  async start(req: StartRequest, also?: (tx: StoreTransaction, rec: ExecutionRecord) => Promise<void>): Promise<ExecutionRecord> {
    const base = this.flows().get(req.flowId);
    if (!base) throw new FlowStateError('notFound', `There is no flow with id ${req.flowId}.`);
    const scenario = effectiveScenario(req.scenario, base.def.scenario);
    const flow = scenarioFlow(base, scenario, this.caches);
    await this.drainQueue();
    const held = holdsInQueue(scenario);
    const inputData = shownInputData(req.input);
    // Counting the Running ones and inserting in one transaction: two starts at once never both
    // take the last slot.
    const { rec, queued } = await this.store.transaction(async (tx) => {
      const at = this.iso();
      const queued = held || (await tx.executions.countByStatus('Running')) >= this.maxConcurrent;
      const status: ExecutionStatus = queued ? 'Queued' : 'Running';
      const rec: ExecutionRecord = {
        ...this.blankRecord(at, req.userId, req.skipUserInput),
        flowId: flow.def.id,
        flowName: flow.def.displayName,
        status,
        progress: { percentage: 0, message: queued ? QUEUED_MESSAGE : this.stepMessageNow(flow.def.steps[0]), status },
        inputKind: req.input.kind,
        inputData,
        cursor: newCursor(req.input.kind === 'none' ? null : req.input.value, queued ? null : at),
        queueSeq: queued ? (await tx.executions.maxQueueSeq()) + 1 : null,
      };
      if (scenario) cursorOf(rec).scenario = scenario;
      // A flow with an `iterate` construct builds state.iterations itself: no plug-in record iterations, ever.
      if (programOf(flow.def, this.caches).iterates) cursorOf(rec).ownIterations = true;
      openStage(rec, inputData, at);
      syncIterations(rec);
      await tx.executions.insert(rec);
      await also?.(tx, rec);
      return { rec, queued };
    });
    if (held) this.holdInQueue(rec.id);
    else if (!queued) this.launch(rec, flow);
    return rec;
  }

  /** What every new execution record starts with; start() and startSelection() add the rest. */
  private blankRecord(at: string, userId: string, skipUserInput: boolean) {
    return {
      id: this.newId(), createdAt: at, createdBy: userId, modifiedAt: at, modifiedBy: userId, skipUserInput,
      stages: [], iterations: [], report: [], warnings: [], errors: [], output: { model: {} }, waitingFor: null, version: 1,
    } satisfies Partial<ExecutionRecord>;
  }

  /**
   * Started without a flow: the execution waits in SelectFlow, its progress a one-field form
   * (`flow`) offering `choices`, until selectFlow() runs the chosen one.
   */
  async startSelection(
    req: { userId: string; choices: Array<{ id: string; displayName: string }>; skipUserInput: boolean; scenario?: string },
    also?: (tx: StoreTransaction, rec: ExecutionRecord) => Promise<void>,
  ): Promise<ExecutionRecord> {
    const at = this.iso();
    const ids = req.choices.map((c) => c.id);
    const rec: ExecutionRecord = {
      ...this.blankRecord(at, req.userId, req.skipUserInput),
      flowId: '',
      flowName: '',
      status: 'SelectFlow',
      progress: {
        percentage: 0,
        message: SELECT_FLOW_MESSAGE,
        status: 'SelectFlow',
        schema: { type: 'object', properties: { flow: { type: 'string', enum: ids } }, required: ['flow'] },
        form: [{
          key: 'flow', title: 'Flow', type: 'string',
          description: `One of: ${req.choices.map((c) => `${c.displayName} (${c.id})`).join(', ')}`,
        }],
        model: { flow: ids[0] },
      },
      inputKind: 'none',
      inputData: null,
      cursor: { selectFrom: ids, ...(req.scenario ? { scenario: req.scenario } : {}) },
      queueSeq: null,
    };
    openStage(rec, null, at);
    await this.store.transaction(async (tx) => {
      await tx.executions.insert(rec);
      await also?.(tx, rec);
    });
    return rec;
  }

  /** Runs the flow chosen for a SelectFlow execution with its stored input (Running or Queued). */
  selectFlow(executionId: string, flowId: string, input: FlowInput, userId: string): Promise<ExecutionRecord> {
    return this.retryStale(() => this.selectFlowOnce(executionId, flowId, input, userId));
  }

  private async selectFlowOnce(executionId: string, flowId: string, input: FlowInput, userId: string): Promise<ExecutionRecord> {
    const rec = await this.existing(executionId);
    if (rec.status !== 'SelectFlow') {
      throw new FlowStateError('conflict', `The execution is ${rec.status}; a flow is chosen only while it is SelectFlow.`);
    }
    const offered = (rec.cursor.selectFrom as string[] | undefined) ?? [];
    const base = this.flows().get(flowId);
    if (!offered.includes(flowId) || !base) {
      throw new FlowInputValidationError([{ pointer: '/flow', rule: 'enum', message: `flow must be one of the offered flows: ${offered.join(', ')}` }]);
    }
    const requested = typeof rec.cursor.scenario === 'string' ? rec.cursor.scenario : undefined;
    const scenario = effectiveScenario(requested, base.def.scenario);
    const flow = scenarioFlow(base, scenario, this.caches);
    await this.drainQueue();
    const held = holdsInQueue(scenario);
    const queued = await this.store.transaction(async (tx) => {
      const at = this.iso();
      const queued = held || (await tx.executions.countByStatus('Running')) >= this.maxConcurrent;
      rec.flowId = flow.def.id;
      rec.flowName = flow.def.displayName;
      rec.status = queued ? 'Queued' : 'Running';
      rec.progress = { percentage: 0, message: queued ? QUEUED_MESSAGE : this.stepMessageNow(flow.def.steps[0]), status: rec.status };
      rec.inputKind = input.kind;
      rec.inputData = shownInputData(input);
      rec.report = [];
      rec.cursor = newCursor(input.kind === 'none' ? null : input.value, queued ? null : at);
      if (scenario) cursorOf(rec).scenario = scenario;
      rec.queueSeq = queued ? (await tx.executions.maxQueueSeq()) + 1 : null;
      closeStage(rec, at);
      openStage(rec, { flow: flowId }, at);
      await this.persist(rec, userId, tx);
      return queued;
    });
    if (held) this.holdInQueue(rec.id);
    else if (!queued) this.launch(rec, flow);
    return rec;
  }

  /** Resumes a UserInput execution with the posted form values. */
  continueWithInput(executionId: string, values: Record<string, unknown>, userId: string): Promise<ExecutionRecord> {
    return this.retryStale(() => this.continueWithInputOnce(executionId, values, userId));
  }

  private async continueWithInputOnce(executionId: string, values: Record<string, unknown>, userId: string): Promise<ExecutionRecord> {
    const rec = await this.existing(executionId);
    if (rec.status !== 'UserInput') {
      throw new FlowStateError('conflict', `The execution is ${rec.status}; form values are accepted only while it is UserInput.`);
    }
    const { flow, step } = this.waitingStep(rec, 'userInput');
    const merged = validateFormValues(step, values, this.caches);
    const at = this.iso();
    const cursor = cursorOf(rec);
    cursor.form = { ...cursor.form, ...merged };
    endBlock(rec, step.id, 'Output', at, { input: values, output: merged });
    raisePercentage(rec, step.percentage);
    return this.resume(rec, flow, values, at, userId);
  }

  /** Resumes an execution Waiting on this callback id; `data` becomes `callback` in the context. */
  callback(executionId: string, callbackId: string, data: unknown, userId: string): Promise<ExecutionRecord> {
    return this.retryStale(() => this.callbackOnce(executionId, callbackId, data, userId));
  }

  private async callbackOnce(executionId: string, callbackId: string, data: unknown, userId: string): Promise<ExecutionRecord> {
    const rec = await this.existing(executionId);
    if (rec.status !== 'Waiting' || rec.waitingFor?.type !== 'callback' || rec.waitingFor.callbackId !== callbackId) {
      const why = rec.status === 'Waiting' ? 'it waits for a different callback' : `it is ${rec.status}`;
      throw new FlowStateError('conflict', `The execution is not waiting for callback ${callbackId}: ${why}.`);
    }
    const { flow, step } = this.waitingStep(rec, 'waitForCallback');
    const at = this.iso();
    cursorOf(rec).callback = data ?? null;
    endBlock(rec, step.id, 'Output', at, { input: data ?? null });
    raisePercentage(rec, step.percentage);
    return this.resume(rec, flow, data ?? null, at, userId);
  }

  /** Cancels a live execution; a stable one cannot change any more. */
  cancel(executionId: string, userId: string): Promise<ExecutionRecord> {
    return this.retryStale(async () => {
      const user = await this.store.users.byId(userId);
      const rec = await this.existing(executionId);
      if (isStable(rec.status)) {
        throw new FlowStateError('conflict', `The execution is ${rec.status}, which is final; only a live execution can be canceled.`);
      }
      return this.end(rec, 'Canceled', `Canceled by ${user?.username ?? userId}`, { userId });
    });
  }

  /**
   * Interrupts a live execution that is still in `status` (RunCleanup: one left waiting too long);
   * null, and nothing changed, when it has moved on meanwhile or is gone.
   */
  interrupt(executionId: string, status: ExecutionStatus, message: string): Promise<ExecutionRecord | null> {
    return this.retryStale(async () => {
      const rec = await this.store.executions.byId(executionId);
      if (!rec || rec.status !== status) return null;
      return this.end(rec, 'Interrupted', message, { blockStatus: 'Error' });
    });
  }

  /**
   * Long-poll support. Resolves at once when the version differs or nothing is going to happen
   * by itself (stable, UserInput, Waiting); otherwise at the next save, the timeout or an abort,
   * always with the current record (null if there is none). Never rejects.
   */
  async waitForChange(executionId: string, sinceVersion: number, timeoutMs: number, signal?: AbortSignal): Promise<ExecutionRecord | null> {
    const unchanged = (rec: ExecutionRecord | null): rec is ExecutionRecord =>
      rec !== null && rec.version === sinceVersion && (rec.status === 'Running' || rec.status === 'Queued');
    const current = await this.read(executionId);
    if (!unchanged(current) || this.closed || timeoutMs <= 0 || signal?.aborted) return current;
    return new Promise((resolve) => {
      let settled = false;
      const settle = (rec: ExecutionRecord | null) => {
        if (settled) return;
        settled = true;
        unsubscribe();
        clearTimeout(timer);
        signal?.removeEventListener('abort', stop);
        resolve(rec);
      };
      const stop = () => { void this.read(executionId).then(settle); };
      // A notification may be about another execution ('external'): answer only when this one
      // moved. One that arrives while the record is being read is looked at after that read.
      let reading = false;
      let again = false;
      const changed = () => {
        if (settled) return;
        if (reading) { again = true; return; }
        reading = true;
        void this.read(executionId).then((rec) => {
          reading = false;
          if (!unchanged(rec) || this.closed) settle(rec);
          else if (again) { again = false; changed(); }
        });
      };
      const unsubscribe = this.changes.subscribe(executionId, changed);
      const timer = setTimeout(stop, timeoutMs);
      signal?.addEventListener('abort', stop, { once: true });
    });
  }

  /**
   * After a restart: Running and Queued executions had their runner (timers, in-flight work) in
   * the old process, so they are marked Interrupted. UserInput and Waiting executions keep their
   * status: everything needed to resume them (step index, form values, callback id) is in the
   * store, so a later continue or callback picks them up as if nothing happened.
   *
   * `lost`: only these Running executions, whose replica died (its lease expired; PostgreSQL with
   * several replicas, src/store/postgres/replicas.ts): the peers' own work and the shared queue
   * are left alone.
   */
  async recoverOnStartup(lost?: ExecutionRecord[]): Promise<{ interrupted: number }> {
    let interrupted = 0;
    for (const rec of lost ?? await this.store.executions.listLive()) {
      if (rec.status !== 'Running' && (lost || rec.status !== 'Queued')) continue;
      const message = lost
        ? 'Interrupted: the flowmock replica running the execution stopped (its lease expired)'
        : `Interrupted: the server stopped while the execution was ${rec.status}`;
      try {
        await this.end(rec, 'Interrupted', message, { drain: false, blockStatus: 'Error' });
        interrupted++;
      } catch (err) {
        if (!(err instanceof StaleExecutionError)) throw err; // changed meanwhile: not ours to interrupt
      }
    }
    if (interrupted > 0) this.log.warn({ interrupted }, 'flow executions interrupted by a server stop');
    return { interrupted };
  }

  /** Stops every runner and timer and wakes all long polls. Running executions stay Running in
   * the store; the next recoverOnStartup marks them Interrupted. */
  shutdown(): void {
    this.closed = true;
    this.stopWatchingStore();
    if (this.drainRetry) clearTimeout(this.drainRetry);
    for (const id of [...this.runs.keys()]) this.stopRun(id);
    for (const t of this.deadlines.values()) this.timers.clearTimeout(t);
    this.deadlines.clear();
    for (const t of this.holds.values()) this.timers.clearTimeout(t);
    this.holds.clear();
    this.changes.notifyAll();
  }

  /** Long-poll listeners currently registered (for leak checks). */
  pendingWaiters(): number {
    return this.changes.size();
  }

  // ---------------------------------------------------------------- background runner

  private launch(rec: ExecutionRecord, flow: EngineFlow): void {
    if (this.closed) return;
    const id = rec.id;
    this.stopRun(id);
    const run: LiveRun = { stopped: false, wakers: new Set() };
    this.runs.set(id, run);
    this.armDeadline(id, flow, cursorOf(rec).activeMs);
    this.activity.enter();
    setImmediate(() => void this.runLoop(id, run).finally(() => this.activity.leave()));
  }

  /**
   * Runs the flow's program until the execution stops Running. Never rejects: a failure inside a
   * try goes to its catch; any other ends the execution Error, except a write refused because
   * another process holds the database lock: the store is the truth and kept the state before the
   * step, so the step runs again after a pause (off the event loop).
   */
  private async runLoop(id: string, run: LiveRun): Promise<void> {
    for (let attempt = 0; ; attempt++) {
      const outcome = await this.runSteps(id, run);
      if (outcome !== 'locked' || run.stopped || this.closed) return;
      if (attempt === 0) this.log.warn({ executionId: id }, 'the database is locked by another process; the step is retried');
      await new Promise((r) => setTimeout(r, storeRetryDelayMs(attempt)));
    }
  }

  private async runSteps(id: string, run: LiveRun): Promise<'done' | 'locked'> {
    for (;;) {
      let step: StepDef | undefined;
      let zone: string | undefined;
      try {
        const rec = await this.liveRecord(id, run);
        if (!rec) return 'done';
        const flow = this.flowOf(rec);
        if (!flow) {
          await this.end(rec, 'Error', `Error: the flow ${rec.flowId} is no longer defined`, { blockStatus: 'Error' });
          return 'done';
        }
        const program = programOf(flow.def, this.caches);
        const op = program.ops[cursorOf(rec).stepIndex];
        step = opStep(op);
        zone = op?.kind === 'do' ? op.zone : undefined;
        // Scenario `stuck`: the runner stops here; the execution stays Running until canceled or its maximum duration.
        if (isHoldStep(step, this.caches)) return 'done';
        if (!op) {
          await this.finishRun(rec);
          return 'done';
        }
        if (!(await this.runOp(id, run, flow, program, op, rec))) return 'done';
      } catch (err) {
        if (isTransientStoreError(err)) return 'locked';
        if (err instanceof StaleExecutionError) continue; // changed meanwhile (canceled, ...): read it again
        if (!(await this.failed(id, run, step, zone, err))) return 'done';
      }
    }
  }

  /** The end of the program: Success, or Warning when a catch handled a failure. */
  private async finishRun(rec: ExecutionRecord): Promise<void> {
    const caught = cursorOf(rec).caught;
    const last = rec.warnings.at(-1)?.message ?? '';
    if (caught === 1) await this.end(rec, 'Warning', `Done with a warning: ${last}`);
    else if (caught > 1) await this.end(rec, 'Warning', `Done with ${caught} warnings (see state.warnings); the last: ${last}`);
    else await this.end(rec, 'Success', 'Done');
  }

  /** A step threw: caught by an open try (true: run on), else the execution ends Error (false). */
  private async failed(id: string, run: LiveRun, step: StepDef | undefined, zone: string | undefined, err: unknown): Promise<boolean> {
    const detail = err instanceof Error ? err.message : String(err);
    const message = `Error${step ? ` in step "${step.id}"` : ''}: ${detail}`;
    for (let attempt = 1; ; attempt++) {
      try {
        return await this.recordFailure(id, run, step, zone, err, message);
      } catch (again) {
        if (again instanceof StaleExecutionError && attempt < STALE_RETRIES) continue; // changed meanwhile: look again
        this.log.error({ err: again, executionId: id }, 'could not record the failure of a flow execution');
        return false;
      }
    }
  }

  private async recordFailure(id: string, run: LiveRun, step: StepDef | undefined, zone: string | undefined, err: unknown, message: string): Promise<boolean> {
    {
      const rec = await this.liveRecord(id, run);
      // A step that failed before its block was added (e.g. its message template) gets one now.
      if (rec && step && zone !== undefined && rec.status === 'Running' && cursorOf(rec).tries.length > 0 && !hasOpenBlock(rec, step.id)) startBlock(rec, step, zone, this.iso());
      if (rec && (await this.caught(rec, step?.id, message))) return true;
      this.log.error({ err, executionId: id, stepId: step?.id }, 'flow execution failed');
      if (rec) await this.end(rec, 'Error', message, { blockStatus: 'Error' });
    }
    return false;
  }

  /**
   * Hands a failure to the innermost open try: the failed step's block ends Error, the try's
   * state gets `error`, and the catch body runs (or the try is left when it has none). The
   * failure is kept in state.warnings; the execution will end Warning. False when no try is open.
   */
  private async caught(rec: ExecutionRecord, stepId: string | undefined, message: string): Promise<boolean> {
    const cursor = cursorOf(rec);
    const open = cursor.tries.pop();
    if (!open) return false;
    const at = this.iso();
    if (stepId) endBlock(rec, stepId, 'Error', at, { output: { message } });
    cursor.frames.length = open.depth;
    const block = openConstruct(rec);
    if (block?.try) block.try.error = message;
    if (open.hasCatch) {
      switchBody(rec, 'bodyCatch');
      cursor.stepIndex = open.catchAt;
    } else {
      closeBody(rec);
      cursor.stepIndex = open.endAt;
    }
    cursor.caught++;
    rec.warnings.push(flowException('FlowStepError', message, [...(stepId ? [`step ${stepId}`] : []), `caught by try ${open.owner}`]));
    await this.persist(rec);
    return true;
  }

  /** Runs one op; false when the runner must stop (waiting, finished, or no longer Running). */
  private async runOp(id: string, run: LiveRun, flow: EngineFlow, program: Program, op: Op, rec: ExecutionRecord): Promise<boolean> {
    const ctx = this.runContext(id, run, flow, program);
    switch (op.kind) {
      case 'do':
        return this.runStep(ctx, op.step, op.zone, rec);
      case 'enter':
        return stepModule(op.step.type).enter(ctx, op, rec);
      case 'inner': {
        const module = stepModule(op.type);
        if (!module.inner) throw new Error(`the ${op.type} construct has no op ${op.op}`);
        return module.inner(ctx, op, rec);
      }
      case 'close': {
        const cursor = cursorOf(rec);
        closeBody(rec);
        if (op.to !== undefined) cursor.stepIndex = op.to;
        else cursor.stepIndex++;
        await this.persist(rec);
        return true;
      }
    }
  }

  /** Runs one do-step by its type's module (src/engine/steps/<type>.ts); a false `when` skips it. */
  private async runStep(ctx: StepRunContext, step: DoStepDef, zone: string, rec: ExecutionRecord): Promise<boolean> {
    if (step.when !== undefined) {
      const applies = await stepApplies(ctx.flow, step, ctx.context(rec), this.caches);
      const fresh = await ctx.live();
      if (!fresh) return false;
      if (!applies) {
        skippedBlock(fresh, step, zone, this.iso());
        raisePercentage(fresh, step.percentage);
        await this.advance(fresh);
        return true;
      }
      rec = fresh;
    }
    const module = stepModule(step.type) as { run(ctx: StepRunContext, step: DoStepDef, zone: string, rec: ExecutionRecord): Promise<boolean> };
    return module.run(ctx, step, zone, rec);
  }

  /** The engine as a step module's runner sees it, for one op of one execution. */
  private runContext(id: string, run: LiveRun, flow: EngineFlow, program: Program): StepRunContext {
    return {
      flow,
      program,
      store: this.store,
      live: () => this.liveRecord(id, run),
      persist: async (rec) => {
        await this.persist(rec);
      },
      advance: (rec, store) => this.advance(rec, store),
      sleep: (durationMs) => this.sleep(run, durationMs),
      context: (rec) => this.context(rec),
      iso: () => this.iso(),
      text: (step, field, context) => renderStepText(flow, step, field, context, this.caches),
      expression: (stepId, field, source, context) => evaluateStepExpression(flow, stepId, field, source, context, this.caches),
      template: (source) => this.caches.template(source, compileTemplate),
      inputValues: (rec) => documentInputValues(flow.def, cursorOf(rec)),
      pauseRunning: (rec, at) => this.pauseRunning(rec, at),
      drainQueue: () => this.drainQueue(),
      caught: (rec, stepId, message) => this.caught(rec, stepId, message),
      end: (rec, status, message) => this.end(rec, status, message),
    };
  }

  // ---------------------------------------------------------------- state transitions

  /** Next step: saved with the step index moved on. */
  private async advance(rec: ExecutionRecord, store: StoreCollections = this.store): Promise<void> {
    cursorOf(rec).stepIndex++;
    await this.persist(rec, undefined, store);
  }

  /** Back to Running after user input or a callback: new stage, next step. */
  private async resume(rec: ExecutionRecord, flow: EngineFlow, stageInput: unknown, at: string, userId: string): Promise<ExecutionRecord> {
    const cursor = cursorOf(rec);
    closeStage(rec, at);
    openStage(rec, stageInput, at);
    cursor.stepIndex++;
    cursor.runningSince = at;
    rec.status = 'Running';
    rec.waitingFor = null;
    rec.progress = {
      percentage: rec.progress.percentage,
      message: this.stepMessageNow(opStep(programOf(flow.def, this.caches).ops[cursor.stepIndex])),
      status: 'Running',
    };
    await this.persist(rec, userId);
    this.launch(rec, flow);
    return rec;
  }

  /**
   * Ends the execution with a stable status: runner and timers stopped, open blocks and the
   * stage closed, queue slot handed on.
   */
  private async end(
    rec: ExecutionRecord,
    status: ExecutionStatus,
    message: string,
    /** `tx`: saved in that transaction; the caller drains and tells onFinished after its commit. */
    opts: { userId?: string; blockStatus?: StepStateStatus; drain?: boolean; tx?: StoreCollections } = {},
  ): Promise<ExecutionRecord> {
    const at = this.iso();
    this.stopRun(rec.id);
    this.pauseRunning(rec, at);
    endOpenBlocks(rec, at, message, opts.blockStatus);
    // Old records (before warnings/errors existed) are read with empty lists; be safe anyway.
    rec.warnings ??= [];
    rec.errors ??= [];
    if (status === 'Error' || status === 'Interrupted') rec.errors.push(flowException(status === 'Error' ? 'FlowError' : 'FlowInterrupted', message));
    else if (status === 'Warning' && cursorOf(rec).caught === 0) rec.warnings.push(flowException('FlowWarning', message));
    rec.status = status;
    rec.progress =
      status === 'Success'
        ? { percentage: 100, message, status, model: rec.output.model }
        : { percentage: rec.progress.percentage, message, status, ...(status === 'Warning' ? { model: rec.output.model } : {}) };
    rec.waitingFor = null;
    rec.queueSeq = null;
    closeStage(rec, at);
    await this.persist(rec, opts.userId, opts.tx ?? this.store);
    if (opts.tx) return rec;
    if (opts.drain !== false) await this.drainQueue();
    this.finished(rec);
    return rec;
  }

  /** Tells onFinished (webhooks) about a stable execution; its failures are logged, never thrown. */
  private finished(rec: ExecutionRecord): void {
    if (!this.onFinished) return;
    try {
      this.onFinished(rec);
    } catch (err) {
      this.log.error({ err, executionId: rec.id }, 'onFinished failed');
    }
  }

  /** Scenario `queued`: the execution stays Queued for QUEUED_HOLD_MS × speed, then queues as usual. */
  private holdInQueue(id: string): void {
    this.holds.set(id, this.timers.setTimeout(() => {
      this.holds.delete(id);
      void this.drainQueue().catch((err) => this.log.error({ err }, 'could not start queued flow executions'));
    }, QUEUED_HOLD_MS * this.speed));
  }

  /**
   * Starts Queued executions, lowest queueSeq first, while Running slots are free. Reads only as
   * many queued records as there are free slots (this runs on every start and every end).
   */
  private async drainQueue(): Promise<void> {
    try {
      await this.drainQueueNow();
    } catch (err) {
      // Another process holds the database lock: the queue is drained again shortly.
      if (!isTransientStoreError(err) || this.closed) throw err;
      if (!this.drainRetry) {
        this.drainRetry = setTimeout(() => {
          this.drainRetry = null;
          void this.drainQueue().catch((again) => this.log.error({ err: again }, 'could not start queued flow executions'));
        }, storeRetryDelayMs(6));
        this.drainRetry.unref?.();
      }
    }
  }

  private drainRetry: NodeJS.Timeout | null = null;

  private async drainQueueNow(): Promise<void> {
    if (this.closed) return;
    // Counting the free slots and moving Queued executions to Running in one transaction: two
    // drains at once (this engine's, or another server's) never start one twice or pass the limit.
    // Runners start, and onFinished hears of executions ended here, after the commit.
    const started: Array<{ rec: ExecutionRecord; flow: EngineFlow }> = [];
    const ended: ExecutionRecord[] = [];
    await this.store.transaction(async (tx) => {
      let free = this.maxConcurrent - (await tx.executions.countByStatus('Running'));
      while (free > 0) {
        // Executions held by the `queued` scenario are skipped: then the whole queue is read.
        const batch = await tx.executions.listQueued(this.holds.size > 0 ? undefined : free);
        if (batch.length === 0) return;
        let moved = false;
        for (const rec of batch) {
          if (free <= 0) break;
          if (this.holds.has(rec.id)) continue;
          moved = true;
          const flow = this.flowOf(rec);
          if (!flow) {
            // Leaves the queue without taking a slot; the next batch looks further.
            ended.push(await this.end(rec, 'Error', `Error: the flow ${rec.flowId} is no longer defined`, { drain: false, tx }));
            continue;
          }
          const at = this.iso();
          rec.status = 'Running';
          rec.queueSeq = null;
          rec.progress = { percentage: 0, message: this.stepMessageNow(flow.def.steps[0]), status: 'Running' };
          cursorOf(rec).runningSince = at;
          await this.persist(rec, undefined, tx);
          started.push({ rec, flow });
          free--;
        }
        if (!moved) return;
      }
    });
    for (const { rec, flow } of started) this.launch(rec, flow);
    for (const rec of ended) this.finished(rec);
  }

  /**
   * Saves the record over the version it was read at (bumping it; long polls hear of it from the
   * store). Someone else saved it meanwhile (a cancel during a step, another server's drain):
   * StaleExecutionError, nothing overwritten.
   */
  private async persist(rec: ExecutionRecord, userId?: string, store: StoreCollections = this.store): Promise<ExecutionRecord> {
    rec.modifiedAt = this.iso();
    if (userId) rec.modifiedBy = userId;
    rec.progress.status = rec.status;
    syncIterations(rec);
    if ((await store.executions.saveIf(rec, rec.version)) === null) throw new StaleExecutionError(rec.id);
    return rec;
  }

  // ---------------------------------------------------------------- timing

  /** Leaving Running: bank the running time (waiting for people does not count) and drop the deadline. */
  private pauseRunning(rec: ExecutionRecord, at: string): void {
    const cursor = cursorOf(rec);
    if (cursor.runningSince) {
      cursor.activeMs += Math.max(0, Date.parse(at) - Date.parse(cursor.runningSince));
      cursor.runningSince = null;
    }
    this.clearDeadline(rec.id);
  }

  /** Interrupts the execution once its Running time reaches maxDurationMs × speed (speed 0: no limit). */
  private armDeadline(id: string, flow: EngineFlow, spent: number): void {
    this.clearDeadline(id);
    const max = flow.def.maxDurationMs;
    if (!max || this.speed === 0) return;
    const timer = this.timers.setTimeout(() => void this.onDeadline(id, max), Math.max(0, max * this.speed - spent));
    this.deadlines.set(id, timer);
  }

  private async onDeadline(id: string, max: number, attempt = 0): Promise<void> {
    this.deadlines.delete(id);
    try {
      const rec = await this.read(id);
      if (rec?.status === 'Running') {
        await this.end(rec, 'Interrupted', `Interrupted: ran longer than the flow's maximum duration of ${max} ms`, { blockStatus: 'Error' });
      }
    } catch (err) {
      if ((isTransientStoreError(err) || err instanceof StaleExecutionError) && !this.closed) {
        // Locked by another process, or saved meanwhile: look again shortly (in real time: the lock is another process's).
        setTimeout(() => void this.onDeadline(id, max, attempt + 1), storeRetryDelayMs(attempt)).unref?.();
        return;
      }
      this.log.error({ err, executionId: id }, 'could not interrupt a flow execution');
    }
  }

  private clearDeadline(id: string): void {
    const t = this.deadlines.get(id);
    if (t) this.timers.clearTimeout(t);
    this.deadlines.delete(id);
  }

  /** Waits durationMs × speed; returns early when the run is stopped. */
  private sleep(run: LiveRun, durationMs: number): Promise<void> {
    if (run.stopped) return Promise.resolve();
    const ms = durationMs * this.speed;
    return new Promise((resolve) => {
      const wake = () => {
        run.wakers.delete(wake);
        if (ms > 0) {
          this.timers.clearTimeout(timer as ClockTimer);
          this.activity.enter();
        } else {
          clearImmediate(timer as NodeJS.Immediate);
        }
        resolve();
      };
      // Even with no wait, yield once so other work (polls, cancels) gets in between states.
      const timer = ms > 0 ? this.timers.setTimeout(wake, ms) : setImmediate(wake);
      if (ms > 0) this.activity.leave(); // waiting on the clock: idle until woken
      run.wakers.add(wake);
    });
  }

  private stopRun(id: string): void {
    const run = this.runs.get(id);
    if (run) {
      run.stopped = true;
      for (const wake of [...run.wakers]) wake();
      this.runs.delete(id);
    }
    this.clearDeadline(id);
    const hold = this.holds.get(id);
    if (hold) {
      this.timers.clearTimeout(hold);
      this.holds.delete(id);
    }
  }

  // ---------------------------------------------------------------- reading

  /** The record if this runner may still act on it (not stopped, still Running). */
  private async liveRecord(id: string, run: LiveRun): Promise<ExecutionRecord | null> {
    if (run.stopped || this.closed) return null;
    const rec = await this.store.executions.byId(id);
    if (!rec || rec.status !== 'Running') {
      if (this.runs.get(id) === run) this.stopRun(id);
      return null;
    }
    return rec;
  }

  private async read(id: string): Promise<ExecutionRecord | null> {
    try {
      return await this.store.executions.byId(id);
    } catch (err) {
      // The store may be closed already during shutdown; a poll then just gets nothing.
      this.log.warn({ err, executionId: id }, 'could not read a flow execution');
      return null;
    }
  }

  private async existing(id: string): Promise<ExecutionRecord> {
    const rec = await this.store.executions.byId(id);
    if (!rec) throw new FlowStateError('notFound', `There is no flow execution with id ${id}.`);
    return rec;
  }

  /** The flow and the step a UserInput/Waiting execution stopped at (the definition may have been reloaded). */
  private waitingStep<T extends 'userInput' | 'waitForCallback'>(rec: ExecutionRecord, type: T): { flow: EngineFlow; step: Extract<StepDef, { type: T }> } {
    const flow = this.flowOf(rec);
    const step = flow && opStep(programOf(flow.def, this.caches).ops[cursorOf(rec).stepIndex]);
    if (!flow || !step || step.type !== type) {
      throw new FlowStateError('conflict', `The flow ${rec.flowId} was changed or removed since the execution stopped; it cannot be resumed.`);
    }
    return { flow, step: step as Extract<StepDef, { type: T }> };
  }

  /** The flow as this execution runs it: its definition with the execution's scenario applied. */
  private flowOf(rec: ExecutionRecord): EngineFlow | undefined {
    const base = this.flows().get(rec.flowId);
    return base && scenarioFlow(base, cursorOf(rec).scenario, this.caches);
  }

  private context(rec: ExecutionRecord): object {
    return evaluationContext(rec, cursorOf(rec));
  }

  private iso(): string {
    return this.clock().toISOString();
  }

  /** A step's message for answers given synchronously: the text if static, else its name. */
  private stepMessageNow(step: StepDef | undefined): string {
    if (!step) return 'Done';
    return staticStepText(step, 'message', this.caches) ?? step.displayName ?? step.id;
  }
}

/** The input as state.inputData shows it. */
function shownInputData(input: FlowInput): unknown {
  switch (input.kind) {
    case 'none':
      return null;
    case 'xml':
      return { contentType: input.contentType ?? 'application/xml', xml: input.xml };
    case 'plugin':
      return input.value;
  }
}
