// Original file: proto/metaserver.proto

import type { StatInfo as _dfs_project_StatInfo, StatInfo__Output as _dfs_project_StatInfo__Output } from '../dfs_project/StatInfo';

export interface ListDirectoryResponse {
  'nodes'?: (_dfs_project_StatInfo)[];
  /**
   * minfs-metaserver extension, invisible to the existing client: token of the next page ("" = last page).
   */
  'next_page_token'?: (string);
}

export interface ListDirectoryResponse__Output {
  'nodes': (_dfs_project_StatInfo__Output)[];
  /**
   * minfs-metaserver extension, invisible to the existing client: token of the next page ("" = last page).
   */
  'next_page_token': (string);
}
