/**
 * The one error type of the client library. Every failure a caller can act on carries a gRPC
 * status code: the server's own code and message when the MetaServer or a DataServer refused,
 * or the code that best describes a failure found on this side (DATA_LOSS for a checksum that
 * does not match, UNAVAILABLE when no replica of a block could be read), so callers and the CLI
 * branch on one field instead of parsing messages.
 */
import { status } from '@grpc/grpc-js';

export class MinfsError extends Error {
  constructor(
    /** The gRPC status code. */
    readonly code: status,
    /** The server's message (or ours, for a failure found on this side). */
    readonly details: string,
  ) {
    super(details);
    this.name = 'MinfsError';
  }

  /** The code's name, e.g. "NOT_FOUND". */
  get codeName(): string {
    return status[this.code] ?? String(this.code);
  }
}

/** What grpc-js hands to callbacks and 'error' listeners. */
interface GrpcFailure {
  readonly code: number;
  readonly details: string;
}

function isGrpcFailure(error: unknown): error is GrpcFailure {
  return (
    typeof error === 'object' &&
    error !== null &&
    typeof (error as GrpcFailure).code === 'number' &&
    typeof (error as GrpcFailure).details === 'string'
  );
}

/** A MinfsError for any failure: gRPC errors keep their code, anything else becomes UNKNOWN. */
export function toMinfsError(error: unknown, context?: string): MinfsError {
  if (error instanceof MinfsError) return error;
  const prefix = context === undefined ? '' : `${context}: `;
  if (isGrpcFailure(error)) return new MinfsError(error.code, prefix + (tidy(error.details) || status[error.code] || 'call failed'));
  return new MinfsError(status.UNKNOWN, prefix + (error instanceof Error ? error.message : String(error)));
}

/** grpc-js ends connection failures with an empty "Resolution note: ", which says nothing. */
function tidy(details: string): string {
  return details.replace(/\.?\s*Resolution note:\s*$/, '');
}

/**
 * Codes after which a MetaServer call is worth sending again: UNAVAILABLE is what our MetaServer
 * answers with no leader or a lost leadership and what grpc-js reports for a node it cannot reach;
 * DEADLINE_EXCEEDED is a node that stopped answering. (A new leader that has not heard from its
 * DataServers yet answers UNAVAILABLE too; RESOURCE_EXHAUSTED means too few DataServers are alive,
 * which waiting seconds does not cure, so it is reported at once.)
 */
export function isRetryable(code: status): boolean {
  return code === status.UNAVAILABLE || code === status.DEADLINE_EXCEEDED;
}

/** Codes that say the node we asked may not be (or no longer be) the leader: ask again who is. */
export function needsRediscovery(code: status): boolean {
  return code === status.UNAVAILABLE || code === status.DEADLINE_EXCEEDED;
}
