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
  create(index: number, term: number, configuration: Configuration, configurationIndex: number): Promise<SnapshotSink>;
  /** Newest first. */
  list(): Promise<SnapshotMeta[]>;
  open(id: string, options?: OpenOptions): Promise<OpenedSnapshot>;
}
