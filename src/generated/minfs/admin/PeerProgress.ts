// Original file: proto/admin.proto

import type { Long } from '@grpc/proto-loader';

export interface PeerProgress {
  'id'?: (string);
  'match_index'?: (number | string | Long);
  'next_index'?: (number | string | Long);
  /**
   * probe, replicate or snapshot
   */
  'state'?: (string);
  /**
   * Entries behind the leader's last index.
   */
  'lag'?: (number | string | Long);
}

export interface PeerProgress__Output {
  'id': (string);
  'match_index': (string);
  'next_index': (string);
  /**
   * probe, replicate or snapshot
   */
  'state': (string);
  /**
   * Entries behind the leader's last index.
   */
  'lag': (string);
}
