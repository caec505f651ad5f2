// Original file: proto/dataserver.proto

import type { Long } from '@grpc/proto-loader';

export interface ReadBlockRequest {
  'block_id'?: (number | string | Long);
}

export interface ReadBlockRequest__Output {
  'block_id': (string);
}
