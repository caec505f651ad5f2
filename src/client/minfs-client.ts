/**
 * The client library's entry point: a connection to a minfs cluster (any MetaServer addresses;
 * the leader is found and followed) with the file operations on top. One instance can run many
 * operations at once; close() releases every channel.
 */
import type { Readable, Writable } from 'node:stream';
import { DataChannels } from './data-channels';
import { get, type GetOptions, type GetResult } from './get';
import { MetaConnection, type MetaConnectionOptions } from './meta-connection';
import * as ns from './namespace-ops';
import { put, type PutOptions, type PutResult } from './put';
import type { ClusterSummary, FileStat, ReplicationReport, StatResult } from './results';
import type { TransferContext } from './transfer-context';

export interface MinfsClientOptions extends MetaConnectionOptions {
  /** MetaServer "host:port" addresses; any subset of the cluster will do. */
  readonly metaAddresses: readonly string[];
  /** Deadline of one block's WriteBlock or ReadBlock stream (ms). */
  readonly blockTimeoutMs?: number;
  /** Allocations a put tries when a block write fails (each gets a fresh placement). */
  readonly writeAttempts?: number;
}

const DEFAULT_BLOCK_TIMEOUT_MS = 60_000;
const DEFAULT_WRITE_ATTEMPTS = 3;

export class MinfsClient {
  /** The MetaServer connection, for calls this class has no method for. */
  readonly meta: MetaConnection;
  private readonly channels = new DataChannels();
  private readonly transfers: TransferContext;

  constructor(options: MinfsClientOptions) {
    this.meta = new MetaConnection(options.metaAddresses, options);
    this.transfers = {
      meta: this.meta,
      channels: this.channels,
      blockTimeoutMs: options.blockTimeoutMs ?? DEFAULT_BLOCK_TIMEOUT_MS,
      writeAttempts: Math.max(1, options.writeAttempts ?? DEFAULT_WRITE_ATTEMPTS),
    };
  }

  /** Uploads a local file (or a stream, copied to a temporary file first) to `remotePath`. */
  put(source: string | Readable, remotePath: string, options?: PutOptions): Promise<PutResult> {
    return put(this.transfers, source, remotePath, options);
  }

  /** Downloads `remotePath` to a local path (atomically, after the MD5 check) or into a stream. */
  get(remotePath: string, target: string | Writable, options?: GetOptions): Promise<GetResult> {
    return get(this.transfers, remotePath, target, options);
  }

  /** Every child of a directory, in name order (an empty list for a file). */
  ls(path: string, options: { pageSize?: number } = {}): Promise<FileStat[]> {
    return ns.list(this.meta, path, options.pageSize);
  }

  /** The children of a directory page by page, as they arrive. */
  lsPages(path: string, options: { pageSize?: number } = {}): AsyncGenerator<FileStat[]> {
    return ns.listPages(this.meta, path, options.pageSize);
  }

  /** The node at `path`; for a file also where its blocks are. NOT_FOUND when absent. */
  stat(path: string): Promise<StatResult> {
    return ns.stat(this.meta, path);
  }

  /** The node at `path`, or undefined when there is none. */
  statIfExists(path: string): Promise<FileStat | undefined> {
    return ns.statOrUndefined(this.meta, path);
  }

  /** Creates a directory; with `parents`, also the missing ones above it, and an existing directory is fine. */
  mkdir(path: string, options: { parents?: boolean } = {}): Promise<void> {
    return ns.mkdir(this.meta, path, options.parents === true);
  }

  /** Deletes a file or an empty directory; with `recursive`, a directory and everything below it. */
  rm(path: string, options: { recursive?: boolean } = {}): Promise<void> {
    return ns.remove(this.meta, path, options.recursive === true);
  }

  /** Renames a file or directory; the destination must not exist. */
  mv(from: string, to: string): Promise<void> {
    return ns.rename(this.meta, from, to);
  }

  /** The MetaServers and the DataServers the leader hears from. */
  cluster(): Promise<ClusterSummary> {
    return ns.clusterInfo(this.meta);
  }

  /** Replication of one file, or of every file when `path` is empty or omitted. */
  replication(path = ''): Promise<ReplicationReport> {
    return ns.replication(this.meta, path);
  }

  close(): void {
    this.channels.close();
    this.meta.close();
  }
}
