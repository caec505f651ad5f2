// Original file: proto/metaserver.proto

import type { Long } from '@grpc/proto-loader';

export interface GetBlockLocationsRequest {
  'path'?: (string);
  'size'?: (number | string | Long);
  /**
   * minfs-metaserver extension, invisible to the existing client: idempotency key for retries.
   */
  'request_id'?: (string);
}

export interface GetBlockLocationsRequest__Output {
  'path': (string);
  'size': (string);
  /**
   * minfs-metaserver extension, invisible to the existing client: idempotency key for retries.
   */
  'request_id': (string);
}
