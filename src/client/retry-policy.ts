/**
 * How long and how often a MetaServer call is retried. A leader election on loopback settles in
 * well under a second and on a LAN in a few, so the default budget of 10 s (the Java client's
 * 20 x 500 ms) covers a failover; the jitter keeps many clients that lost the same leader from
 * knocking on the new one in lockstep.
 */
import { setTimeout as sleep } from 'node:timers/promises';

export interface RetryOptions {
  /** How long one logical call keeps retrying before its last error is returned (ms). */
  readonly retryForMs: number;
  /** First pause between attempts (ms); doubles each time up to maxDelayMs. */
  readonly baseDelayMs: number;
  readonly maxDelayMs: number;
}

export const DEFAULT_RETRY: RetryOptions = { retryForMs: 10_000, baseDelayMs: 50, maxDelayMs: 1_000 };

/** The pause before attempt `attempt + 1`: exponential, then "equal jitter" (half fixed, half random). */
export function backoffDelayMs(options: RetryOptions, attempt: number, random: () => number = Math.random): number {
  const ceiling = Math.min(options.maxDelayMs, options.baseDelayMs * 2 ** Math.min(attempt, 20));
  return ceiling / 2 + random() * (ceiling / 2);
}

/**
 * Waits before the next attempt, or returns false when the budget that started at `startedAt`
 * would be spent by the pause (the caller then gives up with its last error).
 */
export async function pauseBeforeRetry(options: RetryOptions, attempt: number, startedAt: number): Promise<boolean> {
  const delay = backoffDelayMs(options, attempt);
  if (Date.now() + delay - startedAt > options.retryForMs) return false;
  await sleep(delay);
  return true;
}
