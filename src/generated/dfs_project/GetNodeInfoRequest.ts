// Original file: proto/metaserver.proto


export interface GetNodeInfoRequest {
  'path'?: (string);
}

export interface GetNodeInfoRequest__Output {
  'path': (string);
}
