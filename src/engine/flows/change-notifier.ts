/**
 * In-process "an execution changed" signal for long polls. Listeners are kept per execution id
 * in a Set and removed when they fire or give up, so thousands of waiters cost nothing once done
 * (a plain EventEmitter would warn past 10 listeners per id).
 */
export class ChangeNotifier {
  private readonly listeners = new Map<string, Set<() => void>>();

  /** Calls fn on the next change of id; returns the unsubscribe function. */
  subscribe(id: string, fn: () => void): () => void {
    let set = this.listeners.get(id);
    if (!set) {
      set = new Set();
      this.listeners.set(id, set);
    }
    set.add(fn);
    return () => {
      const current = this.listeners.get(id);
      if (!current) return;
      current.delete(fn);
      if (current.size === 0) this.listeners.delete(id);
    };
  }

  notify(id: string): void {
    const set = this.listeners.get(id);
    if (!set) return;
    // Copy first: listeners unsubscribe while we iterate.
    for (const fn of [...set]) fn();
  }

  /** Wakes every listener (shutdown). */
  notifyAll(): void {
    for (const id of [...this.listeners.keys()]) this.notify(id);
  }

  /** Number of listeners, for leak checks in tests. */
  size(): number {
    let n = 0;
    for (const set of this.listeners.values()) n += set.size;
    return n;
  }
}
