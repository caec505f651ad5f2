/**
 * What the library hands back, converted from the wire's shapes: sizes and times become numbers
 * (the MetaServer keeps them below 2^53), while inode and block ids stay decimal strings as they
 * arrive, because ids are names, not quantities, and must never lose a digit.
 */
import type { FileType__Output } from '../generated/dfs_project/FileType';
import type { GetClusterInfoResponse__Output } from '../generated/dfs_project/GetClusterInfoResponse';
import type { GetReplicationInfoResponse__Output } from '../generated/dfs_project/GetReplicationInfoResponse';
import type { ReplicationStatus__Output } from '../generated/dfs_project/ReplicationStatus';
import type { StatInfo__Output } from '../generated/dfs_project/StatInfo';

export interface FileStat {
  /** Full path. */
  readonly path: string;
  readonly type: FileType__Output;
  /** Bytes; for a directory the sum of the files below it. */
  readonly size: number;
  /** Unix milliseconds. */
  readonly mtimeMs: number;
  /** Lower-case hex MD5 of the content, or "" when the server has none (a file never finalized). */
  readonly md5: string;
  readonly inode: string;
}

export interface BlockReplication {
  readonly blockId: string;
  /** Where the block is reported present. */
  readonly locations: readonly string[];
  /** Where the MetaServer placed it. */
  readonly expectedLocations: readonly string[];
  readonly replicaCount: number;
}

export interface FileReplication {
  readonly path: string;
  readonly inode: string;
  readonly size: number;
  readonly expectedReplicas: number;
  readonly actualReplicas: number;
  /** "healthy" | "under_replicated" | "over_replicated" */
  readonly status: string;
  readonly blocks: readonly BlockReplication[];
}

export interface ReplicationReport {
  readonly files: readonly FileReplication[];
  readonly totalFiles: number;
  readonly healthyFiles: number;
  readonly underReplicatedFiles: number;
  readonly overReplicatedFiles: number;
}

export interface StatResult extends FileStat {
  /** For a file: where its blocks are (GetReplicationInfo); absent for a directory. */
  readonly replication?: FileReplication;
}

export interface DataServerSummary {
  readonly address: string;
  /** Blocks the DataServer reported. */
  readonly blocks: number;
  readonly capacityMiB: number;
  readonly usedMiB: number;
}

export interface ClusterSummary {
  /** "host:port" of the MetaServer leader, if there is one. */
  readonly leader: string | undefined;
  readonly followers: readonly string[];
  readonly dataServers: readonly DataServerSummary[];
}

export function fileStatOf(info: StatInfo__Output): FileStat {
  return { path: info.path, type: info.type, size: Number(info.size), mtimeMs: Number(info.mtime), md5: info.md5, inode: info.inode };
}

export function fileReplicationOf(file: ReplicationStatus__Output): FileReplication {
  return {
    path: file.path,
    inode: file.inode,
    size: Number(file.size),
    expectedReplicas: file.expected_replicas,
    actualReplicas: file.actual_replicas,
    status: file.status,
    blocks: file.blocks.map((b) => ({
      blockId: b.block_id,
      locations: b.locations,
      expectedLocations: b.expected_locations,
      replicaCount: b.replica_count,
    })),
  };
}

export function replicationReportOf(answer: GetReplicationInfoResponse__Output): ReplicationReport {
  return {
    files: answer.files.map(fileReplicationOf),
    totalFiles: answer.total_files,
    healthyFiles: answer.healthy_files,
    underReplicatedFiles: answer.under_replicated_files,
    overReplicatedFiles: answer.over_replicated_files,
  };
}

export function clusterSummaryOf(answer: GetClusterInfoResponse__Output): ClusterSummary {
  const info = answer.clusterInfo;
  const master = info?.masterMetaServer;
  return {
    leader: master?.host ? `${master.host}:${master.port}` : undefined,
    followers: (info?.slaveMetaServer ?? []).map((m) => `${m.host}:${m.port}`),
    dataServers: (info?.dataServer ?? []).map((d) => ({
      address: `${d.host}:${d.port}`,
      blocks: d.fileTotal,
      capacityMiB: d.capacity,
      usedMiB: d.useCapacity,
    })),
  };
}
