// Original file: proto/metaserver.proto


export interface MetaServerMsg {
  'host'?: (string);
  'port'?: (number);
}

export interface MetaServerMsg__Output {
  'host': (string);
  'port': (number);
}
