import type { Clock, TimerHandle } from '../environment';

/**
 * Expires many waiters that share one timeout with a single timer. Deadlines pushed with the same
 * timeout arrive in order, so a FIFO is enough: the timer is armed for the oldest deadline only.
 * This replaces a timer per apply, which showed up in profiles (timer objects and GC). Keys that
 * settle early are dropped from the front as they settle (`dropSettled`), so the queue holds about
 * as many entries as there are waiters, not everything of the last timeout period.
 */
export class DeadlineSweep<K> {
  private deadlines: number[] = [];
  private keys: K[] = [];
  private head = 0;
  private timer: TimerHandle | undefined;

  constructor(
    private readonly clock: Clock,
    private readonly expire: (key: K) => void,
  ) {}

  push(deadline: number, key: K): void {
    this.deadlines.push(deadline);
    this.keys.push(key);
    if (this.timer === undefined) this.arm();
  }

  /** Forgets the oldest entries while `isLive` says their waiter has settled. */
  dropSettled(isLive: (key: K) => boolean): void {
    while (this.head < this.keys.length && !isLive(this.keys[this.head]!)) this.head++;
    this.compact();
  }

  stop(): void {
    this.timer?.cancel();
    this.timer = undefined;
    this.deadlines = [];
    this.keys = [];
    this.head = 0;
  }

  private arm(): void {
    if (this.head >= this.deadlines.length) return;
    const next = this.deadlines[this.head]!;
    this.timer = this.clock.setTimer(Math.max(0, next - this.clock.now()), () => this.sweep());
  }

  private sweep(): void {
    this.timer = undefined;
    const now = this.clock.now();
    while (this.head < this.deadlines.length && this.deadlines[this.head]! <= now) {
      // Expiring an already-settled key is harmless: the owner ignores keys it no longer has.
      this.expire(this.keys[this.head++]!);
    }
    this.compact();
    this.arm();
  }

  private compact(): void {
    if (this.head === this.keys.length) {
      this.deadlines.length = 0;
      this.keys.length = 0;
      this.head = 0;
    } else if (this.head > 1024 && this.head * 2 > this.keys.length) {
      this.deadlines.splice(0, this.head);
      this.keys.splice(0, this.head);
      this.head = 0;
    }
  }
}
