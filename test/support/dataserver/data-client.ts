/**
 * A test's view of a DataServer: the four RPCs of dataserver.proto as promises, with the raw
 * streaming calls available for the cases that need to misbehave (no metadata, chunks first).
 */
import * as grpc from '@grpc/grpc-js';
import type { DataServerServiceClient } from '../../../src/generated/dfs_project/DataServerService';
import type { ReadBlockResponse__Output } from '../../../src/generated/dfs_project/ReadBlockResponse';
import type { WriteBlockRequest } from '../../../src/generated/dfs_project/WriteBlockRequest';
import type { WriteBlockResponse__Output } from '../../../src/generated/dfs_project/WriteBlockResponse';
import { dataProto } from '../../../src/wire/proto';

export const CHUNK = 64 * 1024;

export class DataClient {
  readonly raw: DataServerServiceClient;

  constructor(readonly address: string) {
    const DataServerService = dataProto().dfs_project.DataServerService;
    const limit = 16 * 1024 * 1024;
    this.raw = new DataServerService(address, grpc.credentials.createInsecure(), {
      'grpc.max_receive_message_length': limit,
      'grpc.max_send_message_length': limit,
    });
  }

  /** WriteBlock as the easyClient does it: metadata, then the bytes in chunks. */
  writeBlock(blockId: number | string, replicaLocations: string[], bytes: Buffer, chunkBytes = CHUNK): Promise<WriteBlockResponse__Output> {
    const messages: WriteBlockRequest[] = [{ metadata: { block_id: String(blockId), replica_locations: replicaLocations } }];
    for (let offset = 0; offset < bytes.length; offset += chunkBytes)
      messages.push({ chunk_data: bytes.subarray(offset, offset + chunkBytes) });
    return this.writeMessages(messages);
  }

  /** A WriteBlock stream of exactly these messages, with these call headers. */
  writeMessages(messages: WriteBlockRequest[], headers: Record<string, string> = {}): Promise<WriteBlockResponse__Output> {
    const metadata = new grpc.Metadata();
    for (const [key, value] of Object.entries(headers)) metadata.set(key, value);
    return new Promise((resolve, reject) => {
      const call = this.raw.WriteBlock(metadata, (error, response) => (error ? reject(error) : resolve(response!)));
      for (const message of messages) call.write(message);
      call.end();
    });
  }

  async readBlock(blockId: number | string): Promise<{ bytes: Buffer; chunkSizes: number[] }> {
    const chunks: Buffer[] = [];
    for await (const message of this.raw.ReadBlock({ block_id: String(blockId) }) as AsyncIterable<ReadBlockResponse__Output>)
      chunks.push(message.chunk_data);
    return { bytes: Buffer.concat(chunks), chunkSizes: chunks.map((c) => c.length) };
  }

  deleteBlock(blockId: number | string): Promise<boolean> {
    return new Promise((resolve, reject) =>
      this.raw.DeleteBlock({ block_id: String(blockId) }, (error, response) => (error ? reject(error) : resolve(response!.success))),
    );
  }

  copyBlock(blockId: number | string, sourceAddress: string): Promise<boolean> {
    return new Promise((resolve, reject) =>
      this.raw.CopyBlock({ block_id: String(blockId), source_address: sourceAddress }, (error, response) =>
        error ? reject(error) : resolve(response!.success),
      ),
    );
  }

  close(): void {
    this.raw.close();
  }
}

/** The gRPC status a promise fails with (fails the test if it succeeds). */
export async function statusOf(promise: Promise<unknown>): Promise<{ code: grpc.status; details: string }> {
  try {
    await promise;
  } catch (error) {
    const { code, details } = error as grpc.ServiceError;
    return { code, details };
  }
  throw new Error('expected the call to fail');
}

/** Deterministic pseudo-random bytes (a different pattern per seed). */
export function patternBytes(length: number, seed: number): Buffer {
  const bytes = Buffer.alloc(length);
  let x = seed * 2654435761 + 1;
  for (let i = 0; i < length; i++) {
    x = (x * 1103515245 + 12345) >>> 0;
    bytes[i] = x >>> 24;
  }
  return bytes;
}
