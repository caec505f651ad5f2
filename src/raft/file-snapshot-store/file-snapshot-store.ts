import { promises as fsp } from 'node:fs';
import * as path from 'node:path';
import type { Configuration } from '../configuration';
import { silentLogger, type Logger } from '../environment';
import { CorruptionError } from '../errors';
import { DeferredSnapshotError, type CreateOptions, type OpenedSnapshot, type OpenOptions, type SnapshotStore } from '../snapshot-store';
import { describeError, fsyncDir, isErrnoException, removeDir } from './durable-fs';
import { FileSnapshotSink } from './file-snapshot-sink';
import {
  DATA_FILE,
  DELETED_SUFFIX,
  TEMP_SUFFIX,
  compareNewestFirst,
  isSnapshotId,
  readMeta,
  snapshotId,
  type FileSnapshotMeta,
} from './snapshot-meta-file';
import { verifiedChunks } from './verified-chunks';

const MiB = 1024 * 1024;

export interface FileSnapshotStoreOptions {
  /** How many snapshots to keep; older ones are removed after each successful close(). Default 2. */
  readonly retain?: number;
  readonly logger?: Logger;
  /** Size of the chunks open() yields (and of each read). Default 1 MiB. */
  readonly readChunkBytes?: number;
  /** Bytes a sink writes before it syncs them (bounding the dirty pages it leaves). Default 1 MiB. */
  readonly syncEveryBytes?: number;
}

/** open() or verify() of an id that is not (or no longer) in the store. */
export class SnapshotNotFoundError extends Error {
  constructor(readonly id: string) {
    super(`snapshot ${id} not found`);
    this.name = 'SnapshotNotFoundError';
  }
}

export interface FileOpenedSnapshot extends OpenedSnapshot {
  readonly meta: FileSnapshotMeta;
  /** Releases the file when the chunks are not iterated to the end (safe to call anyway). */
  close(): Promise<void>;
}

/**
 * hashicorp's FileSnapshotStore: one directory per snapshot under `dir` (layout in
 * snapshot-meta-file.ts). One store per directory: at open it removes the temp directories it
 * finds, which would break another live store's sinks.
 */
export class FileSnapshotStore implements SnapshotStore {
  /** Creation times handed out so far; kept strictly increasing so ids never collide in a process. */
  private lastCreatedAtMs = 0;
  /** Removals of old snapshots, one after another (two closes must not race to remove the same). */
  private reaping: Promise<void> = Promise.resolve();

  /** Creates `dir` if needed and removes what a crash left behind (unfinished or half-removed snapshots). */
  static async open(dir: string, options: FileSnapshotStoreOptions = {}): Promise<FileSnapshotStore> {
    const retain = options.retain ?? 2;
    if (!Number.isSafeInteger(retain) || retain < 1) throw new RangeError(`retain must be an integer >= 1, got ${retain}`);
    const readChunkBytes = positiveInteger('readChunkBytes', options.readChunkBytes ?? MiB);
    const logger = options.logger ?? silentLogger;
    const root = path.resolve(dir);
    await createDirDurably(root);
    await removeLeftovers(root, logger);
    const syncEveryBytes = positiveInteger('syncEveryBytes', options.syncEveryBytes ?? 1 * MiB);
    return new FileSnapshotStore(root, retain, logger, readChunkBytes, syncEveryBytes);
  }

  private constructor(
    readonly dir: string,
    readonly retain: number,
    private readonly logger: Logger,
    private readonly readChunkBytes: number,
    private readonly syncEveryBytes: number,
  ) {}

