// Original file: proto/admin.proto


export interface CheckpointReply {
  'checkpoint_id'?: (string);
}

export interface CheckpointReply__Output {
  'checkpoint_id': (string);
}
