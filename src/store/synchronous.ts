/**
 * A synchronous backend (better-sqlite3) behind the asynchronous `Store` interface.
 *
 * Each call still runs synchronously, in one piece; what the interface adds is transactions that
 * span awaits on the one connection. While one is open, every other call on the store waits for
 * it (a queue, `ConnectionGate`): run at once, it would read the transaction's uncommitted writes
 * or write into it. Calls through the transaction's view (`tx`) run at once.
 *
 * The wrappers allocate nothing per call beyond the promise of their `async` function.
 */

/** The interface's methods as a synchronous backend implements them: the same, without the Promise. */
export type Synchronous<T> = {
  [K in keyof T]: T[K] extends (...args: infer A) => Promise<infer R> ? (...args: A) => R : T[K];
};
/** The reverse: what `gatedView` and `transactionView` make of a synchronous namespace. */
export type Asynchronous<T> = {
  [K in keyof T]: T[K] extends (...args: infer A) => infer R ? (...args: A) => Promise<R> : T[K];
};

/** One connection's queue: at most one open transaction; other calls wait until it ends. */
export class ConnectionGate {
  /** True while a transaction is open on the connection. */
  busy = false;
  private waiters: Array<() => void> = [];

  /** Resolves when no transaction is open (callers re-check `busy`: a waiting transaction may have begun first). */
  async idle(): Promise<void> {
    while (this.busy) await new Promise<void>((resolve) => this.waiters.push(resolve));
  }

  /** Waits for its turn and opens the gate for a transaction; `release` ends it. */
  async acquire(): Promise<void> {
    while (this.busy) await new Promise<void>((resolve) => this.waiters.push(resolve));
    this.busy = true;
  }

  release(): void {
    this.busy = false;
    const waiters = this.waiters;
    this.waiters = [];
    for (const wake of waiters) wake(); // in arrival order: the first waiting transaction goes next
  }
}

type AnyFn = (...args: never[]) => unknown;

/**
 * Wraps one method. Up to three arguments are passed explicitly (a rest parameter would
 * allocate an array per call); methods of the store take at most three. Missing arguments
 * arrive as `undefined`, which is what an omitted optional argument is.
 */
function wrap(fn: AnyFn, before: () => Promise<void> | void, needsWait: () => boolean): AnyFn {
  const f = fn as (a?: unknown, b?: unknown, c?: unknown, ...rest: unknown[]) => unknown;
  if (fn.length > 3) {
    return (async (...args: unknown[]) => {
      if (needsWait()) await before();
      return f(...args);
    }) as AnyFn;
  }
  return (async (a?: unknown, b?: unknown, c?: unknown) => {
    if (needsWait()) await before();
    return f(a, b, c);
  }) as AnyFn;
}

/** The namespace's methods, each waiting while a transaction is open on the gate. */
export function gatedView<T extends object>(sync: T, gate: ConnectionGate): Asynchronous<T> {
  const out: Record<string, unknown> = {};
  const busy = () => gate.busy;
  const idle = () => gate.idle();
  for (const [name, value] of Object.entries(sync)) {
    out[name] = typeof value === 'function' ? wrap(value as AnyFn, idle, busy) : value;
  }
  return out as Asynchronous<T>;
}

/**
 * The namespace's methods for a transaction's view: they run at once, and only while a
 * transaction is open (a `tx` kept past its callback would otherwise write outside it).
 */
export function transactionView<T extends object>(sync: T, gate: ConnectionGate): Asynchronous<T> {
  const out: Record<string, unknown> = {};
  const closed = () => !gate.busy;
  const refuse = () => {
    throw new Error('a transaction view was used after its transaction ended: use the store itself');
  };
  for (const [name, value] of Object.entries(sync)) {
    out[name] = typeof value === 'function' ? wrap(value as AnyFn, refuse, closed) : value;
  }
  return out as Asynchronous<T>;
}