  async create(
    index: number,
    term: number,
    configuration: Configuration,
    configurationIndex: number,
    options: CreateOptions = {},
  ): Promise<FileSnapshotSink> {
    for (const [name, value] of [
      ['index', index],
      ['term', term],
      ['configurationIndex', configurationIndex],
    ] as const) {
      if (!Number.isSafeInteger(value) || value < 0) throw new RangeError(`${name} must be an integer >= 0, got ${value}`);
    }
    for (;;) {
      // Claimed synchronously, so concurrent creates in the same millisecond get different ids.
      const createdAtMs = Math.max(Date.now(), this.lastCreatedAtMs + 1);
      this.lastCreatedAtMs = createdAtMs;
      const id = snapshotId(term, index, createdAtMs);
      // Only after a restart with the clock set back can the id already be taken; then try the next ms.
      if (await exists(path.join(this.dir, id))) continue;
      const tempDir = path.join(this.dir, id + TEMP_SUFFIX);
      try {
        await fsp.mkdir(tempDir);
      } catch (error) {
        if (isErrnoException(error) && error.code === 'EEXIST') continue;
        throw error;
      }
      try {
        const sink = await FileSnapshotSink.start({
          dir: this.dir,
          id,
          index,
          term,
          configuration,
          configurationIndex,
          createdAtMs,
          deferred: options.deferred === true,
          syncEveryBytes: this.syncEveryBytes,
          logger: this.logger,
          onClosed: () => this.reap(),
        });
        this.logger.debug('snapshot sink created', { id });
        return sink;
      } catch (error) {
        await removeDir(tempDir).catch(() => undefined);
        throw error;
      }
    }
  }

  /** Complete snapshots, newest first (term, index, creation time). Damaged ones are logged and left out. */
  async list(): Promise<FileSnapshotMeta[]> {
    const entries = await fsp.readdir(this.dir, { withFileTypes: true });
    const metas = await Promise.all(
      entries.map(async (entry): Promise<FileSnapshotMeta | undefined> => {
        if (!isSnapshotId(entry.name)) return undefined; // temp dirs and anything that is not ours
        if (!entry.isDirectory()) {
          this.logger.warn('skipping a snapshot that is not a directory', { dir: this.dir, id: entry.name });
          return undefined;
        }
        try {
          return await readMeta(this.dir, entry.name);
        } catch (error) {
          // Removed (retain) between readdir and now: not damage, nothing to report.
          if (isErrnoException(error) && error.code === 'ENOENT' && !(await exists(path.join(this.dir, entry.name)))) return undefined;
          this.logger.warn('skipping a snapshot with a missing or unreadable meta.json', {
            dir: this.dir,
            id: entry.name,
            error: describeError(error),
          });
          return undefined;
        }
      }),
    );
    return metas.filter((m): m is FileSnapshotMeta => m !== undefined).sort(compareNewestFirst);
  }

  /**
   * The snapshot's meta and a one-shot iterable of its bytes, which throws CorruptionError if they
   * do not match meta.json (see verifiedChunks). The file is opened now, so removing the snapshot
   * (retain) while it is being read does not disturb the reader.
   */
  async open(id: string, options: OpenOptions = {}): Promise<FileOpenedSnapshot> {
    const meta = await this.readExistingMeta(id);
    if (meta.deferred === true) throw new DeferredSnapshotError(id);
    let handle: fsp.FileHandle;
    try {
      handle = await fsp.open(path.join(this.dir, id, DATA_FILE), 'r');
    } catch (error) {
      if (isErrnoException(error) && error.code === 'ENOENT') throw new CorruptionError(`snapshot ${id}: ${DATA_FILE} is missing`);
      throw error;
    }
    try {
      const { size } = await handle.stat();
      // Catch a truncated or extended file before the consumer starts restoring from it.
      if (size !== meta.size) throw new CorruptionError(`snapshot ${id}: data file holds ${size} bytes, meta.json records ${meta.size}`);
    } catch (error) {
      await handle.close().catch(() => undefined);
      throw error;
    }
    const generator = verifiedChunks(handle, meta, this.readChunkBytes, options.chunkBuffer);
    let taken = false;
    return {
      meta,
      chunks: {
        [Symbol.asyncIterator]: () => {
          // A finished generator would silently yield nothing the second time: an empty "restore".
          if (taken) throw new Error(`snapshot ${id}: its chunks can be iterated only once`);
          taken = true;
          return generator;
        },
      },
      close: async () => {
        taken = true;
        await generator.return(undefined).catch(() => undefined);
        await handle.close().catch(() => undefined);
      },
    };
  }

  /** Reads the whole snapshot and checks it; rejects with CorruptionError if it is damaged. */
  async verify(id: string): Promise<FileSnapshotMeta> {
    const opened = await this.open(id);
    for await (const _chunk of opened.chunks) {
      // Only the checks matter.
    }
    return opened.meta;
  }

