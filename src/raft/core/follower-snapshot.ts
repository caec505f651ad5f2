import type { ServerId } from '../configuration';
import type { InstallSnapshot, InstallSnapshotResponse } from '../messages';
import type { ConfigurationHistory } from './membership';
import type { InstallOutcome, RaftLog } from './raft-log';

/** What a follower needs to install a snapshot its runtime received and made durable. */
export interface SnapshotFollowerHost {
  readonly id: ServerId;
  readonly log: RaftLog;
  readonly configs: ConfigurationHistory;
  /** Test-only bug: keep a log that conflicts with the snapshot (rule 7 broken). */
  readonly keepConflictingLog: boolean;
}

/**
 * Installs a durable snapshot into the follower's log (Figure 13 rule 7: keep the entries after
 * it only if ours at its last index has its term) and its configuration history. A snapshot our
 * commit index already covers changes nothing.
 */
export function installSnapshotInLog(host: SnapshotFollowerHost, m: InstallSnapshot): InstallOutcome {
  const outcome = host.log.installSnapshot({ index: m.lastIndex, term: m.lastTerm }, host.keepConflictingLog);
  if (outcome !== 'stale') host.configs.installSnapshot(m.lastIndex, m.configurationIndex, m.configuration, outcome === 'kept');
  return outcome;
}

/** The follower's answer to a snapshot chunk (from the core: installed, or a stale term refused). */
export function snapshotResponse(
  from: ServerId,
  term: number,
  m: InstallSnapshot,
  nextOffset: number,
  installed: boolean,
): InstallSnapshotResponse {
  return {
    type: 'InstallSnapshotResponse',
    from,
    to: m.from,
    term,
    snapshotId: m.snapshotId,
    nextOffset,
    installed,
    lastIndex: m.lastIndex,
    seq: m.seq,
  };
}
