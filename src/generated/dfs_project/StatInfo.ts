// Original file: proto/metaserver.proto

import type { FileType as _dfs_project_FileType, FileType__Output as _dfs_project_FileType__Output } from '../dfs_project/FileType';
import type { ReplicaData as _dfs_project_ReplicaData, ReplicaData__Output as _dfs_project_ReplicaData__Output } from '../dfs_project/ReplicaData';
import type { Long } from '@grpc/proto-loader';

export interface StatInfo {
  'path'?: (string);
  'size'?: (number | string | Long);
  /**
   * Unix milliseconds
   */
  'mtime'?: (number | string | Long);
  'type'?: (_dfs_project_FileType);
  'replicaData'?: (_dfs_project_ReplicaData)[];
  'md5'?: (string);
  /**
   * minfs-metaserver extension, invisible to the existing client: the node's inode number.
   */
  'inode'?: (number | string | Long);
}

export interface StatInfo__Output {
  'path': (string);
  'size': (string);
  /**
   * Unix milliseconds
   */
  'mtime': (string);
  'type': (_dfs_project_FileType__Output);
  'replicaData': (_dfs_project_ReplicaData__Output)[];
  'md5': (string);
  /**
   * minfs-metaserver extension, invisible to the existing client: the node's inode number.
   */
  'inode': (string);
}
