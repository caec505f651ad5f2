// Original file: proto/metaserver.proto

import type { MetaServerMsg as _dfs_project_MetaServerMsg, MetaServerMsg__Output as _dfs_project_MetaServerMsg__Output } from '../dfs_project/MetaServerMsg';

export interface GetLeaderResponse {
  'leader'?: (_dfs_project_MetaServerMsg | null);
  'followers'?: (_dfs_project_MetaServerMsg)[];
}

export interface GetLeaderResponse__Output {
  'leader': (_dfs_project_MetaServerMsg__Output | null);
  'followers': (_dfs_project_MetaServerMsg__Output)[];
}
