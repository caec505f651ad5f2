// Original file: proto/metaserver.proto

import type { ClusterInfo as _dfs_project_ClusterInfo, ClusterInfo__Output as _dfs_project_ClusterInfo__Output } from '../dfs_project/ClusterInfo';

export interface GetClusterInfoResponse {
  'clusterInfo'?: (_dfs_project_ClusterInfo | null);
}

export interface GetClusterInfoResponse__Output {
  'clusterInfo': (_dfs_project_ClusterInfo__Output | null);
}
