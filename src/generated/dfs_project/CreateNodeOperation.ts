// Original file: proto/metaserver.proto

import type { FileType as _dfs_project_FileType, FileType__Output as _dfs_project_FileType__Output } from '../dfs_project/FileType';
import type { Long } from '@grpc/proto-loader';

export interface CreateNodeOperation {
  'path'?: (string);
  'type'?: (_dfs_project_FileType);
  'inode_id'?: (number | string | Long);
}

export interface CreateNodeOperation__Output {
  'path': (string);
  'type': (_dfs_project_FileType__Output);
  'inode_id': (string);
}
