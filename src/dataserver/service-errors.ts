/**
 * The one table from outcomes to gRPC status codes (compat §7.21: real codes, never UNKNOWN), and
 * how errors that come back from other servers are recognised.
 */
import { status, type ServerErrorResponse } from '@grpc/grpc-js';
import { BlockIdError } from './block-id';
import { BlockCorruptError, BlockNotFoundError, BlockTooLargeError } from './block-errors';
import { errorText, type DataServerLogger } from './logger';

/** An outcome that already knows its status code. */
export class ServiceError extends Error {
  override readonly name = 'ServiceError';
  constructor(
    readonly code: status,
    message: string,
  ) {
    super(message);
  }
}

export const invalidArgument = (message: string): ServiceError => new ServiceError(status.INVALID_ARGUMENT, message);
export const unavailable = (message: string): ServiceError => new ServiceError(status.UNAVAILABLE, message);

/** The status code and text of an error; unexpected errors become INTERNAL with a generic text and a log line. */
export function statusOf(error: unknown, logger: DataServerLogger, rpc: string): { code: status; details: string } {
  if (error instanceof ServiceError) return { code: error.code, details: error.message };
  if (error instanceof BlockIdError || error instanceof BlockTooLargeError)
    return { code: status.INVALID_ARGUMENT, details: error.message };
  if (error instanceof BlockNotFoundError) return { code: status.NOT_FOUND, details: error.message };
  if (error instanceof BlockCorruptError) return { code: status.DATA_LOSS, details: error.message };
  logger.error('unexpected failure', { rpc, error: errorText(error), stack: error instanceof Error ? error.stack : undefined });
  return { code: status.INTERNAL, details: `${rpc} failed on an internal error (see the DataServer's log)` };
}

/** The error object grpc-js sends as a status (unary callbacks, client-streaming callbacks, `call.emit('error')`). */
export function toServerError(error: unknown, logger: DataServerLogger, rpc: string): ServerErrorResponse {
  const { code, details } = statusOf(error, logger, rpc);
  return Object.assign(new Error(details), { code, details });
}

/** A status that another gRPC server answered (or the channel produced): a grpc-js ServiceError. */
export interface GrpcStatusError extends Error {
  code: status;
  details: string;
}

export function isGrpcStatusError(error: unknown): error is GrpcStatusError {
  return (
    error instanceof Error &&
    typeof (error as Partial<GrpcStatusError>).code === 'number' &&
    typeof (error as Partial<GrpcStatusError>).details === 'string'
  );
}

/** "UNAVAILABLE: connection refused" for logs and messages that name what a peer answered. */
export function describeStatus(error: unknown): string {
  if (isGrpcStatusError(error)) return `${status[error.code] ?? error.code}: ${error.details}`;
  if (error instanceof ServiceError) return `${status[error.code] ?? error.code}: ${error.message}`;
  return errorText(error);
}
