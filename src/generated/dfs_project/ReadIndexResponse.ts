// Original file: proto/metaserver.proto

import type { Long } from '@grpc/proto-loader';

/**
 * minfs-metaserver extension: answer of ReadIndex.
 */
export interface ReadIndexResponse {
  /**
   * a read served after applying this index observes every write acknowledged before the request
   */
  'index'?: (number | string | Long);
}

/**
 * minfs-metaserver extension: answer of ReadIndex.
 */
export interface ReadIndexResponse__Output {
  /**
   * a read served after applying this index observes every write acknowledged before the request
   */
  'index': (string);
}
