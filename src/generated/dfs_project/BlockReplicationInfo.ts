// Original file: proto/metaserver.proto

import type { Long } from '@grpc/proto-loader';

export interface BlockReplicationInfo {
  'block_id'?: (number | string | Long);
  'locations'?: (string)[];
  'expected_locations'?: (string)[];
  'replica_count'?: (number);
}

export interface BlockReplicationInfo__Output {
  'block_id': (string);
  'locations': (string)[];
  'expected_locations': (string)[];
  'replica_count': (number);
}
