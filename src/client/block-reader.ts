/**
 * Reads one block, trying its replicas in the order the MetaServer listed them and moving on to
 * the next one whenever a replica fails: cannot be reached, answers NOT_FOUND or DATA_LOSS, or
 * sends fewer (or more) bytes than the block holds. The existing client reads locations[0] only,
 * so one lost DataServer makes its files unreadable; we keep reading as long as one copy is good.
 * A block (at most 4 MiB) is collected whole before it is handed over, so a replica that fails
 * half-way leaves nothing behind in the output or the running MD5.
 */
import { status } from '@grpc/grpc-js';
import type { DataServerServiceClient } from '../generated/dfs_project/DataServerService';
import type { BlockTarget } from './block-writer';
import type { DataChannels } from './data-channels';
import { MinfsError, toMinfsError } from './errors';

/** One replica's copy of a block: exactly `length` bytes, or a MinfsError. */
export function readReplica(client: DataServerServiceClient, blockId: string, length: number, deadline: number): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const call = client.ReadBlock({ block_id: blockId }, { deadline });
    const chunks: Buffer[] = [];
    let received = 0;
    let settled = false;
    const fail = (error: MinfsError): void => {
      if (settled) return;
      settled = true;
      call.cancel();
      reject(error);
    };
    call.on('data', (message: { chunk_data: Buffer }) => {
      received += message.chunk_data.length;
      // More than the block holds: this copy is not the block we asked for; stop before it costs memory.
      if (received > length) fail(new MinfsError(status.DATA_LOSS, `block ${blockId} is longer than ${length} bytes`));
      else chunks.push(message.chunk_data);
    });
    call.on('error', (error: unknown) => fail(toMinfsError(error)));
    // grpc-js ends the stream only after the status arrived, and emits 'error' first for a bad one.
    call.on('end', () => {
      if (settled) return;
      if (received !== length) return fail(new MinfsError(status.DATA_LOSS, `block ${blockId} is short: ${received} of ${length} bytes`));
      settled = true;
      resolve(Buffer.concat(chunks, received));
    });
  });
}

/** The block from the first replica that gives it whole; UNAVAILABLE with every replica's failure otherwise. */
export async function readBlock(channels: DataChannels, block: BlockTarget, length: number, timeoutMs: number): Promise<Buffer> {
  const failures: string[] = [];
  for (const address of block.locations) {
    try {
      return await readReplica(channels.get(address), block.blockId, length, Date.now() + timeoutMs);
    } catch (error: unknown) {
      failures.push(`${address}: ${toMinfsError(error).message}`);
    }
  }
  const why = failures.length === 0 ? 'it has no locations' : failures.join('; ');
  throw new MinfsError(status.UNAVAILABLE, `no replica of block ${block.blockId} could be read (${why})`);
}
