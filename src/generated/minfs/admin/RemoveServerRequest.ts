// Original file: proto/admin.proto


export interface RemoveServerRequest {
  'id'?: (string);
}

export interface RemoveServerRequest__Output {
  'id': (string);
}
