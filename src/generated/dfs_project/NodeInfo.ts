// Original file: proto/metaserver.proto

import type { FileType as _dfs_project_FileType, FileType__Output as _dfs_project_FileType__Output } from '../dfs_project/FileType';
import type { ReplicaData as _dfs_project_ReplicaData, ReplicaData__Output as _dfs_project_ReplicaData__Output } from '../dfs_project/ReplicaData';
import type { Long } from '@grpc/proto-loader';

/**
 * Internal in the original (its stored inode record).
 */
export interface NodeInfo {
  'inode'?: (number | string | Long);
  'path'?: (string);
  'type'?: (_dfs_project_FileType);
  'size'?: (number | string | Long);
  /**
   * Unix milliseconds
   */
  'mtime'?: (number | string | Long);
  'replication'?: (number);
  'md5'?: (string);
  'replicaData'?: (_dfs_project_ReplicaData)[];
}

/**
 * Internal in the original (its stored inode record).
 */
export interface NodeInfo__Output {
  'inode': (string);
  'path': (string);
  'type': (_dfs_project_FileType__Output);
  'size': (string);
  /**
   * Unix milliseconds
   */
  'mtime': (string);
  'replication': (number);
  'md5': (string);
  'replicaData': (_dfs_project_ReplicaData__Output)[];
}
