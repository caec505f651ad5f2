// Original file: proto/dataserver.proto

import type { Long } from '@grpc/proto-loader';

export interface CopyBlockRequest {
  'block_id'?: (number | string | Long);
  'source_address'?: (string);
}

export interface CopyBlockRequest__Output {
  'block_id': (string);
  'source_address': (string);
}
