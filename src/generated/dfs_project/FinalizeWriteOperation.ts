// Original file: proto/metaserver.proto

import type { BlockLocations as _dfs_project_BlockLocations, BlockLocations__Output as _dfs_project_BlockLocations__Output } from '../dfs_project/BlockLocations';
import type { Long } from '@grpc/proto-loader';

export interface FinalizeWriteOperation {
  'path'?: (string);
  'block_locations'?: (_dfs_project_BlockLocations)[];
  'inode'?: (number | string | Long);
  'size'?: (number | string | Long);
  'md5'?: (string);
}

export interface FinalizeWriteOperation__Output {
  'path': (string);
  'block_locations': (_dfs_project_BlockLocations__Output)[];
  'inode': (string);
  'size': (string);
  'md5': (string);
}
