/**
 * The JSON lines bench/catch-up prints (one per load, one per write-latency window, one summary
 * of the catch-up), in the shape of the other benches' lines (bench, system, op, concurrency,
 * ops_per_s, p50_ms, p99_ms) with the catch-up's own fields after them. Sizes are MiB, rates
 * MiB/s: the same units as bench/snapshot-memory, and stricter than the target's MB/s.
 */
import type { LoadResult, WindowLatency } from './catch-up-protocol';
import { putCommand } from './kv-bench-keys';

const MiB = 1 << 20;
const round1 = (v: number): number => Math.round(v * 10) / 10;
const round2 = (v: number): number => Math.round(v * 100) / 100;

export function loadLine(phase: string, entries: number, concurrency: number, r: LoadResult): object {
  return {
    bench: 'catch-up',
    system: 'ours',
    op: 'apply',
    phase,
    concurrency,
    ops_per_s: r.ops_per_s,
    p50_ms: r.p50_ms,
    p99_ms: r.p99_ms,
    entries,
    entry_bytes: putCommand(0, 0).length,
    ms: r.ms,
    errors: r.errors,
  };
}

export function windowLine(phase: string, concurrency: number, w: WindowLatency): object {
  return {
    bench: 'catch-up',
    system: 'ours',
    op: 'apply',
    phase,
    concurrency,
    ops_per_s: w.ops_per_s,
    p50_ms: w.p50_ms,
    p99_ms: w.p99_ms,
    max_ms: w.max_ms,
    window_ms: w.ms,
    samples: w.count,
    slowest: w.slowest,
  };
}

export interface CatchUpFigures {
  readonly keys: number;
  readonly missing: number;
  readonly snapshotBytes: number;
  readonly snapshotIndex: number;
  /** From the follower's restart to the transfer's first message reaching it (the leader's redial). */
  readonly firstMessageMs: number;
  /** From the transfer's first message on the follower to its FSM restored. */
  readonly transferMs: number;
  /** From that first message to the follower's stored copy complete and fsynced. */
  readonly streamMs: number | undefined;
  readonly restoreMs: number | undefined;
  /** From the follower's restart to its applied index reaching the leader's commit index as of the restart. */
  readonly catchUpMs: number;
  /** Entries the follower applied from the log after the snapshot to reach that index. */
  readonly replayedEntries: number;
  readonly baseline: WindowLatency;
  /** All three nodes up after the catch-up, no transfer: the cluster's normal state. */
  readonly steady: WindowLatency;
  readonly during: WindowLatency;
  readonly leaderPeakRssMb: number;
  /** Terms begun after the first leader's: 0 unless an election happened. */
  readonly elections: number;
  /** Applies of the steady writes refused (not leader, timeouts); each was retried. */
  readonly writeErrors: number;
  readonly digestEqual: boolean;
  /** n3's nice value when the run lowered its CPU priority (--follower-nice). */
  readonly followerNice: number | undefined;
  readonly targetMbPerS: number;
  readonly targetP99Ratio: number;
}

export function catchUpLine(f: CatchUpFigures): { readonly ok: boolean } {
  const mb = f.snapshotBytes / MiB;
  const mbPerS = mb / (f.transferMs / 1000);
  // Against the normal three-node state; against the follower-down baseline as well, reported.
  const ratio = f.during.p99_ms / f.steady.p99_ms;
  const ratioVsFollowerDown = f.during.p99_ms / f.baseline.p99_ms;
  // The target is the snapshot's transfer (leader to the follower's durable copy); restoring it
  // into the FSM is the application's own cost, reported apart (restore_ms).
  const streamMbPerS = f.streamMs === undefined ? mbPerS : mb / (f.streamMs / 1000);
  const line = {
    bench: 'catch-up',
    system: 'ours',
    op: 'InstallSnapshot',
    concurrency: 1,
    ops_per_s: Math.round((1000 / f.transferMs) * 1000) / 1000,
    p50_ms: Math.round(f.transferMs),
    p99_ms: Math.round(f.transferMs),
    keys: f.keys,
    missing_entries: f.missing,
    snapshot_index: f.snapshotIndex,
    snapshot_mb: round1(mb),
    first_message_ms: Math.round(f.firstMessageMs),
    transfer_ms: Math.round(f.transferMs),
    transfer_mb_per_s: round1(mbPerS),
    stream_ms: f.streamMs === undefined ? null : Math.round(f.streamMs),
    stream_mb_per_s: f.streamMs === undefined ? null : round1(mb / (f.streamMs / 1000)),
    restore_ms: f.restoreMs === undefined ? null : Math.round(f.restoreMs),
    catch_up_ms: Math.round(f.catchUpMs),
    replayed_entries: f.replayedEntries,
    p99_baseline_ms: f.baseline.p99_ms,
    p99_steady_ms: f.steady.p99_ms,
    p99_during_ms: f.during.p99_ms,
    p99_ratio: round2(ratio),
    p99_ratio_vs_follower_down: round2(ratioVsFollowerDown),
    leader_peak_rss_mb: f.leaderPeakRssMb,
    elections: f.elections,
    write_errors: f.writeErrors,
    digest_equal: f.digestEqual,
    follower_nice: f.followerNice ?? null,
    target_mb_per_s: f.targetMbPerS,
    target_p99_ratio: f.targetP99Ratio,
    ok: f.digestEqual && streamMbPerS >= f.targetMbPerS && ratio <= f.targetP99Ratio,
  };
  return line;
}
