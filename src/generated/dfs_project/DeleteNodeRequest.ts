// Original file: proto/metaserver.proto


export interface DeleteNodeRequest {
  'path'?: (string);
  'recursive'?: (boolean);
  /**
   * minfs-metaserver extension, invisible to the existing client: idempotency key for retries.
   */
  'request_id'?: (string);
}

export interface DeleteNodeRequest__Output {
  'path': (string);
  'recursive': (boolean);
  /**
   * minfs-metaserver extension, invisible to the existing client: idempotency key for retries.
   */
  'request_id': (string);
}
