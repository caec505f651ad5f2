/**
 * The one place where outcomes become gRPC statuses. Two families stay apart: Raft failures (did
 * it commit? no leader, timeout, shutdown, ...) and namespace refusals (committed, or checked
 * before proposing, and refused: exists, not found, not empty, ...). Both tables are exhaustive
 * records, so a new refusal kind or Raft error code does not compile until it has its status.
 *
 * Nothing else reaches grpc-js: an unexpected error becomes INTERNAL with a generic message (grpc-js
 * would forward any numeric `code` property as the status, and LMDB errors carry numeric codes).
 */
import { status } from '@grpc/grpc-js';
import { RaftError, type RaftErrorCode } from '../raft';
import type { RefusalKind } from '../meta/results';
import { NamespaceUnavailableError } from '../meta/namespace-state';

/** A failure with the status and message the caller gets. */
export class ServiceError extends Error {
  constructor(
    readonly code: status,
    message: string,
  ) {
    super(message);
    this.name = 'ServiceError';
  }
}

export const REFUSAL_STATUS: Record<RefusalKind, status> = {
  'invalid-argument': status.INVALID_ARGUMENT,
  'not-found': status.NOT_FOUND,
  'already-exists': status.ALREADY_EXISTS,
  'not-empty': status.FAILED_PRECONDITION,
  'not-a-directory': status.FAILED_PRECONDITION,
  'is-a-directory': status.FAILED_PRECONDITION,
  'failed-precondition': status.FAILED_PRECONDITION,
};

/** Raft failures. Everything that a retry on another attempt may fix is UNAVAILABLE, which the client retries. */
export const RAFT_ERROR_STATUS: Record<RaftErrorCode, status> = {
  'not-leader': status.UNAVAILABLE,
  'leadership-lost': status.UNAVAILABLE,
  'leadership-transfer': status.UNAVAILABLE,
  shutdown: status.UNAVAILABLE,
  timeout: status.UNAVAILABLE,
  aborted: status.CANCELLED,
  overloaded: status.RESOURCE_EXHAUSTED,
  'entry-too-large': status.RESOURCE_EXHAUSTED,
  'configuration-change-in-progress': status.UNAVAILABLE,
  'bad-configuration': status.INTERNAL,
  'already-bootstrapped': status.INTERNAL,
  corruption: status.DATA_LOSS,
  'no-snapshot-store': status.INTERNAL,
  // An operator's restore: writes wait for it; one that failed is reported as such.
  'restore-in-progress': status.UNAVAILABLE,
  'restore-failed': status.ABORTED,
  fatal: status.INTERNAL,
};

export function refusalError(refusal: { readonly kind: RefusalKind; readonly message: string }): ServiceError {
  return new ServiceError(REFUSAL_STATUS[refusal.kind], refusal.message);
}

/** What the caller is told for any error thrown while serving a call. */
export function toServiceError(error: unknown): ServiceError {
  if (error instanceof ServiceError) return error;
  if (error instanceof NamespaceUnavailableError) return new ServiceError(status.UNAVAILABLE, error.message);
  if (error instanceof RaftError) {
    const tail = error.outcome === 'unknown' ? ' (the request may or may not have been applied; retry with the same request_id to be sure)' : '';
    return new ServiceError(RAFT_ERROR_STATUS[error.code], `${error.message}${tail}`);
  }
  return new ServiceError(status.INTERNAL, 'internal error in the MetaServer (see its log)');
}

export function invalidArgument(message: string): ServiceError {
  return new ServiceError(status.INVALID_ARGUMENT, message);
}

export function unavailable(message: string): ServiceError {
  return new ServiceError(status.UNAVAILABLE, message);
}
