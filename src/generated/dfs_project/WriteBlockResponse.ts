// Original file: proto/dataserver.proto


export interface WriteBlockResponse {
  'success'?: (boolean);
}

export interface WriteBlockResponse__Output {
  'success': (boolean);
}
