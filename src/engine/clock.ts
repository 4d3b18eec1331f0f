/**
 * The engines' clock: the time they stamp on records and the timers they wait on (flow step
 * durations, maximum durations, the queued scenario's hold, actionflow record delays and sync
 * timeouts, webhook retries). HTTP waits (the progress long-poll, the async trigger's answer)
 * are not engine waits and always use real time.
 *
 * - `RealClock`: wall time and Node timers (the default, `--clock real`).
 * - `VirtualClock` (`--clock virtual`, for tests): time stands still until `advance()` moves it
 *   (`POST /__flowmock/clock`). Timers due within an advance fire one by one in due order (ties in
 *   the order they were set); after each, the advance waits until the engines are idle again
 *   (every runner waiting on the clock, paused or finished), so each state is saved, and seen by
 *   long-polls, before the next timer fires.
 */

/** A pending timer; opaque to callers. */
export interface ClockTimer {
  readonly clockTimerId: number;
}

export interface Clock {
  readonly mode: 'real' | 'virtual';
  now(): Date;
  /** Calls `fn` once `ms` of this clock's time have passed (at once, on the next turn, for ms <= 0). */
  setTimeout(fn: () => void, ms: number): ClockTimer;
  clearTimeout(timer: ClockTimer | null | undefined): void;
  /** Waits `ms`; true when the time passed, false when `signal` aborted first (timer cleared). */
  delay(ms: number, signal?: AbortSignal): Promise<boolean>;
}

/** Node caps timers at 2^31-1 ms (longer ones fire after 1 ms); engine waits stay far below. */
const MAX_TIMER_MS = 2 ** 31 - 1;

abstract class BaseClock implements Clock {
  abstract readonly mode: 'real' | 'virtual';
  abstract now(): Date;
  abstract setTimeout(fn: () => void, ms: number): ClockTimer;
  abstract clearTimeout(timer: ClockTimer | null | undefined): void;

  delay(ms: number, signal?: AbortSignal): Promise<boolean> {
    if (signal?.aborted) return Promise.resolve(false);
    return new Promise((resolve) => {
      const onAbort = (): void => {
        this.clearTimeout(timer);
        resolve(false);
      };
      const timer = this.setTimeout(() => {
        signal?.removeEventListener('abort', onAbort);
        resolve(true);
      }, ms);
      signal?.addEventListener('abort', onAbort, { once: true });
    });
  }
}

export class RealClock extends BaseClock {
  readonly mode = 'real' as const;
  private seq = 0;
  private readonly handles = new Map<number, NodeJS.Timeout | NodeJS.Immediate>();

  constructor(private readonly wall: () => Date = () => new Date()) {
    super();
  }

  now(): Date {
    return this.wall();
  }

  setTimeout(fn: () => void, ms: number): ClockTimer {
    const id = ++this.seq;
    const run = (): void => {
      this.handles.delete(id);
      fn();
    };
    this.handles.set(id, ms > 0 ? setTimeout(run, Math.min(ms, MAX_TIMER_MS)) : setImmediate(run));
    return { clockTimerId: id };
  }

  clearTimeout(timer: ClockTimer | null | undefined): void {
    if (!timer) return;
    const h = this.handles.get(timer.clockTimerId);
    if (!h) return;
    this.handles.delete(timer.clockTimerId);
    clearTimeout(h as NodeJS.Timeout);
    clearImmediate(h as NodeJS.Immediate);
  }
}

/** Something the virtual clock waits for between two timers (an engine's runners). */
export interface IdleProbe {
  busy(): boolean;
  whenIdle(): Promise<void>;
}

/**
 * Counts work in progress: `enter()` when a runner starts or wakes up, `leave()` when it waits on
 * the clock or ends. Costs two integer updates in real mode, where nobody asks.
 */
export class Activity implements IdleProbe {
  private count = 0;
  private waiters: Array<() => void> = [];

  enter(): void {
    this.count++;
  }

  leave(): void {
    this.count = Math.max(0, this.count - 1);
    if (this.count === 0 && this.waiters.length > 0) {
      const waiters = this.waiters;
      this.waiters = [];
      for (const w of waiters) w();
    }
  }

  busy(): boolean {
    return this.count > 0;
  }

  whenIdle(): Promise<void> {
    return this.count === 0 ? Promise.resolve() : new Promise((resolve) => this.waiters.push(resolve));
  }
}

interface VirtualTimer {
  id: number;
  due: number;
  fn: () => void;
}

export interface AdvanceResult {
  now: Date;
  /** Timers fired during this advance. */
  fired: number;
}

export class ClockRangeError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'ClockRangeError';
  }
}

/** Longest real wait for the engines to go idle after one timer before moving on anyway. */
const SETTLE_LIMIT_MS = 10_000;

