// Original file: proto/metaserver.proto

import type { MetaServerMsg as _dfs_project_MetaServerMsg, MetaServerMsg__Output as _dfs_project_MetaServerMsg__Output } from '../dfs_project/MetaServerMsg';
import type { DataServerMsg as _dfs_project_DataServerMsg, DataServerMsg__Output as _dfs_project_DataServerMsg__Output } from '../dfs_project/DataServerMsg';

export interface ClusterInfo {
  'masterMetaServer'?: (_dfs_project_MetaServerMsg | null);
  'slaveMetaServer'?: (_dfs_project_MetaServerMsg)[];
  'dataServer'?: (_dfs_project_DataServerMsg)[];
}

export interface ClusterInfo__Output {
  'masterMetaServer': (_dfs_project_MetaServerMsg__Output | null);
  'slaveMetaServer': (_dfs_project_MetaServerMsg__Output)[];
  'dataServer': (_dfs_project_DataServerMsg__Output)[];
}
