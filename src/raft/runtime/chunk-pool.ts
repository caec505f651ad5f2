/**
 * Recycles the leader's snapshot chunk buffers. Streaming a snapshot allocated a fresh megabyte
 * per chunk, and V8 counts fresh off-heap memory against the old generation's limit: at 60 MB/s
 * the leader ran a full mark-compact every ~80 ms, and its write p99 tripled during the
 * transfer (bench:catch-up). A buffer comes back only once the transport has written it out,
 * so a recycled buffer is never one still being sent; one that never comes back is the garbage
 * collector's, as before.
 */
export class ChunkPool {
  private readonly free: Uint8Array[] = [];
  /** Every buffer this pool handed out, so that only whole buffers of its own come back. */
  private readonly ours = new WeakSet<Uint8Array>();

  constructor(
    readonly chunkBytes: number,
    /** Free buffers kept at most; more than a window's worth is never needed. */
    private readonly maxFree: number,
  ) {}

  take(): Uint8Array {
    const reused = this.free.pop();
    if (reused !== undefined) return reused;
    const fresh = Buffer.allocUnsafeSlow(this.chunkBytes);
    this.ours.add(fresh);
    return fresh;
  }

  /**
   * Returns `buffer` if it is one of ours, whole (a view of part of one, as for a short last
   * chunk, is left alone: the rest of its buffer may still be in use) and not already free.
   */
  give(buffer: Uint8Array): void {
    if (!this.ours.has(buffer) || this.free.length >= this.maxFree || this.free.includes(buffer)) return;
    this.free.push(buffer);
  }

  get freeCount(): number {
    return this.free.length;
  }
}
