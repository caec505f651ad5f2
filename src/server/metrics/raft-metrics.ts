/**
 * Raft metrics that are events rather than state (state is read at scrape time in
 * metrics-server.ts): commit and apply latency, and the snapshots taken and installed here.
 */
import { Counter, Gauge, Histogram, type Registry } from 'prom-client';
import type { RaftEventEmitter } from '../../raft';
import { LATENCY_BUCKETS } from './grpc-metrics';

/** Where the events come from: a Raft node (or, in tests, an emitter of its events). */
export type RaftEventSource = Pick<RaftEventEmitter, 'on'>;

/** Seconds: a deferred snapshot (a label) takes milliseconds, a full copy of a large namespace minutes. */
const SNAPSHOT_BUCKETS = [0.001, 0.01, 0.1, 0.5, 1, 2.5, 5, 10, 30, 60, 120, 300, 600];
const SNAPSHOT_KINDS = ['taken', 'installed'] as const;

export class RaftMetrics {
  /** Observed by propose.ts around `raft.apply`, in seconds. */
  readonly applySeconds: Histogram;

  constructor(registry: Registry, raft: RaftEventSource) {
    const commit = new Histogram({
      name: 'minfs_raft_commit_duration_seconds',
      help: 'Leader: from a proposal accepted here to its commit (durable on a quorum); one sample per commit batch, its first entry.',
      buckets: LATENCY_BUCKETS,
      registers: [registry],
    });
    this.applySeconds = new Histogram({
      name: 'minfs_raft_apply_duration_seconds',
      help: 'Leader: from proposing a namespace command to its result (commit and apply: what a client write waits for).',
      buckets: LATENCY_BUCKETS,
      registers: [registry],
    });
    const snapshots = new Counter({
      name: 'minfs_raft_snapshots_total',
      help: 'Snapshots taken here, or received from the leader and installed.',
      labelNames: ['kind'],
      registers: [registry],
    });
    const size = new Gauge({
      name: 'minfs_raft_snapshot_size_bytes',
      help: 'Size of the newest snapshot taken or installed here (a deferred snapshot is a label: small).',
      labelNames: ['kind'],
      registers: [registry],
    });
    const duration = new Histogram({
      name: 'minfs_raft_snapshot_duration_seconds',
      help: 'Time to write a snapshot taken here, or to restore the namespace from one installed.',
      labelNames: ['kind'],
      buckets: SNAPSHOT_BUCKETS,
      registers: [registry],
    });
    // Both kinds show from the start (at 0), so a dashboard sees "none yet" rather than no data.
    for (const kind of SNAPSHOT_KINDS) {
      snapshots.labels(kind).inc(0);
      duration.zero({ kind });
    }
    const snapshot =
      (kind: (typeof SNAPSHOT_KINDS)[number]) =>
      (event: { size: number; durationMs: number }): void => {
        snapshots.labels(kind).inc();
        size.labels(kind).set(event.size);
        duration.labels(kind).observe(event.durationMs / 1000);
      };
    // For the node's lifetime: its metrics live exactly as long as it does.
    raft.on('committed', ({ latencyMs }) => commit.observe(latencyMs / 1000));
    raft.on('snapshot-taken', snapshot('taken'));
    raft.on('snapshot-installed', snapshot('installed'));
  }
}
