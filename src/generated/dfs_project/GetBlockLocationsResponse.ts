// Original file: proto/metaserver.proto

import type { BlockLocations as _dfs_project_BlockLocations, BlockLocations__Output as _dfs_project_BlockLocations__Output } from '../dfs_project/BlockLocations';
import type { Long } from '@grpc/proto-loader';

export interface GetBlockLocationsResponse {
  'inode'?: (number | string | Long);
  'block_locations'?: (_dfs_project_BlockLocations)[];
}

export interface GetBlockLocationsResponse__Output {
  'inode': (string);
  'block_locations': (_dfs_project_BlockLocations__Output)[];
}
