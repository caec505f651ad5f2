// Original file: proto/admin.proto

import type { Long } from '@grpc/proto-loader';

export interface Digest {
  'node_id'?: (string);
  'applied_index'?: (number | string | Long);
  'records'?: (number | string | Long);
  'hash'?: (string);
}

export interface Digest__Output {
  'node_id': (string);
  'applied_index': (string);
  'records': (string);
  'hash': (string);
}
