// Original file: proto/metaserver.proto

import type { FileType as _dfs_project_FileType, FileType__Output as _dfs_project_FileType__Output } from '../dfs_project/FileType';

export interface CreateNodeRequest {
  'path'?: (string);
  'type'?: (_dfs_project_FileType);
  /**
   * minfs-metaserver extension, invisible to the existing client: create missing parent directories (mkdir -p).
   */
  'parents'?: (boolean);
  /**
   * minfs-metaserver extension, invisible to the existing client: idempotency key for retries.
   */
  'request_id'?: (string);
}

export interface CreateNodeRequest__Output {
  'path': (string);
  'type': (_dfs_project_FileType__Output);
  /**
   * minfs-metaserver extension, invisible to the existing client: create missing parent directories (mkdir -p).
   */
  'parents': (boolean);
  /**
   * minfs-metaserver extension, invisible to the existing client: idempotency key for retries.
   */
  'request_id': (string);
}
