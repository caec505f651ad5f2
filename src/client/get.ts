/**
 * Downloading a file: GetNodeInfo (it must be a file), ONE GetBlockLocations(path, size) for the
 * whole file (the stored size puts it in read mode; the existing client asks again for every
 * block), then each block from the first replica that gives it whole. The MD5 of everything read
 * is checked against the one FinalizeWrite recorded. A local target is written under a temporary
 * name beside it and renamed only once the content is complete and verified, so a failed download
 * never leaves a truncated or corrupt file under the target's name.
 */
import { createHash, randomBytes } from 'node:crypto';
import { once } from 'node:events';
import { open, rename, rm } from 'node:fs/promises';
import { basename, dirname, join } from 'node:path';
import type { Writable } from 'node:stream';
import { status } from '@grpc/grpc-js';
import { blockCount, blockLength } from './block-layout';
import { readBlock } from './block-reader';
import { MinfsError } from './errors';
import { statOrUndefined } from './namespace-ops';
import type { FileStat } from './results';
import type { ProgressListener, TransferContext } from './transfer-context';

export interface GetOptions {
  readonly onProgress?: ProgressListener;
}

export interface GetResult {
  readonly path: string;
  readonly size: number;
  /** Lower-case hex MD5 of what was read. */
  readonly md5: string;
  /** Whether the server had an MD5 to check against (a file never finalized has none). */
  readonly verified: boolean;
}

type Sink = (block: Buffer) => Promise<void>;

/**
 * Writes `remotePath` to a local path, or to a stream (which is not ended; with a stream, bytes
 * are written as blocks arrive, so an MD5 mismatch is reported after they were written).
 */
export async function get(
  ctx: TransferContext,
  remotePath: string,
  target: string | Writable,
  options: GetOptions = {},
): Promise<GetResult> {
  const info = await statOrUndefined(ctx.meta, remotePath);
  if (info === undefined) throw new MinfsError(status.NOT_FOUND, `no such file: ${remotePath}`);
  if (info.type !== 'File') throw new MinfsError(status.FAILED_PRECONDITION, `not a file: ${remotePath}`);
  if (typeof target !== 'string') return download(ctx, info, (block) => writeTo(target, block), options.onProgress);

  const temporary = join(dirname(target), `.${basename(target)}.${randomBytes(6).toString('hex')}.minfs-part`);
  const handle = await open(temporary, 'wx');
  let closed = false;
  try {
    const result = await download(ctx, info, async (block) => void (await handle.write(block)), options.onProgress);
    await handle.sync();
    await handle.close();
    closed = true;
    await rename(temporary, target);
    return result;
  } catch (error: unknown) {
    if (!closed) await handle.close();
    await rm(temporary, { force: true });
    throw error;
  }
}

async function download(ctx: TransferContext, info: FileStat, sink: Sink, onProgress?: ProgressListener): Promise<GetResult> {
  const md5 = createHash('md5');
  const size = info.size;
  onProgress?.({ bytes: 0, total: size });
  // A size of 0 has no blocks to read (and GetBlockLocations would have nothing to say).
  if (size > 0) {
    // The size must be the stored one: any other puts GetBlockLocations in write mode, which would
    // re-allocate the file's blocks (the contract's quirk, kept for the existing client).
    const located = await ctx.meta.call('GetBlockLocations', { path: info.path, size });
    if (located.block_locations.length !== blockCount(size)) {
      throw new MinfsError(
        status.DATA_LOSS,
        `${info.path} has ${located.block_locations.length} blocks for ${size} bytes (expected ${blockCount(size)})`,
      );
    }
    let done = 0;
    for (const [index, b] of located.block_locations.entries()) {
      const block = await readBlock(
        ctx.channels,
        { blockId: b.block_id, locations: b.locations },
        blockLength(size, index),
        ctx.blockTimeoutMs,
      );
      md5.update(block);
      await sink(block);
      done += block.length;
      onProgress?.({ bytes: done, total: size });
    }
  }
  const digest = md5.digest('hex');
  if (info.md5 !== '' && info.md5.toLowerCase() !== digest) {
    throw new MinfsError(
      status.DATA_LOSS,
      `md5 mismatch for ${info.path}: the MetaServer recorded ${info.md5}, the blocks read give ${digest}`,
    );
  }
  return { path: info.path, size, md5: digest, verified: info.md5 !== '' };
}

async function writeTo(stream: Writable, block: Buffer): Promise<void> {
  if (!stream.write(block)) await once(stream, 'drain');
}
