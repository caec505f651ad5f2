/**
 * N closed-loop callers in the benchmark's process: each worker makes its next call as soon as the
 * previous one settles, for warm-up + measured seconds. Only calls that complete inside the
 * measured window count (throughput and latency), as in the other benches. A worker whose call
 * returns false has nothing left to do (e.g. no file left to delete) and stops; failed calls are
 * counted by gRPC status and not timed.
 */
import { status } from '@grpc/grpc-js';
import { setTimeout as sleep } from 'node:timers/promises';
import { MetaCallError } from '../../test/support/meta-cluster/meta-client';
import { LatencyRecorder } from './latency';

export interface LoopSpec {
  readonly concurrency: number;
  readonly seconds: number;
  readonly warmupSeconds: number;
}

/** One call of worker `worker` (0-based); false when the worker has nothing left to do. */
export type WorkerCall = (worker: number) => Promise<boolean>;

export interface LoopResult {
  readonly ops_per_s: number;
  readonly p50_ms: number;
  readonly p99_ms: number;
  /** Calls completed inside the measured window. */
  readonly measured: number;
  /** Failed calls by gRPC status name (or error name); empty on a clean run. */
  readonly errors: Readonly<Record<string, number>>;
  /** Workers that ran out of work before the window ended. */
  readonly exhaustedWorkers: number;
}

const round2 = (v: number): number => Math.round(v * 100) / 100;

function errorName(error: unknown): string {
  if (error instanceof MetaCallError) return status[error.code] ?? String(error.code);
  return error instanceof Error ? error.name : String(error);
}

/** `pooled`: also records every measured latency there (several loops pooled into one distribution). */
export async function runMetaLoop(spec: LoopSpec, call: WorkerCall, pooled?: LatencyRecorder): Promise<LoopResult> {
  const latency = new LatencyRecorder();
  const errors: Record<string, number> = {};
  let exhaustedWorkers = 0;
  const start = process.hrtime.bigint();
  const measureFrom = start + BigInt(Math.round(spec.warmupSeconds * 1e9));
  const end = measureFrom + BigInt(Math.round(spec.seconds * 1e9));

  const worker = async (w: number): Promise<void> => {
    for (let s = process.hrtime.bigint(); s < end; s = process.hrtime.bigint()) {
      let more: boolean;
      try {
        more = await call(w);
      } catch (error: unknown) {
        const name = errorName(error);
        errors[name] = (errors[name] ?? 0) + 1;
        await sleep(1); // a refused call may settle at once: do not spin without yielding
        continue;
      }
      if (!more) {
        exhaustedWorkers++;
        return;
      }
      const f = process.hrtime.bigint();
      if (f >= measureFrom && f <= end) {
        latency.record(s, f);
        pooled?.record(s, f);
      }
    }
  };
  await Promise.all(Array.from({ length: spec.concurrency }, (_, w) => worker(w)));

  const [p50, p99] = latency.percentiles([0.5, 0.99]);
  return {
    ops_per_s: Math.round(latency.count / spec.seconds),
    p50_ms: round2(p50!),
    p99_ms: round2(p99!),
    measured: latency.count,
    errors,
    exhaustedWorkers,
  };
}
