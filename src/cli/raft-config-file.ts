import { readFileSync } from 'node:fs';
import { parse } from 'yaml';
import { configProblems, defaultConfig, type Config } from '../raft/index';

export interface NodeFileConfig {
  readonly id: string;
  readonly dataDir: string;
  readonly raft: Config;
}

/** snake_case keys of config.yaml's `raft:` section, each the Config field it sets. */
const RAFT_KEYS: Record<string, keyof Config> = {
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

/** Reads config.yaml; returns the node's settings or every problem, each with its key path. */
export function loadNodeConfig(path: string, overrides: { id?: string; dataDir?: string }): NodeFileConfig | string[] {
  let doc: unknown;
  try {
    doc = parse(readFileSync(path, 'utf8'));
  } catch (error) {
    return [`${path}: ${(error as Error).message}`];
  }
  const root = (doc ?? {}) as Record<string, unknown>;
  const node = (root.node ?? {}) as Record<string, unknown>;
  const raftSection = (root.raft ?? {}) as Record<string, unknown>;
  const problems: string[] = [];
  const rawId = overrides.id ?? node.id ?? 'demo-1';
  const rawDataDir = overrides.dataDir ?? node.data_dir ?? './data/demo';
  const id = typeof rawId === 'string' ? rawId : '';
  const dataDir = typeof rawDataDir === 'string' ? rawDataDir : '';
  if (id === '') problems.push('node.id: must be a non-empty string');
  if (dataDir === '') problems.push('node.data_dir: must be a non-empty path');
  const raft: Config = defaultConfig(id);
  const target = raft as unknown as Record<string, unknown>;
  for (const [key, value] of Object.entries(raftSection)) {
    const field = RAFT_KEYS[key];
    if (field === undefined) problems.push(`raft.${key}: unknown key`);
    else target[field] = value;
  }
  const reverse = new Map(Object.entries(RAFT_KEYS).map(([k, f]) => [f as string, k]));
  for (const p of configProblems(raft)) {
    const field = p.split(':')[0]!;
    problems.push(`raft.${reverse.get(field) ?? field}:${p.slice(field.length + 1)}`);
  }
  return problems.length > 0 ? problems : { id, dataDir, raft };
}
