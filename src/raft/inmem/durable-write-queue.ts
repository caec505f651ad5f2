import type { Clock, TimerHandle } from '../environment';

/** How the in-memory stores simulate fsync. */
export interface SimulatedDurabilityOptions {
  /** Clock on which each write's fsync completes. Without one, writes complete on a microtask. */
  clock?: Clock;
  /** Simulated fsync latency of each write, drawn when it is issued (default 0). Only used with `clock`. */
  fsyncDelayMs?: () => number;
}

interface PendingWrite {
  readonly apply: () => void;
  readonly resolve: () => void;
  timer: TimerHandle | undefined;
  settled: boolean;
}

/**
 * Serialises a store's writes and makes each one take effect (become visible and durable)
 * only when its simulated fsync completes, in the order the writes were issued, as a
 * write-ahead log does. `crash()` forgets every write not yet complete: what a process
 * restarted over the store then reads is exactly what had been acknowledged as durable.
 */
export class DurableWriteQueue {
  private readonly clock: Clock | undefined;
  private readonly fsyncDelayMs: () => number;
  /** Writes issued and not complete, oldest first, from `head` on (a cheap FIFO). */
  private pending: PendingWrite[] = [];
  private head = 0;
  /** Completion time of the newest pending write: a later write never completes before it. */
  private lastDueAt = -Infinity;

  constructor(options: SimulatedDurabilityOptions = {}) {
    this.clock = options.clock;
    this.fsyncDelayMs = options.fsyncDelayMs ?? (() => 0);
  }

  /** Writes issued and not yet durable. */
  get pendingCount(): number {
    return this.pending.length - this.head;
  }

  /** Runs `apply` when the write is durable, then resolves. Never resolves if a crash comes first. */
  enqueue(apply: () => void): Promise<void> {
    return this.schedule(apply, this.fsyncDelayMs);
  }

  /** Resolves once every write issued so far is durable (never, if a crash discards one). */
  flushed(): Promise<void> {
    return this.schedule(
      () => {},
      () => 0,
    );
  }

  private schedule(apply: () => void, fsyncDelayMs: () => number): Promise<void> {
    return new Promise<void>((resolve) => {
      const write: PendingWrite = { apply, resolve, timer: undefined, settled: false };
      this.pending.push(write);
      const clock = this.clock;
      if (clock === undefined) {
        queueMicrotask(() => this.completeThrough(write));
        return;
      }
      const now = clock.now();
      const delay = fsyncDelayMs();
      const dueAt = Math.max(now + (delay > 0 ? delay : 0), this.lastDueAt);
      this.lastDueAt = dueAt;
      write.timer = clock.setTimer(dueAt - now, () => this.completeThrough(write));
    });
  }

  /** Discards every write that has not completed; their promises never settle. */
  crash(): void {
    for (let i = this.head; i < this.pending.length; i++) {
      const write = this.pending[i];
      write.settled = true;
      write.timer?.cancel();
    }
    this.pending = [];
    this.head = 0;
    this.lastDueAt = -Infinity;
  }

  /**
   * Completes `write` and every older write. Normally `write` is the oldest; a clock that
   * fires timers out of order must still not let a newer write overtake an older one.
   */
  private completeThrough(write: PendingWrite): void {
    if (write.settled) return;
    while (this.head < this.pending.length) {
      const next = this.pending[this.head++];
      next.settled = true;
      next.timer?.cancel();
      next.apply();
      next.resolve();
      if (next === write) break;
    }
    if (this.head === this.pending.length) {
      this.pending = [];
      this.head = 0;
    } else if (this.head > 1024 && this.head * 2 > this.pending.length) {
      this.pending = this.pending.slice(this.head);
      this.head = 0;
    }
  }
}
