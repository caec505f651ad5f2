import type { Configuration, ServerId } from '../configuration';
import type { LogEntry } from '../log';
import type { InstallSnapshot, InstallSnapshotResponse, RaftMessage } from '../messages';
import type { LogWrite } from './raft-log';

export type Role = 'follower' | 'candidate' | 'leader';

/** The state Raft must persist before answering: current term and vote. */
export interface HardState {
  readonly term: number;
  readonly votedFor: ServerId | undefined;
}

/** What callers may observe about the node; a change is reported in Ready. */
export interface SoftState {
  readonly role: Role;
  readonly leaderId: ServerId | undefined;
  readonly term: number;
}

export type CoreEvent =
  | { readonly kind: 'heartbeat-failed'; readonly peer: ServerId; readonly lastContactMs: number }
  | { readonly kind: 'heartbeat-resumed'; readonly peer: ServerId }
  | { readonly kind: 'configuration'; readonly configuration: Configuration; readonly index: number }
  | { readonly kind: 'transfer-finished'; readonly ok: boolean; readonly reason?: string }
  /** Leader: `peer` needs entries that were compacted away; stream it the newest snapshot. */
  | { readonly kind: 'send-snapshot'; readonly peer: ServerId }
  /** Leader: a follower answered a snapshot chunk (flow control for the stream). */
  | { readonly kind: 'snapshot-response'; readonly message: InstallSnapshotResponse }
  /** Follower: a chunk from the current leader, to be written to the snapshot being received. */
  | { readonly kind: 'snapshot-chunk'; readonly message: InstallSnapshot };

/** A read index that a quorum confirmed: serve the read once applied >= index. */
export interface ReadState {
  readonly requestId: number;
  readonly index: number;
}

export interface ReadFailure {
  readonly requestId: number;
  readonly reason: 'not-leader' | 'leadership-lost';
}

/**
 * Everything the runtime must do after feeding the core: persist `hardState` then `log`,
 * send `messages` at once (the leader's replication, which may overlap its own write:
 * thesis §10.2.1), send `messagesAfterPersist` only once everything handed out so far is
 * durable, and apply `committed` (never beyond what is durable here).
 */
export interface Ready {
  readonly hardState: HardState | undefined;
  readonly log: LogWrite | undefined;
  readonly messages: RaftMessage[];
  readonly messagesAfterPersist: RaftMessage[];
  readonly committed: LogEntry[];
  readonly readStates: ReadState[];
  readonly readFailures: ReadFailure[];
  readonly softState: SoftState | undefined;
  readonly events: CoreEvent[];
}
