/**
 * The kinds of namespace node, with the wire values of the contract's `FileType` enum
 * (Unknown = 0, Volume = 1, File = 2, Directory = 3). Only files and directories are ever stored.
 */
export const FILE = 2;
export const DIRECTORY = 3;
export type NodeType = typeof FILE | typeof DIRECTORY;

/** The root directory's inode: made by the cluster's first log entry, never deleted. */
export const ROOT_INODE = 1;

/** Every file is cut into blocks of this size (part of the contract: the client hard-codes it too). */
export const BLOCK_SIZE_BYTES = 4 * 1024 * 1024;

/** The most blocks one file may have: 2^20 blocks of 4 MiB = 4 TiB. A larger size is refused. */
export const MAX_BLOCKS_PER_FILE = 1 << 20;

/** The number of blocks a file of `size` bytes occupies. */
export function blocksFor(size: number): number {
  return Math.ceil(size / BLOCK_SIZE_BYTES);
}

/**
 * An inode as stored (value of the `inodes` database). Short field names keep the msgpack
 * record small; the namespace reader turns it into the wire's StatInfo/NodeInfo.
 */
export interface InodeRecord {
  /** FILE or DIRECTORY. */
  readonly t: NodeType;
  /** Parent directory's inode (0 for the root). */
  readonly p: number;
  /** Name in the parent directory ('' for the root). */
  readonly n: string;
  /** Files: the finalized size. Directories: the recursive sum of the file sizes below. */
  readonly s: number;
  /** Modification time, Unix ms, chosen by the leader that proposed the change. */
  readonly m: number;
  /** Replication factor the file was created with. */
  readonly r: number;
  /** Lower-case hex MD5 of the content given at FinalizeWrite ('' until then). */
  readonly h: string;
  /** Files: number of blocks mapped (block indexes 0..b-1). */
  readonly b: number;
}

/** A block of a file: its id and the DataServers ("ip:port") chosen to hold it. */
export interface BlockMapping {
  readonly blockId: number;
  readonly locations: readonly string[];
}
