/**
 * WriteBlock: receive a block, store it durably here, and pass it down the replica chain
 * (HDFS-style pipeline): the first message names the block and ALL its replica locations (this server
 * among them, usually first); this server forwards the stream to the first location that is not
 * itself, with the locations after removing itself, and that server does the same. Each chunk is
 * written locally and forwarded before the next one is read (bounded memory; backpressure travels up
 * the chain). Success means: the local copy is fsynced and in place AND every replica below
 * acknowledged. The local copy is renamed into place only after the downstream acknowledged, so a
 * failed pipeline never leaves a new local copy (an older version of the block stays as it was).
 *
 * A cancelled stream must never be stored as if complete. Between DataServers the sender ends a
 * complete block with an end marker (downstream-writer.ts), so a replica never mistakes an upstream
 * that gave up for a finished block. A client may do the same (the header and the empty last chunk).
 * For a client that does not, the end of the stream is taken as the end of the block once a
 * cancellation that came with it had a short grace period to show (grpc-js callers that cancel send
 * END_STREAM just before RST_STREAM; grpc-java sends only RST_STREAM, which is unambiguous).
 *
 * Unlike the original (compat §6.2, §7.22: a "synchronous" push to itself and fire-and-forget pushes to
 * the others), an acknowledged write is on every replica.
 */
import * as grpc from '@grpc/grpc-js';
import type { DataServerServiceClient } from '../generated/dfs_project/DataServerService';
import type { WriteBlockRequest__Output } from '../generated/dfs_project/WriteBlockRequest';
import type { WriteBlockResponse } from '../generated/dfs_project/WriteBlockResponse';
import type { SelfAddresses } from './addresses';
import { parseBlockId } from './block-id';
import type { BlockStore } from './block-store';
import type { BlockWriter } from './block-writer';
import type { ClientPool } from './client-pool';
import { DownstreamFailure, DownstreamWriter, END_MARKER_HEADER, END_MARKER_VALUE, PIPELINE_HOP_HEADER } from './downstream-writer';
import { MAX_BLOCK_BYTES } from './limits';
import type { BlockWriteEvent } from './events';
import type { DataServerLogger } from './logger';
import { describeStatus, invalidArgument, ServiceError, toServerError, unavailable } from './service-errors';

/** More hops than any replication factor: a longer chain means servers that do not recognise their own address. */
export const MAX_PIPELINE_HOPS = 16;

export interface WriteBlockDeps {
  readonly store: BlockStore;
  readonly self: SelfAddresses;
  readonly dataClients: ClientPool<DataServerServiceClient>;
  readonly logger: DataServerLogger;
  /** Deadline of the forwarded call: a hung replica must not hold the pipeline forever. */
  readonly pipelineTimeoutMs: number;
  /**
   * How long the end of a stream from a direct client (no end marker) waits for a cancellation that
   * may come right behind it, overlapped with the local fsync (lateCancellation below).
   */
  readonly endOfStreamGraceMs: number;
  /** Told when a write has ended, after its local file is in place or gone. */
  readonly onWriteSettled: (event: BlockWriteEvent) => void;
}

export function writeBlockHandler(deps: WriteBlockDeps): grpc.handleClientStreamingCall<WriteBlockRequest__Output, WriteBlockResponse> {
  return (call, callback) => {
    const progress: WriteProgress = {};
    receiveBlock(deps, call, progress).then(
      (blockId) => {
        deps.logger.debug('block written', { blockId });
        settled(deps, { blockId, outcome: 'stored' });
        callback(null, { success: true });
      },
      (error: unknown) => {
        // A caller that went away makes the stream fail with a premature close: not a server error.
        const failure = call.cancelled ? cancelledByCaller() : error;
        const serverError = toServerError(failure, deps.logger, 'WriteBlock');
        settled(deps, { blockId: progress.blockId, outcome: 'failed', error: describeStatus(failure) });
        callback(serverError);
      },
    );
  };
}

/** What a failed write got as far as knowing. */
interface WriteProgress {
  blockId?: number;
}

function settled(deps: WriteBlockDeps, event: BlockWriteEvent): void {
  try {
    deps.onWriteSettled(event);
  } catch (error) {
    deps.logger.error('block-write listener threw', { error: describeStatus(error) });
  }
}

