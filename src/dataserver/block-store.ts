/**
 * The blocks of one DataServer on disk, and the set of valid block ids it reports in heartbeats.
 *
 * Layout under the data dir (the format of one file: block-file-format.ts):
 *   blocks/<subdir>/<blockId>   committed blocks
 *   tmp/                        blocks being written; emptied at start (a crash leaves only garbage there)
 *
 * A block appears atomically: written to tmp/, fsynced, renamed into place, directory fsynced; only
 * then does it join the in-memory set. The set is rebuilt at start from the files that have an intact
 * footer (a cheap check per file); the full checksum is verified on every read and before a copy is
 * skipped as "already here". A block that fails verification is deleted and leaves the set, so the
 * next block report tells the MetaServer, whose repair copies a good replica back.
 *
 * Deletes do not fsync the directory: a delete lost in a crash shows up as a reported block that the
 * MetaServer does not expect, which it deletes again.
 */
import { randomUUID } from 'node:crypto';
import { mkdir, open, readdir, rm, stat, unlink, rename } from 'node:fs/promises';
import * as path from 'node:path';
import { blockIdOfName } from './block-id';
import { BlockCorruptError, BlockNotFoundError } from './block-errors';
import { decodeFooter, FOOTER_BYTES, SUBDIR_NAME, subdirOf } from './block-file-format';
import { BlockReader, BlockVerificationError } from './block-reader';
import { BlockWriter } from './block-writer';
import { fsyncDirectory } from './fsync-directory';
import { KeyedMutex } from './keyed-mutex';
import { CHUNK_BYTES, MAX_BLOCK_BYTES } from './limits';
import { errorText, type DataServerLogger } from './logger';
import { Semaphore } from './semaphore';

/** Files checked at once during the start-up scan (each needs an open file descriptor). */
const SCAN_CONCURRENCY = 32;

export class BlockStore {
  /** Valid blocks: id -> data bytes. */
  private readonly sizes = new Map<number, number>();
  private readonly mutex = new KeyedMutex<number>();
  /** Subdirectories known to exist (created and made durable once). */
  private readonly subdirs = new Set<string>();
  private usedBytes = 0;

  constructor(
    readonly dataDir: string,
    private readonly logger: DataServerLogger,
    private readonly maxBlockBytes = MAX_BLOCK_BYTES,
  ) {}

  private get blocksDir(): string {
    return path.join(this.dataDir, 'blocks');
  }

  private get tmpDir(): string {
    return path.join(this.dataDir, 'tmp');
  }

  pathOf(blockId: number): string {
    return path.join(this.blocksDir, subdirOf(blockId), String(blockId));
  }

  /** Creates the layout, empties tmp/ and loads the set of valid blocks from disk. */
  async open(): Promise<void> {
    await mkdir(this.blocksDir, { recursive: true });
    await rm(this.tmpDir, { recursive: true, force: true });
    await mkdir(this.tmpDir, { recursive: true });
    await fsyncDirectory(this.dataDir);
    this.sizes.clear();
    this.usedBytes = 0;
    const limiter = new Semaphore(SCAN_CONCURRENCY);
    const checks: Promise<void>[] = [];
    for (const subdir of await readdir(this.blocksDir)) {
      if (!SUBDIR_NAME.test(subdir)) {
        this.logger.warn('ignoring a foreign entry in the blocks directory', { entry: subdir });
        continue;
      }
      this.subdirs.add(subdir);
      for (const name of await readdir(path.join(this.blocksDir, subdir))) {
        const blockId = blockIdOfName(name);
        if (blockId === undefined || subdirOf(blockId) !== subdir) {
          this.logger.warn('ignoring a foreign file in the blocks directory', { file: path.join(subdir, name) });
          continue;
        }
        checks.push(limiter.acquire().then(async (release) => this.loadOnStart(blockId).finally(release)));
      }
    }
    await Promise.all(checks);
    this.logger.info('block store open', { dataDir: this.dataDir, blocks: this.sizes.size, bytes: this.usedBytes });
  }

  /** Valid block ids, ascending. */
  ids(): number[] {
    return [...this.sizes.keys()].sort((a, b) => a - b);
  }

  has(blockId: number): boolean {
    return this.sizes.has(blockId);
  }

  get count(): number {
    return this.sizes.size;
  }

  /** Data bytes of all valid blocks (what a capacity override counts as used). */
  get bytesUsed(): number {
    return this.usedBytes;
  }

  /** A writer into a fresh temp file; nothing of it is visible before commit(). */
  async createWriter(blockId: number): Promise<BlockWriter> {
    const tempPath = path.join(this.tmpDir, `${blockId}.${randomUUID()}`);
    return BlockWriter.create(blockId, tempPath, this.maxBlockBytes, (id, temp, length) => this.place(id, temp, length));
  }

