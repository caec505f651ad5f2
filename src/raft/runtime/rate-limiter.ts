import type { Clock } from '../environment';

/**
 * A token bucket on the injected clock: at most `bytesPerSecond` on average, with bursts of up to
 * `burstBytes`. 0 bytes per second means no limit.
 */
export class RateLimiter {
  private tokens: number;
  private refilledAt: number;

  constructor(
    private readonly clock: Clock,
    private readonly bytesPerSecond: number,
    private readonly burstBytes: number,
  ) {
    this.tokens = burstBytes;
    this.refilledAt = clock.now();
  }

  /** Milliseconds to wait before `bytes` may go (0: now; then call `spend`). */
  delayFor(bytes: number): number {
    if (this.bytesPerSecond <= 0) return 0;
    this.refill();
    const wanted = Math.min(bytes, this.burstBytes);
    if (this.tokens >= wanted) return 0;
    return Math.max(1, Math.ceil(((wanted - this.tokens) * 1000) / this.bytesPerSecond));
  }

  spend(bytes: number): void {
    if (this.bytesPerSecond <= 0) return;
    this.refill();
    this.tokens -= bytes;
  }

  private refill(): void {
    const now = this.clock.now();
    this.tokens = Math.min(this.burstBytes, this.tokens + ((now - this.refilledAt) * this.bytesPerSecond) / 1000);
    this.refilledAt = now;
  }
}
