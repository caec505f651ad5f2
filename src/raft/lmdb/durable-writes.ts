/**
 * Bookkeeping shared by both stores: runs each write's "now durable" callback in the order the
 * writes were issued, counts the writes still in flight (so a store knows when the database
 * holds nothing but durable state) and lets close() wait for all of them.
 */
export class DurableWrites {
  private inFlight = 0;
  /** Settles (never rejects) once the last tracked write and its callbacks are done. */
  private last: Promise<unknown> = Promise.resolve();

  /** True when every write issued so far has resolved (is durable) or failed. */
  get idle(): boolean {
    return this.inFlight === 0;
  }

  /**
   * Follows `write` (an lmdb-js write promise, which resolves once durable): runs `onDurable`
   * when it resolves, then `onSettled` after it settles either way.
   *
   * lmdb-js commits in issue order, but its promises do not all settle in that order: a
   * `transaction()` promise resolves a few microtasks after a plain put's promise of the same
   * or a later commit. So each write's callbacks also wait for the previous write's, keeping
   * bookkeeping (e.g. delete suffix, then append) in commit order.
   */
  track(write: PromiseLike<unknown>, onDurable?: () => void, onSettled?: () => void): Promise<void> {
    this.inFlight++;
    const previous = this.last;
    const done = Promise.resolve(write)
      .then(
        async () => {
          await previous;
          onDurable?.();
        },
        async (error: unknown) => {
          await previous;
          throw error;
        },
      )
      .finally(() => {
        this.inFlight--;
        onSettled?.();
      });
    this.last = done.catch(() => undefined);
    return done;
  }

  /** Resolves once every write issued so far has settled and its callbacks have run. */
  async drain(): Promise<void> {
    await this.last;
  }
}
