import type { Clock, TimerHandle } from '../environment';
import { TimerHeap } from './timer-heap';

/**
 * A clock that moves only when told to, for deterministic tests and simulations.
 *
 * Timers fire in time order, ties in creation order. Cancellation is lazy (a cancelled timer
 * stays in the heap until it reaches the top or the heap is compacted) because Raft cancels
 * and re-arms its election timer on every heartbeat; compaction keeps the garbage bounded.
 *
 * Time only moves forward, inside `advance`, `advanceTo` and `runNext`, which run callbacks
 * synchronously. Promise continuations scheduled by those callbacks run only after the call
 * returns, so a simulation that wants them to see the firing time should step with `runNext`
 * and drain microtasks in between.
 */
export class ManualClock implements Clock {
  private current: number;
  private readonly queue = new TimerQueue();
  private nextSeq = 0;
  private running = false;

  constructor(startMs = 0) {
    if (!Number.isFinite(startMs)) throw new RangeError(`ManualClock: start time must be finite, got ${startMs}`);
    this.current = startMs;
  }

  now(): number {
    return this.current;
  }

  /** Schedules `callback` at now + delayMs. Negative or NaN delays mean "now"; Infinity means never. */
  setTimer(delayMs: number, callback: () => void): TimerHandle {
    const delay = delayMs > 0 ? delayMs : 0;
    const timer = new ManualTimer(this.queue, this.current + delay, this.nextSeq++, callback);
    this.queue.add(timer);
    return timer;
  }

  /** Timers scheduled and neither fired nor cancelled. */
  get pendingTimers(): number {
    return this.queue.live;
  }

  /** When the earliest pending timer is due, or undefined when none is pending. */
  nextTimerAt(): number | undefined {
    return this.queue.peekLive()?.at;
  }

  /**
   * Moves time forward by `ms`, firing every timer due up to and including the new time,
   * including timers that callbacks create within the window. If a callback throws, the
   * error propagates with the clock left at that timer's time and later timers still pending.
   */
  advance(ms: number): void {
    if (!(ms >= 0) || !Number.isFinite(ms)) throw new RangeError(`ManualClock.advance: need a finite ms >= 0, got ${ms}`);
    this.advanceTo(this.current + ms);
  }

  /** Like `advance`, to an absolute time (which must not be in the past). */
  advanceTo(time: number): void {
    if (!(time >= this.current) || !Number.isFinite(time)) {
      throw new RangeError(`ManualClock.advanceTo: ${time} is before now (${this.current}) or not finite`);
    }
    this.guardReentry(() => {
      for (let next = this.queue.peekLive(); next !== undefined && next.at <= time; next = this.queue.peekLive()) {
        this.fire(next);
      }
      this.current = time;
    });
  }

  /** Jumps to the earliest pending timer and fires it. Returns false when none is pending. */
  runNext(): boolean {
    return this.guardReentry(() => {
      const next = this.queue.peekLive();
      if (next === undefined || next.at === Infinity) return false;
      this.fire(next);
      return true;
    });
  }

  private fire(timer: ManualTimer): void {
    this.queue.removeTop(timer);
    this.current = timer.at;
    timer.callback();
  }

  /** Time must not move under a callback's feet: a callback that advances the clock is a test bug. */
  private guardReentry<T>(body: () => T): T {
    if (this.running) throw new Error('ManualClock: advance/runNext called from inside a timer callback');
    this.running = true;
    try {
      return body();
    } finally {
      this.running = false;
    }
  }
}

/** The pending timers, with lazy removal of cancelled ones. */
class TimerQueue {
  private readonly heap = new TimerHeap<ManualTimer>();
  live = 0;
  private cancelledInHeap = 0;

  add(timer: ManualTimer): void {
    this.heap.push(timer);
    this.live++;
  }

  /** The earliest pending timer, discarding cancelled ones found on top. */
  peekLive(): ManualTimer | undefined {
    let top = this.heap.peek();
    while (top !== undefined && top.state !== 'pending') {
      this.heap.pop();
      this.cancelledInHeap--;
      top = this.heap.peek();
    }
    return top;
  }

  /** Removes `timer`, which `peekLive` has just returned, as fired. */
  removeTop(timer: ManualTimer): void {
    this.heap.pop();
    this.live--;
    timer.state = 'fired';
  }

  cancel(timer: ManualTimer): void {
    if (timer.state !== 'pending') return;
    timer.state = 'cancelled';
    this.live--;
    this.cancelledInHeap++;
    // Rebuild once garbage outnumbers live timers: amortised O(1) per cancel, memory O(live).
    if (this.cancelledInHeap > 1024 && this.cancelledInHeap * 2 > this.heap.size) {
      this.heap.retain((t) => t.state === 'pending');
      this.cancelledInHeap = 0;
    }
  }
}

class ManualTimer implements TimerHandle {
  state: 'pending' | 'fired' | 'cancelled' = 'pending';

  constructor(
    private readonly queue: TimerQueue,
    readonly at: number,
    readonly seq: number,
    readonly callback: () => void,
  ) {}

  cancel(): void {
    this.queue.cancel(this);
  }
}
