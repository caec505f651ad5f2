import * as fs from 'node:fs';
import * as path from 'node:path';
import type { Configuration } from '../configuration';
import type { Logger } from '../environment';
import type { SnapshotSink } from '../snapshot-store';
import { crc32, crc32Hex, describeError, fsyncDir, removeDir, writeFileDurably } from './durable-fs';
import { DATA_FILE, META_FILE, TEMP_SUFFIX, encodeMeta, type FileSnapshotMeta } from './snapshot-meta-file';

/** What the sink needs to know; the store creates the temp directory before making the sink. */
export interface SinkParams {
  readonly dir: string;
  readonly id: string;
  readonly index: number;
  readonly term: number;
  readonly configuration: Configuration;
  readonly configurationIndex: number;
  readonly createdAtMs: number;
  /** A deferred snapshot: writes of bytes are refused, and the meta says so. */
  readonly deferred: boolean;
  /** Written bytes that may stay unsynced; past this the sink syncs before taking more. */
  readonly syncEveryBytes: number;
  readonly logger: Logger;
  /** Called after the snapshot is durable and visible, to remove snapshots beyond `retain`. */
  readonly onClosed: () => Promise<void>;
}

type SinkState = 'open' | 'closed' | 'cancelled' | 'failed';

/**
 * Writes one snapshot into `<dir>/<id>.tmp/`. Operations run one after another in call order
 * (a `write` not awaited still lands before a later `close`); `write` resolves once the chunk is
 * handed to the file stream and that stream is below its high-water mark, so memory stays
 * bounded by about one high-water mark plus one chunk whatever the snapshot's size.
 */
export class FileSnapshotSink implements SnapshotSink {
  readonly id: string;
  private readonly tempDir: string;
  private readonly finalDir: string;
  private readonly stream: fs.WriteStream;
  private readonly fd: fs.promises.FileHandle;
  private state: SinkState = 'open';
  private size = 0;
  private crc = 0;
  private unsynced = 0;
  /** The chain every operation waits on, so they run in call order. Never rejects. */
  private tail: Promise<unknown> = Promise.resolve();
  private closing: Promise<void> | undefined;

  /** Opens the data file in the (already created) temp directory. */
  static async start(params: SinkParams): Promise<FileSnapshotSink> {
    const tempDir = path.join(params.dir, params.id + TEMP_SUFFIX);
    const fd = await fs.promises.open(path.join(tempDir, DATA_FILE), 'wx');
    return new FileSnapshotSink(params, tempDir, fd);
  }

  private constructor(
    private readonly params: SinkParams,
    tempDir: string,
    fd: fs.promises.FileHandle,
  ) {
    this.id = params.id;
    this.tempDir = tempDir;
    this.finalDir = path.join(params.dir, params.id);
    this.fd = fd;
    // autoClose off: the file must be fsynced after the last write and before it is closed.
    this.stream = fs.createWriteStream(path.join(tempDir, DATA_FILE), { fd, autoClose: false });
    // Keep the error (an unhandled 'error' event would crash the process); the next operation reports it.
    this.stream.on('error', () => undefined);
  }

  write(chunk: Uint8Array): Promise<void> {
    if (!(chunk instanceof Uint8Array)) return Promise.reject(new TypeError('snapshot chunks must be Uint8Arrays'));
    return this.enqueue(async () => {
      this.assertOpen('write');
      if (chunk.byteLength === 0) return;
      if (this.params.deferred) throw new Error(`snapshot ${this.id}: a deferred snapshot takes no bytes`);
      this.crc = crc32(chunk, this.crc);
      this.size += chunk.byteLength;
      this.unsynced += chunk.byteLength;
      // The stream reads `chunk` until its write completes, and the caller may reuse its buffer
      // once we resolve: so we resolve only then, rather than write a copy (a megabyte per
      // chunk a follower receives, for nothing: the receiver never reuses its chunks).
      await new Promise<void>((resolve, reject) => this.stream.write(chunk, (error) => (error ? reject(error) : resolve())));
      if (this.unsynced >= this.params.syncEveryBytes) {
        // Sync as we go: with ext4's ordered mode, every other fsync on the disk (this node's
        // Raft log, or a leader's on the same machine) would otherwise wait for a whole
        // snapshot's worth of dirty pages at once.
        await this.fd.datasync();
        this.unsynced = 0;
      }
      if (this.stream.errored) throw this.stream.errored;
    });
  }

