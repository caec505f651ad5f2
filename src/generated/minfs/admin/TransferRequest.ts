// Original file: proto/admin.proto


export interface TransferRequest {
  'target_id'?: (string);
}

export interface TransferRequest__Output {
  'target_id': (string);
}