export class VirtualClock extends BaseClock {
  readonly mode = 'virtual' as const;
  private t: number;
  private seq = 0;
  private readonly timers = new Map<number, VirtualTimer>();
  private readonly immediates = new Map<number, NodeJS.Immediate>();
  private readonly probes: IdleProbe[] = [];
  /** Advances run one after the other. */
  private queue: Promise<unknown> = Promise.resolve();
  private closed = false;

  constructor(start: Date = new Date(), private readonly log?: { warn(obj: object, msg?: string): void }) {
    super();
    this.t = start.getTime();
  }

  now(): Date {
    return new Date(this.t);
  }

  /** Timers waiting for the clock to move. */
  pending(): number {
    return this.timers.size;
  }

  addProbe(probe: IdleProbe): void {
    this.probes.push(probe);
  }

  setTimeout(fn: () => void, ms: number): ClockTimer {
    const id = ++this.seq;
    if (!(ms > 0)) {
      // Due now: it needs no advance, only the next turn of the event loop.
      this.immediates.set(id, setImmediate(() => {
        this.immediates.delete(id);
        fn();
      }));
    } else {
      this.timers.set(id, { id, due: this.t + ms, fn });
    }
    return { clockTimerId: id };
  }

  clearTimeout(timer: ClockTimer | null | undefined): void {
    if (!timer) return;
    this.timers.delete(timer.clockTimerId);
    const imm = this.immediates.get(timer.clockTimerId);
    if (imm) {
      clearImmediate(imm);
      this.immediates.delete(timer.clockTimerId);
    }
  }

  /** Moves the time on by `ms`, firing every timer due on the way. */
  advance(ms: number): Promise<AdvanceResult> {
    return this.serialized(() => {
      if (!Number.isFinite(ms) || ms < 0) throw new ClockRangeError(`advanceMs must be a number >= 0, got ${ms}`);
      return this.t + ms;
    });
  }

  /** Moves the time to `to` (not before the current time), firing every timer due on the way. */
  advanceTo(to: Date): Promise<AdvanceResult> {
    return this.serialized(() => {
      const target = to.getTime();
      if (!Number.isFinite(target)) throw new ClockRangeError('to must be a date-time');
      if (target < this.t) {
        throw new ClockRangeError(`to (${to.toISOString()}) is before the current virtual time ${this.now().toISOString()}; the clock never goes back`);
      }
      return target;
    });
  }

  /** Drops every timer; later advances only move the time. */
  close(): void {
    this.closed = true;
    this.timers.clear();
    for (const imm of this.immediates.values()) clearImmediate(imm);
    this.immediates.clear();
  }

  private serialized(targetOf: () => number): Promise<AdvanceResult> {
    const run = async (): Promise<AdvanceResult> => {
      const target = targetOf();
      let fired = 0;
      await this.settle();
      for (;;) {
        const next = this.nextDue(target);
        if (!next || this.closed) break;
        this.timers.delete(next.id);
        this.t = Math.max(this.t, next.due);
        fired++;
        try {
          next.fn();
        } catch (err) {
          this.log?.warn({ err }, 'a virtual clock timer threw');
        }
        await this.settle();
      }
      this.t = Math.max(this.t, target);
      return { now: this.now(), fired };
    };
    const result = this.queue.then(run, run);
    this.queue = result.catch(() => undefined);
    return result;
  }

  /** The earliest timer due at or before `target` (ties: the one set first). */
  private nextDue(target: number): VirtualTimer | undefined {
    let best: VirtualTimer | undefined;
    for (const timer of this.timers.values()) {
      if (timer.due > target) continue;
      if (!best || timer.due < best.due || (timer.due === best.due && timer.id < best.id)) best = timer;
    }
    return best;
  }

  /** Waits until every probe is idle and the event loop has had a turn (bounded). */
  private async settle(): Promise<void> {
    const deadline = Date.now() + SETTLE_LIMIT_MS;
    for (;;) {
      await new Promise((resolve) => setImmediate(resolve));
      const busy = this.probes.filter((p) => p.busy());
      if (busy.length === 0 && this.immediates.size === 0) return;
      const left = deadline - Date.now();
      if (left <= 0) {
        this.log?.warn({}, 'virtual clock: the engines did not go idle within 10 s; moving on');
        return;
      }
      let timer: NodeJS.Timeout | undefined;
      await Promise.race([
        Promise.all(busy.map((p) => p.whenIdle())),
        new Promise((resolve) => { timer = setTimeout(resolve, Math.min(left, 50)); }),
      ]);
      clearTimeout(timer);
    }
  }
}

/** The clock for `--clock real|virtual`; a virtual clock starts at `wall()`. */
export function createClock(mode: 'real' | 'virtual', wall: () => Date = () => new Date(), log?: { warn(obj: object, msg?: string): void }): Clock {
  return mode === 'virtual' ? new VirtualClock(wall(), log) : new RealClock(wall);
}
