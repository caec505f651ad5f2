// Original file: proto/metaserver.proto

import type { Long } from '@grpc/proto-loader';

export interface UpdateBlockLocationOperation {
  'block_id'?: (number | string | Long);
  'old_addr'?: (string);
  'new_addr'?: (string);
}

export interface UpdateBlockLocationOperation__Output {
  'block_id': (string);
  'old_addr': (string);
  'new_addr': (string);
}
