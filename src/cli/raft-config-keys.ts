import type { Config } from '../raft/index';

/** snake_case keys of config.yaml's `raft:` section, each the Config field it sets. */
export const RAFT_KEYS: Record<string, keyof Config> = {
  heartbeat_timeout_ms: 'heartbeatTimeoutMs',
  election_timeout_ms: 'electionTimeoutMs',
  commit_timeout_ms: 'commitTimeoutMs',
  max_append_entries: 'maxAppendEntries',
  max_append_bytes: 'maxAppendBytes',
  max_inflight_appends: 'maxInflightAppends',
  max_appends_per_turn: 'maxAppendsPerTurn',
  leader_lease_timeout_ms: 'leaderLeaseTimeoutMs',
  trailing_logs: 'trailingLogs',
  snapshot_interval_ms: 'snapshotIntervalMs',
  snapshot_threshold: 'snapshotThreshold',
  snapshot_max_entries: 'snapshotMaxEntries',
  defer_snapshot_copies: 'deferSnapshotCopies',
  snapshot_chunk_bytes: 'snapshotChunkBytes',
  snapshot_window_chunks: 'snapshotWindowChunks',
  snapshot_max_bytes_per_sec: 'snapshotMaxBytesPerSec',
  max_entry_bytes: 'maxEntryBytes',
  max_pending_applies: 'maxPendingApplies',
  apply_timeout_ms: 'applyTimeoutMs',
  pre_vote: 'preVote',
  check_quorum: 'checkQuorum',
  max_apply_batch: 'maxApplyBatch',
};
