// Original file: proto/metaserver.proto


export interface GetReplicationInfoRequest {
  'path'?: (string);
}

export interface GetReplicationInfoRequest__Output {
  'path': (string);
}
