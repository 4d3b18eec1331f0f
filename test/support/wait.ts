/**
 * Waiting in tests. Time that the server's engines spend (step durations, timeouts, record
 * delays, retries) goes through the virtual clock (`advance` in ./server.ts), never through these.
 *
 * - `waitFor`: polls a condition until it holds. Its deadline only turns a hang into a clear
 *   failure; it is never an assertion on speed, so it is generous.
 * - `sleep`: the one fixed wait, for what gives no event and no condition to poll (a child process
 *   without a hook, "nothing more happens" checks). Every caller says why in a comment.
 */

/** Deadline of `waitFor` unless told: far above any expected wait, only a bound on a hang. */
export const HANG_LIMIT_MS = 20_000;

export const sleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));

export interface WaitOptions {
  /** Fails after this long (default HANG_LIMIT_MS). */
  timeoutMs?: number;
  /** Polls this often (default 20 ms). */
  intervalMs?: number;
}

/**
 * Polls `check` until it returns something other than undefined, false or null, and answers it.
 * Throws naming `what` (and the last value seen) once the deadline has passed.
 */
export async function waitFor<T>(what: string, check: () => T | undefined | null | false | Promise<T | undefined | null | false>, opts: WaitOptions = {}): Promise<T> {
  const timeoutMs = opts.timeoutMs ?? HANG_LIMIT_MS;
  const deadline = Date.now() + timeoutMs;
  let last: unknown;
  for (;;) {
    const v = await check();
    if (v !== undefined && v !== null && v !== false) return v;
    last = v;
    if (Date.now() > deadline) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what} (last: ${JSON.stringify(last)})`);
    await sleep(opts.intervalMs ?? 20);
  }
}

/** Resolves with `promise`, or rejects naming `what` if it has not settled within the hang limit. */
export async function settled<T>(what: string, promise: Promise<T>, timeoutMs = HANG_LIMIT_MS): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  try {
    return await Promise.race([
      promise,
      new Promise<never>((_resolve, reject) => {
        timer = setTimeout(() => reject(new Error(`${what}: no answer within ${timeoutMs} ms`)), timeoutMs);
      }),
    ]);
  } finally {
    clearTimeout(timer);
  }
}
