import type { ServerId } from './configuration';
import { ConfigValidationError } from './errors';

/** Tunables of a Raft node (hashicorp's Config; durations in milliseconds). */
export interface Config {
  /** This server's id; must be unique in the cluster. */
  localId: ServerId;
  /** A follower with no word from a leader for this long (randomised up to 2×) starts an election. */
  heartbeatTimeoutMs: number;
  /** A candidate that has not won within this long (randomised up to 2×) starts over. */
  electionTimeoutMs: number;
  /** Upper bound on how long a commit index update may wait before followers hear of it;
   * also the heartbeat interval's cap. */
  commitTimeoutMs: number;
  /** Most entries in one AppendEntries. */
  maxAppendEntries: number;
  /** Most payload bytes in one AppendEntries (at least one entry is always sent). */
  maxAppendBytes: number;
  /** Most AppendEntries in flight to one follower (pipelining window). */
  maxInflightAppends: number;
  /**
   * Most AppendEntries sent to one follower in one turn of the node's loop (between two Readies).
   * A follower that comes back far behind (after a snapshot install, say) then has its window
   * filled a few messages per turn instead of getting maxInflightAppends x maxAppendEntries
   * entries read from the store, encoded and written in one go (32,768 entries stalled a
   * leader's writes for 60-120 ms), and a burst of its acks handled in one turn cannot multiply
   * that. A follower that keeps up gets one message per turn and never meets the limit.
   */
  maxAppendsPerTurn: number;
  /** A leader that has not heard from a quorum within this long steps down (check-quorum). */
  leaderLeaseTimeoutMs: number;
  /** Entries kept in the log behind a snapshot, so slightly-behind followers avoid a snapshot. */
  trailingLogs: number;
  /** How often to check whether to snapshot (randomised), and the threshold of new entries. */
  snapshotIntervalMs: number;
  snapshotThreshold: number;
  /**
   * A snapshot is taken as soon as this many entries were applied since the last one, without
   * waiting for the interval (etcd's SnapshotCount; 0, the default: only the interval, as in
   * hashicorp/raft). It bounds the log, and so its disk, its pages in memory and a slow
   * follower's catch-up, whatever the write rate: at 4,500 writes/s the interval alone let the
   * log reach 500,000 entries between snapshots. Worth it when a snapshot is cheap next to that
   * much log: each one writes the whole FSM out. Each node draws its count anew after every
   * snapshot, up to half as much again, so the nodes of a cluster do not all snapshot at once.
   */
  snapshotMaxEntries: number;
  /**
   * For an FSM that keeps its own durable state (it has appliedIndex()): a snapshot, whatever
   * took it, stores only its label once the FSM has committed that far, and compacts the log
   * behind it as usual; the FSM's state is written out only when a follower needs a snapshot
   * (etcd's model: its backend is sent when asked for, never copied on a schedule). A node then
   * no longer copies its whole state every SnapshotInterval or SnapshotMaxEntries (a namespace of
   * 10 million blocks is a gigabyte), while a restart still resumes from the FSM's own state.
   * Default false: every snapshot holds a copy, as in hashicorp/raft.
   */
  deferSnapshotCopies: boolean;
  /** Snapshot data per InstallSnapshot message. */
  snapshotChunkBytes: number;
  /** InstallSnapshot chunks in flight to one follower, at most (the leader's memory per transfer). */
  snapshotWindowChunks: number;
  /** Snapshot bytes this node streams to followers per second, over all transfers (0: no limit).
   * A cap leaves CPU and bandwidth to the leader's ordinary replication while a snapshot goes out. */
  snapshotMaxBytesPerSec: number;
  /** Largest command payload accepted by `apply`; larger ones are refused before the log. */
  maxEntryBytes: number;
  /** Applies waiting for commit beyond this number are refused at once (backpressure). */
  maxPendingApplies: number;
  /** Default timeout of `apply`, `barrier` and membership changes when the caller gives none. */
  applyTimeoutMs: number;
  /** Pre-vote (Raft thesis §9.6): a partitioned node cannot disrupt the cluster on return. */
  preVote: boolean;
  /** Check-quorum: the leader steps down when it cannot hear a quorum within the lease. */
  checkQuorum: boolean;
  /** Committed entries handed to the FSM in one batch, at most. */
  maxApplyBatch: number;
}

