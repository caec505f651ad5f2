/**
 * N closed-loop appliers against one leader: each calls `raft.apply(payload)` again as soon as
 * the previous call settles, for warm-up + measured seconds. Only applies that complete inside
 * the measured window count (throughput and latency), as in bench/raft-inproc.
 */
import { setTimeout as sleep } from 'node:timers/promises';
import type { Raft } from '../../src/raft';
import { LatencyRecorder } from './latency';
import type { LoadResult, LoadSpec } from './tcp-protocol';

const round2 = (v: number): number => Math.round(v * 100) / 100;

export async function runClosedLoop(leader: Raft<number>, appliedCount: () => number, spec: LoadSpec): Promise<LoadResult> {
  const payload = new Uint8Array(spec.payloadBytes).map((_, i) => i & 0xff);
  const latency = new LatencyRecorder();
  const errors: Record<string, number> = {};
  let succeeded = 0;
  const start = process.hrtime.bigint();
  const measureFrom = start + BigInt(Math.round(spec.warmupSeconds * 1e9));
  const end = measureFrom + BigInt(Math.round(spec.seconds * 1e9));

  const applier = async (): Promise<void> => {
    for (let s = process.hrtime.bigint(); s < end; s = process.hrtime.bigint()) {
      try {
        await leader.apply(payload);
      } catch (error: unknown) {
        const name = error instanceof Error ? error.name : String(error);
        errors[name] = (errors[name] ?? 0) + 1;
        await sleep(1); // a rejected apply settles at once: do not spin without yielding
        continue;
      }
      succeeded++;
      const f = process.hrtime.bigint();
      if (f >= measureFrom && f <= end) latency.record(s, f);
    }
  };
  await Promise.all(Array.from({ length: spec.concurrency }, applier));
  const rssMb = process.memoryUsage().rss / (1 << 20);

  if (appliedCount() < succeeded) throw new Error(`leader FSM applied ${appliedCount()} < ${succeeded} acknowledged applies`);
  const elapsed = Number(end - measureFrom) / 1e9;
  const [p50, p99] = latency.percentiles([0.5, 0.99]);
  const stats = leader.stats();
  return {
    ops_per_s: Math.round(latency.count / elapsed),
    p50_ms: round2(p50!),
    p99_ms: round2(p99!),
    rss_mb: Math.round(rssMb * 10) / 10,
    measured: latency.count,
    errors,
    commitIndex: stats.commitIndex,
    term: stats.term,
  };
}
