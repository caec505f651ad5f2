/**
 * Latency samples stamped with the wall-clock time each operation completed, so percentiles can
 * be taken afterwards over any window, and windows can be chosen from events seen in other
 * processes (a transfer's start on the leader, its install on the follower). Percentiles are
 * picked like latency.ts (sorted[floor(n*q)]).
 */
import type { TimeWindow, WindowLatency } from './catch-up-protocol';

const round2 = (v: number): number => Math.round(v * 100) / 100;
/** How many of a window's slowest operations it lists (where in the window the stalls fell). */
const SLOWEST = 8;

export class LatencyTimeline {
  private ends: Float64Array<ArrayBuffer> = new Float64Array(1 << 16);
  private latencies: Float64Array<ArrayBuffer> = new Float64Array(1 << 16);
  private n = 0;

  record(endWallMs: number, latencyMs: number): void {
    if (this.n === this.ends.length) {
      this.ends = grow(this.ends);
      this.latencies = grow(this.latencies);
    }
    this.ends[this.n] = endWallMs;
    this.latencies[this.n++] = latencyMs;
  }

  /** The operations that completed within [from, to]. */
  window({ name, from, to }: TimeWindow): WindowLatency {
    const picked: number[] = [];
    const slowest: [number, number][] = [];
    for (let i = 0; i < this.n; i++) {
      const end = this.ends[i]!;
      if (end < from || end > to) continue;
      const latency = this.latencies[i]!;
      picked.push(latency);
      if (slowest.length < SLOWEST || latency > slowest[slowest.length - 1]![1]) {
        slowest.push([Math.round(end - from), round2(latency)]);
        slowest.sort((a, b) => b[1] - a[1]);
        if (slowest.length > SLOWEST) slowest.pop();
      }
    }
    const sorted = Float64Array.from(picked).sort();
    const pick = (q: number): number =>
      sorted.length === 0 ? Number.NaN : sorted[Math.min(sorted.length - 1, Math.floor(sorted.length * q))]!;
    const ms = to - from;
    return {
      name,
      ms: Math.round(ms),
      count: sorted.length,
      ops_per_s: ms > 0 ? Math.round(sorted.length / (ms / 1000)) : 0,
      p50_ms: round2(pick(0.5)),
      p99_ms: round2(pick(0.99)),
      max_ms: round2(sorted.length === 0 ? Number.NaN : sorted[sorted.length - 1]!),
      slowest,
    };
  }
}

function grow(array: Float64Array<ArrayBuffer>): Float64Array<ArrayBuffer> {
  const bigger = new Float64Array(array.length * 2);
  bigger.set(array);
  return bigger;
}
