/**
 * The JSON lines of bench/meta and bench/meta-scale, in the shape of the other benches' lines
 * (bench, system, op, concurrency, ops_per_s, p50_ms, p99_ms; rss_mb where it applies) and
 * ratio lines in bench/raft's shape (system "ratio", throughput_ratio, p99_ratio).
 */
import type { LoopResult } from './meta-closed-loop';
import type { EtcdResult } from './meta-etcd-peer';
import type { NodeStats } from './meta-protocol';

const round3 = (v: number): number => Math.round(v * 1000) / 1000;

export function emit(line: object): void {
  process.stdout.write(`${JSON.stringify(line)}\n`);
}

/** Stderr notes start with "# " like the other benches'. */
export function note(text: string): void {
  process.stderr.write(`# ${text}\n`);
}

export interface OursContext {
  readonly bench: string;
  readonly op: string;
  readonly concurrency: number;
  readonly target: string;
  /** The leader after the measurement; peak over the measurement (its window was reset before). */
  readonly leader: NodeStats;
  /** Leadership changed during the measurement (an election): the figure is suspect. */
  readonly leaderChanged: boolean;
}

export function oursLine(c: OursContext, r: LoopResult, extra: object = {}): object {
  return {
    bench: c.bench,
    system: 'ours',
    op: c.op,
    concurrency: c.concurrency,
    ops_per_s: r.ops_per_s,
    p50_ms: r.p50_ms,
    p99_ms: r.p99_ms,
    rss_mb: c.leader.rssMb,
    peak_rss_mb: c.leader.peakRssMb,
    target: c.target,
    measured: r.measured,
    ...extra,
    ...(Object.keys(r.errors).length > 0 ? { errors: r.errors } : {}),
    ...(r.exhaustedWorkers > 0 ? { exhausted_workers: r.exhaustedWorkers } : {}),
    ...(c.leaderChanged ? { leader_changed: true } : {}),
  };
}

export function etcdLine(bench: string, op: string, concurrency: number, r: EtcdResult): object {
  return { bench, system: 'etcd', op, concurrency, ops_per_s: r.ops_per_s, p50_ms: r.p50_ms, p99_ms: r.p99_ms };
}

export interface RatioTarget {
  /** ours/etcd throughput at least this. */
  readonly throughput: number;
  /** ours/etcd p99 at most this. */
  readonly p99: number;
}

export function ratioLine(
  bench: string,
  op: string,
  concurrency: number,
  ours: LoopResult,
  etcd: EtcdResult,
  target: RatioTarget | undefined,
): object {
  const throughput = ours.ops_per_s / etcd.ops_per_s;
  const p99 = ours.p99_ms / etcd.p99_ms;
  return {
    bench,
    system: 'ratio',
    op,
    concurrency,
    throughput_ratio: round3(throughput),
    p99_ratio: round3(p99),
    ...(target === undefined
      ? {}
      : {
          target_throughput_ratio: target.throughput,
          target_p99_ratio: target.p99,
          ok: throughput >= target.throughput && p99 <= target.p99,
        }),
  };
}
