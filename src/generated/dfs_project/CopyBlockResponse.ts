// Original file: proto/dataserver.proto


export interface CopyBlockResponse {
  'success'?: (boolean);
}

export interface CopyBlockResponse__Output {
  'success': (boolean);
}