  /** Makes the snapshot durable, then visible, then removes snapshots beyond `retain`. Idempotent. */
  close(): Promise<void> {
    this.closing ??= this.enqueue(async () => {
      this.assertOpen('close');
      try {
        await this.persist();
      } catch (error) {
        this.state = 'failed';
        await this.discard();
        throw error;
      }
      this.state = 'closed';
      this.params.logger.info('snapshot created', {
        id: this.id,
        size: this.size,
        checksum: crc32Hex(this.crc),
        deferred: this.params.deferred,
      });
      await this.params.onClosed();
    });
    return this.closing;
  }

  /** Removes everything written. A no-op after `close()` succeeded or failed (nothing is left then). */
  cancel(): Promise<void> {
    return this.enqueue(async () => {
      if (this.state !== 'open') return;
      this.state = 'cancelled';
      await this.discard();
      this.params.logger.info('snapshot cancelled', { id: this.id });
    });
  }

  private async persist(): Promise<void> {
    await endStream(this.stream);
    await this.fd.sync();
    const { size } = await this.fd.stat();
    // The stream holds a reference on the FileHandle; fd.close() waits for it until the stream is destroyed.
    this.stream.destroy();
    await this.fd.close();
    // Belt and braces: the file must hold exactly the bytes the checksum covered.
    if (size !== this.size) throw new Error(`snapshot ${this.id}: wrote ${this.size} bytes but the file holds ${size}`);
    const meta: FileSnapshotMeta = {
      id: this.id,
      index: this.params.index,
      term: this.params.term,
      configuration: this.params.configuration,
      configurationIndex: this.params.configurationIndex,
      size: this.size,
      checksum: crc32Hex(this.crc),
      crc32: this.crc >>> 0,
      createdAtMs: this.params.createdAtMs,
      ...(this.params.deferred ? { deferred: true } : {}),
    };
    await writeFileDurably(path.join(this.tempDir, META_FILE), encodeMeta(meta));
    // Make the temp directory's own entries durable before the rename publishes it...
    await fsyncDir(this.tempDir);
    // ...then publish atomically (rename refuses to replace a non-empty directory)...
    await fs.promises.rename(this.tempDir, this.finalDir);
    try {
      // ...and make the rename itself durable.
      await fsyncDir(this.params.dir);
    } catch (error) {
      // Already visible, but we cannot promise it survives a crash: take it back, so a failed
      // close() always means "no snapshot", and report the failure.
      await removeDir(this.finalDir).catch(() => undefined);
      throw error;
    }
  }

  /** Best effort: closes the file and removes the temp directory; failures are logged, not thrown. */
  private async discard(): Promise<void> {
    this.stream.destroy();
    await this.fd.close().catch(() => undefined);
    try {
      await removeDir(this.tempDir);
    } catch (error) {
      // A leftover temp directory is harmless: it is never listed and the next start removes it.
      this.params.logger.warn('could not remove a snapshot temp directory', { dir: this.tempDir, error: describeError(error) });
    }
  }

  private assertOpen(operation: string): void {
    if (this.state !== 'open') throw new Error(`snapshot ${this.id}: ${operation} on a sink already ${this.state}`);
  }

  private enqueue(operation: () => Promise<void>): Promise<void> {
    const result = this.tail.then(operation);
    this.tail = result.catch(() => undefined);
    return result;
  }
}

/** Flushes everything buffered to the file descriptor (which stays open: autoClose is off). */
function endStream(stream: fs.WriteStream): Promise<void> {
  if (stream.errored) return Promise.reject(stream.errored);
  return new Promise((resolve, reject) => {
    stream.end((error?: Error | null) => (error ? reject(error) : resolve()));
  });
}
