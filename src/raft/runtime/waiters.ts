import type { Clock, TimerHandle } from '../environment';
import { AbortedError, TimeoutError, type RaftError } from '../errors';

/** A caller waiting for an outcome, bounded by a timeout and the caller's AbortSignal. */
export interface Waiter<T> {
  settle(result: T): void;
  expire(): void;
  fail(error: RaftError | Error): void;
  readonly settled: boolean;
}

export interface WaitOptions {
  readonly signal?: AbortSignal | undefined;
  readonly timeoutMs?: number | undefined;
}

/**
 * Creates a promise and its waiter. When the timeout fires or the signal aborts, the promise
 * rejects with `outcome` (whether the operation may still take effect) and `onGiveUp` runs so
 * the owner can forget the waiter: nothing waits forever and nothing leaks.
 */
export function createWaiter<T>(
  clock: Clock,
  what: string,
  timeoutMs: number,
  options: WaitOptions,
  outcome: 'not-applied' | 'unknown',
  onGiveUp: () => void,
): { promise: Promise<T>; waiter: Waiter<T> } {
  let resolveFn!: (v: T) => void;
  let rejectFn!: (e: unknown) => void;
  const promise = new Promise<T>((resolve, reject) => {
    resolveFn = resolve;
    rejectFn = reject;
  });
  const signal = options.signal;
  const onAbort = (): void => finish(() => rejectFn(new AbortedError(outcome)), true);
  const finish = (action: () => void, gaveUp: boolean): void => {
    if (waiter.settled) return;
    waiter.settled = true;
    timer?.cancel();
    signal?.removeEventListener('abort', onAbort);
    if (gaveUp) onGiveUp();
    action();
  };
  const waiter = {
    settled: false,
    /** Rejects as timed out (used by an owner that tracks the deadline itself). */
    expire: () => finish(() => rejectFn(new TimeoutError(what, ms === Infinity ? timeoutMs : ms, outcome)), true),
    settle: (result: T) => finish(() => resolveFn(result), false),
    fail: (error: RaftError | Error) => finish(() => rejectFn(error), false),
  };
  const ms = options.timeoutMs ?? timeoutMs;
  // An infinite timeout means the owner expires the waiter itself (see DeadlineSweep).
  const timer: TimerHandle | undefined =
    ms === Infinity ? undefined : clock.setTimer(ms, () => finish(() => rejectFn(new TimeoutError(what, ms, outcome)), true));
  signal?.addEventListener('abort', onAbort, { once: true });
  return { promise, waiter };
}
