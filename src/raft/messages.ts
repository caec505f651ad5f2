import type { ServerId } from './configuration';
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

export type RaftMessage = AppendEntries | AppendEntriesResponse | RequestVote | RequestVoteResponse | TimeoutNow;
export type RaftMessageType = RaftMessage['type'];
