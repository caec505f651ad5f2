// Original file: proto/metaserver.proto


export interface SimpleResponse {
  'success'?: (boolean);
  'message'?: (string);
}

export interface SimpleResponse__Output {
  'success': (boolean);
  'message': (string);
}
