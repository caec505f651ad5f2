// Original file: proto/metaserver.proto

import type { StatInfo as _dfs_project_StatInfo, StatInfo__Output as _dfs_project_StatInfo__Output } from '../dfs_project/StatInfo';

export interface GetNodeInfoResponse {
  'statInfo'?: (_dfs_project_StatInfo | null);
}

export interface GetNodeInfoResponse__Output {
  'statInfo': (_dfs_project_StatInfo__Output | null);
}
