/**
 * Writes a fixed range of keys through one leader as fast as it takes them: `concurrency`
 * closed-loop appliers share a counter, each putting the next key as soon as its previous apply
 * settled. A failed apply (backpressure, a timeout) is counted and retried with the same key, so
 * when the load resolves every key of the range is committed and applied on the leader.
 */
import { setTimeout as sleep } from 'node:timers/promises';
import type { Raft } from '../../src/raft';
import type { KvResult } from '../../test/support/process-cluster/kv-fsm';
import type { LoadResult } from './catch-up-protocol';
import { putCommand } from './kv-bench-keys';
import { LatencyRecorder } from './latency';

const round2 = (v: number): number => Math.round(v * 100) / 100;

export async function runFixedLoad(leader: Raft<KvResult>, first: number, count: number, concurrency: number): Promise<LoadResult> {
  const latency = new LatencyRecorder();
  const errors: Record<string, number> = {};
  let next = first;
  const end = first + count;
  const started = performance.now();

  const applier = async (): Promise<void> => {
    while (next < end) {
      const key = next++;
      for (;;) {
        const s = process.hrtime.bigint();
        try {
          await leader.apply(putCommand(key, 0));
          latency.record(s, process.hrtime.bigint());
          break;
        } catch (error: unknown) {
          const name = error instanceof Error ? error.name : String(error);
          errors[name] = (errors[name] ?? 0) + 1;
          if (leader.state() !== 'leader') throw error; // retrying elsewhere is not this bench's job
          await sleep(1); // a rejected apply settles at once: do not spin without yielding
        }
      }
    }
  };
  await Promise.all(Array.from({ length: Math.min(concurrency, count) }, applier));
  const ms = performance.now() - started;
  const [p50, p99] = latency.percentiles([0.5, 0.99]);
  return {
    ms: Math.round(ms),
    ops_per_s: Math.round(count / (ms / 1000)),
    p50_ms: round2(p50 ?? Number.NaN),
    p99_ms: round2(p99 ?? Number.NaN),
    errors,
    commitIndex: leader.stats().commitIndex,
  };
}
