// Original file: proto/metaserver.proto


export interface ReplicaData {
  'id'?: (string);
  /**
   * DataServer "ip:port"
   */
  'dsNode'?: (string);
  'path'?: (string);
}

export interface ReplicaData__Output {
  'id': (string);
  /**
   * DataServer "ip:port"
   */
  'dsNode': (string);
  'path': (string);
}
