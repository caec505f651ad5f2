/**
 * What a DataServer tells the outside (tests, an in-process harness, metrics): `server.events.on(...)`.
 * DataServer.waitFor() turns any of them into a promise, so tests wait for "heartbeat N answered"
 * instead of sleeping.
 */
import type { Command__Output } from '../generated/dfs_project/Command';
import type { HeartbeatRequest } from '../generated/dfs_project/HeartbeatRequest';

export interface HeartbeatEvent {
  /** 1 for the first heartbeat answered, then 2, 3, ... */
  readonly sequence: number;
  /** The MetaServer that answered (the leader). */
  readonly leader: string;
  readonly request: Readonly<HeartbeatRequest>;
  /** The block ids the request reported, as numbers. */
  readonly reportedBlockIds: readonly number[];
  readonly commands: readonly Command__Output[];
}

export interface HeartbeatFailedEvent {
  /** The MetaServer asked, if one was known. */
  readonly leader: string | undefined;
  readonly error: string;
  /** Failures in a row, this one included. */
  readonly consecutiveFailures: number;
}

export interface LeaderChangedEvent {
  readonly leader: string | undefined;
}

export type CommandOutcome = 'deleted' | 'absent' | 'copied' | 'already-present' | 'failed' | 'ignored';

export interface CommandSettledEvent {
  readonly action: string;
  readonly blockId: string;
  readonly outcome: CommandOutcome;
  readonly error?: string;
}

/** A WriteBlock call has ended (after the local temp file was renamed into place or removed). */
export interface BlockWriteEvent {
  /** Undefined when the stream failed before naming a valid block. */
  readonly blockId: number | undefined;
  readonly outcome: 'stored' | 'failed';
  readonly error?: string;
}

export interface DataServerEventMap {
  heartbeat: [HeartbeatEvent];
  'heartbeat-failed': [HeartbeatFailedEvent];
  'leader-changed': [LeaderChangedEvent];
  'command-settled': [CommandSettledEvent];
  'block-write': [BlockWriteEvent];
}