async function receiveBlock(
  deps: WriteBlockDeps,
  call: grpc.ServerReadableStream<WriteBlockRequest__Output, WriteBlockResponse>,
  progress: WriteProgress,
): Promise<number> {
  const messages = call[Symbol.asyncIterator]() as AsyncIterator<WriteBlockRequest__Output>;
  const first = await messages.next();
  if (first.done) throw invalidArgument('WriteBlock: the stream ended without metadata');
  const metadata = first.value.metadata;
  if (first.value.content !== 'metadata' || !metadata)
    throw invalidArgument('WriteBlock: the first message must be the metadata, not chunk_data');
  const blockId = parseBlockId(metadata.block_id);
  progress.blockId = blockId;
  const hop = pipelineHop(call.metadata);
  const downstreamLocations = unique(metadata.replica_locations.filter((address) => address.trim() !== '' && !deps.self.matches(address)));

  const writer = await deps.store.createWriter(blockId);
  let downstream: DownstreamWriter | undefined;
  try {
    if (downstreamLocations.length > 0) {
      const next = downstreamLocations[0]!;
      const deadline = new Date(Date.now() + deps.pipelineTimeoutMs);
      downstream = new DownstreamWriter(
        deps.dataClients.get(next),
        next,
        { block_id: String(blockId), replica_locations: downstreamLocations },
        hop + 1,
        deadline,
      );
    }
    // From a forwarding DataServer, an empty chunk declares the block complete (downstream-writer.ts).
    const expectsEndMarker = call.metadata.get(END_MARKER_HEADER)[0]?.toString() === END_MARKER_VALUE;
    let sawEndMarker = false;
    for (let message = await messages.next(); !message.done; message = await messages.next()) {
      if (message.value.content !== 'chunk_data') throw invalidArgument(`WriteBlock of block ${blockId}: metadata may only come first`);
      const chunk = message.value.chunk_data ?? Buffer.alloc(0);
      if (chunk.length === 0) {
        sawEndMarker = true;
        continue;
      }
      if (sawEndMarker && expectsEndMarker) throw invalidArgument(`WriteBlock of block ${blockId}: data after the end marker`);
      await writeAndForward(writer, chunk, downstream);
    }
    if (expectsEndMarker && !sawEndMarker) throw cancelledByCaller('the upstream replica stopped before the end of the block');
    if (!expectsEndMarker) {
      // A direct client sends no marker: give a cancellation that came with the end of its stream the
      // chance to show, while the local copy is fsynced anyway.
      await settleBoth(writer.sync(), lateCancellation(call, deps.endOfStreamGraceMs));
    }
    if (call.cancelled) throw cancelledByCaller();
    // A cancellation from here on stops the downstream at once instead of waiting for its answer.
    const stopDownstream = (): void => downstream?.cancel();
    call.once('cancelled', stopDownstream);
    try {
      await settleBoth(writer.sync(), downstream?.finish());
    } finally {
      call.off('cancelled', stopDownstream);
    }
    if (call.cancelled) throw cancelledByCaller();
    await writer.commit();
    return blockId;
  } catch (error) {
    downstream?.cancel();
    await writer.discard();
    if (error instanceof DownstreamFailure) throw unavailable(`WriteBlock of block ${blockId}: ${error.message}`);
    throw error;
  }
}

/** The chunk goes to disk and down the chain at the same time; both must be done before the next. */
async function writeAndForward(writer: BlockWriter, chunk: Buffer, downstream: DownstreamWriter | undefined): Promise<void> {
  if (writer.bytesWritten + chunk.length > MAX_BLOCK_BYTES) {
    throw invalidArgument(`WriteBlock of block ${writer.blockId}: larger than the maximum block size of ${MAX_BLOCK_BYTES} bytes`);
  }
  await settleBoth(writer.write(chunk), downstream?.send(chunk));
}

/**
 * Waits for both, then throws the first failure: returning early on one failure would let the caller
 * discard the temp file while the other operation still writes to it. A downstream failure wins, as it
 * is the one the caller needs to hear about.
 */
async function settleBoth(local: Promise<void>, remote: Promise<void> | undefined): Promise<void> {
  const [localResult, remoteResult] = await Promise.allSettled([local, remote]);
  if (remoteResult.status === 'rejected') throw remoteResult.reason;
  if (localResult.status === 'rejected') throw localResult.reason;
}

/**
 * Waits `graceMs`, or less if the call is cancelled meanwhile. A grpc-js caller that cancels sends
 * END_STREAM and then RST_STREAM: the stream ends as if the block were complete, and the cancellation
 * shows a moment later (measured on loopback: mostly within the same event-loop turn, at worst a few
 * milliseconds). Committing or declaring the block complete downstream before that would store a
 * partial block. Callers that cannot afford the doubt send the end marker (downstream-writer.ts).
 */
function lateCancellation(call: grpc.ServerReadableStream<WriteBlockRequest__Output, WriteBlockResponse>, graceMs: number): Promise<void> {
  if (call.cancelled || graceMs <= 0) return Promise.resolve();
  return new Promise((resolve) => {
    const done = (): void => {
      clearTimeout(timer);
      call.off('cancelled', done);
      resolve();
    };
    const timer = setTimeout(done, graceMs);
    call.once('cancelled', done);
  });
}

function cancelledByCaller(why = 'the caller cancelled'): ServiceError {
  return new ServiceError(grpc.status.CANCELLED, `WriteBlock cancelled: ${why}`);
}

function pipelineHop(metadata: grpc.Metadata): number {
  const [value] = metadata.get(PIPELINE_HOP_HEADER);
  const hop = value === undefined ? 0 : Number(value.toString());
  if (!Number.isInteger(hop) || hop < 0) throw invalidArgument(`WriteBlock: bad ${PIPELINE_HOP_HEADER} header`);
  if (hop > MAX_PIPELINE_HOPS) {
    throw new ServiceError(
      grpc.status.FAILED_PRECONDITION,
      `WriteBlock: the replica pipeline is ${hop} hops long; a DataServer does not recognise its own address in replica_locations (check --advertise)`,
    );
  }
  return hop;
}

function unique(addresses: string[]): string[] {
  return [...new Set(addresses)];
}
