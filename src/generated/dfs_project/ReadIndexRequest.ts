// Original file: proto/metaserver.proto


/**
 * minfs-metaserver extension: request of ReadIndex (between MetaServers).
 */
export interface ReadIndexRequest {
  /**
   * the asking follower, for the leader's log
   */
  'node_id'?: (string);
}

/**
 * minfs-metaserver extension: request of ReadIndex (between MetaServers).
 */
export interface ReadIndexRequest__Output {
  /**
   * the asking follower, for the leader's log
   */
  'node_id': (string);
}
