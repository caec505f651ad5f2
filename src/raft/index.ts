/**
 * The public surface of our Raft library (hashicorp-style). Everything outside `src/raft`
 * imports from here only.
 */
export type { BugSwitches, BugName } from './bugs';
export { defaultConfig, validateConfig, configProblems, type Config } from './config';
export {
  checkConfiguration,
  decodeConfiguration,
  encodeConfiguration,
  isVoter,
  voters,
  type Configuration,
  type Server,
  type ServerAddress,
  type ServerId,
  type Suffrage,
} from './configuration';
export type { MembershipChange } from './core/membership';
export {
  seededRandom,
  silentLogger,
  systemClock,
  systemRandom,
  type Clock,
  type Logger,
  type LogFields,
  type Random,
  type TimerHandle,
} from './environment';
export * from './errors';
export { RaftEventEmitter, type RaftEvents, type RaftEventName, type RaftState } from './events';
export type { FSM, FSMSnapshot, RestorePoint } from './fsm';
export { LogType, entrySize, type LogEntry } from './log';
export type { LogStore, StableStore } from './log-store';
export type { RaftMessage, AppendEntries, AppendEntriesResponse, RequestVote, RequestVoteResponse, TimeoutNow } from './messages';
export type { SnapshotMeta, SnapshotSink, SnapshotStore, OpenedSnapshot, CreateOptions } from './snapshot-store';
export { DeferredSnapshotError } from './snapshot-store';
export { FileSnapshotStore, SnapshotNotFoundError, type FileSnapshotMeta } from './file-snapshot-store';
export type { Transport } from './transport';
export { TcpTransport, type TcpTlsOptions, type TcpTransportOptions, type TcpTransportStats } from './tcp';
export { Raft } from './runtime/raft';
export type { RaftOptions, RaftStats } from './runtime/raft-options';
export type { UserSnapshotInfo } from './runtime/user-restore';
export { recoverCluster, type RecoverClusterOptions, type RecoveredState } from './runtime/recover-cluster';
export type { WaitOptions } from './runtime/waiters';
