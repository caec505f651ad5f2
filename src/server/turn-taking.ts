/**
 * Runs heavy synchronous reads (a listing of thousands of entries) one per event-loop turn.
 *
 * Without it, a burst of such reads all become runnable at the same moment (a read index confirmed
 * for all of them at once) and run back to back as microtasks: at concurrency 256, over a second
 * in which Raft sends no heartbeat, so the followers elect a new leader. A job started from a
 * setImmediate callback that schedules the next job with setImmediate lets timers and I/O (Raft's
 * heartbeats and replication) run between any two jobs.
 */
export class TurnTaking {
  private readonly queue: (() => void)[] = [];
  private scheduled = false;

  run<T>(job: () => T): Promise<T> {
    return new Promise<T>((resolve, reject) => {
      this.queue.push(() => {
        try {
          resolve(job());
        } catch (error: unknown) {
          reject(error instanceof Error ? error : new Error(String(error)));
        }
      });
      this.schedule();
    });
  }

  private schedule(): void {
    if (this.scheduled || this.queue.length === 0) return;
    this.scheduled = true;
    setImmediate(() => {
      this.scheduled = false;
      this.queue.shift()!();
      this.schedule();
    });
  }
}

/** One per process: the event loop is what the turns are shared on. */
export const heavyReads = new TurnTaking();
