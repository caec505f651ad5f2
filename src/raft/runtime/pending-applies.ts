import type { Clock } from '../environment';
import { LeadershipLostError, type RaftError } from '../errors';
import type { LogEntry } from '../log';
import { DeadlineSweep } from './deadline-sweep';
import { createWaiter, type WaitOptions, type Waiter } from './waiters';

interface PendingApply<R> {
  readonly term: number;
  readonly waiter: Waiter<R | undefined>;
  /** Set when the shared sweep (not the waiter's own timer) expires it. */
  readonly deadline: number | undefined;
  /** When `apply` took it (the commit latency event's start). */
  readonly proposedAt: number;
}

/**
 * The leader's callers waiting for their entries to be applied, by log index. An entry applied
 * with the term it was proposed in settles its caller with the FSM's result; one applied with
 * another term was overwritten (LeadershipLostError, not applied). Applies with the default
 * timeout expire through one shared sweep in index order instead of a timer each.
 */
export class PendingApplies<R> {
  private readonly pending = new Map<number, PendingApply<R>>();
  private readonly deadlines: DeadlineSweep<number>;

  constructor(
    private readonly clock: Clock,
    private readonly defaultTimeoutMs: number,
  ) {
    // The sweep holds only indexes, so settled applies are not kept alive until their deadline.
    this.deadlines = new DeadlineSweep(clock, (index) => {
      const p = this.pending.get(index);
      if (p?.deadline !== undefined && p.deadline <= clock.now()) p.waiter.expire();
    });
  }

  get size(): number {
    return this.pending.size;
  }

  /** Waits for the entry at `index`, proposed in `term`. */
  track(index: number, term: number, options: WaitOptions, what: string): Promise<R | undefined> {
    const shared = options.timeoutMs === undefined;
    const { promise, waiter } = createWaiter<R | undefined>(
      this.clock,
      what,
      shared ? Infinity : this.defaultTimeoutMs,
      options,
      'unknown',
      () => this.pending.delete(index),
    );
    const now = this.clock.now();
    const deadline = shared ? now + this.defaultTimeoutMs : undefined;
    this.pending.set(index, { term, waiter, deadline, proposedAt: now });
    if (deadline !== undefined) this.deadlines.push(deadline, index);
    return promise;
  }

  /** When the entry at `index` was proposed, while its caller waits. */
  proposedAt(index: number): number | undefined {
    return this.pending.get(index)?.proposedAt;
  }

  /** Settles the callers of entries the FSM just applied. */
  applied(entries: readonly LogEntry[], results: readonly (R | undefined)[]): void {
    for (let i = 0; i < entries.length; i++) {
      const e = entries[i]!;
      const p = this.pending.get(e.index);
      if (!p) continue;
      this.pending.delete(e.index);
      if (p.term === e.term) p.waiter.settle(results[i]);
      else p.waiter.fail(new LeadershipLostError('not-applied'));
    }
    this.deadlines.dropSettled((index) => this.pending.has(index));
  }

  failAll(error: RaftError): void {
    for (const [, p] of this.pending) p.waiter.fail(error);
    this.pending.clear();
  }

  stop(): void {
    this.deadlines.stop();
  }
}