export function defaultConfig(localId: ServerId): Config {
  return {
    localId,
    heartbeatTimeoutMs: 1000,
    electionTimeoutMs: 1000,
    commitTimeoutMs: 50,
    maxAppendEntries: 512,
    maxAppendBytes: 1 << 20,
    maxInflightAppends: 64,
    maxAppendsPerTurn: 4,
    leaderLeaseTimeoutMs: 500,
    trailingLogs: 10240,
    snapshotIntervalMs: 120_000,
    snapshotThreshold: 8192,
    snapshotMaxEntries: 0,
    deferSnapshotCopies: false,
    snapshotChunkBytes: 1 << 20,
    snapshotWindowChunks: 8,
    // 64 MiB/s: a million-key snapshot still streams in two seconds, and the leader's own writes
    // keep most of the CPU meanwhile (bench:catch-up measured both; see the README).
    snapshotMaxBytesPerSec: 64 << 20,
    maxEntryBytes: 1 << 20,
    maxPendingApplies: 65_536,
    applyTimeoutMs: 10_000,
    preVote: true,
    checkQuorum: true,
    maxApplyBatch: 1024,
  };
}

/** Every problem with `config`, each naming its field; empty when valid. */
export function configProblems(config: Config): string[] {
  const problems: string[] = [];
  const positiveInteger = (field: keyof Config, min = 1): void => {
    const v = config[field];
    if (typeof v !== 'number' || !Number.isInteger(v) || v < min) {
      problems.push(`${field}: must be an integer >= ${min}, got ${String(v)}`);
    }
  };
  if (typeof config.localId !== 'string' || config.localId.length === 0) problems.push('localId: must be a non-empty string');
  positiveInteger('heartbeatTimeoutMs', 5);
  positiveInteger('electionTimeoutMs', 5);
  positiveInteger('commitTimeoutMs', 1);
  positiveInteger('maxAppendEntries');
  positiveInteger('maxAppendBytes', 1024);
  positiveInteger('maxInflightAppends');
  positiveInteger('maxAppendsPerTurn');
  positiveInteger('leaderLeaseTimeoutMs', 5);
  positiveInteger('trailingLogs', 0);
  positiveInteger('snapshotIntervalMs', 5);
  positiveInteger('snapshotThreshold');
  positiveInteger('snapshotMaxEntries', 0);
  positiveInteger('snapshotChunkBytes');
  positiveInteger('snapshotWindowChunks');
  positiveInteger('snapshotMaxBytesPerSec', 0);
  positiveInteger('maxEntryBytes');
  positiveInteger('maxPendingApplies');
  positiveInteger('applyTimeoutMs');
  positiveInteger('maxApplyBatch');
  if (typeof config.preVote !== 'boolean') problems.push('preVote: must be a boolean');
  if (typeof config.checkQuorum !== 'boolean') problems.push('checkQuorum: must be a boolean');
  if (typeof config.deferSnapshotCopies !== 'boolean') problems.push('deferSnapshotCopies: must be a boolean');
  // hashicorp's rule: the lease must not outlast a follower's patience, or two leaders could
  // both believe they lead (one by lease, one by election).
  if (problems.length === 0 && config.leaderLeaseTimeoutMs > config.heartbeatTimeoutMs) {
    problems.push(
      `leaderLeaseTimeoutMs: must not exceed heartbeatTimeoutMs (${config.heartbeatTimeoutMs}), got ${config.leaderLeaseTimeoutMs}`,
    );
  }
  if (problems.length === 0 && config.maxEntryBytes > config.maxAppendBytes) {
    problems.push(`maxEntryBytes: must not exceed maxAppendBytes (${config.maxAppendBytes}), got ${config.maxEntryBytes}`);
  }
  return problems;
}

/** Throws ConfigValidationError listing every problem. */
export function validateConfig(config: Config): Config {
  const problems = configProblems(config);
  if (problems.length > 0) throw new ConfigValidationError(problems);
  return config;
}
