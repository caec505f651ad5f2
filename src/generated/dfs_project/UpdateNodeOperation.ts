// Original file: proto/metaserver.proto

import type { Long } from '@grpc/proto-loader';

export interface UpdateNodeOperation {
  'path'?: (string);
  'size'?: (number | string | Long);
  'mtime'?: (number | string | Long);
}

export interface UpdateNodeOperation__Output {
  'path': (string);
  'size': (string);
  'mtime': (string);
}
