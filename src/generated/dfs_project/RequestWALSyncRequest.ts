// Original file: proto/metaserver.proto

import type { Long } from '@grpc/proto-loader';

export interface RequestWALSyncRequest {
  'node_id'?: (string);
  'last_log_index'?: (number | string | Long);
  'reason'?: (string);
}

export interface RequestWALSyncRequest__Output {
  'node_id': (string);
  'last_log_index': (string);
  'reason': (string);
}