  private async readExistingMeta(id: string): Promise<FileSnapshotMeta> {
    if (!isSnapshotId(id)) throw new SnapshotNotFoundError(id); // also keeps `id` inside `dir`
    try {
      return await readMeta(this.dir, id);
    } catch (error) {
      if (!isErrnoException(error) || error.code !== 'ENOENT') throw error;
      // Sinks publish whole directories, so a directory without meta.json is damage, not absence.
      if (await exists(path.join(this.dir, id))) throw new CorruptionError(`snapshot ${id}: meta.json is missing`);
      throw new SnapshotNotFoundError(id);
    }
  }

  /**
   * Removes snapshot `id` durably (one after another with the removals `retain` makes); an id no
   * longer stored is no error. Rejects when the directory cannot be removed.
   */
  remove(id: string): Promise<void> {
    if (!isSnapshotId(id)) return Promise.reject(new SnapshotNotFoundError(id)); // also keeps `id` inside `dir`
    const removal = this.reaping.then(async () => {
      if (!(await exists(path.join(this.dir, id)))) return;
      await this.removeSnapshotDir(id);
      await fsyncDir(this.dir);
      this.logger.info('snapshot removed', { id });
    });
    this.reaping = removal.catch(() => undefined);
    return removal;
  }

  /** Removes snapshots beyond `retain`, oldest first. Never rejects: the new snapshot is durable already. */
  private reap(): Promise<void> {
    this.reaping = this.reaping.then(() => this.reapNow());
    return this.reaping;
  }

  private async reapNow(): Promise<void> {
    let doomed: FileSnapshotMeta[];
    try {
      doomed = (await this.list()).slice(this.retain).reverse();
    } catch (error) {
      this.logger.warn('could not list snapshots to remove old ones', { dir: this.dir, error: describeError(error) });
      return;
    }
    for (const meta of doomed) {
      try {
        await this.removeSnapshotDir(meta.id);
        this.logger.info('old snapshot removed', { id: meta.id, retain: this.retain });
      } catch (error) {
        this.logger.warn('could not remove an old snapshot', { id: meta.id, error: describeError(error) });
      }
    }
    if (doomed.length > 0) await fsyncDir(this.dir).catch(() => undefined);
  }

  /** The caller syncs `dir` afterwards. */
  private async removeSnapshotDir(id: string): Promise<void> {
    const from = path.join(this.dir, id);
    // Rename first: a removal cut short by a crash leaves a `.deleted` directory, never a listed
    // snapshot with half its files.
    await fsp.rename(from, from + DELETED_SUFFIX);
    await removeDir(from + DELETED_SUFFIX);
  }
}

/** Removes `<id>.tmp` (a sink that never closed) and `<id>.deleted` (a removal cut short) directories. */
async function removeLeftovers(dir: string, logger: Logger): Promise<void> {
  const entries = await fsp.readdir(dir);
  const leftovers = entries.filter((name) => name.endsWith(TEMP_SUFFIX) || name.endsWith(DELETED_SUFFIX));
  for (const name of leftovers) {
    await removeDir(path.join(dir, name));
    logger.warn('removed a leftover snapshot directory from an interrupted run', { dir, name });
  }
  if (leftovers.length > 0) await fsyncDir(dir);
}

/**
 * mkdir -p, then fsyncs the parent of every directory it created: otherwise a crash could lose
 * the new directory, and with it the first snapshot, after Raft compacted its log behind it.
 */
async function createDirDurably(dir: string): Promise<void> {
  const first = await fsp.mkdir(dir, { recursive: true });
  if (first === undefined) return;
  for (let created = dir; ; created = path.dirname(created)) {
    await fsyncDir(path.dirname(created));
    if (created === path.resolve(first) || created === path.dirname(created)) break;
  }
}

async function exists(file: string): Promise<boolean> {
  try {
    await fsp.lstat(file);
    return true;
  } catch (error) {
    if (isErrnoException(error) && error.code === 'ENOENT') return false;
    throw error;
  }
}

function positiveInteger(name: string, value: number): number {
  if (!Number.isSafeInteger(value) || value < 1) throw new RangeError(`${name} must be an integer >= 1, got ${value}`);
  return value;
}
