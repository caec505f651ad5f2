/**
 * Writes one block to its primary DataServer, as the existing client does: a WriteBlock client
 * stream whose first message is the metadata (the block id and ALL its locations, primary
 * included, so the DataServer knows where to replicate), then the bytes as chunk_data messages.
 * Unlike the existing client we wait for the DataServer's answer and require success, so a block
 * that did not land is known before FinalizeWrite. The chunks are pulled as the stream drains,
 * so no more than a few chunks are ever in memory.
 */
import { once } from 'node:events';
import { Metadata, status, type ClientWritableStream } from '@grpc/grpc-js';
import { END_MARKER_HEADER, END_MARKER_VALUE } from '../wire/end-marker';
import type { DataServerServiceClient } from '../generated/dfs_project/DataServerService';
import type { WriteBlockRequest } from '../generated/dfs_project/WriteBlockRequest';
import { MinfsError, toMinfsError } from './errors';

export interface BlockTarget {
  readonly blockId: string;
  /** DataServer addresses; the first is the primary the bytes are sent to. */
  readonly locations: readonly string[];
}

export async function writeBlock(
  client: DataServerServiceClient,
  target: BlockTarget,
  chunks: AsyncIterable<Buffer>,
  deadline: number,
): Promise<void> {
  const where = `block ${target.blockId} on ${target.locations[0]}`;
  let call: ClientWritableStream<WriteBlockRequest> | undefined;
  let settled = false;
  const answer = new Promise<void>((resolve, reject) => {
    // The end marker (as DataServers use between themselves): a block counts as whole only when it
    // ends with an empty chunk, so a write cut short by a cancel is never stored as complete.
    const metadata = new Metadata();
    metadata.set(END_MARKER_HEADER, END_MARKER_VALUE);
    call = client.WriteBlock(metadata, { deadline }, (error, response) => {
      settled = true;
      if (error !== null) reject(toMinfsError(error, `writing ${where}`));
      else if (response?.success !== true)
        reject(new MinfsError(status.INTERNAL, `writing ${where}: the DataServer answered success=false`));
      else resolve();
    });
  });
  const stream = call!;
  // Waits for room in the stream, or for the answer when the DataServer gave up early.
  const send = async (message: WriteBlockRequest): Promise<void> => {
    if (!stream.write(message)) await Promise.race([once(stream, 'drain'), answer]);
  };
  const pump = async (): Promise<void> => {
    await send({ metadata: { block_id: target.blockId, replica_locations: [...target.locations] } });
    for await (const chunk of chunks) {
      if (settled) return;
      await send({ chunk_data: chunk });
    }
    await send({ chunk_data: Buffer.alloc(0) });
    stream.end();
  };
  try {
    await Promise.all([pump(), answer]);
  } catch (error: unknown) {
    // A local read failure: the DataServer must not keep a partial block as if it were whole.
    if (!settled) stream.cancel();
    throw error;
  }
}
