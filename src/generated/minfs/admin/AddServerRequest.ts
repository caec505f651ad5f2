// Original file: proto/admin.proto


export interface AddServerRequest {
  'id'?: (string);
  'raft_address'?: (string);
  /**
   * Where the new node serves gRPC: recorded through the log so every node can route to it.
   */
  'grpc_address'?: (string);
}

export interface AddServerRequest__Output {
  'id': (string);
  'raft_address': (string);
  /**
   * Where the new node serves gRPC: recorded through the log so every node can route to it.
   */
  'grpc_address': (string);
}
