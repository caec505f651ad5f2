import type { Configuration, ServerId } from './configuration';
import type { LogEntry } from './log';

/**
 * Raft's messages. Peers exchange one-way messages (etcd style) rather than request/response
 * calls, so that the protocol core is a pure function of the messages it sees. Every message
 * names its sender and receiver by server id and carries the sender's term.
 */
interface Envelope {
  readonly from: ServerId;
  readonly to: ServerId;
  readonly term: number;
}

export interface AppendEntries extends Envelope {
  readonly type: 'AppendEntries';
  readonly prevLogIndex: number;
  readonly prevLogTerm: number;
  readonly entries: readonly LogEntry[];
  readonly leaderCommit: number;
  /** Leader's per-term sequence number, echoed back; confirms leadership for read index. */
  readonly seq: number;
}

export interface AppendEntriesResponse extends Envelope {
  readonly type: 'AppendEntriesResponse';
  readonly success: boolean;
  /** Echo of AppendEntries.seq. */
  readonly seq: number;
  /** On success: the index of the last entry known to match the leader's log.
   * On rejection: the prevLogIndex that was rejected (so stale rejections can be ignored). */
  readonly matchIndex: number;
  /** The follower's last log index. */
  readonly lastLogIndex: number;
  /** On rejection, fast backtracking (etcd's): the largest index `conflictIndex` <= the rejected
   * one whose term `conflictTerm` is <= prevLogTerm in the follower's log. The leader retries
   * from its own largest index with a term <= conflictTerm. */
  readonly conflictTerm: number;
  readonly conflictIndex: number;
}

export interface RequestVote extends Envelope {
  readonly type: 'RequestVote';
  readonly lastLogIndex: number;
  readonly lastLogTerm: number;
  /** A pre-vote asks "would you vote for me at `term`?" without anyone changing term. */
  readonly preVote: boolean;
  /** Set when the election follows TimeoutNow, so voters ignore their leader stickiness. */
  readonly leadershipTransfer: boolean;
}

export interface RequestVoteResponse extends Envelope {
  readonly type: 'RequestVoteResponse';
  readonly granted: boolean;
  readonly preVote: boolean;
}

/** Leadership transfer: the receiver starts an election at once. */
export interface TimeoutNow extends Envelope {
  readonly type: 'TimeoutNow';
}

/**
 * One chunk of a snapshot streamed from the leader to a follower whose next entry was compacted
 * away. Chunks of one transfer (`snapshotId`) arrive in order of `offset`; the follower writes
 * them to its SnapshotStore and restores only after the whole stream matched `size` and `crc32`.
 */
export interface InstallSnapshot extends Envelope {
  readonly type: 'InstallSnapshot';
  readonly snapshotId: string;
  /** Index and term of the last entry the snapshot covers. */
  readonly lastIndex: number;
  readonly lastTerm: number;
  /** The membership configuration at `lastIndex`, and the index it was appended at. */
  readonly configuration: Configuration;
  readonly configurationIndex: number;
  /** Byte offset of `data` within the snapshot. */
  readonly offset: number;
  readonly data: Uint8Array;
  /** The whole snapshot's size and CRC-32, checked before it is restored. */
  readonly size: number;
  readonly crc32: number;
  readonly done: boolean;
  /** Leader's round (as in AppendEntries): a chunk also confirms leadership. */
  readonly seq: number;
}

export interface InstallSnapshotResponse extends Envelope {
  readonly type: 'InstallSnapshotResponse';
  readonly snapshotId: string;
  /** The offset the follower wants next: where a broken transfer resumes. */
  readonly nextOffset: number;
  /** The snapshot is durable and restored: the follower's log now continues after lastIndex. */
  readonly installed: boolean;
  readonly lastIndex: number;
  readonly seq: number;
}

export type RaftMessage =
  AppendEntries | AppendEntriesResponse | RequestVote | RequestVoteResponse | TimeoutNow | InstallSnapshot | InstallSnapshotResponse;
export type RaftMessageType = RaftMessage['type'];
