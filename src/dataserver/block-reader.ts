/**
 * Reads one stored block back, verified. open() checks the footer and the CRC of the whole block
 * before anything is handed out, so a reader never sends a corrupt byte; chunks() then reads the
 * same open file again (the page cache makes the second pass cheap) and checks the CRC once more,
 * in case the disk changed under it. Holding the file open means a concurrent rewrite of the block
 * (a rename over it) does not disturb a read in progress: the reader keeps the version it opened.
 */
import type { FileHandle } from 'node:fs/promises';
import { open } from 'node:fs/promises';
import { BlockNotFoundError } from './block-errors';
import { decodeFooter, FOOTER_BYTES } from './block-file-format';
import { crc32 } from './crc32';

/** The file failed verification; `inode` identifies exactly the file that did (the store removes that one). */
export class BlockVerificationError extends Error {
  override readonly name = 'BlockVerificationError';
  constructor(
    readonly blockId: number,
    readonly problem: string,
    readonly inode: number,
  ) {
    super(`block ${blockId}: ${problem}`);
  }
}

export class BlockReader {
  private constructor(
    readonly blockId: number,
    private readonly handle: FileHandle,
    readonly length: number,
    private readonly crc: number,
    private readonly inode: number,
  ) {}

  /** Opens and fully verifies; BlockNotFoundError if there is no file, BlockVerificationError if it is damaged. */
  static async open(blockId: number, path: string, chunkBytes: number): Promise<BlockReader> {
    let handle: FileHandle;
    try {
      handle = await open(path, 'r');
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === 'ENOENT') throw new BlockNotFoundError(blockId);
      throw error;
    }
    try {
      const stat = await handle.stat();
      const footerBytes = Buffer.alloc(FOOTER_BYTES);
      if (stat.size >= FOOTER_BYTES && !(await readFully(handle, footerBytes, stat.size - FOOTER_BYTES))) {
        throw new BlockVerificationError(blockId, 'file shrank while being read', stat.ino);
      }
      const footer = decodeFooter(footerBytes, stat.size);
      if ('problem' in footer) throw new BlockVerificationError(blockId, footer.problem, stat.ino);
      const reader = new BlockReader(blockId, handle, footer.dataLength, footer.crc, stat.ino);
      let actual = 0;
      for await (const chunk of reader.pass(chunkBytes, Buffer.allocUnsafe(Math.min(chunkBytes, Math.max(1, footer.dataLength)))))
        actual = crc32(chunk, actual);
      if (actual !== footer.crc) throw new BlockVerificationError(blockId, 'checksum mismatch', stat.ino);
      return reader;
    } catch (error) {
      await handle.close();
      throw error;
    }
  }

  /** The block in chunks of at most `chunkBytes` (fresh buffers: the caller may keep them). */
  async *chunks(chunkBytes: number): AsyncGenerator<Buffer> {
    let actual = 0;
    for await (const chunk of this.pass(chunkBytes)) {
      actual = crc32(chunk, actual);
      yield chunk;
    }
    if (actual !== this.crc) throw new BlockVerificationError(this.blockId, 'checksum mismatch while reading', this.inode);
  }

  async close(): Promise<void> {
    await this.handle.close();
  }

  /** One sequential pass over the data; into `scratch` when given (verification), else fresh buffers. */
  private async *pass(chunkBytes: number, scratch?: Buffer): AsyncGenerator<Buffer> {
    for (let position = 0; position < this.length; position += chunkBytes) {
      const size = Math.min(chunkBytes, this.length - position);
      const buffer = scratch ? scratch.subarray(0, size) : Buffer.allocUnsafe(size);
      if (!(await readFully(this.handle, buffer, position)))
        throw new BlockVerificationError(this.blockId, 'file shrank while being read', this.inode);
      yield buffer;
    }
  }
}

/** Fills `buffer` from `position`; false if the file ends first (someone truncated it). */
async function readFully(handle: FileHandle, buffer: Buffer, position: number): Promise<boolean> {
  let offset = 0;
  while (offset < buffer.length) {
    const { bytesRead } = await handle.read(buffer, offset, buffer.length - offset, position + offset);
    if (bytesRead === 0) return false;
    offset += bytesRead;
  }
  return true;
}
