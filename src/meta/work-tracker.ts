/**
 * Lets the FSM's close() wait for its asynchronous work. Raft.shutdown() resolves while an apply
 * batch, a restore or a snapshot's persist may still be running, so an FSM closed right after it
 * must not pull the LMDB environment from under them; long work checks `closing` and stops early.
 */
export class WorkTracker {
  private readonly running = new Set<Promise<unknown>>();
  private closed = false;

  /** `label` starts error messages (the FSM's name). */
  constructor(private readonly label: string) {}

  get closing(): boolean {
    return this.closed;
  }

  /** Runs `work` unless closing, remembering it until it settles. */
  run<T>(what: string, work: () => Promise<T>): Promise<T> {
    if (this.closed) return Promise.reject(new Error(`${this.label}: ${what} after close()`));
    const promise = work();
    this.running.add(promise);
    const forget = (): void => {
      this.running.delete(promise);
    };
    promise.then(forget, forget);
    return promise;
  }

  /** Throws when closing: for long work to call between steps. */
  check(what: string): void {
    if (this.closed) throw new Error(`${this.label}: closed during ${what}`);
  }

  /** Refuses new work and waits until everything under way has settled, either way. */
  async close(): Promise<void> {
    this.closed = true;
    await Promise.allSettled([...this.running]);
  }
}
