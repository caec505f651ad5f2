/**
 * ReadBlock: the block in 64 KiB chunks, verified against its checksum before the first byte leaves
 * (block-reader.ts). NOT_FOUND if absent, DATA_LOSS if damaged (the store drops it, so the next block
 * report no longer lists it). Each chunk waits for the previous one to drain: a slow reader costs
 * one chunk of memory, not the block.
 */
import type * as grpc from '@grpc/grpc-js';
import type { ReadBlockRequest__Output } from '../generated/dfs_project/ReadBlockRequest';
import type { ReadBlockResponse } from '../generated/dfs_project/ReadBlockResponse';
import { parseBlockId } from './block-id';
import type { BlockStore } from './block-store';
import { CHUNK_BYTES } from './limits';
import type { DataServerLogger } from './logger';
import { toServerError } from './service-errors';

type ReadCall = grpc.ServerWritableStream<ReadBlockRequest__Output, ReadBlockResponse>;

export function readBlockHandler(
  store: BlockStore,
  logger: DataServerLogger,
): grpc.handleServerStreamingCall<ReadBlockRequest__Output, ReadBlockResponse> {
  return (call) => {
    sendBlock(store, call).then(
      () => call.end(),
      (error: unknown) => call.emit('error', toServerError(error, logger, 'ReadBlock')),
    );
  };
}

async function sendBlock(store: BlockStore, call: ReadCall): Promise<void> {
  const blockId = parseBlockId(call.request.block_id);
  for await (const chunk of store.readChunks(blockId, CHUNK_BYTES)) {
    if (call.cancelled) return;
    if (!call.write({ chunk_data: chunk })) await drainedOrCancelled(call);
  }
}

function drainedOrCancelled(call: ReadCall): Promise<void> {
  return new Promise((resolve) => {
    const done = (): void => {
      call.off('drain', done);
      call.off('cancelled', done);
      resolve();
    };
    call.on('drain', done);
    call.on('cancelled', done);
  });
}
