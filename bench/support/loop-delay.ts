/**
 * How late this process's event loop ran over a window, from perf_hooks' event-loop delay
 * histogram. A Raft node whose loop stalls answers heartbeats late, and a leader whose loop
 * stalls past its lease steps down (check-quorum): the figure tells a stall in the node apart
 * from a slow network or disk.
 */
import { monitorEventLoopDelay, type IntervalHistogram } from 'node:perf_hooks';

/** Sampling resolution, ms: finer than any stall that matters against a 500 ms lease. */
const RESOLUTION_MS = 10;

export interface LoopDelayReading {
  readonly p99Ms: number;
  readonly maxMs: number;
}

export class LoopDelay {
  private readonly histogram: IntervalHistogram = monitorEventLoopDelay({ resolution: RESOLUTION_MS });

  constructor() {
    this.histogram.enable();
  }

  /** Starts a new window. */
  reset(): void {
    this.histogram.reset();
  }

  read(): LoopDelayReading {
    const ms = (ns: number): number => Math.round(ns / 1e5) / 10;
    return { p99Ms: ms(this.histogram.percentile(99)), maxMs: ms(this.histogram.max) };
  }

  stop(): void {
    this.histogram.disable();
  }
}
