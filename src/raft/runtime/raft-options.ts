import type { BugSwitches } from '../bugs';
import type { Config } from '../config';
import type { ServerId } from '../configuration';
import type { Clock, Logger, Random } from '../environment';
import type { RaftState } from '../events';
import type { FSM } from '../fsm';
import type { LogStore, StableStore } from '../log-store';
import type { SnapshotStore } from '../snapshot-store';
import type { Transport } from '../transport';

/** What a Raft node is made of: its configuration, state machine, stores, transport and environment. */
export interface RaftOptions<R> {
  readonly config: Config;
  readonly fsm: FSM<R>;
  readonly logStore: LogStore;
  readonly stableStore: StableStore;
  /** Where snapshots are kept. Without one the node never snapshots nor compacts its log. */
  readonly snapshotStore?: SnapshotStore;
  readonly transport: Transport;
  readonly clock?: Clock;
  readonly random?: Random;
  readonly logger?: Logger;
  /** Runs a callback soon, after the current burst of input (default setImmediate). */
  readonly scheduler?: (callback: () => void) => void;
  /** Test-only: known Raft bugs to switch on (see bugs.ts). */
  readonly testOnlyBugs?: BugSwitches;
}

export interface RaftStats {
  readonly id: ServerId;
  readonly state: RaftState;
  readonly term: number;
  readonly leaderId: ServerId | undefined;
  readonly firstLogIndex: number;
  readonly lastLogIndex: number;
  readonly lastLogTerm: number;
  readonly persistedIndex: number;
  readonly commitIndex: number;
  readonly appliedIndex: number;
  readonly configurationIndex: number;
  readonly voters: number;
  readonly pendingApplies: number;
  readonly pendingReads: number;
  /** Index of the newest snapshot taken or installed here (0: none). */
  readonly snapshotIndex: number;
  /** Snapshot transfers to followers under way. */
  readonly snapshotsSending: number;
}
