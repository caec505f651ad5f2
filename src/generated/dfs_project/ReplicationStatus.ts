// Original file: proto/metaserver.proto

import type { BlockReplicationInfo as _dfs_project_BlockReplicationInfo, BlockReplicationInfo__Output as _dfs_project_BlockReplicationInfo__Output } from '../dfs_project/BlockReplicationInfo';
import type { Long } from '@grpc/proto-loader';

export interface ReplicationStatus {
  'path'?: (string);
  'inode'?: (number | string | Long);
  'size'?: (number | string | Long);
  'expected_replicas'?: (number);
  'actual_replicas'?: (number);
  'blocks'?: (_dfs_project_BlockReplicationInfo)[];
  /**
   * "healthy" | "under_replicated" | "over_replicated"
   */
  'status'?: (string);
}

export interface ReplicationStatus__Output {
  'path': (string);
  'inode': (string);
  'size': (string);
  'expected_replicas': (number);
  'actual_replicas': (number);
  'blocks': (_dfs_project_BlockReplicationInfo__Output)[];
  /**
   * "healthy" | "under_replicated" | "over_replicated"
   */
  'status': (string);
}
