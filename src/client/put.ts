/**
 * Uploading a file, following the existing client's protocol so the MetaServer sees the calls it
 * knows: GetNodeInfo; CreateNode(File) when absent; GetBlockLocations(path, size), which in write
 * mode places ceil(size / 4 MiB) blocks; one WriteBlock stream per block to its first location;
 * FinalizeWrite(path, inode, size, md5). The differences: the file is streamed from disk (never
 * more than a few 64 KiB chunks in memory, where the existing client buffers the whole file),
 * each block's answer is awaited, a failed block is retried from a fresh allocation, and an empty
 * file is finalized too (with the MD5 of nothing) so that it has a checksum like any other.
 */
import { createHash } from 'node:crypto';
import type { FileHandle } from 'node:fs/promises';
import type { Readable } from 'node:stream';
import { status } from '@grpc/grpc-js';
import { BLOCK_SIZE, EMPTY_MD5, blockCount, blockLength } from './block-layout';
import { writeBlock, type BlockTarget } from './block-writer';
import { MinfsError } from './errors';
import { fileChunks, openLocalFile, withSpooledCopy } from './local-source';
import { remove, statOrUndefined } from './namespace-ops';
import type { ProgressListener, TransferContext } from './transfer-context';

export interface PutOptions {
  /** Replace an existing file (never a directory). */
  readonly overwrite?: boolean;
  readonly onProgress?: ProgressListener;
}

export interface PutResult {
  readonly path: string;
  readonly size: number;
  /** Lower-case hex MD5 of what was sent, as recorded by FinalizeWrite. */
  readonly md5: string;
  readonly inode: string;
  readonly blocks: number;
}

export async function put(
  ctx: TransferContext,
  source: string | Readable,
  remotePath: string,
  options: PutOptions = {},
): Promise<PutResult> {
  if (typeof source !== 'string') return withSpooledCopy(source, (path) => put(ctx, path, remotePath, options));
  const { handle, size } = await openLocalFile(source);
  try {
    const inode = await prepareFile(ctx, remotePath, size, options.overwrite === true);
    if (size === 0) {
      await ctx.meta.mutate('FinalizeWrite', { path: remotePath, inode: inode!, size: 0, md5: EMPTY_MD5 });
      options.onProgress?.({ bytes: 0, total: 0 });
      return { path: remotePath, size: 0, md5: EMPTY_MD5, inode: inode!, blocks: 0 };
    }
    return await sendContent(ctx, handle, remotePath, size, options.onProgress);
  } finally {
    await handle.close();
  }
}

/**
 * Makes sure a file that may receive `size` bytes exists at `path`. Returns its inode when the
 * caller needs it before any allocation (an empty file, which gets no GetBlockLocations).
 */
async function prepareFile(ctx: TransferContext, path: string, size: number, overwrite: boolean): Promise<string | undefined> {
  const existing = await statOrUndefined(ctx.meta, path);
  if (existing !== undefined) {
    if (existing.type !== 'File') throw new MinfsError(status.FAILED_PRECONDITION, `cannot overwrite a directory: ${path}`);
    if (!overwrite) throw new MinfsError(status.ALREADY_EXISTS, `already exists: ${path}`);
    // Write mode re-allocates, except for a size of 0 (nothing to allocate; FinalizeWrite(0) would
    // not match blocks an earlier write left) or the stored size (GetBlockLocations would answer in
    // read mode with the old blocks): then the file is replaced by a new one.
    if (size !== 0 && size !== existing.size) return existing.inode;
    await remove(ctx.meta, path, false);
  }
  await ctx.meta.mutate('CreateNode', { path, type: 'File' });
  if (size > 0) return undefined;
  const created = await statOrUndefined(ctx.meta, path);
  if (created === undefined) throw new MinfsError(status.NOT_FOUND, `${path} disappeared right after it was created`);
  return created.inode;
}

/** Allocates, writes every block, finalizes; a block that does not land restarts from a fresh allocation. */
async function sendContent(
  ctx: TransferContext,
  handle: FileHandle,
  path: string,
  size: number,
  onProgress?: ProgressListener,
): Promise<PutResult> {
  for (let attempt = 1; ; attempt++) {
    const allocation = await ctx.meta.mutate('GetBlockLocations', { path, size });
    const blocks = allocation.block_locations.map((b): BlockTarget => ({ blockId: b.block_id, locations: b.locations }));
    if (blocks.length !== blockCount(size) || blocks.some((b) => b.locations.length === 0)) {
      throw new MinfsError(
        status.INTERNAL,
        `GetBlockLocations gave ${blocks.length} blocks for ${size} bytes (expected ${blockCount(size)}, each with a location)`,
      );
    }
    const md5 = createHash('md5');
    let sent = 0;
    const onBytes = (n: number): void => {
      sent += n;
      onProgress?.({ bytes: sent, total: size });
    };
    try {
      for (const [index, block] of blocks.entries()) {
        const chunks = fileChunks(handle, index * BLOCK_SIZE, blockLength(size, index), md5, onBytes);
        await writeBlock(ctx.channels.get(block.locations[0]!), block, chunks, Date.now() + ctx.blockTimeoutMs);
      }
    } catch (error: unknown) {
      // A DataServer failure (MinfsError) is worth a new placement; a local read error is not.
      if (error instanceof MinfsError && attempt < ctx.writeAttempts) continue;
      throw error;
    }
    const digest = md5.digest('hex');
    await ctx.meta.mutate('FinalizeWrite', { path, inode: allocation.inode, size, md5: digest });
    return { path, size, md5: digest, inode: allocation.inode, blocks: blocks.length };
  }
}
