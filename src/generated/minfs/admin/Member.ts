// Original file: proto/admin.proto


export interface Member {
  'id'?: (string);
  'raft_address'?: (string);
  /**
   * voter or nonvoter
   */
  'suffrage'?: (string);
  'grpc_address'?: (string);
  'leader'?: (boolean);
  /**
   * A non-voter waiting to be promoted once caught up (it joined with --join).
   */
  'promote'?: (boolean);
}

export interface Member__Output {
  'id': (string);
  'raft_address': (string);
  /**
   * voter or nonvoter
   */
  'suffrage': (string);
  'grpc_address': (string);
  'leader': (boolean);
  /**
   * A non-voter waiting to be promoted once caught up (it joined with --join).
   */
  'promote': (boolean);
}
