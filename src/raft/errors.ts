import type { ServerAddress, ServerId } from './configuration';

/**
 * Raft's failures. `outcome` says whether the caller can know what happened to its command:
 * 'not-applied' means it certainly did not and never will commit; 'unknown' means it may
 * still commit (retry only with an idempotency key).
 */
export type RaftErrorCode =
  | 'not-leader'
  | 'leadership-lost'
  | 'shutdown'
  | 'timeout'
  | 'aborted'
  | 'overloaded'
  | 'entry-too-large'
  | 'configuration-change-in-progress'
  | 'bad-configuration'
  | 'already-bootstrapped'
  | 'corruption'
  | 'leadership-transfer'
  | 'no-snapshot-store'
  | 'restore-in-progress'
  | 'restore-failed'
  | 'fatal';

export class RaftError extends Error {
  constructor(
    readonly code: RaftErrorCode,
    message: string,
    readonly outcome: 'not-applied' | 'unknown',
  ) {
    super(message);
    this.name = 'RaftError';
  }
}

export class NotLeaderError extends RaftError {
  constructor(
    readonly leaderId: ServerId | undefined,
    readonly leaderAddress: ServerAddress | undefined,
  ) {
    super(
      'not-leader',
      leaderId ? `not the leader; the leader is ${leaderId} at ${leaderAddress ?? '?'}` : 'not the leader; no leader is known',
      'not-applied',
    );
    this.name = 'NotLeaderError';
  }
}

export class LeadershipLostError extends RaftError {
  constructor(outcome: 'not-applied' | 'unknown' = 'unknown') {
    super(
      'leadership-lost',
      outcome === 'unknown'
        ? 'leadership lost before the entry committed; it may still commit'
        : 'leadership lost; the entry was overwritten',
      outcome,
    );
    this.name = 'LeadershipLostError';
  }
}

export class ShutdownError extends RaftError {
  constructor(outcome: 'not-applied' | 'unknown' = 'not-applied') {
    super('shutdown', 'raft is shut down', outcome);
    this.name = 'ShutdownError';
  }
}

export class TimeoutError extends RaftError {
  constructor(what: string, ms: number, outcome: 'not-applied' | 'unknown') {
    super('timeout', `${what} timed out after ${ms} ms`, outcome);
    this.name = 'TimeoutError';
  }
}

export class AbortedError extends RaftError {
  constructor(outcome: 'not-applied' | 'unknown') {
    super('aborted', 'aborted by the caller', outcome);
    this.name = 'AbortedError';
  }
}

export class OverloadedError extends RaftError {
  constructor(pending: number) {
    super('overloaded', `too many applies pending (${pending}); retry later`, 'not-applied');
    this.name = 'OverloadedError';
  }
}

export class EntryTooLargeError extends RaftError {
  constructor(size: number, limit: number) {
    super('entry-too-large', `entry of ${size} bytes exceeds maxEntryBytes ${limit}`, 'not-applied');
    this.name = 'EntryTooLargeError';
  }
}

export class ConfigurationChangeError extends RaftError {
  constructor(message: string) {
    super('configuration-change-in-progress', message, 'not-applied');
    this.name = 'ConfigurationChangeError';
  }
}

export class BadConfigurationError extends RaftError {
  constructor(message: string) {
    super('bad-configuration', message, 'not-applied');
    this.name = 'BadConfigurationError';
  }
}

/** A stored record failed its checksum or does not decode: never applied, always reported. */
export class CorruptionError extends RaftError {
  constructor(message: string) {
    super('corruption', message, 'unknown');
    this.name = 'CorruptionError';
  }
}

/** Invalid Config values; `problems` names each bad field. */
export class ConfigValidationError extends Error {
  constructor(readonly problems: readonly string[]) {
    super(`invalid raft config: ${problems.join('; ')}`);
    this.name = 'ConfigValidationError';
  }
}

export class LeadershipTransferError extends RaftError {
  constructor(message: string) {
    super('leadership-transfer', message, 'not-applied');
    this.name = 'LeadershipTransferError';
  }
}

/** A user restore (Raft.restore) is under way on this node: another one, or a proposal, must wait for it. */
export class RestoreInProgressError extends RaftError {
  constructor(what: string) {
    super('restore-in-progress', `${what} refused: a restore is in progress on this node; retry once it has finished`, 'not-applied');
    this.name = 'RestoreInProgressError';
  }
}

/**
 * Raft.restore did not finish. `outcome` 'not-applied': nothing changed (the restored state never
 * took effect); 'unknown': it took effect on the leader, but whether a quorum holds it is not known
 * (see Raft.restore). `cause` is what stopped it.
 */
export class RestoreFailedError extends RaftError {
  constructor(message: string, outcome: 'not-applied' | 'unknown', cause?: unknown) {
    super('restore-failed', message, outcome);
    this.name = 'RestoreFailedError';
    this.cause = cause;
  }
}

/** recoverCluster() refused to touch the stores (it changed nothing). */
export class RecoveryRefusedError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'RecoveryRefusedError';
  }
}
