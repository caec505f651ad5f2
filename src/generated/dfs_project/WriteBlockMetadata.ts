// Original file: proto/dataserver.proto

import type { Long } from '@grpc/proto-loader';

export interface WriteBlockMetadata {
  'block_id'?: (number | string | Long);
  'replica_locations'?: (string)[];
}

export interface WriteBlockMetadata__Output {
  'block_id': (string);
  'replica_locations': (string)[];
}
