// Original file: proto/metaserver.proto

import type { Long } from '@grpc/proto-loader';

export interface FinalizeWriteRequest {
  'path'?: (string);
  'inode'?: (number | string | Long);
  'size'?: (number | string | Long);
  'md5'?: (string);
  /**
   * minfs-metaserver extension, invisible to the existing client: idempotency key for retries.
   */
  'request_id'?: (string);
}

export interface FinalizeWriteRequest__Output {
  'path': (string);
  'inode': (string);
  'size': (string);
  'md5': (string);
  /**
   * minfs-metaserver extension, invisible to the existing client: idempotency key for retries.
   */
  'request_id': (string);
}
