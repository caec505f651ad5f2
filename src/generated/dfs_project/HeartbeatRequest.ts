// Original file: proto/metaserver.proto

import type { Long } from '@grpc/proto-loader';

export interface HeartbeatRequest {
  'dataServer_id'?: (string);
  'dataServer_addr'?: (string);
  'block_count'?: (number | string | Long);
  /**
   * bytes
   */
  'free_space'?: (number | string | Long);
  /**
   * packed (proto3 default)
   */
  'block_ids_report'?: (number | string | Long)[];
  /**
   * bytes
   */
  'total_capacity'?: (number | string | Long);
}

export interface HeartbeatRequest__Output {
  'dataServer_id': (string);
  'dataServer_addr': (string);
  'block_count': (string);
  /**
   * bytes
   */
  'free_space': (string);
  /**
   * packed (proto3 default)
   */
  'block_ids_report': (string)[];
  /**
   * bytes
   */
  'total_capacity': (string);
}
