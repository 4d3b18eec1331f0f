/**
 * Login throttling: failed logins are counted per user name and per client address in a sliding
 * window; past the limit, further attempts for that name (or from that address) are refused
 * with 429 and Retry-After until the oldest failure leaves the window, before any password is
 * hashed. A success clears the name's count. Password checks themselves run off the event loop
 * (crypto.scrypt in libuv's thread pool, src/auth/secrets.ts), at most `maxConcurrentChecks`
 * at a time: further logins wait in a bounded queue, and past it get a 429 too, so guessing
 * clients can neither slow every other request nor fill memory.
 */
export class LoginThrottledError extends Error {
  constructor(readonly retryAfterSeconds: number, message: string) {
    super(message);
    this.name = 'LoginThrottledError';
  }
}

export interface LoginThrottleLimits {
  /** Failed logins per user name within the window. */
  perUser: number;
  /** Failed logins per client address within the window. */
  perAddress: number;
  windowMs: number;
  /** Password checks running at once (each scrypt takes 16 MiB and ~50 ms of a thread). */
  maxConcurrentChecks: number;
  /** Logins waiting for a check; beyond it, 429. */
  maxQueued: number;
}

export const LOGIN_THROTTLE_DEFAULTS: LoginThrottleLimits = {
  perUser: 5, perAddress: 20, windowMs: 15 * 60_000, maxConcurrentChecks: 2, maxQueued: 64,
};
const MAX_TRACKED = 10_000; // names and addresses remembered; the oldest forgotten first

export class LoginThrottle {
  private readonly byUser = new Map<string, number[]>();
  private readonly byAddress = new Map<string, number[]>();
  private running = 0;
  private readonly queue: Array<() => void> = [];

  constructor(private readonly now: () => number = Date.now, readonly limits: LoginThrottleLimits = LOGIN_THROTTLE_DEFAULTS) {}

  /** Throws LoginThrottledError when this name or address has used up its failures. */
  check(username: string, address: string): void {
    const t = this.now();
    const user = this.wait(this.byUser, username.toLowerCase(), this.limits.perUser, t);
    const addr = this.wait(this.byAddress, address, this.limits.perAddress, t);
    const seconds = Math.max(user, addr);
    if (seconds > 0) {
      throw new LoginThrottledError(seconds, user >= addr
        ? `Too many failed logins for this user; retry after ${seconds} s.`
        : `Too many failed logins from this address; retry after ${seconds} s.`);
    }
  }

  failed(username: string, address: string): void {
    const t = this.now();
    this.add(this.byUser, username.toLowerCase(), t);
    this.add(this.byAddress, address, t);
  }

  succeeded(username: string): void {
    this.byUser.delete(username.toLowerCase());
  }

  /** Runs a password check when a slot is free (bounded concurrency and queue). */
  async checking<T>(fn: () => Promise<T>): Promise<T> {
    if (this.running >= this.limits.maxConcurrentChecks) {
      if (this.queue.length >= this.limits.maxQueued) throw new LoginThrottledError(1, 'Too many logins at once; retry after 1 s.');
      await new Promise<void>((resolve) => this.queue.push(resolve));
    }
    this.running++;
    try {
      return await fn();
    } finally {
      this.running--;
      this.queue.shift()?.();
    }
  }

  /** Seconds until a failure leaves the window, when `limit` are in it; else 0. */
  private wait(map: Map<string, number[]>, key: string, limit: number, t: number): number {
    const list = map.get(key);
    if (!list) return 0;
    while (list.length && list[0] <= t - this.limits.windowMs) list.shift();
    if (!list.length) { map.delete(key); return 0; }
    if (list.length < limit) return 0;
    return Math.max(1, Math.ceil((list[list.length - limit] + this.limits.windowMs - t) / 1000));
  }

  private add(map: Map<string, number[]>, key: string, t: number): void {
    let list = map.get(key);
    if (!list) {
      if (map.size >= MAX_TRACKED) map.delete(map.keys().next().value as string);
      list = [];
      map.set(key, list);
    }
    list.push(t);
    if (list.length > 100) list.shift();
  }
}
