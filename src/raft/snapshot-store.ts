import type { Configuration } from './configuration';

/** Describes a stored snapshot. */
export interface SnapshotMeta {
  readonly id: string;
  /** Index and term of the last entry the snapshot covers. */
  readonly index: number;
  readonly term: number;
  /** The membership configuration in force at `index`, and the index it was appended at. */
  readonly configuration: Configuration;
  readonly configurationIndex: number;
  readonly size: number;
  /** CRC-32 (IEEE) of the snapshot's bytes: a receiver checks a streamed copy against it. */
  readonly crc32: number;
  /**
   * Only the label is stored, no bytes (Config.deferSnapshotCopies): a persistent FSM had
   * committed at least `index` when it was recorded, so its own state stands for the snapshot
   * here, and a copy is written only when a follower needs one. open() refuses it.
   */
  readonly deferred?: boolean;
}

export interface CreateOptions {
  /** A deferred snapshot (SnapshotMeta.deferred): the sink takes no bytes. */
  readonly deferred?: boolean;
}

/** open() of a deferred snapshot: it has no bytes to read. */
export class DeferredSnapshotError extends Error {
  constructor(readonly id: string) {
    super(`snapshot ${id} is deferred: only its label is stored, it has no data to read`);
    this.name = 'DeferredSnapshotError';
  }
}

/** Where a snapshot is written. Nothing is visible until `close()` resolves. */
export interface SnapshotSink {
  readonly id: string;
  write(chunk: Uint8Array): Promise<void>;
  /** Makes the snapshot durable and visible. */
  close(): Promise<void>;
  /** Abandons the snapshot; nothing of it stays. */
  cancel(): Promise<void>;
}

export interface OpenedSnapshot {
  readonly meta: SnapshotMeta;
  /** The snapshot's bytes; iterate once. Throws on a checksum mismatch. */
  readonly chunks: AsyncIterable<Uint8Array>;
  /** Releases what open() holds (a file handle) when the chunks are not read to the end. */
  close?(): Promise<void>;
}

export interface OpenOptions {
  /**
   * Where to read the bytes: each chunk is read into a buffer from here (up to its length), so
   * a reader that recycles its buffers allocates nothing per chunk. A store may ignore it.
   */
  readonly chunkBuffer?: () => Uint8Array;
}

/** hashicorp's SnapshotStore. A file implementation lives in `src/raft/file-snapshot-store/`. */
export interface SnapshotStore {
  create(
    index: number,
    term: number,
    configuration: Configuration,
    configurationIndex: number,
    options?: CreateOptions,
  ): Promise<SnapshotSink>;
  /** Newest first. */
  list(): Promise<SnapshotMeta[]>;
  /** Rejects with DeferredSnapshotError for a deferred snapshot. */
  open(id: string, options?: OpenOptions): Promise<OpenedSnapshot>;
  /**
   * Removes a snapshot durably; an id no longer stored is not an error. Optional (hashicorp's
   * store has none): Raft.restore uses it to take back a snapshot it wrote and then could not
   * install (leadership lost, shutdown), which a restart would otherwise adopt.
   */
  remove?(id: string): Promise<void>;
}
