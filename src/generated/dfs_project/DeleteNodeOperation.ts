// Original file: proto/metaserver.proto


export interface DeleteNodeOperation {
  'path'?: (string);
  'recursive'?: (boolean);
}

export interface DeleteNodeOperation__Output {
  'path': (string);
  'recursive': (boolean);
}
