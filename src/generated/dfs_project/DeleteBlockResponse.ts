// Original file: proto/dataserver.proto


export interface DeleteBlockResponse {
  'success'?: (boolean);
}

export interface DeleteBlockResponse__Output {
  'success': (boolean);
}
