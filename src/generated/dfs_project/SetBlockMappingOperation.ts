// Original file: proto/metaserver.proto

import type { BlockLocations as _dfs_project_BlockLocations, BlockLocations__Output as _dfs_project_BlockLocations__Output } from '../dfs_project/BlockLocations';
import type { Long } from '@grpc/proto-loader';

export interface SetBlockMappingOperation {
  'inode_id'?: (number | string | Long);
  'block_index'?: (number | string | Long);
  'block_locs'?: (_dfs_project_BlockLocations | null);
}

export interface SetBlockMappingOperation__Output {
  'inode_id': (string);
  'block_index': (string);
  'block_locs': (_dfs_project_BlockLocations__Output | null);
}
