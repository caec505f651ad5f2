// Original file: proto/admin.proto

import type { Long } from '@grpc/proto-loader';

export interface TakenSnapshot {
  'node_id'?: (string);
  /**
   * The snapshot's index (0: none, nothing applied yet).
   */
  'index'?: (number | string | Long);
  'term'?: (number | string | Long);
  /**
   * A label only: the namespace is its own durable state, copied when a follower needs it.
   */
  'deferred'?: (boolean);
  /**
   * First index left in the log after compaction.
   */
  'first_log_index'?: (number | string | Long);
}

export interface TakenSnapshot__Output {
  'node_id': (string);
  /**
   * The snapshot's index (0: none, nothing applied yet).
   */
  'index': (string);
  'term': (string);
  /**
   * A label only: the namespace is its own durable state, copied when a follower needs it.
   */
  'deferred': (boolean);
  /**
   * First index left in the log after compaction.
   */
  'first_log_index': (string);
}