  /** A verified reader; BlockNotFoundError if absent, BlockCorruptError (and the block dropped) if damaged. */
  async openReader(blockId: number): Promise<BlockReader> {
    try {
      return await BlockReader.open(blockId, this.pathOf(blockId), CHUNK_BYTES);
    } catch (error) {
      throw await this.handleReadFailure(blockId, error);
    }
  }

  /** Streams a block in chunks; the same errors as openReader, also when damage shows up during the stream. */
  async *readChunks(blockId: number, chunkBytes = CHUNK_BYTES): AsyncGenerator<Buffer> {
    const reader = await this.openReader(blockId);
    try {
      yield* reader.chunks(chunkBytes);
    } catch (error) {
      throw await this.handleReadFailure(blockId, error);
    } finally {
      await reader.close();
    }
  }

  /** True if the block is here and its checksum holds (a damaged one is dropped on the way). */
  async isValid(blockId: number): Promise<boolean> {
    if (!this.sizes.has(blockId)) return false;
    try {
      await (await this.openReader(blockId)).close();
      return true;
    } catch (error) {
      if (error instanceof BlockNotFoundError || error instanceof BlockCorruptError) return false;
      throw error;
    }
  }

  /** Removes the block; false if it was not there (deleting is idempotent). */
  async delete(blockId: number): Promise<boolean> {
    return this.mutex.run(blockId, async () => {
      let existed = true;
      try {
        await unlink(this.pathOf(blockId));
      } catch (error) {
        if ((error as NodeJS.ErrnoException).code !== 'ENOENT') throw error;
        existed = false;
      }
      this.forget(blockId);
      return existed;
    });
  }

  private async place(blockId: number, tempPath: string, dataLength: number): Promise<void> {
    await this.mutex.run(blockId, async () => {
      const subdir = subdirOf(blockId);
      const directory = path.join(this.blocksDir, subdir);
      if (!this.subdirs.has(subdir)) {
        await mkdir(directory, { recursive: true });
        await fsyncDirectory(this.blocksDir);
        this.subdirs.add(subdir);
      }
      await rename(tempPath, path.join(directory, String(blockId)));
      await fsyncDirectory(directory);
      this.forget(blockId);
      this.sizes.set(blockId, dataLength);
      this.usedBytes += dataLength;
    });
  }

  private forget(blockId: number): void {
    const size = this.sizes.get(blockId);
    if (size === undefined) return;
    this.sizes.delete(blockId);
    this.usedBytes -= size;
  }

  /** Turns a read failure into the error to report, dropping the block if it is damaged or has vanished. */
  private async handleReadFailure(blockId: number, error: unknown): Promise<unknown> {
    if (error instanceof BlockNotFoundError) {
      await this.mutex.run(blockId, async () => {
        if (!(await exists(this.pathOf(blockId)))) this.forget(blockId);
      });
      return error;
    }
    if (!(error instanceof BlockVerificationError)) return error;
    this.logger.error('corrupt block dropped', { blockId, problem: error.problem });
    await this.mutex.run(blockId, async () => {
      // Only the damaged file: a rewrite may have renamed a good version over it meanwhile.
      const current = await stat(this.pathOf(blockId)).catch(() => undefined);
      if (current?.ino !== error.inode) return;
      await unlink(this.pathOf(blockId)).catch((e: unknown) =>
        this.logger.warn('could not remove a corrupt block', { blockId, error: errorText(e) }),
      );
      this.forget(blockId);
    });
    return new BlockCorruptError(blockId, error.problem);
  }

  /** At start: a file with an intact footer counts as a block (its checksum is verified when it is read). */
  private async loadOnStart(blockId: number): Promise<void> {
    const file = this.pathOf(blockId);
    const handle = await open(file, 'r');
    let problem: string | undefined;
    try {
      const { size } = await handle.stat();
      const footer = Buffer.alloc(FOOTER_BYTES);
      if (size >= FOOTER_BYTES) await handle.read(footer, 0, FOOTER_BYTES, size - FOOTER_BYTES);
      const decoded = decodeFooter(footer, size);
      if ('problem' in decoded) problem = decoded.problem;
      else {
        this.sizes.set(blockId, decoded.dataLength);
        this.usedBytes += decoded.dataLength;
      }
    } finally {
      await handle.close();
    }
    if (problem !== undefined) {
      this.logger.error('corrupt block dropped at start', { blockId, problem });
      await unlink(file);
    }
  }
}

async function exists(file: string): Promise<boolean> {
  return stat(file).then(
    () => true,
    () => false,
  );
}
