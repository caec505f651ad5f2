/**
 * Writes one block into a temp file of the data dir, chunk by chunk (never the whole block in
 * memory), with its checksum accumulated on the way. Nothing is visible until commit(): footer,
 * fsync, then the store renames the file into place. discard() removes the temp file, so a failed or
 * abandoned write leaves nothing behind (and an older version of the block, if any, untouched).
 */
import type { FileHandle } from 'node:fs/promises';
import { open, rm } from 'node:fs/promises';
import { BlockTooLargeError } from './block-errors';
import { encodeFooter } from './block-file-format';
import { crc32 } from './crc32';

/** Moves the finished temp file into place (the store, which owns the directory and the block set). */
export type PlaceBlock = (blockId: number, tempPath: string, dataLength: number) => Promise<void>;

export class BlockWriter {
  private length = 0;
  private crc = 0;
  private state: 'writing' | 'synced' | 'committed' | 'discarded' = 'writing';

  private constructor(
    readonly blockId: number,
    private readonly tempPath: string,
    private handle: FileHandle | undefined,
    private readonly maxBytes: number,
    private readonly place: PlaceBlock,
  ) {}

  static async create(blockId: number, tempPath: string, maxBytes: number, place: PlaceBlock): Promise<BlockWriter> {
    // 'wx': the temp name is unique; an existing file would mean two writers share it.
    const handle = await open(tempPath, 'wx');
    return new BlockWriter(blockId, tempPath, handle, maxBytes, place);
  }

  get bytesWritten(): number {
    return this.length;
  }

  /** Appends a chunk; BlockTooLargeError once the block would exceed the maximum block size. Not re-entrant: await each call. */
  async write(chunk: Uint8Array): Promise<void> {
    if (this.state !== 'writing' || !this.handle) throw new Error(`block ${this.blockId}: write after the block was ${this.state}`);
    if (this.length + chunk.length > this.maxBytes) throw new BlockTooLargeError(this.blockId, this.maxBytes);
    await writeFully(this.handle, chunk, this.length);
    this.crc = crc32(chunk, this.crc);
    this.length += chunk.length;
  }

  /** Footer and fsync: after this the temp file is durable and complete, though not yet in place. */
  async sync(): Promise<void> {
    if (this.state === 'synced') return;
    if (this.state !== 'writing' || !this.handle) throw new Error(`block ${this.blockId}: sync after the block was ${this.state}`);
    await writeFully(this.handle, encodeFooter({ dataLength: this.length, crc: this.crc }), this.length);
    await this.handle.sync();
    await this.closeHandle();
    this.state = 'synced';
  }

  /** Syncs if not done yet, then renames into place (replacing an older version of the block atomically). */
  async commit(): Promise<void> {
    await this.sync();
    await this.place(this.blockId, this.tempPath, this.length);
    this.state = 'committed';
  }

  /** Drops the temp file; harmless after commit or a second time. */
  async discard(): Promise<void> {
    if (this.state === 'committed' || this.state === 'discarded') return;
    this.state = 'discarded';
    await this.closeHandle().catch(() => undefined);
    await rm(this.tempPath, { force: true });
  }

  private async closeHandle(): Promise<void> {
    const handle = this.handle;
    this.handle = undefined;
    await handle?.close();
  }
}

async function writeFully(handle: FileHandle, bytes: Uint8Array, position: number): Promise<void> {
  let offset = 0;
  while (offset < bytes.length) {
    const { bytesWritten } = await handle.write(bytes, offset, bytes.length - offset, position + offset);
    offset += bytesWritten;
  }
}
