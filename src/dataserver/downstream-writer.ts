/**
 * The forwarding half of the write pipeline: a WriteBlock call to the next replica, fed chunk by
 * chunk as they arrive from upstream. send() resolves once the chunk is handed to gRPC, or once the
 * channel drains when gRPC's buffer is full, so a slow replica slows the whole pipeline down instead of
 * piling the block up in memory. A failure of the downstream call at any moment rejects the next
 * send() or finish().
 */
import * as grpc from '@grpc/grpc-js';
import type { DataServerServiceClient } from '../generated/dfs_project/DataServerService';
import type { WriteBlockMetadata } from '../generated/dfs_project/WriteBlockMetadata';
import type { WriteBlockRequest } from '../generated/dfs_project/WriteBlockRequest';
import { describeStatus } from './service-errors';

/** Call metadata carrying the number of hops a block has travelled down the pipeline (guards against loops). */
export const PIPELINE_HOP_HEADER = 'x-minfs-pipeline-hop';

/**
 * Call metadata by which a DataServer forwarding a block promises to end the stream with an empty
 * chunk once the block is complete. The end of a gRPC stream alone does not prove it: a grpc-js caller
 * that cancels sends END_STREAM before RST_STREAM, so the receiver may see a clean end of a partial
 * block. With the marker, a replica commits only a block its upstream declared complete. An empty
 * chunk is a no-op for a DataServer that does not know the header (the original one appends nothing).
 */
export { END_MARKER_HEADER, END_MARKER_VALUE } from '../wire/end-marker';
import { END_MARKER_HEADER, END_MARKER_VALUE } from '../wire/end-marker';

/** The downstream replica failed; `address` names it (its own message may name one further down). */
export class DownstreamFailure extends Error {
  override readonly name = 'DownstreamFailure';
  constructor(
    readonly address: string,
    reason: string,
  ) {
    super(`replica ${address} failed: ${reason}`);
  }
}

export class DownstreamWriter {
  private readonly call: grpc.ClientWritableStream<WriteBlockRequest>;
  /** Settles when the downstream answers: resolved on success, rejected with a DownstreamFailure. */
  private readonly outcome: Promise<void>;
  private failure: DownstreamFailure | undefined;
  private answered = false;

  constructor(
    client: DataServerServiceClient,
    readonly address: string,
    metadata: WriteBlockMetadata,
    hop: number,
    deadline: Date,
  ) {
    const headers = new grpc.Metadata();
    headers.set(PIPELINE_HOP_HEADER, String(hop));
    headers.set(END_MARKER_HEADER, END_MARKER_VALUE);
    let call!: grpc.ClientWritableStream<WriteBlockRequest>;
    this.outcome = new Promise<void>((resolve, reject) => {
      call = client.WriteBlock(headers, { deadline }, (error, response) => {
        this.answered = true;
        if (error) reject(new DownstreamFailure(address, describeStatus(error)));
        else if (!response?.success) reject(new DownstreamFailure(address, 'answered success=false'));
        else resolve();
      });
    });
    // Observed from the start, so a failure nobody awaits yet is never an unhandled rejection.
    this.outcome.catch((error: DownstreamFailure) => (this.failure = error));
    this.call = call;
    this.call.write({ metadata });
  }

  async send(chunk: Buffer): Promise<void> {
    if (this.failure) throw this.failure;
    if (this.call.write({ chunk_data: chunk })) return;
    await this.drained();
  }

  /** Declares the block complete (the end marker), ends the stream and waits for the downstream's answer. */
  async finish(): Promise<void> {
    if (this.failure) throw this.failure;
    this.call.write({ chunk_data: Buffer.alloc(0) });
    this.call.end();
    await this.outcome;
  }

  /** Abandons the call: the downstream sees a cancellation and keeps nothing. */
  cancel(): void {
    if (!this.answered) this.call.cancel();
  }

  private drained(): Promise<void> {
    return new Promise<void>((resolve, reject) => {
      let settled = false;
      const onDrain = (): void => {
        settled = true;
        resolve();
      };
      this.call.once('drain', onDrain);
      const stopWaiting = (error: Error): void => {
        if (settled) return;
        settled = true;
        this.call.off('drain', onDrain);
        reject(error);
      };
      this.outcome.then(
        () => stopWaiting(new DownstreamFailure(this.address, 'answered before the block was complete')),
        (error: DownstreamFailure) => stopWaiting(error),
      );
    });
  }
}
