// Original file: proto/dataserver.proto

import type { Long } from '@grpc/proto-loader';

export interface DeleteBlockRequest {
  'block_id'?: (number | string | Long);
}

export interface DeleteBlockRequest__Output {
  'block_id': (string);
}
