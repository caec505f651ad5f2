import type { Random } from '../environment';

export interface BackoffOptions {
  /** Delay before the first reconnect attempt. */
  readonly initialMs: number;
  /** Cap on the delay, however many attempts have failed. */
  readonly maxMs: number;
}

export const DEFAULT_BACKOFF: BackoffOptions = { initialMs: 50, maxMs: 5000 };

/**
 * Exponential backoff with jitter: the delay doubles with each consecutive failure up to `maxMs`,
 * and is drawn from [base/2, base) so that the peers of a restarted node do not all redial it in
 * the same instant.
 */
export class Backoff {
  private failures = 0;

  constructor(
    private readonly options: BackoffOptions,
    private readonly random: Random,
  ) {}

  /** Records a failure and returns how long to wait before the next attempt. */
  nextDelayMs(): number {
    this.failures++;
    const base = Math.min(this.options.maxMs, this.options.initialMs * 2 ** Math.min(this.failures - 1, 30));
    return base / 2 + (this.random.next() * base) / 2;
  }

  reset(): void {
    this.failures = 0;
  }
}
