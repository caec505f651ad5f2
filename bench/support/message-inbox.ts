/**
 * A parent's queue of messages from its node processes, for any message union tagged by `type`
 * and `id`:
 * `next(type)` resolves with the first queued or future message of that type (optionally from
 * one node), or rejects on timeout or once the inbox has failed (a node reported a failure or
 * died). A failure is sticky, so a later wait cannot hang on a dead node.
 */
interface Tagged {
  readonly type: string;
  readonly id: string;
}

interface Waiter<M> {
  readonly matches: (message: M) => boolean;
  readonly resolve: (message: M) => void;
  readonly reject: (error: Error) => void;
}

export class MessageInbox<M extends Tagged> {
  private readonly queue: M[] = [];
  private readonly waiters = new Set<Waiter<M>>();
  private failure: Error | undefined;

  /** `failureOf` turns a node's own failure report into the error that fails the inbox. */
  constructor(private readonly failureOf: (message: M) => Error | undefined) {}

  push(message: M): void {
    const failure = this.failureOf(message);
    if (failure !== undefined) return this.fail(failure);
    for (const w of this.waiters) {
      if (w.matches(message)) {
        this.waiters.delete(w);
        return w.resolve(message);
      }
    }
    this.queue.push(message);
  }

  fail(error: Error): void {
    this.failure ??= error;
    for (const w of this.waiters) w.reject(this.failure);
    this.waiters.clear();
  }

  next<K extends M['type']>(type: K, timeoutMs: number, from?: string): Promise<Extract<M, { type: K }>> {
    const matches = (m: M): m is Extract<M, { type: K }> => m.type === type && (from === undefined || m.id === from);
    const queued = this.queue.findIndex(matches);
    if (queued >= 0) return Promise.resolve(this.queue.splice(queued, 1)[0] as Extract<M, { type: K }>);
    if (this.failure !== undefined) return Promise.reject(this.failure);
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => {
        this.waiters.delete(waiter);
        reject(new Error(`no '${type}' message${from === undefined ? '' : ` from ${from}`} within ${timeoutMs} ms`));
      }, timeoutMs);
      const waiter: Waiter<M> = {
        matches,
        resolve: (m) => {
          clearTimeout(timer);
          resolve(m as Extract<M, { type: K }>);
        },
        reject: (e) => {
          clearTimeout(timer);
          reject(e);
        },
      };
      this.waiters.add(waiter);
    });
  }
}
