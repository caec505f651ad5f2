// Original file: proto/metaserver.proto

import type { Long } from '@grpc/proto-loader';

export interface BlockLocations {
  'block_id'?: (number | string | Long);
  /**
   * DataServer "ip:port"
   */
  'locations'?: (string)[];
}

export interface BlockLocations__Output {
  'block_id': (string);
  /**
   * DataServer "ip:port"
   */
  'locations': (string)[];
}
