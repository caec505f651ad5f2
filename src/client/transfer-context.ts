/** What put and get share: the MetaServer connection, the DataServer channels and their limits. */
import type { DataChannels } from './data-channels';
import type { MetaConnection } from './meta-connection';

export interface TransferContext {
  readonly meta: MetaConnection;
  readonly channels: DataChannels;
  /** Deadline of one WriteBlock or ReadBlock stream (ms). */
  readonly blockTimeoutMs: number;
  /** How many allocations a put tries before giving up on a block that does not land. */
  readonly writeAttempts: number;
}

/** Bytes moved so far out of the file's size; reported after every chunk (put) or block (get). */
export interface Progress {
  readonly bytes: number;
  readonly total: number;
}

export type ProgressListener = (progress: Progress) => void;
