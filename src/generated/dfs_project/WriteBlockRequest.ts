// Original file: proto/dataserver.proto

import type { WriteBlockMetadata as _dfs_project_WriteBlockMetadata, WriteBlockMetadata__Output as _dfs_project_WriteBlockMetadata__Output } from '../dfs_project/WriteBlockMetadata';

/**
 * The first message of a WriteBlock stream carries metadata, the following ones chunk_data.
 */
export interface WriteBlockRequest {
  'metadata'?: (_dfs_project_WriteBlockMetadata | null);
  'chunk_data'?: (Buffer | Uint8Array | string);
  'content'?: "metadata"|"chunk_data";
}

/**
 * The first message of a WriteBlock stream carries metadata, the following ones chunk_data.
 */
export interface WriteBlockRequest__Output {
  'metadata'?: (_dfs_project_WriteBlockMetadata__Output | null);
  'chunk_data'?: (Buffer);
  'content'?: "metadata"|"chunk_data";
}
