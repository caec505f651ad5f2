/**
 * Pulls blocks from other DataServers (ReadBlock from the source, stored through the same atomic
 * write path as WriteBlock). Serves both the CopyBlock RPC and the MetaServer's COPY_BLOCK commands,
 * which are re-sent until a block report confirms them, so a copy is idempotent:
 *   - a block already here with an intact checksum is not copied again;
 *   - a copy of a block already under way is joined, not started twice;
 *   - at most `maxConcurrentCopies` pulls run at once; the others queue.
 * A delete of the block aborts its copy (the delete is the newer intent), and so does stop().
 */
import { status } from '@grpc/grpc-js';
import type { DataServerServiceClient } from '../generated/dfs_project/DataServerService';
import type { ReadBlockResponse__Output } from '../generated/dfs_project/ReadBlockResponse';
import type { SelfAddresses } from './addresses';
import { BlockTooLargeError } from './block-errors';
import type { BlockStore } from './block-store';
import type { ClientPool } from './client-pool';
import { errorText, type DataServerLogger } from './logger';
import { Semaphore } from './semaphore';
import { describeStatus, isGrpcStatusError, ServiceError } from './service-errors';

export type CopyOutcome = 'copied' | 'already-present';

export interface BlockCopierDeps {
  readonly store: BlockStore;
  readonly self: SelfAddresses;
  readonly dataClients: ClientPool<DataServerServiceClient>;
  readonly logger: DataServerLogger;
  readonly maxConcurrentCopies: number;
  /** Deadline of one pull (ReadBlock of at most 4 MiB). */
  readonly copyTimeoutMs: number;
}

interface RunningCopy {
  readonly source: string;
  readonly abort: AbortController;
  readonly done: Promise<CopyOutcome>;
}

export class BlockCopier {
  private readonly running = new Map<number, RunningCopy>();
  private readonly slots: Semaphore;
  private stopped = false;

  constructor(private readonly deps: BlockCopierDeps) {
    this.slots = new Semaphore(deps.maxConcurrentCopies);
  }

  /** Block ids being copied right now (or waiting for a slot). */
  inProgress(): number[] {
    return [...this.running.keys()];
  }

  copy(blockId: number, source: string): Promise<CopyOutcome> {
    const joined = this.running.get(blockId);
    if (joined) {
      if (joined.source !== source)
        this.deps.logger.debug('copy joins one from another source', { blockId, source, runningFrom: joined.source });
      return joined.done;
    }
    if (this.stopped) return Promise.reject(new ServiceError(status.UNAVAILABLE, 'the DataServer is stopping'));
    const abort = new AbortController();
    const done = this.run(blockId, source, abort.signal).finally(() => {
      if (this.running.get(blockId)?.done === done) this.running.delete(blockId);
    });
    this.running.set(blockId, { source, abort, done });
    return done;
  }

  /** Aborts the copy of this block, if any, and waits until it has let go of everything. */
  async abort(blockId: number): Promise<void> {
    const copy = this.running.get(blockId);
    if (!copy) return;
    copy.abort.abort(new ServiceError(status.ABORTED, `copy of block ${blockId} aborted: the block was deleted`));
    await copy.done.catch(() => undefined);
  }

  /** No new copies; aborts the running ones and waits for them. */
  async stop(): Promise<void> {
    this.stopped = true;
    const copies = [...this.running.values()];
    for (const copy of copies) copy.abort.abort(new ServiceError(status.UNAVAILABLE, 'the DataServer is stopping'));
    await Promise.allSettled(copies.map((c) => c.done));
  }

  private async run(blockId: number, source: string, signal: AbortSignal): Promise<CopyOutcome> {
    if (await this.deps.store.isValid(blockId)) return 'already-present';
    if (this.deps.self.matches(source))
      throw new ServiceError(status.NOT_FOUND, `block ${blockId} is not here, and the copy source ${source} is this DataServer`);
    const release = await this.slots.acquire(signal);
    try {
      // The block may have arrived (a WriteBlock) while this copy waited for a slot.
      if (await this.deps.store.isValid(blockId)) return 'already-present';
      await this.pull(blockId, source, signal);
      this.deps.logger.info('block copied', { blockId, source });
      return 'copied';
    } finally {
      release();
    }
  }

  private async pull(blockId: number, source: string, signal: AbortSignal): Promise<void> {
    signal.throwIfAborted();
    const writer = await this.deps.store.createWriter(blockId);
    const stream = this.deps.dataClients
      .get(source)
      .ReadBlock({ block_id: String(blockId) }, { deadline: new Date(Date.now() + this.deps.copyTimeoutMs) });
    const onAbort = (): void => stream.cancel();
    signal.addEventListener('abort', onAbort, { once: true });
    try {
      for await (const message of stream as AsyncIterable<ReadBlockResponse__Output>) await writer.write(message.chunk_data);
      signal.throwIfAborted();
      await writer.commit();
    } catch (error) {
      stream.cancel(); // a local failure (disk full, block too large) must not leave the source streaming
      await writer.discard();
      throw signal.aborted ? signal.reason : sourceFailure(blockId, source, error);
    } finally {
      signal.removeEventListener('abort', onAbort);
    }
  }
}

/** What the source's failure means for the copy: its NOT_FOUND and DATA_LOSS stand; anything else is the source being unavailable. */
function sourceFailure(blockId: number, source: string, error: unknown): ServiceError {
  const what = `copy of block ${blockId} from ${source}`;
  if (error instanceof BlockTooLargeError)
    return new ServiceError(status.DATA_LOSS, `${what}: the source sent more than the maximum block size`);
  if (!isGrpcStatusError(error)) return new ServiceError(status.INTERNAL, `${what} failed: ${errorText(error)}`);
  if (error.code === status.NOT_FOUND) return new ServiceError(status.NOT_FOUND, `${what}: the source does not have it (${error.details})`);
  if (error.code === status.DATA_LOSS)
    return new ServiceError(status.DATA_LOSS, `${what}: the source's copy is corrupt (${error.details})`);
  return new ServiceError(status.UNAVAILABLE, `${what} failed: ${describeStatus(error)}`);
}
