// Original file: proto/admin.proto


export interface ChangeReply {
  'message'?: (string);
}

export interface ChangeReply__Output {
  'message': (string);
}
