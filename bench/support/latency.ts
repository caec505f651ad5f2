/** Latency samples in milliseconds, with percentiles picked like the peers' (sorted[n*q]). */
export class LatencyRecorder {
  private samples = new Float64Array(1 << 16);
  private n = 0;

  get count(): number {
    return this.n;
  }

  /** Records the time since `startNs` (a process.hrtime.bigint() reading), in ms. */
  record(startNs: bigint, endNs: bigint): void {
    if (this.n === this.samples.length) {
      const bigger = new Float64Array(this.samples.length * 2);
      bigger.set(this.samples);
      this.samples = bigger;
    }
    this.samples[this.n++] = Number(endNs - startNs) / 1e6;
  }

  /** The q-quantile (0 <= q < 1), as hashicorp's peer: sorted[floor(n*q)]; NaN when empty. */
  percentiles(qs: readonly number[]): number[] {
    const sorted = this.samples.slice(0, this.n).sort();
    return qs.map((q) => (this.n === 0 ? Number.NaN : sorted[Math.min(this.n - 1, Math.floor(this.n * q))]!));
  }
}
