// Original file: proto/metaserver.proto


/**
 * minfs-metaserver extension, invisible to the existing client: request of Rename.
 */
export interface RenameRequest {
  'src_path'?: (string);
  'dst_path'?: (string);
  /**
   * idempotency key for retries
   */
  'request_id'?: (string);
}

/**
 * minfs-metaserver extension, invisible to the existing client: request of Rename.
 */
export interface RenameRequest__Output {
  'src_path': (string);
  'dst_path': (string);
  /**
   * idempotency key for retries
   */
  'request_id': (string);
}
