// Original file: proto/admin.proto


export interface CheckpointDigestRequest {
  'checkpoint_id'?: (string);
  'timeout_ms'?: (number);
}

export interface CheckpointDigestRequest__Output {
  'checkpoint_id': (string);
  'timeout_ms': (number);
}
